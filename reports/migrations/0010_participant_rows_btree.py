from django.db import migrations

TABLE = "reports_participantresult"


def to_btree(apps, schema_editor):
    """A B-tree on PostgreSQL too: the campaign pages ask for one campaign's rows of a page of schools, and an
    import file interleaves campaigns and schools in any order, so the BRIN's ranges covered the whole table."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS participant_rows_brin")
        schema_editor.execute(f"CREATE INDEX participant_rows_campaign_school ON {TABLE} (campaign_id, school_id)")


def to_brin(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS participant_rows_campaign_school")
        schema_editor.execute(
            f"CREATE INDEX participant_rows_brin ON {TABLE} USING brin (campaign_id, school_id) "
            "WITH (pages_per_range = 32, autosummarize = on)"
        )


class Migration(migrations.Migration):
    dependencies = [("reports", "0009_recalculation_heartbeat")]

    operations = [migrations.RunPython(to_btree, to_brin)]
