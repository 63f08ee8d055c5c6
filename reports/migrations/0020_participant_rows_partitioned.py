"""Participant rows partitioned by campaign, and each campaign's rows by import, on PostgreSQL: replacing a whole
campaign becomes a TRUNCATE (reports/assessments/partitions.py). SQLite keeps its plain table.

The data, columns, check constraints, identity sequence (its next value) and the (campaign, school) index stay;
existing rows go to the `_kept` sub-partition of their campaign. The table has no primary key of its own any more:
a unique key of a partitioned table must hold every partitioning column, and `source_id` may be NULL; each leaf
keeps one on `id`, and the ids still come from the one sequence.
"""

from django.db import migrations

TABLE = "reports_participantresult"
OLD = "reports_participantresult_unpartitioned"
PARTITIONED = "reports_participantresult_partitioned"

# What partitions.ensure_partitions does, frozen here as it stands for this migration.
PARTITION_EXISTING_CAMPAIGNS = f"""
DO $$
DECLARE c bigint;
BEGIN
    FOR c IN SELECT DISTINCT campaign_id FROM {OLD} ORDER BY 1 LOOP
        EXECUTE format('CREATE TABLE participant_rows_c%s (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS) '
                       'PARTITION BY LIST (source_id)', c);
        EXECUTE format('CREATE TABLE participant_rows_c%s_kept PARTITION OF participant_rows_c%s DEFAULT', c, c);
        EXECUTE format('ALTER TABLE participant_rows_c%s_kept ADD PRIMARY KEY (id)', c);
        EXECUTE format('ALTER TABLE participant_rows_c%s ALTER COLUMN campaign_id SET STATISTICS 10, '
                       'ALTER COLUMN school_id SET STATISTICS 10', c);
        EXECUTE format('ALTER TABLE {TABLE} ATTACH PARTITION participant_rows_c%s FOR VALUES IN (%s)', c, c);
    END LOOP;
END $$
"""


def partition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in (
        f"ALTER TABLE {TABLE} RENAME TO {OLD}",
        f"ALTER SEQUENCE {TABLE}_id_seq RENAME TO {OLD}_id_seq",
        f"ALTER INDEX {TABLE}_pkey RENAME TO {OLD}_pkey",
        f"ALTER INDEX participant_rows_campaign_school RENAME TO {OLD}_campaign_school",
        f"CREATE TABLE {TABLE} (LIKE {OLD} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING IDENTITY) "
        "PARTITION BY LIST (campaign_id)",
        f"SELECT setval('{TABLE}_id_seq', last_value, is_called) FROM {OLD}_id_seq",
        f"CREATE INDEX participant_rows_campaign_school ON {TABLE} (campaign_id, school_id)",
        f"CREATE TABLE participant_rows_default PARTITION OF {TABLE} DEFAULT",
        "ALTER TABLE participant_rows_default ADD PRIMARY KEY (id)",
        PARTITION_EXISTING_CAMPAIGNS,
        f"INSERT INTO {TABLE} SELECT * FROM {OLD}",
        f"DROP TABLE {OLD}",
    ):
        schema_editor.execute(statement, params=None)  # no placeholders: format() in the DO block uses %s


def unpartition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in (
        f"ALTER TABLE {TABLE} RENAME TO {PARTITIONED}",
        f"ALTER SEQUENCE {TABLE}_id_seq RENAME TO {PARTITIONED}_id_seq",
        f"ALTER INDEX participant_rows_campaign_school RENAME TO {PARTITIONED}_campaign_school",
        f"CREATE TABLE {TABLE} (LIKE {PARTITIONED} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING IDENTITY)",
        f"SELECT setval('{TABLE}_id_seq', last_value, is_called) FROM {PARTITIONED}_id_seq",
        f"INSERT INTO {TABLE} SELECT * FROM {PARTITIONED}",
        f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY (id)",
        f"CREATE INDEX participant_rows_campaign_school ON {TABLE} (campaign_id, school_id)",
        f"DROP TABLE {PARTITIONED}",  # its partitions go with it
    ):
        schema_editor.execute(statement, params=None)  # no placeholders: format() in the DO block uses %s


class Migration(migrations.Migration):
    dependencies = [("reports", "0019_signed_documents")]

    operations = [migrations.RunPython(partition, unpartition)]
