"""The web import of a plan table: upload → preview of exactly what was read → confirm; bad and hostile files."""

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from roadmaps.imports import read_plan_file
from roadmaps.models import Activity, Level, Plan, PlanStatus
from roadmaps.previews import build_preview
from roadmaps.views.import_wizard import SESSION_KEY

from .builders import docx_like, with_entity, workbook_bytes
from .test_imports import SEED_001_HEADER, seed_000, seed_001

pytestmark = pytest.mark.django_db

URL = "/roadmaps/import/"


def upload(data: bytes, name="план.xlsx"):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def form(data=None, **values):
    fields = {"owner": "oktyabrsky", "level": "", "first_year": "2020", "last_year": "2021", "title": ""}
    fields.update(values)
    if data is not None:
        fields["file"] = upload(data)
    return fields


def kept_files(settings) -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "roadmaps" / "plan-imports"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_the_url_is_named():
    assert reverse("roadmaps:plan-import") == URL


def test_it_reads_previews_and_creates_exactly_the_preview(world, coordinator, client_for, settings):
    client = client_for(coordinator)
    assert "Таблица плана (.xlsx)" in client.get(URL).content.decode()
    response = client.post(URL, form(seed_001()))
    assert response.status_code == 302
    preview_url = response["Location"]
    token = preview_url.rstrip("/").rsplit("/", 1)[-1]
    assert len(kept_files(settings)) == 1 and not Plan.objects.exists()

    html = client.get(preview_url).content.decode()
    assert "План мероприятий («дорожная карта») по работе с ШНОР на 2020-2021 годы" in html
    assert "Создание муниципальной рабочей группы по вопросам адресной поддержки ШНОР" in html
    assert "Август 2020г." in html and "01.08.2020–31.08.2020" in html
    assert "3 раздела" in html and "8 мероприятий" in html
    assert "строка 13, 4.6: срок не указан." in html  # flagged for the coordinator
    assert "номер 2.6 повторяется в разделе" in html
    assert "Октябрьский район" in html and "01.01.2020–31.12.2021" in html

    response = client.post(reverse("roadmaps:plan-import-confirm", args=[token]))
    plan = Plan.objects.get()
    assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()
    assert (plan.level, plan.municipality, plan.status) == (Level.MUNICIPAL, world.municipality, PlanStatus.DRAFT)
    assert (plan.period_start, plan.period_end) == (dt.date(2020, 1, 1), dt.date(2021, 12, 31))
    preview = build_preview(read_plan_file(seed_001()), plan.period_start, plan.period_end)
    created = [
        (
            a.number,
            a.name,
            a.deadline_text,
            a.deadline_kind,
            a.deadline_periods,
            a.outside_period,
            a.responsible,
            a.expected_result,
        )
        for a in Activity.objects.filter(section__plan=plan).order_by("section__order", "order")
    ]
    assert created == preview.rows() and len(created) == 8
    assert plan.title == preview.title
    assert list(plan.sections.values_list("number", flat=True)) == ["1", "2", "4"]

    # The kept file is gone; confirming again creates nothing.
    assert kept_files(settings) == [] and SESSION_KEY in client.session
    assert client.post(reverse("roadmaps:plan-import-confirm", args=[token])).status_code == 404
    assert Plan.objects.count() == 1


def test_a_stage_deadline_is_previewed_as_the_plan_will_read_it(world):
    rows = [
        ["№", "Мероприятие", "Сроки", "Ответственный", "Результат"],
        ["1.1.", "Подготовительный этап", None, None, None, "февраль – март 2018 год"],
        ["1", "Создание рабочей группы", None, "Директор", "Приказ"],
    ]
    read = read_plan_file(workbook_bytes(rows, merges=["B2:E2"]))
    preview = build_preview(read, dt.date(2018, 1, 1), dt.date(2021, 12, 31))
    activity = preview.sections[0].activities[0]
    assert activity.deadline_text == "" and activity.deadline_periods == [["2018-02-01", "2018-03-31"]]


