"""Teachers, professional development and diagnostics pages: the principal keeps them, readers see the summary."""

import datetime as dt

import pytest
from django.urls import reverse

from support.models import Criterion, Diagnostic, Rater, Score, Teacher

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher(world):
    return Teacher.objects.create(school=world.school, full_name="Ахременко Татьяна Андреевна", position="учитель")


def card(date="2021-05-14", value="2", **overrides):
    data = {"date": date, "note": ""}
    for criterion in Criterion.objects.all():
        for rater in Rater.values:
            data[f"score_{criterion.pk}_{rater}"] = value
    return {**data, **overrides}


@pytest.mark.parametrize("persona", ["principal", "coordinator", "administrator"])
def test_the_school_and_its_coordinators_see_the_teachers(client_for, request, persona, teacher):
    response = client_for(request.getfixturevalue(persona)).get(reverse("support:teacher-list", args=["chemashi"]))
    assert response.status_code == 200 and "Ахременко" in response.content.decode()
    assert client_for(request.getfixturevalue(persona)).get(teacher.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("persona", ["mentor", "inspector", "regional"])
def test_readers_of_the_school_get_403_for_names_and_404_for_a_teacher(client_for, request, persona, teacher):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("support:teacher-list", args=["chemashi"])).status_code == 403
    assert client.get(teacher.get_absolute_url()).status_code == 404
    summary = client.get(reverse("support:school-competencies", args=["chemashi"]))
    assert summary.status_code == 200 and "Ахременко" not in summary.content.decode()


@pytest.mark.parametrize("persona", ["outsider", "other_coordinator"])
def test_outsiders_get_404(client_for, request, persona, teacher):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("support:teacher-list", args=["chemashi"])).status_code == 404
    assert client.get(reverse("support:school-competencies", args=["chemashi"])).status_code == 404
    assert client.get(teacher.get_absolute_url()).status_code == 404


def test_the_principal_adds_and_edits_a_teacher(client_for, principal, world):
    client = client_for(principal)
    response = client.post(
        reverse("support:teacher-create", args=["chemashi"]),
        {
            "full_name": "Иванова Мария Петровна",
            "position": "учитель",
            "subjects": "математика",
            "category": "first",
            "experience_years": "12",
            "is_active": "on",
        },
    )
    teacher = Teacher.objects.get(full_name="Иванова Мария Петровна")
    assert response.status_code == 302 and teacher.school == world.school
    client.post(
        reverse("support:teacher-update", args=[teacher.pk]), {"full_name": "Иванова М. П.", "category": "highest"}
    )
    teacher.refresh_from_db()
    assert (teacher.full_name, teacher.category, teacher.is_active) == ("Иванова М. П.", "highest", False)


def test_a_principal_cannot_add_teachers_to_another_school(client_for, principal, world):
    response = client_for(principal).post(reverse("support:teacher-create", args=["andra"]), {"full_name": "X"})
    assert response.status_code == 404 and not Teacher.objects.exists()  # not even in the principal's scope


def test_the_principal_records_a_diagnostic(client_for, principal, teacher):
    response = client_for(principal).post(reverse("support:diagnostic-create", args=[teacher.pk]), card())
    assert response.status_code == 302
    diagnostic = Diagnostic.objects.get()
    assert diagnostic.scores.count() == 48 and {s.value for s in diagnostic.scores.all()} == {2}
    page = client_for(principal).get(teacher.get_absolute_url())
    assert page.context["dynamics"][0]["total"].level == "optimal"


@pytest.mark.parametrize("bad", ["3", "-1", "1.5", "", "два"])
def test_a_score_outside_0_1_2_is_refused_beside_its_cell(client_for, principal, teacher, bad):
    criterion = Criterion.objects.first()
    data = card(**{f"score_{criterion.pk}_deputy": bad})
    response = client_for(principal).post(reverse("support:diagnostic-create", args=[teacher.pk]), data)
    assert response.status_code == 200 and f"score_{criterion.pk}_deputy" in response.context["form"].errors
    assert not Diagnostic.objects.exists() and not Score.objects.exists()


def test_a_second_diagnostic_of_the_same_day_is_refused(client_for, principal, teacher):
    client = client_for(principal)
    client.post(reverse("support:diagnostic-create", args=[teacher.pk]), card())
    response = client.post(reverse("support:diagnostic-create", args=[teacher.pk]), card())
    assert "date" in response.context["form"].errors and Diagnostic.objects.count() == 1


def test_repeated_diagnostics_show_the_dynamics(client_for, principal, teacher):
    client = client_for(principal)
    client.post(reverse("support:diagnostic-create", args=[teacher.pk]), card("2020-09-01", "1"))
    client.post(reverse("support:diagnostic-create", args=[teacher.pk]), card("2021-05-14", "2"))
    dynamics = client.get(teacher.get_absolute_url()).context["dynamics"]
    assert [(row["diagnostic"].date, row["total"].level) for row in dynamics] == [
        (dt.date(2020, 9, 1), "critical"),
        (dt.date(2021, 5, 14), "optimal"),
    ]


