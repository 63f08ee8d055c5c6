import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from registry.imports.columns import PROFILES, RISKS, SCHOOLS, SHEETS, SWOT
from registry.imports.records import RegistryImport
from registry.models import School
from registry.profiles import RiskAssessment, SchoolYearProfile, SwotItem

pytestmark = pytest.mark.django_db
UPLOAD = reverse("registry:import")


def headers(sheet):
    return [column.header for column in SHEETS[sheet]]


def row(sheet, **values):
    return [values.get(column.key) for column in SHEETS[sheet]]


def workbook(sheets: dict[str, list[list]]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for line in rows:
            ws.append(line)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def valid_book(**overrides) -> dict[str, list[list]]:
    book = {
        SCHOOLS: [
            headers(SCHOOLS),
            row(
                SCHOOLS,
                code="tugiyany",
                short_name="МКОУ «Тугиянская СОШ»",
                name="Муниципальное казённое общеобразовательное учреждение «Тугиянская СОШ»",
                type="СОШ",
                settlement="с. Тугияны",
                is_rural="да",
            ),
        ],
        PROFILES: [
            headers(PROFILES),
            row(
                PROFILES,
                code="tugiyany",
                year="2019/2020",
                teachers_total=11,
                higher_ed=7,
                pupils_primary=40.0,
                ior="0,406",
            ),
            row(PROFILES, code="chemashi", year=2019, teachers_total=20, higher_ed=15),
        ],
        RISKS: [
            headers(RISKS),
            row(RISKS, code="chemashi", year=2019, factor="RF02", level="высокий", comment="нет учителя физики"),
        ],
        SWOT: [
            headers(SWOT),
            row(SWOT, code="chemashi", year=2019, kind="Сильные стороны", text="малые классы"),
            row(SWOT, code="chemashi", year=2019, kind="угрозы", text="отток учеников"),
        ],
    }
    book.update(overrides)
    return book


def upload(client, content: bytes, municipality, name="registry.xlsx"):
    response = client.post(UPLOAD, {"municipality": municipality.pk, "file": SimpleUploadedFile(name, content)})
    assert response.status_code == 302, response.content.decode()[:500]
    return RegistryImport.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])


def test_it_previews_then_commits_and_a_second_import_changes_nothing(client_for, coordinator, world):
    client = client_for(coordinator)
    content = workbook(valid_book())
    record = upload(client, content, world.municipality)
    assert record.state == "checked" and record.problems == []
    assert record.outcome["created"] == {"schools": 1, "profiles": 2, "risk_profiles": 1, "swot": 1}
    assert not School.objects.filter(code="tugiyany").exists()  # nothing before the confirmation
    preview = client.get(reverse("registry:import-detail", kwargs={"pk": record.pk})).content.decode()
    assert "Подтвердить и записать" in preview

    assert client.post(reverse("registry:import-confirm", kwargs={"pk": record.pk})).status_code == 302
    record.refresh_from_db()
    assert record.state == "committed" and record.committed_at and record.user == coordinator
    school = School.objects.get(code="tugiyany")
    assert school.municipality == world.municipality and school.is_rural and school.type == "sosh"
    profile = SchoolYearProfile.objects.get(school=school, year=2019)
    assert (profile.teachers_total, profile.higher_ed, profile.pupils_primary, str(profile.ior)) == (11, 7, 40, "0.406")
    assert RiskAssessment.objects.get(school=world.school, year=2019).comment == "нет учителя физики"
    assert list(SwotItem.objects.filter(school=world.school).order_by("kind").values_list("kind", "text")) == [
        ("strength", "малые классы"),
        ("threat", "отток учеников"),
    ]
    assert school.history.first().history_user == coordinator

    history_rows = (
        School.history.count(),
        SchoolYearProfile.history.count(),
        SwotItem.history.count(),
        RiskAssessment.history.count(),
    )
    again = upload(client, content, world.municipality)
    assert again.outcome["created"] == {} and again.outcome["updated"] == {}
    client.post(reverse("registry:import-confirm", kwargs={"pk": again.pk}))
    assert (
        School.history.count(),
        SchoolYearProfile.history.count(),
        SwotItem.history.count(),
        RiskAssessment.history.count(),
    ) == history_rows
    assert client.post(reverse("registry:import-confirm", kwargs={"pk": again.pk}), follow=True).status_code == 200