def test_what_the_reader_left_out_is_among_the_preview_problems(world):
    rows = [
        ["№", "Мероприятие", "Сроки", "Ответственный", "Срок (факт)"],
        ["1", "Создание рабочей группы", "май 2024", "Директор", "июнь 2024"],
        ["Примечание: ОО – образовательные организации"],
    ]
    preview = build_preview(read_plan_file(workbook_bytes(rows)), dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    said = " ".join(preview.problems)
    assert "«Срок (факт)» (E) не прочитан" in said and "пропущена как примечание" in said


def test_a_title_and_a_school_owner_are_taken_from_the_form(world, coordinator, client_for):
    client = client_for(coordinator)
    response = client.post(URL, form(seed_000(), owner="chemashi", title="Дорожная карта Чемашинской СОШ"))
    token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    assert "Дорожная карта Чемашинской СОШ" in client.get(response["Location"]).content.decode()
    client.post(reverse("roadmaps:plan-import-confirm", args=[token]))
    plan = Plan.objects.get()
    assert (plan.level, plan.school, plan.title) == (Level.SCHOOL, world.school, "Дорожная карта Чемашинской СОШ")


def test_a_pair_plan_finds_the_pairing_of_the_school(world, coordinator, client_for):
    client = client_for(coordinator)
    response = client.post(URL, form(seed_001(), owner="chemashi", level="pair"))
    assert response.status_code == 302
    token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    client.post(reverse("roadmaps:plan-import-confirm", args=[token]))
    plan = Plan.objects.get()
    assert (plan.level, plan.pairing.mentee, plan.pairing.mentor) == (Level.PAIR, world.school, world.mentor_school)


def test_a_mistake_in_the_other_fields_keeps_the_good_file(world, coordinator, client_for, settings):
    client = client_for(coordinator)
    response = client.post(URL, form(seed_001(), owner="oktyabrsky", level="school", last_year="2019"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Последний год не может быть раньше первого." in html
    assert "Сохранён файл «план.xlsx»" in html
    token = next(iter(client.session[SESSION_KEY]))
    assert f'value="{token}"' in html and len(kept_files(settings)) == 1
    # The owner is checked as the command line checks it: a municipality has a municipal plan only.
    response = client.post(URL, form(None, upload=token, level="school"))
    assert response.status_code == 200 and "муниципальный" in response.content.decode()
    response = client.post(URL, form(None, upload=token))
    assert response.status_code == 302 and token in response["Location"]
    assert not Plan.objects.exists()


def _zip_bomb() -> bytes:
    """A small archive named like a workbook whose sheet unpacks to more than the 100 MB a plan may have."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            block = b"0" * (1 << 20)
            for _ in range(101):
                member.write(block)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param("№;Мероприятие;Сроки\n1;Семинар;май\n".encode(), "не книга Excel", id="csv renamed"),
        pytest.param(b"%PDF-1.7\n...", "документ или изображение", id="pdf renamed"),
        pytest.param(b"", "пуст", id="empty file"),
        pytest.param(docx_like(), "Word", id="word document"),
        pytest.param(workbook_bytes([["Показатель", "2020"], ["Доля", "10"]]), "заголов", id="no plan table"),
        pytest.param(workbook_bytes([SEED_001_HEADER]), "ни одного мероприятия", id="header only"),
        pytest.param(with_entity(seed_001()), "сущност", id="xml entities"),
        pytest.param(_zip_bomb(), "100 МБ", id="zip bomb"),
        pytest.param(b"PK\x03\x04" + b"\x00" * (10 * 1024 * 1024 + 1), "10 МБ", id="too big"),
    ],
)
def test_bad_files_are_refused_beside_the_field_and_nothing_is_kept(
    world, coordinator, client_for, settings, data, message
):
    response = client_for(coordinator).post(URL, form(data))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html, html[html.find("id_file") - 500 : html.find("id_file") + 1500]
    assert "invalid-feedback" in html and 'value="2021"' in html  # the other fields stay filled
    assert kept_files(settings) == [] and not Plan.objects.exists()


def test_no_file_at_all_is_an_error_beside_the_field(world, coordinator, client_for):
    response = client_for(coordinator).post(URL, form(None))
    assert response.status_code == 200 and "Выберите файл плана (.xlsx)." in response.content.decode()


@pytest.mark.parametrize("persona", ["inspector", "regional", "outsider", "mentor_only"])
def test_who_does_not_create_plans_gets_a_403(request, world, client_for, persona):
    if persona == "mentor_only":
        from accounts.models import Role

        from ..factories import user_with_role

        user = user_with_role(Role.MENTOR, "mentor-only", school=world.mentor_school)
    else:
        user = request.getfixturevalue(persona)
    client = client_for(user)
    assert client.get(URL).status_code == 403
    assert client.post(URL, form(seed_001())).status_code == 403
    assert not Plan.objects.exists()


def test_a_principal_imports_only_a_plan_of_the_own_school(world, principal, client_for):
    client = client_for(principal)
    response = client.post(URL, form(seed_000(), owner="oktyabrsky"))
    assert response.status_code == 200 and "Выберите корректный вариант" in response.content.decode()
    response = client.post(URL, form(seed_000(), owner="chemashi", level="pair"))
    assert response.status_code == 200 and "Вы не можете импортировать план для этого владельца." in (
        response.content.decode()
    )
    response = client.post(URL, form(seed_000(), owner="chemashi"))
    assert response.status_code == 302
    token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    client.post(reverse("roadmaps:plan-import-confirm", args=[token]))
    assert Plan.objects.get().school == world.school


def test_an_upload_is_seen_only_by_the_session_that_made_it(world, coordinator, client, settings):
    from .test_lifecycle import make_plan  # noqa: F401 (the module's personas are the shared ones)

    client.force_login(coordinator)
    response = client.post(URL, form(seed_001()))
    preview_url = response["Location"]
    token = preview_url.rstrip("/").rsplit("/", 1)[-1]
    from django.test import Client

    other = Client()
    other.force_login(coordinator)  # the same person in another session: the token means nothing there
    assert other.get(preview_url).status_code == 404
    assert other.post(reverse("roadmaps:plan-import-confirm", args=[token])).status_code == 404
    assert client.get("/roadmaps/import/not-a-token/").status_code == 404
    assert client.get(reverse("roadmaps:plan-import-confirm", args=[token])).status_code == 405
    assert not Plan.objects.exists()


def test_cancelling_removes_the_kept_file(world, coordinator, client_for, settings):
    client = client_for(coordinator)
    token = client.post(URL, form(seed_001()))["Location"].rstrip("/").rsplit("/", 1)[-1]
    assert len(kept_files(settings)) == 1
    assert client.post(reverse("roadmaps:plan-import-cancel", args=[token])).status_code == 302
    assert kept_files(settings) == [] and client.get(f"/roadmaps/import/{token}/").status_code == 404


def test_a_session_keeps_a_few_uploads_at_most(world, coordinator, client_for, settings):
    client = client_for(coordinator)
    for _ in range(7):
        client.post(URL, form(seed_001()))
    assert len(kept_files(settings)) == 5 and len(client.session[SESSION_KEY]) == 5


def test_uploads_left_behind_by_old_sessions_are_swept(world, coordinator, client_for, settings):
    import os
    import time

    client = client_for(coordinator)
    client.post(URL, form(seed_001()))
    (old,) = kept_files(settings)
    stale = time.time() - settings.SESSION_COOKIE_AGE - 60
    os.utime(old, (stale, stale))
    client_for(coordinator).post(URL, form(seed_001()))
    files = kept_files(settings)
    assert len(files) == 1 and old not in files


def test_the_plan_list_offers_the_import_to_those_who_create_plans(world, coordinator, inspector, client_for):
    assert URL in client_for(coordinator).get(reverse("roadmaps:plan-list")).content.decode()
    assert URL not in client_for(inspector).get(reverse("roadmaps:plan-list")).content.decode()


# --- One upload, one plan ------------------------------------------------------------------------------------------


def _prepared(client) -> str:
    response = client.post(URL, form(seed_001()))
    assert response.status_code == 302
    return response["Location"].rstrip("/").rsplit("/", 1)[-1]


def test_a_second_confirmation_with_the_session_as_it_was_creates_nothing(world, coordinator, client_for, settings):
    """Two tabs (or a double click) send the confirmation with the same session: the second finds the upload taken
    and says so; there is still one plan and no file left behind."""
    client = client_for(coordinator)
    token = _prepared(client)
    as_it_was = dict(client.session[SESSION_KEY])
    confirm = reverse("roadmaps:plan-import-confirm", args=[token])
    assert client.post(confirm).status_code == 302
    session = client.session
    session[SESSION_KEY] = as_it_was  # the second request read the session before the first one saved it
    session.save()
    response = client.post(confirm, follow=True)
    assert Plan.objects.count() == 1 and kept_files(settings) == []
    assert response.status_code in (200, 404)


def test_a_confirmation_while_another_is_under_way_creates_nothing(world, coordinator, client_for, settings):
    from roadmaps.views.import_wizard import _claim

    client = client_for(coordinator)
    token = _prepared(client)
    _claim(client.session[SESSION_KEY][token])  # what the first confirmation does before it writes its plan
    response = client.post(reverse("roadmaps:plan-import-confirm", args=[token]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("roadmaps:plan-list")
    assert "Этот импорт уже подтверждён (возможно, в другой вкладке)" in response.content.decode()
    assert not Plan.objects.exists()


def test_a_plan_that_cannot_be_created_gives_the_upload_back(world, coordinator, client_for, settings):
    """The plan is refused at the confirmation (a period kept in the session that the rule refuses): nothing is
    written, the message is shown and the file stays for another try."""
    client = client_for(coordinator)
    token = _prepared(client)
    session = client.session
    entry = session[SESSION_KEY][token]
    entry["params"]["last_year"] = 2040  # a period the rule of every plan refuses (the form would not let it in)
    session.save()
    response = client.post(reverse("roadmaps:plan-import-confirm", args=[token]), follow=True)
    assert "не более чем на 10 лет" in response.content.decode()
    assert not Plan.objects.exists() and len(kept_files(settings)) == 1
    assert not any(path.name.endswith(".claimed") for path in kept_files(settings))


# --- The period and the owner of a pair plan -----------------------------------------------------------------------


def test_the_imported_period_keeps_to_the_rule_of_every_plan(world, coordinator, client_for, settings):
    client = client_for(coordinator)
    response = client.post(URL, form(seed_001(), first_year="2020", last_year="2030"))
    assert response.status_code == 200
    assert response.context["form"].errors["last_year"] == ["План рассчитывается не более чем на 10 лет."]
    response = client.post(URL, form(seed_001(), first_year="1999", last_year="2101"))
    errors = response.context["form"].errors
    assert "2000" in errors["first_year"][0] and "2100" in errors["last_year"][0]
    token = next(iter(client.session[SESSION_KEY]))
    response = client.post(URL, form(None, upload=token, first_year="2020", last_year="2029"))
    assert response.status_code == 302 and not Plan.objects.exists()


@pytest.fixture
def cross_pairing(world):
    """A mentor of the neighbouring municipality supporting a school of the coordinator's municipality."""
    from tests.factories import PairingFactory

    return PairingFactory(mentor=world.neighbour_school, mentee=world.second_school)


def test_a_pair_plan_belongs_to_the_supported_schools_municipality(world, administrator, client_for, cross_pairing):
    """Named by the mentor's code, the pair plan is still the supported school's municipality's, as on the page that
    creates plans."""
    client = client_for(administrator)
    response = client.post(URL, form(seed_001(), owner="berezovo", level="pair"))
    token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    client.post(reverse("roadmaps:plan-import-confirm", args=[token]))
    plan = Plan.objects.get()
    assert (plan.level, plan.pairing, plan.school, plan.municipality) == (
        Level.PAIR,
        cross_pairing,
        world.second_school,
        world.municipality,
    )


def test_the_mentors_coordinator_does_not_import_the_pairs_plan(world, client_for, cross_pairing):
    from accounts.models import Role
    from tests.factories import user_with_role

    neighbour = user_with_role(Role.MUNICIPAL_COORDINATOR, "neighbour-coordinator", municipality=world.neighbour)
    response = client_for(neighbour).post(URL, form(seed_001(), owner="berezovo", level="pair"))
    assert response.status_code == 200
    assert response.context["form"].errors["owner"] == ["Вы не можете импортировать план для этого владельца."]
    assert not Plan.objects.exists()


def test_a_long_list_of_problems_is_folded_after_ten(world, coordinator, client_for):
    rows = [SEED_001_HEADER] + [[f"1.{n}", f"Мероприятие {n}", "", "УО", "Отчёт"] for n in range(1, 16)]
    client = client_for(coordinator)
    response = client.post(URL, form(workbook_bytes(rows)))
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    box = html[html.index('id="import-problems"') :]
    shown, folded = box.split('<details class="all-problems">', 1)
    assert shown.count("срок не указан") == 10
    assert "показать все (15)" in folded and folded.split("</details>")[0].count("срок не указан") == 5
