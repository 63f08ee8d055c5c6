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
    assert "Ахременко" not in page.content.decode() and page.context["summary"]["total"] == [0, 0, 1]


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
