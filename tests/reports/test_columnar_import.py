"""The columnar lane of a large CSV protocol (reports/assessments/columnar.py) against the row-by-row reader.

Every file is imported both ways on the real PostgreSQL: the rows stored, the command's output and its problems must
be the same, and the lane must have been taken for a clean file and handed back for every kind of file it leaves to
the row-by-row reader.
"""

import pytest
from django.db import connection

from reports.assessments import columnar, commit
from reports.assessments.models import AggregatedResult, Campaign, ParticipantResult, ResultImport
from tests.commands import run

pytestmark = pytest.mark.django_db
HEADER = (
    "Год;Процедура;Предмет;Параллель;Код ОО;Класс;Код участника;Первичный балл;Максимальный балл;Отметка;"
    "Отметка по журналу;1;2;3;4(1);4(2)"
)


@pytest.fixture(autouse=True)
def _postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("the columnar lane is PostgreSQL's")


@pytest.fixture
def lanes(monkeypatch):
    """Counts the files the lane wrote and those it handed back."""
    taken = {"written": 0, "handed back": 0}
    write = columnar.write

    def counted(*args, **kwargs):
        try:
            write(*args, **kwargs)
        except columnar.NotForColumns:
            taken["handed back"] += 1
            raise
        taken["written"] += 1

    monkeypatch.setattr(columnar, "write", counted)
    return taken


def rows_stored() -> list[tuple]:
    return sorted(
        ParticipantResult.objects.values_list(
            "campaign__subject__name",
            "campaign__grade",
            "school__code",
            "class_name",
            "participant",
            "primary_score",
            "max_score",
            "mark",
            "test_score",
            "journal_mark",
            "task_scores",
        )
    )


def line(n, *, school="osh-16", subject="Математика", grade=5, tasks=(2, 1, 0, 1, 1), code=None, primary=None,
         mark=None, klass=None):  # fmt: skip
    total = sum(t if isinstance(t, int) else 0 for t in tasks) if primary is None else primary
    cells = ";".join(str(t) for t in tasks)
    mark = mark if mark is not None else 2 + n % 4
    return (
        f"2025;ВПР;{subject};{grade};{school};{klass or f'{grade}а'};{code or f'W{n:05d}'};{total};20;{mark};"
        f"{2 + (n + 1) % 4};{cells}"
    )


def clean_lines(count=600) -> list[str]:
    """Two subjects, three schools, two grades, classes, marks of «nothing earned», and untidy place cells that only
    the row-by-row reader's checks map (spaces, case, «5 А»)."""
    schools = ("osh-16", "sh-18", " OSH-16 ")
    lines = []
    for n in range(count):
        tasks = (n % 3, "х" if n % 7 == 0 else 1, "" if n % 5 == 0 else 0, n % 2, "-" if n % 11 == 0 else 1)
        lines.append(
            line(
                n,
                school=schools[n % 3],
                subject=("Математика", "Русский язык")[n % 2],
                grade=5 + n % 2,
                tasks=tasks,
                klass=("5 А" if n % 4 == 0 else None) if 5 + n % 2 == 5 else None,
            )
        )
    return lines


def import_both_ways(tmp_path, monkeypatch, text: str, encoding="utf-8", *args) -> tuple:
    """(code, output, problems, rows) of the lane and of the row-by-row reader, each on an empty database."""
    path = tmp_path / "protocol.csv"
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    outcomes = []
    for min_bytes in (0, 1 << 60):
        monkeypatch.setattr(commit, "COLUMNS_FROM_BYTES", min_bytes)
        code, out, err = run("import_results", str(path), *args)
        outcomes.append((code, out, err, rows_stored(), AggregatedResult.objects.count()))
        ParticipantResult.objects.all().delete()
        AggregatedResult.objects.all().delete()
        ResultImport.objects.all().delete()
        Campaign.objects.all().delete()
    return outcomes