def test_readers_cannot_record_a_diagnostic(client_for, mentor, inspector, teacher):
    for user in (mentor, inspector):
        assert client_for(user).post(reverse("support:diagnostic-create", args=[teacher.pk]), card()).status_code == 404
    assert not Diagnostic.objects.exists()


def test_the_principal_adds_a_development_record(client_for, principal, teacher):
    url = reverse("support:development-add", args=[teacher.pk])
    data = {
        "programme": "Системы оценки и управления качеством образования",
        "hours": "72",
        "provider": "АУ ИРО",
        "start": "2020-08-03",
        "end": "2020-08-28",
        "completed": "on",
    }
    assert client_for(principal).post(url, data).status_code == 302
    record = teacher.development.get()
    assert (record.hours, record.completed, record.end) == (72, True, dt.date(2020, 8, 28))
    client_for(principal).post(url, {**data, "end": "2020-08-01"})
    assert teacher.development.count() == 1


def test_the_summary_shows_the_critical_group_by_name_to_the_school_only(client_for, principal, mentor, teacher):
    client_for(principal).post(reverse("support:diagnostic-create", args=[teacher.pk]), card(value="0"))
    url = reverse("support:school-competencies", args=["chemashi"])
    assert "Ахременко" in client_for(principal).get(url).content.decode()
    page = client_for(mentor).get(url)
    assert "Ахременко" not in page.content.decode()
    # One diagnosed teacher: the mentor gets neither the levels nor the size of the critical group (personal data).
    assert page.context["summary"]["total"] is None and page.context["summary"]["critical"] == []
    assert client_for(principal).get(url).context["summary"]["total"] == [0, 0, 1]


def test_the_diagnostic_form_answers_get_and_the_list_refuses_post(client_for, principal, teacher):
    assert client_for(principal).get(reverse("support:diagnostic-create", args=[teacher.pk])).status_code == 200
    assert client_for(principal).post(reverse("support:teacher-list", args=["chemashi"])).status_code == 405


def test_the_route_offers_the_deficits_and_flags_overdue_steps(client_for, principal, teacher):
    client = client_for(principal)
    client.post(reverse("support:diagnostic-create", args=[teacher.pk]), card(value="0"))
    page = client.get(teacher.get_absolute_url())
    assert [c.number for c in page.context["deficits"]] == [1, 2, 3, 4, 5]
    assert page.context["route_form"].initial["competency"] == page.context["deficits"][0].pk
    data = {
        "competency": page.context["deficits"][4].pk,
        "action": "mentoring",
        "description": "Наставник — зам. по УВР",
    }
    assert (
        client.post(reverse("support:route-add", args=[teacher.pk]), {**data, "due": "2021-01-31"}).status_code == 302
    )
    step = teacher.route.get()
    assert client.get(teacher.get_absolute_url()).context["route"][0].overdue
    client.post(reverse("support:route-done", args=[teacher.pk, step.pk]))
    step.refresh_from_db()
    assert step.done and not client.get(teacher.get_absolute_url()).context["route"][0].overdue


def test_readers_cannot_touch_the_route(client_for, mentor, teacher):
    response = client_for(mentor).post(
        reverse("support:route-add", args=[teacher.pk]), {"action": "course", "description": "x", "due": "2021-01-31"}
    )
    assert response.status_code == 404 and not teacher.route.exists()


LIST = reverse("support:teacher-list", args=["chemashi"])


@pytest.fixture
def staff(world):
    """Three teachers diagnosed at three levels, one not diagnosed, one who left."""
    from .test_competency import diagnose

    rows = {}
    for name, subjects, value in (
        ("Алексеева Н.В.", "русский язык", 0),
        ("Григорьев П.И.", "математика", 1),
        ("Ильина О.Н.", "биология", 2),
    ):
        rows[name] = Teacher.objects.create(school=world.school, full_name=name, subjects=subjects)
        diagnose(rows[name], dt.date(2021, 5, 14), lambda c, r, v=value: v)
    Teacher.objects.create(school=world.school, full_name="Егорова А.М.", subjects="начальные классы")
    Teacher.objects.create(school=world.school, full_name="Фанова В.Г.", subjects="русский язык", is_active=False)
    return rows


def names(response):
    return [t.full_name for t in response.context["page"].object_list]


