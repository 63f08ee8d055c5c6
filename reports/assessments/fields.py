"""Model fields of the results tables."""

from django.db import models


class TextJSONField(models.JSONField):
    """JSON kept as written — PostgreSQL's `json`, not `jsonb` — for values written in bulk and read rarely.

    A participant's task scores arrive a million at a time through COPY, and turning each object into `jsonb` cost
    PostgreSQL more than the rest of the load together (1,000,000 objects of 16 tasks: 7.3 s of CPU against 3.3 s
    for the whole COPY as `json`, bench/results_import.py). The analysis reads the same keys from `json` (`->>`,
    `json_to_record`); only jsonb's containment and key-existence lookups are not available, and nothing uses them.
    SQLite stores JSON as text either way.
    """

    def db_type(self, connection):
        if connection.vendor == "postgresql":
            return "json"
        return super().db_type(connection)

    def from_db_value(self, value, expression, connection):
        # psycopg2 decodes `json` itself (Django turns that off only for `jsonb`).
        if isinstance(value, dict | list):
            return value
        return super().from_db_value(value, expression, connection)
