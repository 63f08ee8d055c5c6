"""Participant rows partitioned by campaign and, within a campaign, by import (migration 0020, partitions.py):
a file that replaces every school of a campaign truncates the campaign's older rows instead of deleting them one
by one; a file that replaces some schools deletes theirs and keeps the rest; a refused file changes nothing."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.models import School
from reports.assessments.models import Campaign, ParticipantResult, ResultImport
from reports.assessments.partitions import DEFAULT, campaign_partition, import_partition, kept_partition

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite keeps one plain table"),
]
PROTOCOL = (
    "Год;Процедура;Предмет;Параллель;Код ОО;Класс;Код участника;Первичный балл;Максимальный балл;Отметка;"
    "Отметка по журналу"
)
SCHOOLS = ("osh-16", "sh-18")


def rows(count: int, *, subject="Русский язык", schools=SCHOOLS, prefix="P") -> list[str]:
    return [
        f"2021;ВПР;{subject};5;{schools[n % len(schools)]};5а;{prefix}{n:05d};{n % 40};45;{2 + n % 4};4"
        for n in range(count)
    ]


def import_lines(tmp_path, lines: list[str], name="results.csv") -> tuple[int, str]:
    path = tmp_path / name
    path.write_text(PROTOCOL + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_results", str(path), stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, err.getvalue()
    return 0, out.getvalue()


def campaign(subject="Русский язык") -> Campaign:
    return Campaign.objects.get(subject__name=subject, year=2021, grade=5)


def partitions_of(parent: str) -> dict[str, int]:
    """The partitions of a table with the rows each holds."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = %s::regclass",
            [parent],
        )
        names = [row[0] for row in cursor.fetchall()]
        counts = {}
        for name in names:
            cursor.execute(f"SELECT count(*) FROM {name}")  # noqa: S608 — names read from the catalogue
            counts[name] = cursor.fetchone()[0]
    return counts


def relfilenode(name: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT relfilenode FROM pg_class WHERE oid = %s::regclass", [name])
        return cursor.fetchone()[0]


def stored(model_campaign: Campaign) -> list[tuple]:
    return sorted(
        ParticipantResult.objects.filter(campaign=model_campaign).values_list(
            "id", "school__code", "participant", "mark", "source_id"
        )
    )


def test_an_import_puts_each_campaign_in_a_partition_and_its_rows_in_its_own_sub_partition(demo, tmp_path):
    code, out = import_lines(tmp_path, rows(40) + rows(10, subject="Математика", prefix="M"))
    assert code == 0, out
    record = ResultImport.objects.get()
    russian, maths = campaign(), campaign("Математика")
    assert {campaign_partition(russian.pk), campaign_partition(maths.pk), DEFAULT} == set(
        partitions_of("reports_participantresult")
    )
    assert partitions_of(campaign_partition(russian.pk)) == {
        kept_partition(russian.pk): 0,
        import_partition(russian.pk, record.pk): 40,
    }
    assert partitions_of(campaign_partition(maths.pk))[import_partition(maths.pk, record.pk)] == 10
    assert partitions_of(DEFAULT) == {} and ParticipantResult.objects.count() == 50
    # A smaller sample per partition keeps the import's ANALYZE of the whole table cheap.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attrelid::regclass::text, attstattarget FROM pg_attribute WHERE attname = 'school_id' "
            "AND attrelid = ANY(%s::regclass[])",
            [[kept_partition(russian.pk), import_partition(russian.pk, record.pk), "reports_participantresult"]],
        )
        assert dict(cursor.fetchall()) == {
            kept_partition(russian.pk): 10,
            import_partition(russian.pk, record.pk): 10,
            "reports_participantresult": -1,
        }