BAD_CASES = [
    (
        {PROFILES: [headers(PROFILES), row(PROFILES, code="nope", year=2019)]},
        PROFILES,
        2,
        "Код школы",
        "Неизвестный код школы «nope»",
    ),
    (
        {PROFILES: [headers(PROFILES), row(PROFILES, code="chemashi", year="2019/2021")]},
        PROFILES,
        2,
        "Учебный год",
        "не учебный год",
    ),
    (
        {PROFILES: [headers(PROFILES), row(PROFILES, code="chemashi", year=2019, teachers_total=-3)]},
        PROFILES,
        2,
        "Педагогов всего",
        "не численность",
    ),
    (
        {PROFILES: [headers(PROFILES), row(PROFILES, code="chemashi", year=2019, teachers_total=2.5)]},
        PROFILES,
        2,
        "Педагогов всего",
        "не численность",
    ),
    (
        {PROFILES: [headers(PROFILES), row(PROFILES, code="chemashi", year=2019, ior=1.5)]},
        PROFILES,
        2,
        "ИОР (0–1)",
        "ИОР — число от 0 до 1",
    ),
    (
        {PROFILES: [headers(PROFILES), row(PROFILES, code="chemashi", year=2019, teachers_total=5, higher_ed=6)]},
        PROFILES,
        2,
        "Педагогов: имеют высшее образование",
        "Больше общей численности педагогов (5).",
    ),
    (
        {
            PROFILES: [
                headers(PROFILES),
                row(PROFILES, code="chemashi", year=2019),
                row(PROFILES, code="chemashi", year="2019/2020"),
            ]
        },
        PROFILES,
        3,
        "Код школы",
        "дважды",
    ),
    (
        {SCHOOLS: [headers(SCHOOLS), row(SCHOOLS, code="x1", short_name="X", name="X", type="университет")]},
        SCHOOLS,
        2,
        "Тип",
        "Неизвестный тип школы",
    ),
    (
        {SCHOOLS: [headers(SCHOOLS), row(SCHOOLS, code="novopavshino", short_name="X", name="X", type="ООШ")]},
        SCHOOLS,
        2,
        "Код школы",
        "уже используется в другом муниципалитете",
    ),
    (
        {SCHOOLS: [headers(SCHOOLS), row(SCHOOLS, code="Плохой Код", short_name="X", name="X", type="ООШ")]},
        SCHOOLS,
        2,
        "Код школы",
        "строчные латинские буквы",
    ),
    (
        {SCHOOLS: [headers(SCHOOLS), row(SCHOOLS, code="x2", short_name="X", name="X", type="ООШ", email="нет")]},
        SCHOOLS,
        2,
        "Эл. почта",
        "не адрес электронной почты",
    ),
    (
        {SCHOOLS: [headers(SCHOOLS), row(SCHOOLS, code="x3", name="X", type="ООШ")]},
        SCHOOLS,
        2,
        "Краткое наименование",
        "Обязательное значение не заполнено.",
    ),
    ({SCHOOLS: [headers(SCHOOLS)[1:], ["X", "X", "ООШ"]]}, SCHOOLS, 1, "Код школы", "Нет обязательного столбца."),
    (
        {RISKS: [headers(RISKS), row(RISKS, code="chemashi", year=2019, factor="RF99", level="высокий")]},
        RISKS,
        2,
        "Код фактора риска",
        "Фактора риска «RF99»",
    ),
    (
        {RISKS: [headers(RISKS), row(RISKS, code="chemashi", year=2019, factor="RF01", level="ужасный")]},
        RISKS,
        2,
        "Уровень риска",
        "Неизвестный уровень риска",
    ),
    (
        {SWOT: [headers(SWOT), row(SWOT, code="chemashi", year=2019, kind="Прочее", text="x")]},
        SWOT,
        2,
        "Раздел",
        "Неизвестный раздел",
    ),
]


@pytest.mark.parametrize(("sheets", "sheet", "row_number", "column", "message"), BAD_CASES)
def test_it_lists_each_problem_by_sheet_row_and_column_and_writes_nothing(
    client_for, coordinator, world, sheets, sheet, row_number, column, message
):
    client = client_for(coordinator)
    record = upload(client, workbook(sheets), world.municipality)
    assert record.state == "rejected"
    assert any(
        p["sheet"] == sheet and p["row"] == row_number and p["column"] == column and message in p["message"]
        for p in record.problems
    ), record.problems
    page = client.get(reverse("registry:import-detail", kwargs={"pk": record.pk})).content.decode()
    assert message.split("«")[0] in page and "Подтвердить" not in page
    client.post(reverse("registry:import-confirm", kwargs={"pk": record.pk}))
    assert not SchoolYearProfile.objects.exists() and not School.objects.filter(code__startswith="x").exists()
    assert not RiskAssessment.objects.exists() and not SwotItem.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PK\x03\x04broken", "не является книгой Excel"),
        (b"name;code\n1;2\n", "не является книгой Excel"),
        (workbook({"Лист1": [["a", "b"]]}), "В книге нет ни одного из листов"),
    ],
)
def test_it_refuses_files_that_are_not_a_registry_workbook(client_for, coordinator, world, content, message):
    record = upload(client_for(coordinator), content, world.municipality)
    assert record.state == "rejected" and message in record.problems[0]["message"]


