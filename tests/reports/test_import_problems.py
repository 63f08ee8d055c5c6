"""A results file that fails for one reason says it once: problems grouped by kind and value, the school outside the
importer's area named with its municipality, the full list behind a fold and as .xlsx; the same grouping on the
command line; and the wizard's notice of a file already imported (same SHA-256)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from reports.assessments.models import ResultImport
from shnor_portal.problems import compress_rows, group_problems, grouped_lines

pytestmark = pytest.mark.django_db
HEADER = "Год;Процедура;Предмет;Параллель;Код ОО;Класс;Код участника;Первичный балл;Отметка;Отметка по журналу\n"


def far_file(rows: int) -> str:
    """`rows` participants of Дубенский район's school: outside an Октябрьский coordinator's area."""
    return HEADER + "".join(f"2021;ВПР;Русский язык;5;novopavshino;5а;P{n};20;3;3\n" for n in range(rows))


def upload(client, text, name="vpr.csv"):
    response = client.post(reverse("reports:results-upload"), {"file": SimpleUploadedFile(name, text.encode())})
    assert response.status_code == 302
    return ResultImport.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])


def test_it_compresses_rows_into_ranges():
    assert compress_rows([4, 5, 6, 9, 11, 12]) == "4–6, 9, 11–12"
    assert compress_rows(range(4, 785)) == "4–784"
    assert compress_rows([1, 3, 5, 7], limit=2) == "1, 3, …"


def test_it_groups_problems_of_one_kind_and_value_in_the_files_order():
    problems = [
        {"sheet": "", "row": row, "column": "Отметка", "value": "7", "message": "«7» вне диапазона."}
        for row in (2, 3, 4, 8)
    ] + [{"sheet": "", "row": 5, "column": "Отметка", "value": "x", "message": "«x» не число."}]
    groups = group_problems(problems)
    assert [(g.label, g.count, g.row_ranges) for g in groups] == [
        ("«7» вне диапазона.", 4, "2–4, 8"),
        ("«x» не число.", 1, "5"),
    ]
    assert groups[0].summary == "4 строки, строки 2–4, 8" and groups[1].summary == "строка 5"


def test_the_command_line_prints_20_rows_per_kind_then_a_count():
    problems = [
        {"sheet": "", "row": r, "column": "Код ОО", "value": "x", "message": "Неизвестный код «x»."}
        for r in range(2, 52)
    ]
    lines = grouped_lines(group_problems(problems))
    assert lines[0] == "Неизвестный код «x»: 50 строк, строки 2–51"
    assert len(lines) == 1 + 20 + 1 and lines[-1].strip() == "… и ещё 30"
    assert lines[1].strip() == "строка 2, столбец «Код ОО», значение «x»"


def test_it_says_a_file_of_another_municipality_once(client_for, coordinator, world):
    client = client_for(coordinator)
    record = upload(client, far_file(40))
    assert record.state == "rejected" and record.summary["problem_count"] == 40
    assert all(problem["outside_school"] == world.far_school.pk for problem in record.problems)
    page = client.get(reverse("reports:results-import", kwargs={"pk": record.pk})).content.decode()
    assert page.count("не входит в вашу зону") == 1
    assert "Школа МКОУ Новопавшинская ООШ (Дубенский район) не входит в вашу зону: <strong>40 строк, строки 2–41" in (
        page
    )
    # The file wholly outside the area says so first, naming the municipality.
    assert page.index('id="all-outside"') < page.index("alert-danger")
    assert "Все строки файла (40) относятся к школам вне вашей зоны: Дубенский район" in page
    # The per-row list is behind a fold, every row of it; the .xlsx link is there.
    fold = page[page.index('<details class="all-problems">') :]
    assert "показать все (40)" in fold and fold.count("вне вашей зоны ответственности") == 40
    assert reverse("reports:results-problems", kwargs={"pk": record.pk}) in page


def test_a_file_partly_outside_is_not_called_wholly_outside(client_for, coordinator, world):
    client = client_for(coordinator)
    text = far_file(3) + "2021;ВПР;Русский язык;5;chemashi;5а;C1;20;3;3\n"
    record = upload(client, text)
    page = client.get(reverse("reports:results-import", kwargs={"pk": record.pk})).content.decode()
    assert "Дубенский район) не входит в вашу зону: <strong>3 строки, строки 2–4" in page
    assert 'id="all-outside"' not in page


def test_the_problems_xlsx_has_every_row_for_those_who_may_open_the_import(
    client_for, coordinator, other_coordinator, world
):
    client = client_for(coordinator)
    record = upload(client, far_file(5))
    url = reverse("reports:results-problems", kwargs={"pk": record.pk})
    response = client.get(url)
    assert response.status_code == 200
    sheet = load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    ).active
    rows = [row for row in sheet.iter_rows(values_only=True) if isinstance(row[2], int)]
    assert [row[2] for row in rows] == [2, 3, 4, 5, 6]
    assert all("Новопавшинская" in row[0] and row[4] == "novopavshino" for row in rows)
    assert client_for(other_coordinator).get(url).status_code == 404


def test_a_file_without_problems_has_no_problems_xlsx(client_for, coordinator, world):
    client = client_for(coordinator)
    record = upload(client, HEADER + "2021;ВПР;Русский язык;5;chemashi;5а;C1;20;3;3\n")
    assert client.get(reverse("reports:results-problems", kwargs={"pk": record.pk})).status_code == 404


def test_the_preview_says_the_same_file_was_already_imported(
    client_for, coordinator, world, django_capture_on_commit_callbacks
):
    client = client_for(coordinator)
    text = HEADER + "2021;ВПР;Русский язык;5;chemashi;5а;C1;20;3;3\n"
    first = upload(client, text)
    page = client.get(reverse("reports:results-import", kwargs={"pk": first.pk})).content.decode()
    assert "уже загружен" not in page  # checked, not committed: nothing to warn about
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:results-confirm", kwargs={"pk": first.pk}))
    first.refresh_from_db()
    second = upload(client, text, name="renamed.csv")
    assert second.summary["sha256"] == first.summary["sha256"]
    page = client.get(reverse("reports:results-import", kwargs={"pk": second.pk})).content.decode()
    when = first.committed_at.astimezone().strftime("%d.%m.%Y")
    assert f"Этот файл уже загружен {when}" in page and f"пользователем {coordinator}" in page
    # Another file is not announced.
    third = upload(client, text.replace("C1;20", "C2;21"))
    page = client.get(reverse("reports:results-import", kwargs={"pk": third.pk})).content.decode()
    assert "уже загружен" not in page


def test_an_import_of_the_command_line_is_listed_for_the_municipalitys_coordinators(
    client_for, coordinator, other_coordinator, world, tmp_path
):
    path = tmp_path / "cli.csv"
    path.write_text(HEADER + "2021;ВПР;Русский язык;5;chemashi;5а;C1;20;3;3\n", encoding="utf-8")
    call_command("import_results", str(path), stdout=io.StringIO())
    record = ResultImport.objects.get()
    assert record.user is None and record.summary["ran_by"]["command"] == "import_results"
    page = client_for(coordinator).get(reverse("reports:results-upload")).content.decode()
    assert "cli.csv" in page and "система (import_results, запустил" in page
    page = client_for(other_coordinator).get(reverse("reports:results-upload")).content.decode()
    assert "cli.csv" not in page
    # The coordinator uploading the same file is told who imported it before.
    client = client_for(coordinator)
    again = upload(client, path.read_text(encoding="utf-8"))
    page = client.get(reverse("reports:results-import", kwargs={"pk": again.pk})).content.decode()
    assert "уже загружен" in page and "системой (import_results, запустил" in page


def test_the_command_line_groups_a_file_of_one_problem(tmp_path, world):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "".join(f"2021;ВПР;Русский язык;5;no-such;5а;P{n};20;3;3\n" for n in range(30)))
    err = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("import_results", str(path), stdout=io.StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert lines[1].strip() == "Неизвестный код школы «no-such»: 30 строк, строки 2–31"
    assert len(lines) == 2 + 20 + 1 and lines[-1].strip() == "… и ещё 10"


def test_a_committed_import_links_the_campaigns_and_schools_it_wrote(
    client_for, coordinator, world, django_capture_on_commit_callbacks
):
    from reports.assessments.models import Campaign, Recalculation

    client = client_for(coordinator)
    text = HEADER + "2021;ВПР;Русский язык;5;chemashi;5а;C1;20;3;3\n2021;ВПР;Русский язык;5;andra;5а;A1;20;4;4\n"
    record = upload(client, text)
    with django_capture_on_commit_callbacks(execute=False):  # the recalculation has not run yet
        client.post(reverse("reports:results-confirm", kwargs={"pk": record.pk}))
    campaign = Campaign.objects.get()
    campaign_url = reverse("reports:campaign-results", kwargs={"pk": campaign.pk})
    page = client.get(reverse("reports:results-import", kwargs={"pk": record.pk})).content.decode()
    assert "Что записано из этого файла" in page and str(campaign) in page
    assert campaign_url not in page  # it would answer 404 before the recalculation: named, not linked
    for code in ("chemashi", "andra"):
        assert reverse("reports:school-results-tab", kwargs={"code": code}) in page

    from reports.assessments.aggregates import recalculate

    job = Recalculation.objects.get()
    recalculate(job.campaigns, job.schools)
    Recalculation.objects.filter(pk=job.pk).update(state=Recalculation.State.DONE)
    status = client.get(reverse("reports:results-import", kwargs={"pk": record.pk}), headers={"HX-Request": "true"})
    assert campaign_url in status.content.decode()  # the polling card brings the link once the table exists
    assert client.get(campaign_url).status_code == 200
    assert client.get(reverse("reports:school-results-tab", kwargs={"code": "andra"})).status_code == 200


def test_the_links_of_what_was_written_are_only_those_the_reader_may_open(world, principal, coordinator):
    from reports.assessments.services import what_was_written

    record = ResultImport(
        user=coordinator,
        state="committed",
        summary={"campaign_ids": [], "school_ids": [world.school.pk, world.far_school.pk]},
    )
    written = what_was_written(principal, record)
    assert [school.code for school in written["schools"]] == ["chemashi"] and written["hidden_schools"] == 1


def test_my_imports_cost_the_same_queries_for_one_system_import_and_for_six(client_for, coordinator, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def system_import(n):
        return ResultImport.objects.create(
            original_name=f"cli-{n}.csv",
            state="committed",
            summary={"school_ids": [world.school.pk], "ran_by": {"command": "import_results", "account": "root"}},
        )

    client = client_for(coordinator)
    client.get(reverse("reports:results-upload"))  # warm the session
    system_import(0)
    with CaptureQueriesContext(connection) as one:
        assert "cli-0.csv" in client.get(reverse("reports:results-upload")).content.decode()
    for n in range(1, 6):
        system_import(n)
    with CaptureQueriesContext(connection) as six:
        page = client.get(reverse("reports:results-upload")).content.decode()
    assert page.count("система (import_results, запустил root)") == 6
    assert len(six) == len(one)
