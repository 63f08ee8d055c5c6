"""Plan tables at their largest, and files built to exhaust the reader: how long `import_plan`'s reading and writing
take, and how soon a crafted file is refused (shnor_portal/files/grid.py streams the sheet within a plan's bounds)."""

import datetime as dt
import io
import time

from openpyxl import Workbook

from registry.models import Municipality, Region
from tests.roadmaps.builders import inline_row, raw_workbook

HEADER = ["№ п/п", "Наименование мероприятия", "Сроки", "Ответственный", "Ожидаемый результат"]
DEADLINES = ["Ежемесячно", "В течение года", "Октябрь-ноябрь 2020г", "4 квартал 2024 года", "По отдельному графику"]


def largest_plan() -> bytes:
    """4,990 rows: 167 sections of 29 activities, the deadlines of real plans (monthly ones give 120 periods)."""
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    rows, section = 1, 0
    while rows < 4990:
        section += 1
        ws.append([str(section), f"Раздел {section} — направление работы"])
        rows += 1
        for n in range(1, 30):
            if rows >= 4990:
                break
            deadline = DEADLINES[(section + n) % len(DEADLINES)]
            ws.append(
                [f"{section}.{n}", f"Мероприятие {section}.{n}: семинар для педагогов", deadline, "УМЦ", "Справка"]
            )
            rows += 1
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def crafted() -> list[tuple[str, bytes]]:
    header = inline_row("Мероприятие", "Сроки")
    return [
        (
            "1,100,000 empty cells without references",
            raw_workbook([header] + ["<row>" + "<c/>" * 1000 + "</row>"] * 1100),
        ),
        (
            "one 32,767-character shared string in 1,000,000 cells",
            raw_workbook([header] + ["<row>" + '<c t="s"><v>0</v></c>' * 200 + "</row>"] * 5000, ["я" * 32767]),
        ),
        ("1,000,000 rows of text", raw_workbook(inline_row(f"Мероприятие {i}", "май 2025") for i in range(1_000_000))),
        (
            "50 header rows, 4,950 rows of «2024», one merged range written 50,000 times",
            raw_workbook(
                [header] * 50 + [inline_row("2024", number=n) for n in range(51, 5001)],
                tail="<mergeCells>" + '<mergeCell ref="F51:G5000"/>' * 50_000 + "</mergeCells>",
            ),
        ),
    ]


def run(report):
    from roadmaps.imports import PlanFileRefused, read_plan_file
    from roadmaps.services import create_plan_from_table, resolve_owner

    region = Region.objects.create(code="bench-import", name="Регион для замеров импорта")
    Municipality.objects.create(region=region, code="bench-import", name="Район импорта")
    data = largest_plan()
    start, end = dt.date(2020, 1, 1), dt.date(2029, 12, 31)
    began = time.perf_counter()
    read = read_plan_file(data)
    reading = time.perf_counter() - began
    document = read.as_json(start, end)
    json_time = time.perf_counter() - began - reading
    periods = sum(len(a["periods"]) for s in document["sections"] for a in s["activities"])
    began = time.perf_counter()
    create_plan_from_table(read, resolve_owner("bench-import", None, start, end), start, end)
    writing = time.perf_counter() - began
    report(
        f"plan import: {len(data) // 1024} KB, {read.activity_count:,} activities in {len(read.sections)} sections, "
        f"period 2020–2029 ({periods:,} reporting periods): read {reading:.2f} s, JSON {json_time:.2f} s, "
        f"written {writing:.2f} s"
    )
    for label, data in crafted():
        began = time.perf_counter()
        try:
            read_plan_file(data)
            outcome = "read (!)"
        except PlanFileRefused as refused:
            outcome = "refused: " + refused.errors[0][:70]
        report(f"crafted file, {label} ({len(data) // 1024} KB): {time.perf_counter() - began:.2f} s, {outcome}")