def test_it_refuses_a_zip_bomb_before_parsing(client_for, coordinator, world):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (60 * 1024 * 1024))
    record = upload(client_for(coordinator), buffer.getvalue(), world.municipality)
    assert "больше 50 МБ" in record.problems[0]["message"]


def test_it_refuses_an_empty_file_next_to_the_field(client_for, coordinator, world):
    response = client_for(coordinator).post(
        UPLOAD, {"municipality": world.municipality.pk, "file": SimpleUploadedFile("r.xlsx", b"")}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["Отправленный файл пуст."]
    assert not RegistryImport.objects.exists()


def test_it_refuses_a_file_without_the_xlsx_extension_next_to_the_field(client_for, coordinator, world):
    response = client_for(coordinator).post(
        UPLOAD, {"municipality": world.municipality.pk, "file": SimpleUploadedFile("data.csv", b"a;b")}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["Загрузите книгу Excel с расширением .xlsx."]


def test_only_coordinators_import_and_only_into_their_municipality(
    client_for, coordinator, inspector, principal, other_coordinator, world
):
    content = workbook(valid_book())
    assert client_for(inspector).get(UPLOAD).status_code == 403
    assert client_for(principal).get(reverse("registry:import-template")).status_code == 403
    response = client_for(coordinator).post(
        UPLOAD, {"municipality": world.far.pk, "file": SimpleUploadedFile("r.xlsx", content)}
    )
    assert response.status_code == 200 and response.context["form"].errors["municipality"]
    record = upload(client_for(coordinator), content, world.municipality)
    assert (
        client_for(other_coordinator).get(reverse("registry:import-detail", kwargs={"pk": record.pk})).status_code
        == 404
    )
    assert (
        client_for(other_coordinator).post(reverse("registry:import-confirm", kwargs={"pk": record.pk})).status_code
        == 404
    )
    record.refresh_from_db()
    assert record.state == "checked"


def test_the_template_has_one_sheet_per_kind_and_the_reference(client_for, coordinator):
    response = client_for(coordinator).get(reverse("registry:import-template"))
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [SCHOOLS, PROFILES, RISKS, SWOT, "Справка"]
    assert book[SCHOOLS]["A1"].value == "Код школы *"
    help_text = "\n".join(str(c.value) for c in book["Справка"]["A"] if c.value)
    assert "RF01 — Низкий уровень оснащения школы" in help_text


def test_the_filled_template_imports(client_for, coordinator, world):
    client = client_for(coordinator)
    book = load_workbook(io.BytesIO(client.get(reverse("registry:import-template")).content))
    book[PROFILES].append(row(PROFILES, code="andra", year=2020, teachers_total=30))
    buffer = io.BytesIO()
    book.save(buffer)
    record = upload(client, buffer.getvalue(), world.municipality)
    assert record.state == "checked", record.problems


def test_it_reports_every_problem_of_a_row_at_once(client_for, coordinator, world):
    sheets = {PROFILES: [headers(PROFILES), row(PROFILES, code="nope", year="двадцатый", teachers_total=-1, ior=2)]}
    record = upload(client_for(coordinator), workbook(sheets), world.municipality)
    assert [p["column"] for p in record.problems] == ["Код школы", "Учебный год", "Педагогов всего", "ИОР (0–1)"]


def test_columns_left_out_of_the_file_keep_their_stored_values(client_for, coordinator, world):
    SchoolYearProfile.objects.create(school=world.school, year=2019, teachers_total=20, higher_ed=15, ior="0.400")
    world.school.director = "Петрова А. И."
    world.school.save()
    sheets = {
        PROFILES: [["Код школы", "Учебный год", "ИОР (0–1)"], ["chemashi", 2019, "0,45"]],
        SCHOOLS: [
            ["Код школы", "Краткое наименование", "Полное наименование", "Тип"],
            ["chemashi", "МКОУ «Чемашинская СОШ»", "Полное", "СОШ"],
        ],
    }
    client = client_for(coordinator)
    record = upload(client, workbook(sheets), world.municipality)
    assert record.state == "checked", record.problems
    assert any("другие столбцы сохраняют значения" in note for note in record.outcome["notes"])
    client.post(reverse("registry:import-confirm", kwargs={"pk": record.pk}))
    profile = SchoolYearProfile.objects.get(school=world.school, year=2019)
    assert (profile.teachers_total, profile.higher_ed, str(profile.ior)) == (20, 15, "0.450")
    world.school.refresh_from_db()
    assert world.school.director == "Петрова А. И." and world.school.name == "Полное"


def test_a_partial_row_is_checked_against_the_stored_values(client_for, coordinator, world):
    SchoolYearProfile.objects.create(school=world.school, year=2019, teachers_total=10)
    sheets = {PROFILES: [["Код школы", "Учебный год", "Педагогов: имеют высшее образование"], ["chemashi", 2019, 12]]}
    record = upload(client_for(coordinator), workbook(sheets), world.municipality)
    assert record.state == "rejected" and "Больше общей численности педагогов (10)." in record.problems[0]["message"]


@pytest.mark.parametrize(
    ("sheet", "values", "column", "message"),
    [
        (PROFILES, {"code": "chemashi", "year": 2019, "teachers_total": "²"}, "Педагогов всего", "не численность"),
        (PROFILES, {"code": "chemashi", "year": 2019, "teachers_total": 10**10}, "Педагогов всего", "не численность"),
        (PROFILES, {"code": "chemashi", "year": 2019, "ior": "0,4065"}, "ИОР (0–1)", "не больше трёх знаков"),
        (SCHOOLS, {"code": "x" * 41, "short_name": "X", "name": "X", "type": "СОШ"}, "Код школы", "длиннее 40"),
        (
            SCHOOLS,
            {
                "code": "long-mail",
                "short_name": "X",
                "name": "X",
                "type": "СОШ",
                "email": "a" * 64 + "@" + ("b" * 60 + ".") * 4 + "ru",
            },
            "Эл. почта",
            "не адрес электронной почты",
        ),
        (
            SCHOOLS,
            {"code": "long-name", "short_name": "X" * 201, "name": "X", "type": "СОШ"},
            "Краткое наименование",
            "Длиннее 200 символов",
        ),
    ],
)
def test_hostile_values_are_problems_not_crashes(client_for, coordinator, world, sheet, values, column, message):
    record = upload(
        client_for(coordinator), workbook({sheet: [headers(sheet), row(sheet, **values)]}), world.municipality
    )
    assert record.state == "rejected"
    assert any(p["column"] == column and message in p["message"] for p in record.problems), record.problems


def test_a_formula_without_a_computed_value_is_a_problem(client_for, coordinator, world):
    sheets = {PROFILES: [headers(PROFILES), row(PROFILES, code="chemashi", year=2019, teachers_total="=10+10")]}
    record = upload(client_for(coordinator), workbook(sheets), world.municipality)
    assert record.state == "rejected" and "не вычислено" in record.problems[0]["message"]
    assert not SchoolYearProfile.objects.exists()


def test_unknown_sheets_are_skipped_and_sheet_names_ignore_case(client_for, coordinator, world):
    sheets = {
        "профили": [headers(PROFILES), row(PROFILES, code="chemashi", year=2019, teachers_total=9)],
        "Черновик": [["что-то"]] * 6000,
    }
    record = upload(client_for(coordinator), workbook(sheets), world.municipality)
    assert record.state == "checked", record.problems
    assert any("«Черновик»" in note for note in record.outcome["notes"])


def test_a_problem_repeated_on_many_rows_is_one_line_with_its_rows(client_for, coordinator, world):
    from registry.imports.records import RegistryImport

    record = RegistryImport.objects.create(
        municipality=world.municipality,
        user=coordinator,
        original_name="r.xlsx",
        state=RegistryImport.State.REJECTED,
        problems=[
            {"sheet": "Школы", "row": row, "column": "Код школы", "message": "Неизвестная школа «x»."}
            for row in range(3, 203)
        ]
        + [{"sheet": "Школы", "row": 210, "column": "ИОР (0–1)", "message": "Не число."}],
    )
    page = client_for(coordinator).get(reverse("registry:import-detail", kwargs={"pk": record.pk})).content.decode()
    groups = page[page.index('<ul class="problem-groups">') : page.index("</ul>", page.index("problem-groups"))]
    assert groups.count("<li>") == 2
    assert "Неизвестная школа «x».: <strong>200 строк, строки 3–202</strong>" in groups
    assert "Не число.: <strong>строка 210</strong>" in groups
    fold = page[page.index('<details class="all-problems">') :]
    assert "показать все (201)" in fold and fold.count("Неизвестная школа «x».") == 200
