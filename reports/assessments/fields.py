"""Model fields of the results tables."""

from django.db import models


class TextJSONField(models.JSONField):
    """JSON kept as plain text on PostgreSQL — neither `jsonb` nor `json` — for values written in bulk and read rarely.

    A participant's task scores arrive a million at a time through COPY. Turning each object into `jsonb` cost
    PostgreSQL more than the rest of the COPY together (1,000,000 objects of 16 tasks: 7.3 s of CPU against 3.3 s for
    the whole COPY as `json`), and even `json`'s check of the syntax is a tenth of what is left (0.8 s). The text is
    only ever written by the import's own template (labels of digits, dots and brackets; whole points), so it is
    valid JSON by construction; readers cast it (`task_scores::json ->> '4(1)'`, `json_to_record(task_scores::json)`).
    Django's key lookups are not available on it, and nothing uses them. SQLite stores JSON as text either way.
    """

    def db_type(self, connection):
        if connection.vendor == "postgresql":
            return "text"
        return super().db_type(connection)
