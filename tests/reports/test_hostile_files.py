"""Broken and hostile results files are refused one by one with a precise Russian message, nothing written, in
bounded memory and time; every quirk docs/import-formats.md allows is read with the right numbers.

Each file is made in the test by a small builder: openpyxl for workbooks, hand-built archives for bombs.
"""

import re
import struct
import time
import tracemalloc
import zipfile
import zlib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation
from openpyxl import Workbook

from registry.models import School
from reports.assessments.models import AggregatedResult, Campaign, ParticipantResult, ResultImport
from reports.assessments.reader import Supplied, read_results
from tests.commands import run
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db
HEADER = [
    "Год",
    "Процедура",
    "Предмет",
    "Параллель",
    "Код ОО",
    "Класс",
    "Код участника",
    "Первичный балл",
    "Максимальный балл",
    "Отметка",
    "Отметка по журналу",
]
PROTOCOL = ";".join(HEADER)
GOOD = "2024;ВПР;Русский язык;5;osh-16;5а;A-1;30;45;4;4"
STATISTICS = "Год;Процедура;Предмет;Параллель;Код ОО;Количество участников;2;3;4;5"
MEMORY_LIMIT = 40 * 2**20  # peak of Python allocations while a file is refused, whatever its size
TIME_LIMIT = 30  # seconds; the 1 GiB zip bomb takes a few here


@pytest.fixture(autouse=True)
def _russian():
    with translation.override("ru"):
        yield


@pytest.fixture
def schools(db):
    return {code: SchoolFactory(code=code).pk for code in ("osh-16", "novopavshino")}


def stored() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (ParticipantResult, AggregatedResult, Campaign, ResultImport))


# --- builders -----------------------------------------------------------------------------------------------------


def text_file(name: str, text: str, encoding="utf-8"):
    def build(tmp_path: Path) -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return build


def raw_file(name: str, content: bytes):
    def build(tmp_path: Path) -> Path:
        path = tmp_path / name
        path.write_bytes(content)
        return path

    return build


def workbook(sheets, name="results.xlsx", after=None):
    """sheets: [(title, rows, state)]; `after(path)` may rewrite the saved file."""

    def build(tmp_path: Path) -> Path:
        wb = Workbook()
        wb.remove(wb.active)
        for title, rows, state in sheets:
            ws = wb.create_sheet(title)
            ws.sheet_state = state
            for row in rows:
                ws.append(row)
        path = tmp_path / name
        wb.save(path)
        if after:
            after(path)
        return path

    return build


def protocol_book(*rows, after=None, name="results.xlsx"):
    return workbook([("Результаты", [HEADER, *rows], "visible")], name=name, after=after)


GOOD_ROW = [2024, "ВПР", "Русский язык", 5, "osh-16", "5а", "A-1", 30, 45, 4, 4]


def rewrite(replace: dict):
    """Rewrite members of a saved archive: a value is the new content or a function of the old one."""

    def after(path: Path):
        with zipfile.ZipFile(path) as source:
            members = [(info, source.read(info)) for info in source.infolist()]
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
            for info, data in members:
                change = replace.get(info.filename)
                target.writestr(info.filename, change(data) if callable(change) else change or data)

    return after


def hand_zip(members) -> bytes:
    """A zip written byte by byte: members are (name, stored data, crc, declared size, method, flags)."""
    out, central = bytearray(), bytearray()
    for name, payload, crc, size, method, flags in members:
        encoded, offset = name.encode(), len(out)
        out += struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, flags, method, 0, 0, crc, len(payload), size, len(encoded), 0
        )
        out += encoded + payload
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            20,
            20,
            flags,
            method,
            0,
            0,
            crc,
            len(payload),
            size,
            len(encoded),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        central += encoded
    start = len(out)
    out += central + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), start, 0)
    return bytes(out)


def stored_member(name: str, data: bytes, flags=0):
    return (name, data, zlib.crc32(data), len(data), 0, flags)


WORKBOOK_XML = (
    b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheets><sheet name="Sheet1" sheetId="1"/></sheets></workbook>'
)


