"""The participant rows' index on PostgreSQL is a B-tree on (campaign, school).

A BRIN was tried first (free during COPY) but a region's file interleaves campaigns and schools, so its block
ranges cover the whole table and the campaign page's class rows read every row of the year.
"""

import pytest
from django.db import connection

from reports.assessments.models import ParticipantResult

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


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
def test_class_rows_of_one_campaign_use_the_index():
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a near-empty table: ask whether an index can serve it
        cursor.execute(
            "EXPLAIN SELECT class_name FROM reports_participantresult "
            "WHERE campaign_id = 1 AND school_id IN (1, 2, 3) AND class_name <> ''"
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "participant_rows_campaign_school" in plan
    assert "Bitmap Heap Scan" in plan or "Index Scan" in plan