def test_the_list_filters_by_name_status_and_level(client_for, principal, staff):
    client = client_for(principal)
    assert names(client.get(LIST)) == [
        "Алексеева Н.В.",
        "Григорьев П.И.",
        "Егорова А.М.",
        "Ильина О.Н.",
        "Фанова В.Г.",
    ]
    assert names(client.get(LIST, {"q": "русский"})) == ["Алексеева Н.В.", "Фанова В.Г."]
    assert names(client.get(LIST, {"status": "left"})) == ["Фанова В.Г."]
    assert names(client.get(LIST, {"level": "critical"})) == ["Алексеева Н.В.", "Григорьев П.И."]  # 50 % is critical
    assert names(client.get(LIST, {"level": "optimal"})) == ["Ильина О.Н."]
    assert names(client.get(LIST, {"level": "none", "status": "active"})) == ["Егорова А.М."]
    response = client.get(LIST, {"level": "нет такого"})
    assert names(response) == [] and "Ничего не найдено" in response.content.decode()


def test_the_list_paginates_and_answers_htmx_with_the_table(client_for, principal, staff, settings):
    settings.REGISTRY_PAGE_SIZE = 2
    client = client_for(principal)
    assert names(client.get(LIST, {"page": "3"})) == ["Фанова В.Г."]
    fragment = client.get(LIST, HTTP_HX_REQUEST="true")
    assert "<html" not in fragment.content.decode() and fragment.templates[0].name == "support/teacher/_table.html"


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_and_the_summary_cost_the_same_queries_for_3_and_30_teachers(
    client_for, principal, world, count, django_assert_max_num_queries
):
    from .test_competency import diagnose

    for index in range(count):
        teacher = Teacher.objects.create(school=world.school, full_name=f"Педагог {index:02d}")
        diagnose(teacher, dt.date(2020, 9, 15), lambda c, r: 0)
        diagnose(teacher, dt.date(2021, 5, 14), lambda c, r, i=index: i % 3)
    client = client_for(principal)
    client.get(LIST)
    with django_assert_max_num_queries(10):
        assert len(client.get(LIST).context["page"].object_list) == count
    with django_assert_max_num_queries(10):
        client.get(LIST, {"export": "xlsx"})
    summary_url = reverse("support:school-competencies", args=["chemashi"])
    with django_assert_max_num_queries(10):
        summary = client.get(summary_url).context["summary"]
    assert summary["diagnosed"] == count and len(summary["critical"]) == len(range(0, count, 3)) + len(
        range(1, count, 3)
    )


def test_the_summary_shows_the_dynamics_by_year(client_for, principal, mentor, world, teacher):
    client = client_for(principal)
    client.post(reverse("support:diagnostic-create", args=[teacher.pk]), card("2020-09-15", "0"))
    client.post(reverse("support:diagnostic-create", args=[teacher.pk]), card("2021-05-14", "2"))
    url = reverse("support:school-competencies", args=["chemashi"])
    dynamics = client_for(principal).get(url).context["summary"]["dynamics"]
    assert [(row["year"], row["counts"], str(row["mean"].percent)) for row in dynamics] == [
        (2020, [0, 0, 1], "0.0"),
        (2021, [1, 0, 0], "100.0"),
    ]
    # The mentor sees the years, but not the numbers of one teacher (tests/support/test_small_groups.py).
    dynamics = client_for(mentor).get(url).context["summary"]["dynamics"]
    assert [(row["year"], row["diagnosed"], row["counts"], row["hidden"]) for row in dynamics] == [
        (2020, 1, None, True),
        (2021, 1, None, True),
    ]


def test_the_mentor_sees_the_summary_but_no_names_scores_or_notes(client_for, principal, mentor, teacher):
    data = card(value="0", note="Личная заметка о педагоге")
    client_for(principal).post(reverse("support:diagnostic-create", args=[teacher.pk]), data)
    url = reverse("support:school-competencies", args=["chemashi"])
    page = client_for(mentor).get(url)
    html = page.content.decode()
    assert page.status_code == 200 and page.context["summary"]["total_hidden"]
    # No individual result badge («0,0 % · критический»), no name, no note, no link to the teacher, no named export.
    assert "Ахременко" not in html and "Личная заметка" not in html and " % · " not in html
    assert teacher.get_absolute_url() not in html and "export=risk_group" not in html
    principal_page = client_for(principal).get(url).content.decode()
    assert "Личная заметка" in principal_page and "export=risk_group" in principal_page and " % · " in principal_page


def test_the_teacher_page_shows_each_diagnostic_note(client_for, principal, teacher):
    client = client_for(principal)
    client.post(
        reverse("support:diagnostic-create", args=[teacher.pk]),
        card(note="Демонстрационные данные: баллы не из источника"),
    )
    assert "Демонстрационные данные: баллы не из источника" in client.get(teacher.get_absolute_url()).content.decode()


def test_a_bad_development_record_shows_the_page_with_the_errors(client_for, principal, teacher):
    response = client_for(principal).post(
        reverse("support:development-add", args=[teacher.pk]),
        {"programme": "", "start": "2020-08-03", "end": "2020-08-01", "hours": "много"},
    )
    form = response.context["development_form"]
    assert response.status_code == 200 and set(form.errors) >= {"programme", "hours"}
    assert form["start"].value() == "2020-08-03" and not teacher.development.exists()