def test_a_clean_protocol_is_written_in_columns_exactly_as_row_by_row(demo, tmp_path, monkeypatch, lanes):
    monkeypatch.setattr(columnar, "BLOCK", 8192)  # several batches: new places turn up in later ones
    lines = clean_lines()
    columns, rows = import_both_ways(tmp_path, monkeypatch, HEADER + "\n" + "\n".join(lines) + "\n")
    assert lanes == {"written": 1, "handed back": 0}
    assert columns[0] == 0, columns[2]
    assert columns == rows
    stored = columns[3]
    assert len(stored) == 600
    assert {row[2] for row in stored} == {"osh-16", "sh-18"}
    first = next(row for row in stored if row[4] == "W00000")
    # «х» and «» are no points; the JSON object keeps the file's labels.
    assert first[10] == {"1": 0, "2": 0, "3": 0, "4(1)": 0, "4(2)": 0}


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1251"])
def test_a_bom_or_windows_1251_file_takes_the_lane(demo, tmp_path, monkeypatch, lanes, encoding):
    text = HEADER + "\r\n" + "\r\n".join(clean_lines(50)) + "\r\n"
    columns, rows = import_both_ways(tmp_path, monkeypatch, text, encoding)
    assert lanes["written"] == 1
    assert columns[0] == 0, columns[2]
    assert columns == rows and len(columns[3]) == 50


def spoil(index: int, replacement: str):
    def change(lines: list[str]) -> list[str]:
        lines = list(lines)
        lines[index] = replacement
        return lines

    return change


HANDED_BACK = {
    "a code twice in a campaign, in another batch": lambda lines: [*lines, lines[2]],
    "a code with a space": spoil(300, line(300, code="W 300")),
    "a code with a backslash": spoil(300, line(300, code="W\\300")),
    "a code of 65 characters": spoil(300, line(300, code="W" * 65)),
    "a task cell with a leading zero": spoil(300, line(300, tasks=(2, 1, 0, 1, "01"), primary=5)),
    "a task cell above its maximum": spoil(300, line(300, tasks=(2, 1, 0, 1, 101), primary=5)),
    "task points that do not add up": spoil(300, line(300, primary=3)),
    "a task cell of a word": spoil(300, line(300, tasks=(2, 1, 0, 1, "два"), primary=4)),
    "a row one cell short": spoil(300, line(300).rsplit(";", 1)[0]),
    "a row one cell long": spoil(300, line(300) + ";1"),
    "a row of maxima under the header": lambda lines: ["Макс. балл;;;;;;;;;;;2;1;1;1;1", *lines],
    "a school outside the registry": spoil(300, line(300, school="no-such-school")),
    "a mark of 7": spoil(300, line(300, mark=7)),
    "a separator inside a cell": spoil(300, line(300, klass="5\x1fа")),
    # Joined, both places read «…;osh-16␟5а␟б»: the first is checked (and refused) before the second could borrow it.
    "two places whose cells join alike": lambda lines: [
        *lines,
        line(900, school="osh-16\x1f5а", klass="б"),
        line(901, school="osh-16", klass="5а\x1fб"),
    ],
}


@pytest.mark.parametrize("case", sorted(HANDED_BACK))
def test_what_the_lane_hands_back_reads_as_row_by_row(demo, tmp_path, monkeypatch, lanes, case):
    monkeypatch.setattr(columnar, "BLOCK", 8192)
    lines = HANDED_BACK[case](clean_lines())
    columns, rows = import_both_ways(tmp_path, monkeypatch, HEADER + "\n" + "\n".join(lines) + "\n")
    assert lanes["handed back"] == 1 and lanes["written"] == 0
    assert columns == rows


@pytest.mark.parametrize(
    "text",
    [
        pytest.param('"' + HEADER.replace(";", '";"') + '"\n' + "\n".join(clean_lines(20)) + "\n", id="quoted"),
        pytest.param("ВПР 2025. Протокол\n" + HEADER + "\n" + "\n".join(clean_lines(20)) + "\n", id="title row"),
    ],
)
def test_a_file_the_lane_does_not_take_is_read_row_by_row(demo, tmp_path, monkeypatch, lanes, text):
    columns, rows = import_both_ways(tmp_path, monkeypatch, text)
    assert lanes == {"written": 0, "handed back": 0}
    assert columns == rows and columns[0] == 0