def deflated_blanks(mib: int) -> bytes:
    """`mib` MiB of XML (blanks inside a worksheet) deflated to about 1 KB per MiB.

    A full-flushed block of blanks deflates to the same bytes every time, so a bomb is made in milliseconds.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    blanks = b" " * 2**20
    prolog = b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    first = compressor.compress(prolog + blanks[len(prolog) :]) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(blanks) + compressor.flush(zlib.Z_FULL_FLUSH)
    return first + block * (mib - 1) + compressor.flush()


def bomb(mib: int, declared: int | None = None):
    """A workbook whose sheet inflates to `mib` MiB; `declared` is the size its archive claims (the truth if None)."""

    def build(tmp_path: Path) -> Path:
        path = tmp_path / "bomb.xlsx"
        size = mib * 2**20 if declared is None else declared
        sheet = ("xl/worksheets/sheet1.xml", deflated_blanks(mib), 0, size, 8, 0)  # the CRC is never reached
        path.write_bytes(hand_zip([stored_member("xl/workbook.xml", WORKBOOK_XML), sheet]))
        return path

    return build


zip_bomb = bomb(1025)  # 1 GiB + 1 MiB


LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, b"".join(b"&lol%d;" % (i - 1) if i > 1 else b"&lol;" for _ in range(10)))
        for i in range(1, 10)
    )
    + b']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
    b'<c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
)
XXE = (
    b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">&xxe;</workbook>'
)


def cut(build, keep=0.5):
    def cut_build(tmp_path: Path) -> Path:
        path = build(tmp_path)
        data = path.read_bytes()
        path.write_bytes(data[: int(len(data) * keep)])
        return path

    return cut_build


def encrypted_ole(tmp_path: Path) -> Path:
    """What Excel writes for a workbook with a password: an OLE container holding «EncryptedPackage»."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    directory = "Root Entry".encode("utf-16-le").ljust(128, b"\0") + "EncryptedPackage".encode("utf-16-le")
    path = tmp_path / "password.xlsx"
    path.write_bytes(header + directory.ljust(1024, b"\0") + bytes(4096))
    return path


