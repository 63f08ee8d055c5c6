"""The downloadable .xlsx template of the registry import: one sheet per kind of data, Russian headers."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..models import SchoolType
from ..profiles import RiskFactor, RiskLevel, SwotKind
from .columns import HELP, SHEETS


def template_workbook() -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for title, columns in SHEETS.items():
        ws = wb.create_sheet(title)
        for index, column in enumerate(columns, start=1):
            cell = ws.cell(row=1, column=index, value=column.header + (" *" if column.required else ""))
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="E9ECEF")
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            ws.column_dimensions[get_column_letter(index)].width = column.width
        ws.freeze_panes = "A2"
    help_sheet = wb.create_sheet(HELP)
    lines = [
        _("How to fill in the registry workbook"),
        _(
            "Columns marked * are required. One row per school (Школы), per school and year (Профили), per factor "
            "(Риск-профиль) or per item (SWOT)."
        ),
        _("Academic year: 2019 or 2019/2020. Numbers of people are whole numbers; ИОР is from 0 to 1 (0,406)."),
        _("Профили, Риск-профиль and SWOT replace what the portal has for each school and year in the file."),
        "",
        _("School types:"),
        *(f"  {label}" for _value, label in SchoolType.choices),
        _("Risk levels:"),
        *(f"  {label}" for _value, label in RiskLevel.choices),
        _("SWOT sections:"),
        *(f"  {label}" for _value, label in SwotKind.choices),
        _("Risk factors:"),
        *(f"  {factor.code} — {factor.name}" for factor in RiskFactor.objects.order_by("position", "code")),
    ]
    for row, text in enumerate(lines, start=1):
        help_sheet.cell(row=row, column=1, value=text)
    help_sheet["A1"].font = Font(bold=True, size=13)
    help_sheet.column_dimensions["A"].width = 120
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