def test_a_file_replacing_every_school_of_a_campaign_truncates_its_older_rows(demo, tmp_path):
    assert import_lines(tmp_path, rows(40) + rows(10, subject="Математика", prefix="M"))[0] == 0
    first = ResultImport.objects.get()
    russian, maths = campaign(), campaign("Математика")
    maths_rows = stored(maths)
    kept_file = relfilenode(kept_partition(russian.pk))

    with CaptureQueriesContext(connection) as queries:
        code, out = import_lines(tmp_path, rows(30, prefix="N"), name="again.csv")
    assert code == 0 and "заменено прежних строк — 40" in out, out
    second = ResultImport.objects.exclude(pk=first.pk).get()
    statements = [query["sql"] for query in queries.captured_queries]
    truncated = [sql for sql in statements if sql.startswith("TRUNCATE")]
    assert truncated == [f"TRUNCATE {import_partition(russian.pk, first.pk)}, {kept_partition(russian.pk)}"]
    assert not [sql for sql in statements if sql.startswith("DELETE") and "participant" in sql]
    # The older import's sub-partition is gone and _kept is a new, empty file: nothing left for VACUUM.
    assert partitions_of(campaign_partition(russian.pk)) == {
        kept_partition(russian.pk): 0,
        import_partition(russian.pk, second.pk): 30,
    }
    assert relfilenode(kept_partition(russian.pk)) != kept_file
    assert {participant for _id, _school, participant, _mark, _source in stored(russian)} == {
        f"N{n:05d}" for n in range(30)
    }
    assert stored(maths) == maths_rows  # another campaign of the first file: untouched


def test_a_file_replacing_some_schools_keeps_the_others_and_folds_its_rows_into_kept(demo, tmp_path):
    assert import_lines(tmp_path, rows(40))[0] == 0
    first = ResultImport.objects.get()
    russian = campaign()
    sh18 = [row for row in stored(russian) if row[1] == "sh-18"]

    code, out = import_lines(tmp_path, rows(6, schools=("osh-16",), prefix="N"), name="osh.csv")
    assert code == 0 and "заменено прежних строк — 20" in out, out
    second = ResultImport.objects.exclude(pk=first.pk).get()
    assert [row for row in stored(russian) if row[1] == "sh-18"] == sh18
    assert sorted(
        ParticipantResult.objects.filter(campaign=russian, school__code="osh-16").values_list("participant", "source")
    ) == [(f"N{n:05d}", second.pk) for n in range(6)]
    # The first import's sub-partition keeps sh-18; the second's rows went to _kept: no sub-partition per upload.
    assert partitions_of(campaign_partition(russian.pk)) == {
        kept_partition(russian.pk): 6,
        import_partition(russian.pk, first.pk): 20,
    }

    # A later file with both schools replaces all of it, the folded rows included.
    code, out = import_lines(tmp_path, rows(4, prefix="Z"), name="both.csv")
    assert code == 0 and "заменено прежних строк — 26" in out, out
    third = ResultImport.objects.latest("created_at")
    assert partitions_of(campaign_partition(russian.pk)) == {
        kept_partition(russian.pk): 0,
        import_partition(russian.pk, third.pk): 4,
    }


def test_a_refused_re_import_keeps_every_row_and_partition(demo, tmp_path):
    """The file truncates the first campaign, then a participant code clashes in the second: all rolls back."""
    first_file = rows(40) + rows(10, subject="Математика", schools=("osh-16", "sh-18"), prefix="M")
    assert import_lines(tmp_path, first_file)[0] == 0
    russian, maths = campaign(), campaign("Математика")
    before = (stored(russian), stored(maths), partitions_of(campaign_partition(russian.pk)))
    # Every Russian school (a truncate), and for maths only sh-18 with a code kept for osh-16.
    clash = "2021;ВПР;Математика;5;sh-18;5а;M00000;30;45;4;4"
    code, err = import_lines(tmp_path, [*rows(30, prefix="N"), clash], name="clash.csv")
    assert code == 1 and "«M00000»" in err, err
    assert (stored(russian), stored(maths), partitions_of(campaign_partition(russian.pk))) == before
    assert ResultImport.objects.count() == 1


