"""Plans and PDF helpers of the document tests."""

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

from roadmaps.models import Activity, Level, Plan, PlanStatus, Section

ACTIVITY_NAMES = [
    "Проведение семинара-практикума «Формирующее оценивание на уроках математики»",
    "Анализ результатов ВПР и ГИА, выявление дефицитов, корректировка рабочих программ",
    "Выездной методический день в школе: посещение уроков, консультации учителей",
    "Организация курсов повышения квалификации учителей русского языка",
]


def make_plan(
    municipality,
    *,
    title="План мероприятий («дорожная карта») по работе со школами с низкими результатами на 2020–2021 годы",
    sections=2,
    per_section=3,
    status=PlanStatus.APPROVED,
    level=Level.MUNICIPAL,
    school=None,
    numbered=True,
    period=(2020, 2021),
    approval=("400а/п", dt.date(2020, 9, 4), "Управление образования администрации района"),
) -> Plan:
    """A plan of `sections` sections «1.», «2.» … with `per_section` activities «1.1», «1.2» … each (no numbers at
    all with numbered=False, as in seed 000)."""
    number, date, by = approval
    plan = Plan.objects.create(
        municipality=municipality,
        level=level,
        school=school,
        title=title,
        period_start=dt.date(period[0], 1, 1),
        period_end=dt.date(period[1], 12, 31),
        status=status,
        approval_number=number,
        approval_date=date,
        approved_by=by,
        goal="Повышение качества образования в школах с низкими результатами",
    )
    section_rows = Section.objects.bulk_create(
        Section(
            plan=plan,
            number=f"{s}." if numbered else "",
            title=f"Раздел {s}: поддержка школ",
            order=s,
        )
        for s in range(1, sections + 1)
    )
    Activity.objects.bulk_create(
        Activity(
            section=section,
            number=f"{s}.{a}" if numbered else "",
            order=a,
            name=f"{ACTIVITY_NAMES[(s + a) % len(ACTIVITY_NAMES)]} ({s}.{a})",
            deadline_text="Октябрь-ноябрь 2020г",
            responsible="УМЦ управления образования",
            expected_result=f"Обучились {10 * a} % руководителей",
        )
        for s, section in enumerate(section_rows, start=1)
        for a in range(1, per_section + 1)
    )
    return plan


def tool(name: str) -> str:
    """The full path of a poppler-utils program (scripts/debian-packages.sh installs them)."""
    path = shutil.which(name)
    assert path, f"{name} is missing: install poppler-utils"
    return path


def pdf_text(content: bytes, page: int | None = None, *, raw: bool = False) -> str:
    """The text of the PDF (or of one page) as pdftotext reads it: in its layout, or `raw` in the order it was
    written (a table cell's lines together)."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    command = [tool("pdftotext"), "-raw" if raw else "-layout", *pages, "-", "-"]
    result = subprocess.run(command, input=content, capture_output=True, check=True)
    return result.stdout.decode()


def pdf_info(content: bytes) -> dict[str, str]:
    result = subprocess.run([tool("pdfinfo"), "-"], input=content, capture_output=True, check=True)
    return dict(
        (key.strip(), value.strip())
        for key, _, value in (line.partition(":") for line in result.stdout.decode().splitlines())
    )


def pdf_fonts(content: bytes) -> list[list[str]]:
    result = subprocess.run([tool("pdffonts"), "-"], input=content, capture_output=True, check=True)
    return [line.split() for line in result.stdout.decode().splitlines()[2:]]


def page_image(content: bytes, page: int = 1, dpi: int = 40):
    """Page `page` as a greyscale Pillow image (pdftoppm)."""
    from PIL import Image

    result = subprocess.run(
        [tool("pdftoppm"), "-gray", "-r", str(dpi), "-f", str(page), "-l", str(page), "-"],
        input=content,
        capture_output=True,
        check=True,
    )
    return Image.open(io.BytesIO(result.stdout)).convert("L")


def image_difference(image, reference) -> float:
    """The share of pixels (0–1) whose grey level differs by more than 64 of 255; 1.0 when the sizes differ (a
    portrait page against a landscape one)."""
    if image.size != reference.size:
        return 1.0
    from PIL import ImageChops

    diff = ImageChops.difference(image, reference).point(lambda level: 255 if level > 64 else 0)
    histogram = diff.histogram()
    return histogram[255] / (image.size[0] * image.size[1])


REFERENCE_DIR = Path(__file__).parent / "reference"
