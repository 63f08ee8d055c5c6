"""Plan tables as .xlsx, laid out like the seeds' tables (merged titles, section rows, numbering schemes)."""

import io
import zipfile

from openpyxl import Workbook
from openpyxl.utils import get_column_letter


def workbook_bytes(rows, *, merges=(), title_rows=(), sheet="План", hidden_first=False) -> bytes:
    """rows: lists of cell values; merges: "A1:E1" ranges; title_rows: texts merged across the table above it."""
    wb = Workbook()
    ws = wb.active
    if hidden_first:
        ws.title = "Скрытый"
        ws.sheet_state = "hidden"
        ws = wb.create_sheet(sheet)
    else:
        ws.title = sheet
    width = max((len(r) for r in rows), default=1)
    offset = 0
    for text in title_rows:
        offset += 1
        ws.cell(offset, 1, text)
        if width > 1:
            ws.merge_cells(f"A{offset}:{get_column_letter(width)}{offset}")
    for r, values in enumerate(rows, start=offset + 1):
        for c, value in enumerate(values, start=1):
            if value not in (None, ""):
                ws.cell(r, c, value)
    for ref in merges:
        ws.merge_cells(_shift(ref, offset))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _shift(ref: str, offset: int) -> str:
    """Merge ranges are given relative to the first table row (row 1 = the header)."""
    import re

    return re.sub(r"([A-Z]+)(\d+)", lambda m: f"{m.group(1)}{int(m.group(2)) + offset}", ref)


def section_row(width, text, number=None, *, merge_from=1):
    if number is None:
        return [text] + [None] * (width - 1)
    return [number, text] + [None] * (width - 2)


def with_entity(data: bytes) -> bytes:
    """The same workbook whose sheet declares an XML entity (billion laughs starts like this)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                doctype = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
                content = content.replace(b"?>", b"?>" + doctype, 1) if b"?>" in content else doctype + content
            target.writestr(info, content)
    return out.getvalue()


def docx_like() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()
