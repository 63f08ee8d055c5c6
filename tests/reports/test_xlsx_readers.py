""".xlsx files are read by calamine when their grid is small enough, by openpyxl otherwise: the same rows."""

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook

from reports.assessments.reader import _has_header
from shnor_portal.files import rows as files
from shnor_portal.files.archive import FormulaWithoutValue

SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "demo" / "results" / "vpr_2021_gorodets_protocol.xlsx"
HEADER = ["Год", "Процедура", "Предмет", "Параллель", "Код ОО", "Класс", "Код участника", "Первичный балл", "Отметка"]


def book(tmp_path, name, build) -> Path:
    workbook = Workbook()
    build(workbook)
    path = tmp_path / name
    workbook.save(path)
    return path


def title_rows_and_merged_title(workbook):
    sheet = workbook.active
    sheet["A1"] = "ВПР 2021. Протокол результатов"
    sheet.merge_cells("A1:I1")
    sheet.append([])
    sheet.append(HEADER)
    sheet.append([2021, "ВПР", "Русский язык", 5, "osh-16", "5а", 12345, 30, 4])
    sheet.append(["2021", " ВПР ", "Русский язык", "5", "osh-16", "5 А", "A-2", "30,0", 4.0])
    sheet.append([2021, "ВПР", "Русский язык", 5, "osh-16", "5а", "A-3", 17.5, dt.date(2021, 4, 5)])
    sheet.append([])


def data_away_from_the_corner_and_a_hidden_sheet_first(workbook):
    hidden = workbook.active
    hidden.title = "Скрытый"
    hidden.append(["нет", "заголовка"])
    hidden.sheet_state = "hidden"
    sheet = workbook.create_sheet("Протокол")
    sheet["C4"] = "Код ОО"
    sheet["D4"] = "Код участника"
    sheet["E4"] = "Отметка"
    sheet["C5"], sheet["D5"], sheet["E5"] = "osh-16", "B-1", 5


def a_visible_sheet_without_header_before_the_one_with_it(workbook):
    workbook.active.append(["Пояснения к протоколу"])
    sheet = workbook.create_sheet("Данные")
    sheet.append(HEADER)
    sheet.append([2021, "ВПР", "Математика", 5, "sh-18", "5б", "C-1", 12, 3])


BUILDERS = [title_rows_and_merged_title, data_away_from_the_corner_and_a_hidden_sheet_first,
            a_visible_sheet_without_header_before_the_one_with_it]  # fmt: skip


def both_readers(path, monkeypatch):
    def read():
        _kind, sheet, rows = files.open_rows(path, has_header=_has_header)
        return sheet, [(number, values) for number, values in rows if any(v is not None for v in values)]

    with_calamine = read()
    monkeypatch.setattr(files, "READ_XLSX_WITH_CALAMINE", False)
    with_openpyxl = read()
    monkeypatch.setattr(files, "READ_XLSX_WITH_CALAMINE", True)
    return with_calamine, with_openpyxl


def trimmed(rows):
    """Rows without trailing empty cells: openpyxl pads a row to the sheet's width, calamine to the used range."""
    result = []
    for number, values in rows:
        values = list(values)
        while values and values[-1] is None:
            values.pop()
        result.append((number, values))
    return result


@pytest.mark.parametrize("build", BUILDERS, ids=lambda build: build.__name__)
def test_calamine_gives_the_rows_openpyxl_gives(tmp_path, monkeypatch, build):
    path = book(tmp_path, f"{build.__name__}.xlsx", build)
    (sheet_a, rows_a), (sheet_b, rows_b) = both_readers(path, monkeypatch)
    assert sheet_a == sheet_b
    assert trimmed(rows_a) == trimmed(rows_b)
    assert rows_a  # something was read


def test_the_shared_sample_reads_the_same_with_both(monkeypatch):
    (sheet_a, rows_a), (sheet_b, rows_b) = both_readers(SAMPLE, monkeypatch)
    assert sheet_a == sheet_b and trimmed(rows_a) == trimmed(rows_b) and len(rows_a) > 700


def test_a_sparse_sheet_that_would_fill_a_huge_grid_is_not_given_to_calamine(tmp_path, monkeypatch):
    def far_corner(workbook):
        sheet = workbook.active
        sheet["A1"], sheet["B1"] = "Код ОО", "Код участника"
        sheet["A2"], sheet["B2"] = "osh-16", "A-1"
        sheet["ZZ200000"] = "x"  # 702 columns × 200,000 rows: far more cells than CALAMINE_GRID

    path = book(tmp_path, "far.xlsx", far_corner)

    def refuse(*args):
        raise AssertionError("calamine must not be asked to fill this grid")

    monkeypatch.setattr(files, "_calamine_rows", refuse)
    _kind, _sheet, rows = files.open_rows(path, has_header=_has_header)
    assert next(row for number, row in rows if number == 2)[:2] == ["osh-16", "A-1"]


def test_error_values_and_formulas_without_values_go_to_openpyxl(tmp_path, monkeypatch):
    def with_error(workbook):
        sheet = workbook.active
        sheet.append(["Код ОО", "Код участника", "Первичный балл"])
        sheet.append(["osh-16", "A-1", "=1/0"])

    path = book(tmp_path, "formula.xlsx", with_error)
    monkeypatch.setattr(files, "_calamine_rows", lambda *args: pytest.fail("calamine drops these cells"))
    _kind, _sheet, rows = files.open_rows(path, has_header=_has_header)
    row = next(values for number, values in rows if number == 2)
    assert isinstance(row[2], FormulaWithoutValue)