def over_50_mb(tmp_path: Path) -> Path:
    line = f"{GOOD}\n".encode()
    path = tmp_path / "huge.csv"
    path.write_bytes((PROTOCOL + "\n").encode() + line * (50 * 2**20 // len(line) + 10))
    return path


def cached_formula(path: Path):
    # openpyxl writes the empty value as «<v />» with the standard library and as «<v></v>» when lxml is installed
    # (pyHanko brings it); a rewrite that changes nothing would test a formula without a cached value instead.
    def change(xml: bytes) -> bytes:
        changed = re.sub(rb"<f>2\+2</f><v\s*(/>|></v>)", b"<f>2+2</f><v>4</v>", xml)
        assert changed != xml, "the formula's empty value was not found"
        return changed

    rewrite({"xl/worksheets/sheet1.xml": change})(path)


def wrong_dimension(path: Path):
    def change(xml: bytes) -> bytes:
        start = xml.index(b'<dimension ref="') + len(b'<dimension ref="')
        return xml[:start] + b"A1:B2" + xml[xml.index(b'"', start) :]

    rewrite({"xl/worksheets/sheet1.xml": change})(path)


def utf16_part(path: Path):
    rewrite({"xl/worksheets/sheet1.xml": lambda xml: xml.decode().encode("utf-16")})(path)


# --- the hostile corpus -------------------------------------------------------------------------------------------


@dataclass
class Hostile:
    id: str
    build: object
    message: str
    row: int | None = None
    column: str | None = None
    args: tuple = ()
    supplied: dict = field(default_factory=dict)
    cli: bool = True  # also run `import_results` on it


def statistics(row: str, header: str = STATISTICS) -> str:
    return f"{header}\n{row}\n"


def protocol(*rows: str) -> str:
    return "\n".join([PROTOCOL, GOOD, *rows]) + "\n"


HOSTILE = [
    # The command line reads a workbook with the same code; the bomb takes seconds to unpack, so the command is
    # shown refusing it in test_the_command_line_refuses_a_zip_bomb_and_writes_nothing with a smaller limit.
    Hostile("zip-bomb", zip_bomb, "Книга в распакованном виде больше 1 ГБ", cli=False),
    Hostile("zip-lying-about-its-size", bomb(100, declared=1024), "повреждённая книга .xlsx"),
    Hostile(
        "billion-laughs",
        protocol_book(GOOD_ROW, after=rewrite({"xl/worksheets/sheet1.xml": LAUGHS})),
        "объявлены XML-сущности",
    ),
    Hostile("external-entity", protocol_book(GOOD_ROW, after=rewrite({"xl/workbook.xml": XXE})), "XML-сущности"),
    Hostile("utf16-xml-part", protocol_book(GOOD_ROW, after=utf16_part), "Книгу не удаётся прочитать"),
    Hostile(
        "xls-renamed",
        raw_file("old.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000)),
        "старая книга Excel (.xls)",
    ),
    Hostile("password-protected", encrypted_ole, "Книга защищена паролем"),
    Hostile(
        "zip-encrypted-member",
        raw_file(
            "locked.xlsx",
            hand_zip([stored_member("xl/workbook.xml", WORKBOOK_XML), stored_member("xl/x.xml", b"<x/>", flags=1)]),
        ),
        "Книга зашифрована",
    ),
    Hostile(
        "html-renamed",
        text_file("page.xlsx", "<!DOCTYPE html><html><body>Ошибка 404</body></html>"),
        "похоже на веб-страницу",
    ),
    Hostile("pdf-renamed", raw_file("scan.xlsx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"), "документ или изображение"),
    Hostile("gzip-renamed", raw_file("results.csv", b"\x1f\x8b\x08\x00" + bytes(100)), "сжатый архив"),
    Hostile(
        "binary-garbage",
        raw_file("results.csv", b"".join(bytes([i, 0, 0, 0]) for i in range(256)) * 4),
        "двоичный файл",
    ),
    Hostile("utf16-text", text_file("unicode.csv", PROTOCOL + "\n" + GOOD + "\n", "utf-16"), "UTF-16"),
    Hostile("cut-xlsx", cut(protocol_book(GOOD_ROW)), "повреждённая книга .xlsx"),
    Hostile(
        "docx-renamed",
        raw_file("letter.xlsx", hand_zip([stored_member("word/document.xml", b"<w:document/>")])),
        "документ Word",
    ),
    Hostile(
        "ods-renamed",
        raw_file(
            "calc.xlsx",
            hand_zip(
                [
                    stored_member("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
                    stored_member("content.xml", b"<office:document-content/>"),
                ]
            ),
        ),
        "таблица OpenDocument (.ods)",
    ),
    Hostile(
        "zip-without-workbook",
        raw_file("archive.xlsx", hand_zip([stored_member("readme.txt", b"hello")])),
        "Архив не является книгой Excel",
    ),
    Hostile("empty-file", raw_file("empty.csv", b""), "Файл пустой"),
    Hostile("only-blank-lines", raw_file("blank.csv", b"\r\n\r\n;;;\r\n"), "Файл пустой"),
    Hostile("header-only", text_file("header.csv", PROTOCOL + "\n"), "нет строк с результатами"),
    Hostile("header-only-xlsx", protocol_book(), "нет строк с результатами"),
    Hostile(
        "no-header-row",
        text_file("no-header.csv", "Год;Процедура;Участник\n2024;ВПР;A-1\n"),
        "не найден столбец «Код ОО»",
        column="Код ОО",
    ),
    Hostile(
        "required-column-missing",
        text_file("no-year.csv", PROTOCOL.replace("Год;", "") + "\n" + GOOD.replace("2024;", "", 1) + "\n"),
        "Нет обязательного столбца «Год»",
        row=1,
        column="Год",
    ),
    Hostile(
        "formula-without-value",
        protocol_book([2024, "ВПР", "Русский язык", 5, "osh-16", "5а", "A-1", 30, 45, "=2+2", 4]),
        "В ячейке J2 формула без сохранённого значения",
        row=2,
        column="Отметка",
    ),
    Hostile(
        "data-only-on-a-hidden-sheet",
        workbook(
            [("Сводка", [["Результаты ВПР 2024"]], "visible"), ("Данные", [HEADER, GOOD_ROW], "hidden")],
        ),
        "на скрытом листе «Данные»",
    ),
    Hostile(
        "utf8-line-in-windows-1251",
        raw_file(
            "mixed.csv",
            (PROTOCOL + "\n" + GOOD + "\n").encode("cp1251") + (GOOD.replace("A-1", "A-2") + "\n").encode(),
        ),
        "Строка 3 в другой кодировке",
    ),
    Hostile(
        "windows-1251-line-in-utf8",
        raw_file("mixed.csv", (PROTOCOL + "\n" + GOOD + "\n").encode() + GOOD.replace("A-1", "A-2").encode("cp1251")),
        "Строка 3 в другой кодировке",
    ),
    Hostile(
        "nul-in-a-cell",
        text_file("nul.csv", protocol(GOOD.replace("A-1", "A\x00-2"))),
        "управляющие символы",
        row=3,
        column="Код участника",
    ),
    Hostile(
        "escape-in-a-cell",
        text_file("esc.csv", protocol(GOOD.replace("A-1", "A-2").replace("5а", "5\x1bа"))),
        "управляющие символы",
        row=3,
        column="Класс",
    ),
    Hostile(
        "cell-over-10000-characters",
        text_file("long-cell.csv", protocol(GOOD.replace("A-1", "A" * 10_001))),
        "длиннее 10 000 символов",
        row=3,
        column="Код участника",
    ),
    Hostile(
        "cell-over-the-csv-field-limit",
        text_file("longer-cell.csv", protocol(GOOD.replace("A-1", "A" * 200_000))),
        "Ячейка длиннее 10 000 символов",
        row=3,
        column="Код участника",
    ),
    Hostile(
        "quoted-cell-over-the-csv-field-limit",
        text_file("longer-quoted-cell.csv", protocol(GOOD.replace("A-1", '"' + "A" * 200_000 + '"'))),
        "В строке 3 есть ячейка длиннее 10 000 символов",
    ),
    Hostile(
        "line-over-1-mib",
        text_file("long-line.csv", protocol(GOOD + ";" + "x" * 2**20)),
        "Строка 3 длиннее 1 МБ",
    ),
    Hostile(
        "quoted-record-over-1-mib",
        text_file("long-record.csv", protocol(GOOD + (';"' + ("x" * 1000 + "\n") * 100 + '"') * 11)),
        "Строка 3 длиннее 1 МБ",
    ),
    Hostile(
        "too-many-columns",
        text_file("wide.csv", PROTOCOL + ";" * 20_000 + "\n" + GOOD + "\n"),
        "больше 16 384 столбцов",
    ),
    Hostile(
        "look-alike-school-code",
        text_file("lookalike.csv", protocol(GOOD.replace("osh-16", "оsh-16").replace("A-1", "A-2"))),  # Cyrillic «о»
        "Неизвестный код школы «оsh-16»; возможно, имелся в виду «osh-16»",
        row=3,
        column="Код ОО",
    ),
    Hostile(
        "counts-do-not-add-up",
        text_file("sum.csv", statistics("2024;ВПР;Математика;5;novopavshino;5;1;1;1;1")),
        "в сумме дают 4, а не 5",
        row=2,
        column="Количество участников",
    ),
    Hostile(
        "percentages-without-whole-numbers",
        text_file(
            "percent.csv",
            statistics(
                "2024;ВПР;Математика;5;novopavshino;7;30;30;30;10",
                STATISTICS.replace(";2;3;4;5", ";2 (%);3 (%);4 (%);5 (%)"),
            ),
        ),
        "Проценты отметок не дают целого числа",
        row=2,
    ),
    Hostile(
        "negative-count-of-marks",
        text_file("negative.csv", statistics("2024;ВПР;Математика;5;novopavshino;5;6;-1;0;0")),
        "«-1» — отрицательное число",
        row=2,
        column="3",
    ),
    Hostile(
        "negative-participants",
        text_file("negative.csv", statistics("2024;ВПР;Математика;5;novopavshino;-4;0;0;0;0")),
        "численность не может быть отрицательной",
        row=2,
        column="Количество участников",
    ),
    Hostile(
        "nan-count",
        text_file("nan.csv", statistics("2024;ВПР;Математика;5;novopavshino;4;NaN;1;1;1")),
        "«NaN» — не число",
        row=2,
        column="2",
    ),
    Hostile(
        "infinite-count",
        text_file("inf.csv", statistics("2024;ВПР;Математика;5;novopavshino;4;1;inf;1;1")),
        "«inf» — не число",
        row=2,
        column="3",
    ),
    Hostile(
        "mark-outside-2-5",
        text_file("mark.csv", protocol(GOOD.replace("A-1", "A-2").replace(";45;4;4", ";45;6;4"))),
        "вне диапазона 2–5",
        row=3,
        column="Отметка",
    ),
    Hostile(
        "score-above-maximum",
        text_file("score.csv", protocol(GOOD.replace("A-1", "A-2").replace(";30;45;", ";46;45;"))),
        "вне диапазона 0…45",
        row=3,
        column="Первичный балл",
    ),
    Hostile(
        "test-score-over-100",
        text_file(
            "ege.csv",
            "Год;Процедура;Предмет;Параллель;Код ОО;Код участника;Тестовый балл\n"
            "2024;ЕГЭ;Русский язык;11;osh-16;E-1;101\n",
        ),
        "вне диапазона 0–100",
        row=2,
        column="Тестовый балл",
    ),
    Hostile(
        "class-of-another-grade",
        text_file("class.csv", protocol(GOOD.replace("A-1", "A-2").replace("5а", "6а"))),
        "не относится к 5 классу",
        row=3,
        column="Класс",
    ),
    Hostile(
        "duplicate-participant",
        text_file("duplicate.csv", protocol(GOOD)),
        "уже есть в строке 2",
        row=3,
        column="Код участника",
    ),
    Hostile(
        "supplied-year-contradicted",
        text_file("supplied.csv", protocol()),
        "а для загрузки задано «2023»",
        row=2,
        column="Год",
        args=("--year", "2023"),
        supplied={"year": 2023},
    ),
    Hostile(
        "text-instead-of-a-number",
        text_file("text.csv", protocol(GOOD.replace("A-1", "A-2").replace(";30;", ";тридцать;"))),
        "«тридцать» — не целое число",
        row=3,
        column="Первичный балл",
    ),
    Hostile(
        "infinite-score",
        text_file("inf-score.csv", protocol(GOOD.replace("A-1", "A-2").replace(";30;", ";Infinity;"))),
        "не целое число",
        row=3,
        column="Первичный балл",
    ),
    Hostile(
        "score-with-a-huge-exponent",
        text_file("exponent.csv", protocol(GOOD.replace("A-1", "A-2").replace(";30;", ";1e999999999;"))),
        "вне допустимого диапазона",
        row=3,
        column="Первичный балл",
    ),
    Hostile(
        "score-of-5000-digits",
        text_file("digits.csv", protocol(GOOD.replace("A-1", "A-2").replace(";30;", ";" + "9" * 5000 + ";"))),
        "вне допустимого диапазона",
        row=3,
        column="Первичный балл",
    ),
    Hostile(
        "excel-error-value",
        protocol_book([2024, "ВПР", "Русский язык", 5, "osh-16", "5а", "A-1", "#DIV/0!", 45, 4, 4]),
        "«#DIV/0!» — не целое число",
        row=2,
        column="Первичный балл",
    ),
    # The command line has no upload limit (1,000,000-row files are imported with it): the reader is checked.
    Hostile("file-over-50-mb", over_50_mb, "Файл больше 50 МБ", cli=False),
]


@pytest.mark.parametrize("case", HOSTILE, ids=[case.id for case in HOSTILE])
def test_a_hostile_file_is_refused_precisely_in_bounded_memory_and_time(schools, tmp_path, case):
    path = case.build(tmp_path)
    before = stored()
    tracemalloc.start()
    started = time.monotonic()
    try:
        parsed = read_results(path, allowed_schools=schools, supplied=Supplied(**case.supplied))
        elapsed = time.monotonic() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert not parsed.ok
    matching = [problem for problem in parsed.problems if case.message in problem.message]
    assert matching, [problem.message for problem in parsed.problems]
    if case.row is not None:
        assert matching[0].row == case.row
    if case.column is not None:
        assert matching[0].column == case.column
    assert peak < MEMORY_LIMIT and elapsed < TIME_LIMIT, (peak, elapsed)
    if case.cli:
        code, _out, err = run("import_results", str(path), *case.args)
        assert code == 1 and case.message in err and "Ничего не записано" in err, err
    assert stored() == before


def test_the_command_line_refuses_a_zip_bomb_and_writes_nothing(schools, tmp_path, monkeypatch):
    monkeypatch.setattr("shnor_portal.files.archive.MAX_UNPACKED", 8 * 2**20)
    before = stored()
    code, _out, err = run("import_results", str(bomb(9)(tmp_path)))
    assert code == 1 and "Книга в распакованном виде больше 1 ГБ" in err and "Ничего не записано" in err, err
    assert stored() == before


def test_the_corpus_has_at_least_25_kinds(schools):
    assert len({case.id for case in HOSTILE}) >= 25


def test_a_file_over_the_upload_limit_is_read_when_there_is_no_limit(schools, tmp_path):
    """`max_bytes=None` (the command line) lifts the 50 MB limit: the rows are streamed, not kept."""
    from shnor_portal.files.rows import open_rows

    path = over_50_mb(tmp_path)
    kind, _sheet, rows = open_rows(path, max_bytes=None)  # the first pass over all the bytes is done here
    first = [next(rows) for _ in range(3)]
    rows.close()
    assert kind == "csv" and [number for number, _row in first] == [1, 2, 3] and first[1][1][4] == "osh-16"


# --- allowed quirks -----------------------------------------------------------------------------------------------


@dataclass
class Quirk:
    id: str
    build: object
    participants: list = field(default_factory=list)  # (school, class, code, primary, mark, journal)
    aggregates: list = field(default_factory=list)  # (school, participants, 2, 3, 4, 5, mean)
    args: tuple = ()


def participant(code="A-1", primary=30, mark=4, journal=4, class_name="5а", school="osh-16"):
    return (school, class_name, code, primary, mark, journal)


QUIRKS = [
    Quirk(
        "utf8-bom-and-crlf",
        raw_file("bom.csv", b"\xef\xbb\xbf" + f"{PROTOCOL}\r\n{GOOD}\r\n".encode()),
        [participant()],
    ),
    Quirk(
        "windows-1251-commas-title-rows-trailing-empty-rows",
        text_file(
            "cp1251.csv",
            "Статистика по отметкам\r\nВПР 2024. Математика. 5 класс\r\n\r\n"
            + STATISTICS.replace(";", ",")
            + ',Средний первичный балл\r\n2024,ВПР,Математика,5,novopavshino,4,1,1,1,1,"12,5"\r\n,,,,,,,,,,\r\n\r\n',
            "cp1251",
        ),
        aggregates=[("novopavshino", 4, 1, 1, 1, 1, Decimal("12.50"))],
    ),
    Quirk(
        "windows-1251-with-quotes-that-look-like-utf8",
        text_file("vpr.csv", "Протокол «ВПР»\n" + protocol(), "cp1251"),
        [participant()],
    ),
    Quirk("tab-delimited", text_file("tabs.tsv.csv", protocol().replace(";", "\t")), [participant()]),
    Quirk(
        "numbers-as-text-decimal-commas-spaces",
        text_file(
            "text-numbers.csv",
            protocol(GOOD.replace("A-1", "A-2").replace(";30;45;4;4", "; 31 ;45,0;5.0; 4 ")),
        ),
        [participant(), participant("A-2", 31, 5, 4)],
    ),
    Quirk(
        "school-code-with-spaces-and-capitals",
        text_file("codes.csv", protocol().replace(";osh-16;", ";  OSH-16 ;")),
        [participant()],
    ),
    Quirk(
        "quoted-values-with-line-breaks",
        text_file(
            "quoted.csv",
            PROTOCOL + ";Примечание\n" + GOOD.replace("Русский язык", '"Русский язык"') + ';"строка 1\nстрока 2"\n',
        ),
        [participant()],
    ),
    Quirk(
        "xlsx-title-rows-merged-and-trailing-empty-rows",
        workbook(
            [
                (
                    "Протокол",
                    [
                        ["ВПР 2024. Русский язык. 5 класс"],
                        [],
                        HEADER,
                        ["2024", "впр", "Русский язык", " 5 ", " OSH-16 ", "5 А", "A-1", "30,0", 45.0, "4", 4],
                        ["  ", None, "   "],
                        [None],
                    ],
                    "visible",
                )
            ],
            after=None,
        ),
        [participant()],
    ),
    Quirk(
        "xlsx-hidden-sheet-before-the-data",
        workbook(
            [
                ("Служебный", [HEADER, [*GOOD_ROW[:6], "HIDDEN", *GOOD_ROW[7:]]], "hidden"),
                ("Данные", [HEADER, GOOD_ROW], "visible"),
            ]
        ),
        [participant()],
    ),
    Quirk(
        "xlsx-instructions-sheet-first",
        workbook(
            [
                ("Инструкция", [["Заполните лист «Данные»"], ["Код ОО — код школы в реестре"]], "visible"),
                ("Данные", [HEADER, GOOD_ROW], "visible"),
            ]
        ),
        [participant()],
    ),
    Quirk(
        "xlsx-formula-with-a-cached-value",
        protocol_book([2024, "ВПР", "Русский язык", 5, "osh-16", "5а", "A-1", 30, 45, "=2+2", 4], after=cached_formula),
        [participant()],
    ),
    Quirk(
        "xlsx-declaring-a-smaller-size-than-it-has",
        protocol_book(GOOD_ROW, [*GOOD_ROW[:6], "A-2", *GOOD_ROW[7:]], after=wrong_dimension),
        [participant(), participant("A-2")],
    ),
    Quirk(
        "percentages-with-decimal-commas",
        text_file(
            "percent.csv",
            statistics(
                "2024;ВПР;Математика;5;novopavshino;3;33,3;33,3;33,3;0",
                STATISTICS.replace(";2;3;4;5", ";2 (%);3 (%);4 (%);5 (%)"),
            ),
        ),
        aggregates=[("novopavshino", 3, 1, 1, 1, 0, None)],
    ),
    Quirk(
        "supplied-values-fill-missing-columns",
        text_file(
            "supplied.csv",
            "Код ОО;Класс;Код участника;Первичный балл;Отметка;Отметка по журналу\nosh-16;5а;A-1;30;4;4\n",
        ),
        [participant()],
        args=("--procedure", "ВПР", "--year", "2024", "--subject", "Русский язык", "--grade", "5"),
    ),
]


@pytest.mark.parametrize("quirk", QUIRKS, ids=[quirk.id for quirk in QUIRKS])
def test_an_allowed_quirk_is_read_with_the_right_numbers(schools, tmp_path, quirk):
    path = quirk.build(tmp_path)
    code, _out, err = run("import_results", str(path), *quirk.args)
    assert code == 0, err
    participants = sorted(
        ParticipantResult.objects.values_list(
            "school__code", "class_name", "participant", "primary_score", "mark", "journal_mark"
        )
    )
    assert participants == sorted(quirk.participants)
    aggregates = sorted(
        AggregatedResult.objects.values_list(
            "school__code", "participants", "marks_2", "marks_3", "marks_4", "marks_5", "mean_primary"
        )
    )
    assert aggregates == sorted(quirk.aggregates)
    campaign = Campaign.objects.get()
    assert (campaign.procedure, campaign.year, campaign.grade) == ("ВПР", 2024, 5)
    assert School.objects.count() == 2
