"""Plan tables as .xlsx, laid out like the seeds' tables (merged titles, section rows, numbering schemes)."""

import io
import zipfile

from openpyxl import Workbook
from openpyxl.utils import get_column_letter


def workbook_bytes(
    rows, *, merges=(), title_rows=(), sheet="План", hidden_first=False, formats=None, before=None, hidden=False
) -> bytes:
    """rows: lists of cell values; merges: "A1:E1" ranges; title_rows: texts merged across the table above it;
    formats: {"A3": "0.00"} number formats; before: rows of a sheet «Паспорт» ahead of the plan's sheet; hidden: the
    plan's sheet is hidden (and an empty visible sheet comes first)."""
    wb = Workbook()
    ws = wb.active
    if before is not None or hidden:
        ws.title = "Паспорт"
        for values in before or ():
            ws.append(values)
        ws = wb.create_sheet(sheet)
        if hidden:
            ws.sheet_state = "hidden"
    elif hidden_first:
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
    for ref, number_format in (formats or {}).items():
        ws[_shift(ref, offset)].number_format = number_format
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


SPREADSHEET = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def raw_workbook(rows_xml, strings=(), tail="") -> bytes:
    """An .xlsx whose only sheet's <sheetData> is the given row elements (an iterable of str), written as a stream:
    for files no spreadsheet program would write, and for ones too large to build cell by cell. `tail`: elements
    after <sheetData> (<mergeCells>)."""
    package = "http://schemas.openxmlformats.org/package/2006/relationships"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
        )
        archive.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{package}"><Relationship Id="rId1" '
            f'Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook {SPREADSHEET} xmlns:r="{RELATIONSHIPS}"><sheets>'
            '<sheet name="План" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{package}">'
            f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{RELATIONSHIPS}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>",
        )
        items = "".join(f"<si><t>{text}</t></si>" for text in strings)
        archive.writestr("xl/sharedStrings.xml", f"<sst {SPREADSHEET}>{items}</sst>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(f"<worksheet {SPREADSHEET}><sheetData>".encode())
            for row in rows_xml:
                sheet.write(row.encode())
            sheet.write(f"</sheetData>{tail}</worksheet>".encode())
    return out.getvalue()


def inline_row(*texts, number=None) -> str:
    """<row> of inline strings, without cell references unless the row number is given."""
    cells = "".join(f'<c t="inlineStr"><is><t>{text}</t></is></c>' for text in texts)
    return f'<row r="{number}">{cells}</row>' if number else f"<row>{cells}</row>"
