"""The demo's documents (docs/demo.md): `render_report plan --municipality gorodets --year 2021 --format pdf` prints
the roadmap of seed 001 with its numbers and names, and every kind opens as PDF and as .xlsx for a demo municipality."""

import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from registry.models import Municipality
from reports.documents import KINDS, DocumentUnavailable, document_for
from roadmaps.models import Activity, Level, Plan

from .builders import pdf_info, pdf_text

pytestmark = pytest.mark.django_db
# Where each kind has something to say in the demo: the municipality and the year.
DEMO_UNITS = [("gorodets", 2021), ("oktyabrsky", 2020), ("chaa-khol", 2021), ("yartsevo", 2018)]


def test_the_demo_documents_open_as_pdf_and_xlsx(tmp_path):
    call_command("load_demo", stdout=io.StringIO())

    target = tmp_path / "plan.pdf"
    call_command(
        "render_report", "plan", "--municipality", "gorodets", "--year", "2021", "--format", "pdf",
        "--out", str(target), stdout=io.StringIO(),
    )  # fmt: skip
    # A cell's lines joined; a word broken after its hyphen («школами-» / «лидерами») joined without a space.
    text = " ".join(pdf_text(target.read_bytes(), raw=True).replace("-\n", "-").split())
    plan = Plan.objects.get(municipality__code="gorodets", level=Level.MUNICIPAL)  # not the schools' current plans
    activities = list(Activity.objects.filter(section__plan=plan))
    assert len(activities) == 40
    for activity in activities:
        assert activity.number in text
        assert " ".join(activity.name.split()) in text
    assert "Приложение 1" in text and "к приказу от 04.09.2020 № 400а/п" in text and "УТВЕРЖДЕНО" in text
    assert "стр. 1 из" in text and "Исполнители" in text  # the passport's labels in Russian

    for kind in KINDS:
        opened = 0
        for code, year in DEMO_UNITS:
            try:
                document = document_for(kind, Municipality.objects.get(code=code), year)
            except DocumentUnavailable:
                continue
            content = document.pdf()
            assert int(pdf_info(content)["Pages"]) == document.page_count >= 1
            assert document.title.split()[0] in pdf_text(content)
            workbook = load_workbook(io.BytesIO(document.xlsx()))
            assert workbook.active.max_row > 3 and workbook.active.freeze_panes
            opened += 1
        assert opened, f"no demo municipality has a «{kind}» document"