def test_a_bad_row_at_the_end_of_a_re_import_keeps_every_row(demo, tmp_path):
    assert import_lines(tmp_path, rows(40))[0] == 0
    russian = campaign()
    before = stored(russian)
    bad = "2021;ВПР;Русский язык;5;osh-16;5а;X;30;45;7;4"  # a mark of 7
    code, err = import_lines(tmp_path, [*rows(40, prefix="N"), bad], "bad.csv")
    assert code == 1 and "Отметка" in err, err
    assert stored(russian) == before
    assert set(partitions_of(campaign_partition(russian.pk))) == {
        kept_partition(russian.pk),
        import_partition(russian.pk, ResultImport.objects.get().pk),
    }


def test_rows_written_outside_an_import_move_from_the_default_partition_when_an_import_opens_the_campaign(
    demo, tmp_path
):
    """The DEFAULT partition takes rows of a campaign that has no partition yet, so no insert fails; the first
    import of the campaign moves them into the campaign's partition, and replaces them like any other."""
    assert import_lines(tmp_path, rows(2, subject="Математика", prefix="M"))[0] == 0
    maths = campaign("Математика")
    russian = Campaign.objects.create(procedure=maths.procedure, year=2021, grade=5, subject=_subject("Русский язык"))
    osh, sh18 = School.objects.get(code="osh-16"), School.objects.get(code="sh-18")
    ParticipantResult.objects.create(campaign=russian, school=osh, participant="OLD-1")
    ParticipantResult.objects.create(campaign=russian, school=sh18, participant="OLD-2")
    assert partitions_of(DEFAULT) == {}  # a leaf: the rows are in it
    assert ParticipantResult.objects.filter(campaign=russian).count() == 2
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {DEFAULT}")  # noqa: S608 — a constant name
        assert cursor.fetchone()[0] == 2

    code, out = import_lines(tmp_path, rows(3, schools=("osh-16",), prefix="N"), name="osh.csv")
    assert code == 0 and "заменено прежних строк — 1" in out, out
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {DEFAULT}")  # noqa: S608 — a constant name
        assert cursor.fetchone()[0] == 0
    assert sorted(ParticipantResult.objects.filter(campaign=russian).values_list("participant", flat=True)) == [
        "N00000",
        "N00001",
        "N00002",
        "OLD-2",
    ]
    assert partitions_of(campaign_partition(russian.pk)) == {kept_partition(russian.pk): 4}


def _subject(name):
    from reports.assessments.models import Subject

    return Subject.objects.get(name=name)


def test_the_orm_reads_updates_and_deletes_across_partitions(demo, tmp_path):
    assert import_lines(tmp_path, rows(40) + rows(10, subject="Математика", prefix="M"))[0] == 0
    russian, maths = campaign(), campaign("Математика")
    row = ParticipantResult.objects.get(campaign=russian, participant="P00003")
    assert ParticipantResult.objects.get(pk=row.pk) == row
    ParticipantResult.objects.filter(pk=row.pk).update(mark=5)
    assert ParticipantResult.objects.get(pk=row.pk).mark == 5

    # Deleting an import keeps its rows without a source: they move to the campaign's _kept sub-partition.
    ResultImport.objects.get().delete()
    assert not ParticipantResult.objects.filter(source__isnull=False).exists()
    assert partitions_of(campaign_partition(russian.pk))[kept_partition(russian.pk)] == 40

    School.objects.get(code="sh-18").delete()  # Django's cascade: a DELETE over every partition
    assert ParticipantResult.objects.filter(campaign=russian).count() == 20
    assert ParticipantResult.objects.filter(campaign=maths).count() == 5
    maths.delete()
    assert not ParticipantResult.objects.filter(campaign_id=maths.pk).exists()
    assert ParticipantResult.objects.count() == 20
