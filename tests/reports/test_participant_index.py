"""The participant rows' index on PostgreSQL is a B-tree on (campaign, school).

A BRIN was tried first (free during COPY) but a region's file interleaves campaigns and schools, so its block
ranges cover the whole table and the campaign page's class rows read every row of the year. On PostgreSQL the
table is partitioned (migration 0020): the index is a partitioned index, and a campaign's rows are found through
its copy on the campaign's own partition.
"""

import pytest
from django.db import connection

from reports.assessments.models import ParticipantResult
from reports.assessments.partitions import ensure_partitions

pytestmark = pytest.mark.django_db


def _indexes():
    with connection.cursor() as cursor:
        return connection.introspection.get_constraints(cursor, ParticipantResult._meta.db_table)


def test_rows_of_a_campaign_and_school_are_found_by_a_btree():
    indexes = {name: info for name, info in _indexes().items() if info["index"] and not info["primary_key"]}
    assert list(indexes) == ["participant_rows_campaign_school"]
    info = indexes["participant_rows_campaign_school"]
    assert info["columns"] == ["campaign_id", "school_id"]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'participant_rows_campaign_school'")
            assert "USING btree (campaign_id, school_id)" in cursor.fetchone()[0]


def _partition_indexes_of(name: str) -> set[str]:
    """The index and, on a partitioned table, the indexes of its partitions (migration 0020) built from it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH RECURSIVE tree AS (SELECT %s::regclass AS oid UNION ALL "
            "SELECT i.inhrelid FROM pg_inherits i JOIN tree ON i.inhparent = tree.oid) "
            "SELECT relname FROM pg_class JOIN tree USING (oid)",
            [name],
        )
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
def test_class_rows_of_one_campaign_use_the_index():
    ensure_partitions([1])  # as an import makes it for the campaign of its rows
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a near-empty table: ask whether an index can serve it
        cursor.execute(
            "EXPLAIN SELECT class_name FROM reports_participantresult "
            "WHERE campaign_id = 1 AND school_id IN (1, 2, 3) AND class_name <> ''"
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    used = {word for line in plan.splitlines() if " using " in line for word in line.split()}
    assert used & _partition_indexes_of("participant_rows_campaign_school"), plan
    assert "participant_rows_c1_kept" in plan  # the campaign's own partition, no other
    assert "participant_rows_default" not in plan
    assert "Bitmap Heap Scan" in plan or "Index Scan" in plan