def test_a_file_handed_back_after_batches_were_written_leaves_only_the_row_by_row_result(
    demo, tmp_path, monkeypatch, lanes
):
    """The duplicate is found after every batch went into COPY: the savepoint takes them back, and the refusal
    leaves nothing (and the earlier import stays as it was)."""
    monkeypatch.setattr(columnar, "BLOCK", 8192)
    monkeypatch.setattr(commit, "COLUMNS_FROM_BYTES", 0)
    earlier = tmp_path / "earlier.csv"
    earlier.write_text(HEADER + "\n" + "\n".join(clean_lines(40)) + "\n", encoding="utf-8")
    assert run("import_results", str(earlier))[0] == 0
    before = rows_stored()
    lines = clean_lines()
    path = tmp_path / "twice.csv"
    path.write_text(HEADER + "\n" + "\n".join([*lines, lines[5]]) + "\n", encoding="utf-8")
    code, _out, err = run("import_results", str(path))
    assert code == 1 and "«W00005»" in err and "строке 7" in err, err
    assert rows_stored() == before
    assert lanes == {"written": 1, "handed back": 1}


WIZARD_HEADER = "Год;Процедура;Предмет;Параллель;Код ОО;Класс;Код участника;Первичный балл;Отметка;Отметка по журналу"


def wizard_file(world, count: int, outside: bool = False) -> bytes:
    codes = [world.school.code, world.school.code.upper()]
    lines = [
        f"2021;ВПР;Русский язык;5;{codes[n % 2]};5а;A{n};{n % 30};{2 + n % 4};{2 + (n + 1) % 4}" for n in range(count)
    ]
    if outside:
        lines[count // 2] = f"2021;ВПР;Русский язык;5;{world.far_school.code};5а;FAR;10;3;3"
    return (WIZARD_HEADER + "\n" + "\n".join(lines) + "\n").encode()


def wizard_import(client, content: bytes) -> ResultImport:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    response = client.post(reverse("reports:results-upload"), {"file": SimpleUploadedFile("vpr.csv", content)})
    record = ResultImport.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
    if record.state == "checked":
        client.post(reverse("reports:results-confirm", kwargs={"pk": record.pk}))
        record.refresh_from_db()
    return record


def test_the_wizard_commits_a_protocol_through_the_lane(client_for, coordinator, world, lanes):
    """The upload is checked row by row, its confirmation written in columns from the kept file."""
    record = wizard_import(client_for(coordinator), wizard_file(world, 2000))
    assert record.state == "committed", record.problems
    assert lanes == {"written": 1, "handed back": 0}
    assert ParticipantResult.objects.filter(school=world.school).count() == 2000
    assert record.summary["participant_rows"] == 2000 and record.summary["school_count"] == 1


def test_a_school_outside_the_coordinators_area_is_refused_by_the_wizard(client_for, coordinator, world, lanes):
    record = wizard_import(client_for(coordinator), wizard_file(world, 2000, outside=True))
    assert record.state == "rejected"
    assert [p["row"] for p in record.problems] == [1002]
    assert not ParticipantResult.objects.exists()


@pytest.mark.parametrize("refused", [False, True])
def test_a_file_the_lane_does_not_take_is_opened_once(demo, tmp_path, monkeypatch, lanes, refused):
    """A quoted protocol (or one refused at its header) is read on from where the lane's look at its header
    stopped, not opened and surveyed a second time."""
    from reports.assessments import reader

    opened = []
    open_rows = reader.open_rows
    monkeypatch.setattr(reader, "open_rows", lambda *a, **k: opened.append(a) or open_rows(*a, **k))
    header = HEADER.replace("Код ОО", "Школа") if refused else HEADER
    path = tmp_path / "quoted.csv"
    path.write_text('"' + header.replace(";", '";"') + '"\n' + "\n".join(clean_lines(20)) + "\n", encoding="utf-8")
    code, _out, err = run("import_results", str(path))
    assert len(opened) == 1 and lanes == {"written": 0, "handed back": 0}
    assert (code, ParticipantResult.objects.count()) == ((1, 0) if refused else (0, 20)), err
