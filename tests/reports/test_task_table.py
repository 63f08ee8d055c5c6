"""The task table of a work (IMPORT_FORMATS «Task table»): `import_tasks`, the wizard's upload, the admin, and the
wizard's school field for a school's ФИС ОКО protocol."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from registry.models import School
from reports.assessments.models import Campaign, MaxScore, ParticipantResult, ResultImport, Subject, Task
from tests.commands import run

pytestmark = pytest.mark.django_db
ARGS = ["--procedure", "ВПР", "--year", "2025", "--subject", "Биология", "--grade", "7"]
TABLE = [
    "Номер задания;Максимальный балл;Уровень сложности;Проверяемые умения",
    "1;2;Б;Классификация организмов",
    "2(1);1;базовый;Работа с текстом",
    "З2(2);2;П;Анализ данных",
    "3;3;высокий;Объяснение явлений",
    "",
    "Отметка 3 от;3",
    "Отметка 4 от;5",
    "Отметка 5 от;7",
]


@pytest.fixture(autouse=True)
def _russian():
    with translation.override("ru"):
        yield


def write(tmp_path, lines, name="tasks.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return str(path)


def stored_tasks():
    return list(Task.objects.order_by("position").values_list("position", "label", "max_points", "level", "skills"))


def test_import_tasks_stores_the_tasks_and_the_scale(db, tmp_path):
    code, out, err = run("import_tasks", write(tmp_path, TABLE, encoding="cp1251"), *ARGS)
    assert code == 0, err
    assert stored_tasks() == [
        (1, "1", 2, "Б", "Классификация организмов"),
        (2, "2(1)", 1, "Б", "Работа с текстом"),
        (3, "2(2)", 2, "П", "Анализ данных"),
        (4, "3", 3, "В", "Объяснение явлений"),
    ]
    campaign = Campaign.objects.get()
    assert (campaign.scale_3, campaign.scale_4, campaign.scale_5) == (3, 5, 7)
    assert "заданий — 4 (Б — 2, П — 1, В — 1), сумма максимумов — 8" in out
    # Importing a shorter table replaces the tasks; the scale stays when the file gives none.
    assert run("import_tasks", write(tmp_path, TABLE[:3]), *ARGS)[0] == 0
    assert [label for _p, label, *_rest in stored_tasks()] == ["1", "2(1)"]
    campaign.refresh_from_db()
    assert campaign.scale_5 == 7


def test_maxima_must_add_up_to_the_works_maximum(db, tmp_path):
    subject = Subject.objects.get(name="Биология")
    MaxScore.objects.create(procedure="ВПР", year=2025, subject=subject, grade=7, max_score=9)
    code, _out, err = run("import_tasks", write(tmp_path, TABLE), *ARGS)
    assert code == 1
    assert "Сумма максимальных баллов заданий — 8, а максимальный первичный балл работы — 9." in err
    assert not Task.objects.exists() and not Campaign.objects.exists()


@pytest.mark.parametrize(
    ("line", "column", "message"),
    [
        ("4;2;средний;", "Уровень сложности", "Уровень сложности — Б, П или В"),
        ("4;0;Б;", "Максимальный балл", "Максимальный балл задания — целое число от 1 до 100"),
        ("1;1;Б;", "Номер задания", "Задание 1 уже есть в строке 2"),
        ("Задача А;1;Б;", "Номер задания", "«Задача А» — не номер задания"),
    ],
)
def test_a_bad_task_row_is_named_and_nothing_is_stored(db, tmp_path, line, column, message):
    code, _out, err = run("import_tasks", write(tmp_path, [*TABLE[:5], line]), *ARGS)
    assert code == 1
    assert f"строка 6, столбец «{column}»" in err and message in err, err
    assert not Task.objects.exists()


def test_a_scale_that_does_not_rise_is_refused(db, tmp_path):
    lines = [*TABLE[:5], "Отметка 3 от;5", "Отметка 4 от;5", "Отметка 5 от;7"]
    code, _out, err = run("import_tasks", write(tmp_path, lines), *ARGS)
    assert code == 1 and "Шкала перевода должна возрастать" in err


def test_a_scale_as_a_conversion_table_in_a_workbook(db, tmp_path):
    book = Workbook()
    sheet = book.active
    for row in [
        ["Описание работы ВПР по биологии, 7 класс"],
        ["Задание", "Максимальный балл", "Уровень сложности", "Проверяемые требования"],
        [1, 4, "Б", "Клетка"],
        [2, 4, "П", None],
        [],
        ["Отметка", 2, 3, 4, 5],
        ["Первичный балл", "0–2", "3–4", "5–6", "7–8"],
    ]:
        sheet.append(row)
    path = tmp_path / "tasks.xlsx"
    book.save(path)
    code, _out, err = run("import_tasks", str(path), *ARGS)
    assert code == 0, err
    campaign = Campaign.objects.get()
    assert (campaign.scale_3, campaign.scale_4, campaign.scale_5) == (3, 5, 7)
    assert [level for *_a, level, _s in stored_tasks()] == ["Б", "П"]


def test_a_file_that_is_not_a_task_table_is_refused(db, tmp_path):
    code, _out, err = run("import_tasks", write(tmp_path, ["Код ОО;Код участника", "a;b"]), *ARGS)
    assert code == 1 and "Это не таблица заданий" in err and "«Номер задания»" in err


def test_an_html_page_named_csv_is_refused(db, tmp_path):
    path = tmp_path / "tasks.csv"
    path.write_bytes(b"<!DOCTYPE html><html><body><table><tr><td>1</td></tr></table></body></html>")
    code, _out, err = run("import_tasks", str(path), *ARGS)
    assert code == 1 and "похоже на веб-страницу" in err, err


def test_the_wizard_imports_a_task_table_and_shows_its_problems(client_for, coordinator, world):
    client = client_for(coordinator)
    data = {"procedure": "ВПР", "year": 2025, "subject": "Биология", "grade": 7}
    bad = SimpleUploadedFile("tasks.csv", "\n".join([*TABLE[:2], "2;1;Z;"]).encode())
    page = client.post(reverse("reports:task-table-upload"), {"file": bad, **data})
    assert page.status_code == 200
    assert "Уровень сложности — Б, П или В" in page.content.decode() and not Task.objects.exists()
    good = SimpleUploadedFile("tasks.csv", "\n".join(TABLE).encode())
    response = client.post(reverse("reports:task-table-upload"), {"file": good, **data})
    assert response.status_code == 302 and Task.objects.count() == 4


def test_the_admin_edits_the_task_table_inline(admin_client, db):
    subject = Subject.objects.get(name="Биология")
    campaign = Campaign.objects.create(procedure="ВПР", year=2025, subject=subject, grade=7)
    Task.objects.create(campaign=campaign, position=1, label="1", max_points=2, level="Б")
    page = admin_client.get(reverse("admin:reports_campaign_change", args=[campaign.pk]))
    assert page.status_code == 200 and 'name="tasks-0-label"' in page.content.decode()


def test_the_wizards_school_field_places_a_school_protocol(client_for, coordinator, world, tmp_path):
    chemashi = School.objects.get(code="chemashi")
    text = (
        "Результаты участников\n"
        "Код;Вариант;1;2;Первичный балл;Отметка\n"
        "Макс. балл;;2;3;5;\n"
        "50001;1;2;3;5;5\n"
        "50002;2;0;Х;0;2\n"
    )
    client = client_for(coordinator)
    data = {"procedure": "ВПР", "year": 2025, "subject": "Биология", "grade": 5}
    response = client.post(
        reverse("reports:results-upload"),
        {"file": SimpleUploadedFile("school.csv", text.encode()), "school": "chemashi", **data},
    )
    record = ResultImport.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
    assert record.state == "checked", record.problems
    assert record.summary["tasks"] == ["1", "2"]
    page = client.get(reverse("reports:results-import", kwargs={"pk": record.pk})).content.decode()
    assert "Баллы за задания: 1, 2." in page
    client.post(reverse("reports:results-confirm", kwargs={"pk": record.pk}))
    rows = ParticipantResult.objects.order_by("participant")
    assert [(r.school_id, r.participant, r.task_scores) for r in rows] == [
        (chemashi.pk, "50001", {"1": 2, "2": 3}),
        (chemashi.pk, "50002", {"1": 0, "2": 0}),
    ]


def test_the_wizard_reads_a_fis_oko_statistics_report(client_for, coordinator, world):
    from reports.assessments.models import AggregatedResult, ReferenceDistribution

    world.school.fis_oko_login = "sch860125"
    world.school.save()
    text = (
        "Всероссийские проверочные работы 2025 (7 класс)\n"
        "Предмет: Биология\n"
        "Статистика по отметкам\n"
        "Группы участников;Кол-во ОО;Кол-во уч.;Распределение групп баллов в %;;;\n"
        ";;;2;3;4;5\n"
        "Вся выборка;30000;1000000;10,5;40,5;35;14\n"
        "Регион;200;20000;9;41;36;14\n"
        f"{world.municipality.name};5;100;12;48;30;10\n"
        "  (sch860125) Школа как в ФИС ОКО;1;4;25;25;50;0\n"
    )
    client = client_for(coordinator)
    response = client.post(
        reverse("reports:results-upload"), {"file": SimpleUploadedFile("stat.csv", text.encode("cp1251"))}
    )
    record = ResultImport.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
    assert record.state == "checked", record.problems
    page = client.get(reverse("reports:results-import", kwargs={"pk": record.pk})).content.decode()
    assert "ВПР 2025. Биология, 7 класс" in page
    assert f"Распределения отметок для сравнения: Вся выборка; Регион; {world.municipality.name}." in page
    client.post(reverse("reports:results-confirm", kwargs={"pk": record.pk}))
    aggregate = AggregatedResult.objects.get()
    assert (aggregate.school_id, aggregate.marks_2, aggregate.marks_3, aggregate.marks_4) == (world.school.pk, 1, 1, 2)
    assert set(ReferenceDistribution.objects.values_list("level", "municipality_id")) == {
        ("russia", world.municipality.pk),
        ("region", world.municipality.pk),
        ("municipality", world.municipality.pk),
    }
