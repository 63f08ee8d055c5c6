"""The plan's lifecycle: every allowed transition, the refused ones (by state and by role), who did what and when."""

import datetime as dt

import pytest
from django.urls import reverse

from roadmaps import lifecycle
from roadmaps.lifecycle import LifecycleError, NotPermitted
from roadmaps.models import Activity, Level, Plan, PlanStatus, PlanVersion, Section

pytestmark = pytest.mark.django_db


def make_plan(world, *, level=Level.MUNICIPAL, school=None, status=PlanStatus.DRAFT, activities=True, **values):
    """A plan of `world.municipality` (or of `school`) for 2020–2021 with two sections and three activities."""
    plan = Plan.objects.create(
        level=level,
        municipality=world.municipality,
        school=school,
        title=values.pop("title", "План мероприятий («дорожная карта») Октябрьского района на 2020-2021 гг."),
        period_start=values.pop("period_start", dt.date(2020, 1, 1)),
        period_end=values.pop("period_end", dt.date(2021, 12, 31)),
        status=status,
        goal="Повышение качества образования",
        timeframe="2020–2021 гг.",
        **values,
    )
    if activities:
        first = Section.objects.create(plan=plan, number="1", title="Реализация вариативных моделей", order=1)
        second = Section.objects.create(plan=plan, number="2", title="Методическая поддержка", order=2)
        a = Activity.objects.create(
            section=first,
            number="1.1",
            order=1,
            name="Создание муниципальной рабочей группы",
            deadline_text="Август 2020г.",
            responsible="УОиМП",
            expected_result="Приказ управления",
        )
        a.executors.add(world.school)
        Activity.objects.create(
            section=first,
            number="1.2",
            order=2,
            name="Определение механизмов выявления дефицитов",
            deadline_text="Сентябрь-октябрь 2020г",
            responsible="УМЦ управления",
            expected_result="Алгоритм деятельности",
        )
        Activity.objects.create(
            section=second,
            number="2.1",
            order=1,
            name="Повышение квалификации руководителей",
            deadline_text="В течение года",
            responsible="УМЦ управления",
            expected_result="Обучились 50% руководителей",
        )
    return plan


@pytest.fixture
def plan(world):
    return make_plan(world)


@pytest.fixture
def school_plan(world):
    return make_plan(world, level=Level.SCHOOL, school=world.school, title="Дорожная карта Чемашинской СОШ")


def _status(plan) -> str:
    plan.refresh_from_db()
    return plan.status


# --- Services ------------------------------------------------------------------------------------------------------


def test_it_walks_a_plan_through_the_whole_lifecycle(plan, coordinator):
    lifecycle.submit(plan, coordinator, "Прошу согласовать")
    assert _status(plan) == PlanStatus.REVIEW
    lifecycle.return_for_revision(plan, coordinator, "Уточните сроки раздела 2")
    assert _status(plan) == PlanStatus.RETURNED and plan.status_comment == "Уточните сроки раздела 2"
    lifecycle.submit(plan, coordinator)
    assert _status(plan) == PlanStatus.REVIEW and plan.status_comment == ""
    version = lifecycle.approve(plan, coordinator, "400а/п", dt.date(2020, 9, 4), "Управление образования")
    plan.refresh_from_db()
    assert (plan.status, plan.approval_number, plan.approval_date, plan.approved_by) == (
        PlanStatus.APPROVED,
        "400а/п",
        dt.date(2020, 9, 4),
        "Управление образования",
    )
    assert (version.number, version.created_by) == (1, coordinator)
    assert "400а/п" in version.reason and "04.09.2020" in version.reason
    snapshot = version.snapshot
    assert snapshot["plan"]["approval_number"] == "400а/п" and snapshot["plan"]["status"] == PlanStatus.APPROVED
    assert [s["number"] for s in snapshot["sections"]] == ["1", "2"]
    first = snapshot["sections"][0]["activities"][0]
    assert (first["number"], first["deadline_text"], first["deadline_periods"], first["executors"]) == (
        "1.1",
        "Август 2020г.",
        [["2020-08-01", "2020-08-31"]],
        ["chemashi"],
    )
    assert first["pk"] == Activity.objects.get(number="1.1").pk
    lifecycle.start_execution(plan, coordinator)
    assert _status(plan) == PlanStatus.IN_PROGRESS
    lifecycle.complete(plan, coordinator)
    assert _status(plan) == PlanStatus.COMPLETED
    assert lifecycle.available(coordinator, plan) == []


@pytest.mark.parametrize(
    "status, action",
    [
        (PlanStatus.DRAFT, lifecycle.APPROVE),
        (PlanStatus.DRAFT, lifecycle.RETURN),
        (PlanStatus.DRAFT, lifecycle.START),
        (PlanStatus.DRAFT, lifecycle.COMPLETE),
        (PlanStatus.REVIEW, lifecycle.COMPLETE),
        (PlanStatus.REVIEW, lifecycle.SUBMIT),
        (PlanStatus.REVIEW, lifecycle.START),
        (PlanStatus.RETURNED, lifecycle.APPROVE),
        (PlanStatus.APPROVED, lifecycle.SUBMIT),
        (PlanStatus.APPROVED, lifecycle.APPROVE),
        (PlanStatus.APPROVED, lifecycle.COMPLETE),
        (PlanStatus.IN_PROGRESS, lifecycle.START),
        (PlanStatus.COMPLETED, lifecycle.SUBMIT),
        (PlanStatus.COMPLETED, lifecycle.START),
    ],
)
def test_it_refuses_a_step_the_state_does_not_allow(world, coordinator, status, action):
    plan = make_plan(world, status=status)
    data = {"comment": "Замечание", "approval_number": "1", "approval_date": dt.date(2020, 9, 4)}
    with pytest.raises(LifecycleError) as refused:
        lifecycle.transition(plan, coordinator, action, **data)
    assert not isinstance(refused.value, NotPermitted)
    assert "нельзя" in refused.value.message
    assert _status(plan) == status
    assert not PlanVersion.objects.exists()


def test_approval_needs_the_order_number_and_date(plan, coordinator):
    lifecycle.submit(plan, coordinator)
    with pytest.raises(LifecycleError) as refused:
        lifecycle.approve(plan, coordinator, " ", dt.date(2020, 9, 4))
    assert refused.value.field == "approval_number"
    with pytest.raises(LifecycleError) as refused:
        lifecycle.approve(plan, coordinator, "400а/п", None)
    assert refused.value.field == "approval_date"
    assert _status(plan) == PlanStatus.REVIEW and not plan.versions.exists()


def test_returning_needs_a_comment(plan, coordinator):
    lifecycle.submit(plan, coordinator)
    with pytest.raises(LifecycleError) as refused:
        lifecycle.return_for_revision(plan, coordinator, "  ")
    assert refused.value.field == "comment"
    assert _status(plan) == PlanStatus.REVIEW


def test_an_empty_plan_is_not_submitted(world, coordinator):
    plan = make_plan(world, activities=False)
    with pytest.raises(LifecycleError):
        lifecycle.submit(plan, coordinator)
    assert _status(plan) == PlanStatus.DRAFT


def test_the_principal_submits_the_school_plan_and_the_coordinator_approves_it(school_plan, principal, coordinator):
    assert [t.action for t in lifecycle.available(principal, school_plan)] == [lifecycle.SUBMIT]
    lifecycle.submit(school_plan, principal, "Готово")
    assert _status(school_plan) == PlanStatus.REVIEW
    assert lifecycle.available(principal, school_plan) == []
    with pytest.raises(NotPermitted):
        lifecycle.approve(school_plan, principal, "12", dt.date(2020, 10, 1))
    with pytest.raises(NotPermitted):
        lifecycle.return_for_revision(school_plan, principal, "Сам себе")
    assert _status(school_plan) == PlanStatus.REVIEW
    lifecycle.approve(school_plan, coordinator, "12", dt.date(2020, 10, 1))
    assert _status(school_plan) == PlanStatus.APPROVED
    with pytest.raises(NotPermitted):
        lifecycle.start_execution(school_plan, principal)


@pytest.mark.parametrize("persona", ["principal", "mentor", "inspector", "regional", "other_coordinator", "outsider"])
def test_only_the_municipality_coordinators_move_a_municipal_plan(request, plan, persona):
    user = request.getfixturevalue(persona)
    assert lifecycle.available(user, plan) == []
    with pytest.raises(NotPermitted):
        lifecycle.submit(plan, user)
    assert _status(plan) == PlanStatus.DRAFT


def test_the_administrator_may_do_every_step(plan, administrator):
    lifecycle.submit(plan, administrator)
    lifecycle.approve(plan, administrator, "1", dt.date(2020, 9, 1))
    assert _status(plan) == PlanStatus.APPROVED


def test_a_plan_with_an_open_amendment_is_not_completed(world, coordinator):
    plan = make_plan(world, status=PlanStatus.IN_PROGRESS, approval_number="1", approval_date=dt.date(2020, 9, 1))
    lifecycle.begin_amendment(plan, coordinator, "Новые сроки")
    with pytest.raises(LifecycleError):
        lifecycle.complete(plan, coordinator)
    assert _status(plan) == PlanStatus.IN_PROGRESS


@pytest.mark.parametrize("typed", ["№ 45-од", "№45-од", "№№ 45-од", "N 45-од", "No. 45-од", " 45-од "])
def test_a_number_sign_typed_before_the_order_number_is_not_doubled(plan, coordinator, typed):
    lifecycle.submit(plan, coordinator)
    version = lifecycle.approve(plan, coordinator, typed, dt.date(2020, 9, 4))
    plan.refresh_from_db()
    assert plan.approval_number == "45-од"
    assert version.reason == "Утверждён приказом № 45-од от 04.09.2020"


@pytest.mark.parametrize(("typed", "kept"), [("Н-45", "Н-45"), ("Nord-1", "Nord-1"), ("400а/п", "400а/п")])
def test_a_number_that_only_starts_like_a_sign_is_kept(typed, kept):
    assert lifecycle.clean_order_number(typed) == kept


def test_the_amending_order_number_loses_its_sign_too(world, coordinator):
    plan = make_plan(world)
    lifecycle.submit(plan, coordinator)
    lifecycle.approve(plan, coordinator, "400а/п", dt.date(2020, 9, 4))
    plan.refresh_from_db()
    amendment = lifecycle.begin_amendment(plan, coordinator, "Новые сроки")
    version = lifecycle.apply_amendment(amendment, coordinator, "№ 12-од", dt.date(2021, 2, 1))
    amendment.refresh_from_db()
    assert amendment.order_number == "12-од"
    assert version.reason == "Изменение № 1: Новые сроки — приказ № 12-од от 01.02.2021"


def test_the_approval_history_says_who_did_what_and_when(plan, coordinator, administrator):
    lifecycle.submit(plan, coordinator, "Прошу согласовать")
    plan.refresh_from_db()
    plan.goal = "Другая цель"  # an edit in between is not a status change
    plan.save()
    lifecycle.return_for_revision(plan, administrator, "Уточните сроки")
    lifecycle.submit(plan, coordinator)
    lifecycle.approve(plan, administrator, "400а/п", dt.date(2020, 9, 4))
    rows = list(lifecycle.approval_history(plan))
    assert [(r.previous_status, r.status) for r in rows] == [
        ("", PlanStatus.DRAFT),
        (PlanStatus.DRAFT, PlanStatus.REVIEW),
        (PlanStatus.REVIEW, PlanStatus.RETURNED),
        (PlanStatus.RETURNED, PlanStatus.REVIEW),
        (PlanStatus.REVIEW, PlanStatus.APPROVED),
    ]
    assert [r.history_user for r in rows[1:]] == [coordinator, administrator, coordinator, administrator]
    assert rows[1].history_change_reason == "Прошу согласовать"
    assert rows[2].history_change_reason == "Уточните сроки"
    assert "400а/п" in rows[4].history_change_reason
    assert rows[1].history_date <= rows[2].history_date <= rows[4].history_date


# --- Views ---------------------------------------------------------------------------------------------------------


def _url(plan, action):
    return reverse("roadmaps:plan-transition", args=[plan.pk, action])


def test_the_coordinator_approves_through_the_page(plan, coordinator, client_for):
    client = client_for(coordinator)
    assert client.post(_url(plan, "submit"), {"comment": ""}).status_code == 302
    assert _status(plan) == PlanStatus.REVIEW
    response = client.post(
        _url(plan, "approve"), {"approval_number": "400а/п", "approval_date": "2020-09-04", "approved_by": "УОиМП"}
    )
    assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()
    plan.refresh_from_db()
    assert (plan.status, plan.approval_number, plan.approved_by) == (PlanStatus.APPROVED, "400а/п", "УОиМП")
    assert plan.versions.get().number == 1
    history = plan.history.filter(status=PlanStatus.APPROVED).get()
    assert history.history_user == coordinator  # set by the history middleware of the request
    assert client.post(_url(plan, "start")).status_code == 302 and _status(plan) == PlanStatus.IN_PROGRESS
    assert client.post(_url(plan, "complete")).status_code == 302 and _status(plan) == PlanStatus.COMPLETED


@pytest.mark.parametrize("typed", ["№ 45-од", "№45-од", "N 45-од"])
def test_the_approval_record_reads_one_number_sign_everywhere(plan, coordinator, client_for, typed):
    client = client_for(coordinator)
    client.post(_url(plan, "submit"), {"comment": ""})
    response = client.post(_url(plan, "approve"), {"approval_number": typed, "approval_date": "2020-09-04"})
    assert response.status_code == 302
    pages = [
        client.get(plan.get_absolute_url()).content.decode(),
        client.get(reverse("roadmaps:plan-history", args=[plan.pk])).content.decode(),
        client.get(reverse("roadmaps:plan-list")).content.decode(),
    ]
    assert "№45-од" in pages[0] and "приказом № 45-од от 04.09.2020" in pages[1]
    for page in pages:
        assert "45-од" in page
        for doubled in ("№№", "№ №", "№ N", "№N "):
            assert doubled not in page


def test_a_number_kept_with_its_sign_before_the_rule_is_shown_with_one(plan, coordinator, client_for):
    Plan.objects.filter(pk=plan.pk).update(
        status=PlanStatus.APPROVED, approval_number="№ 45-од", approval_date=dt.date(2020, 9, 4)
    )
    plan.refresh_from_db()
    assert plan.approval_label == "№45-од от 04.09.2020"
    page = client_for(coordinator).get(plan.get_absolute_url()).content.decode()
    assert "№45-од" in page and "№№" not in page and "№ №" not in page


def test_a_missing_order_date_is_shown_beside_its_field(plan, coordinator, client_for):
    plan.status = PlanStatus.REVIEW
    plan.save()
    response = client_for(coordinator).post(_url(plan, "approve"), {"approval_number": "400а/п", "approval_date": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Укажите дату утверждающего приказа." in html and 'value="400а/п"' in html
    assert _status(plan) == PlanStatus.REVIEW


def test_returning_without_a_comment_shows_the_error_and_keeps_the_state(plan, coordinator, client_for):
    plan.status = PlanStatus.REVIEW
    plan.save()
    response = client_for(coordinator).post(_url(plan, "return"), {"comment": ""})
    assert response.status_code == 200 and "Укажите, что нужно доработать." in response.content.decode()
    assert _status(plan) == PlanStatus.REVIEW


def test_a_step_the_state_refuses_is_a_message_not_a_change(plan, coordinator, client_for):
    client = client_for(coordinator)
    response = client.post(_url(plan, "complete"))
    assert response.status_code == 200 and "нельзя" in response.content.decode()
    assert "нельзя" in client.get(_url(plan, "approve")).content.decode()
    assert _status(plan) == PlanStatus.DRAFT


@pytest.mark.parametrize(
    "persona, expected", [("principal", 403), ("inspector", 403), ("other_coordinator", 404), ("outsider", 404)]
)
def test_approval_by_the_wrong_person_is_a_403_or_a_404(request, plan, client_for, persona, expected):
    plan.status = PlanStatus.REVIEW
    plan.save()
    client = client_for(request.getfixturevalue(persona))
    response = client.post(_url(plan, "approve"), {"approval_number": "1", "approval_date": "2020-09-04"})
    assert response.status_code == expected
    assert _status(plan) == PlanStatus.REVIEW


def test_a_principal_gets_a_403_approving_the_school_plan_but_submits_it(school_plan, principal, client_for):
    client = client_for(principal)
    assert (
        client.post(_url(school_plan, "approve"), {"approval_number": "1", "approval_date": "2020-09-04"}).status_code
        == 403
    )
    assert client.post(_url(school_plan, "submit"), {"comment": "Готово"}).status_code == 302
    assert _status(school_plan) == PlanStatus.REVIEW


def test_the_steps_take_only_get_and_post_and_unknown_steps_are_404(plan, coordinator, client_for):
    client = client_for(coordinator)
    assert client.put(_url(plan, "submit")).status_code == 405
    assert client.get(_url(plan, "explode")).status_code == 404
    assert client.get(_url(plan, "submit")).status_code == 200
    assert _status(plan) == PlanStatus.DRAFT


def test_the_plan_page_shows_the_steps_the_user_may_take(plan, coordinator, inspector, client_for):
    html = client_for(coordinator).get(plan.get_absolute_url()).content.decode()
    assert "Отправить на согласование" in html and _url(plan, "submit") in html
    assert "История согласования" in html and reverse("roadmaps:plan-versions", args=[plan.pk]) in html
    html = client_for(inspector).get(plan.get_absolute_url()).content.decode()
    assert "Отправить на согласование" not in html and "История согласования" in html


def test_the_panel_offers_approval_and_return_under_review(plan, coordinator, client_for):
    plan.status = PlanStatus.REVIEW
    plan.save()
    html = client_for(coordinator).get(plan.get_absolute_url()).content.decode()
    assert _url(plan, "approve") in html and _url(plan, "return") in html and 'name="approval_number"' in html
    assert _url(plan, "submit") not in html


def test_the_history_page_lists_the_status_changes(plan, coordinator, inspector, client_for):
    lifecycle.submit(plan, coordinator, "Прошу согласовать")
    lifecycle.return_for_revision(plan, coordinator, "Уточните сроки раздела 2")
    client = client_for(inspector)
    url = reverse("roadmaps:plan-history", args=[plan.pk])
    html = client.get(url).content.decode()
    assert "Уточните сроки раздела 2" in html and "возвращён на доработку" in html
    assert coordinator.get_full_name() in html
    response = client.get(url, {"export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_history_of_a_plan_outside_the_scope_is_a_404(plan, other_coordinator, client_for):
    assert client_for(other_coordinator).get(reverse("roadmaps:plan-history", args=[plan.pk])).status_code == 404


def test_the_panel_costs_a_bounded_number_of_queries(world, coordinator, django_assert_max_num_queries):
    from roadmaps.views.lifecycle import panel_context

    plan = make_plan(world, status=PlanStatus.APPROVED)
    lifecycle.begin_amendment(plan, coordinator, "Уточнение")
    with django_assert_max_num_queries(6):
        context = panel_context(coordinator, plan)
    assert context["amendment"].reason == "Уточнение" and context["version_count"] == 1


def test_the_labels_of_the_lifecycle_forms_start_with_a_capital(plan, coordinator, client_for):
    """Labels taken from the models' verbose names («номер приказа об утверждении») are capitalised as Django does
    for a ModelForm's own labels."""
    from roadmaps.forms import ActivityForm, PeriodForm, PlanCreateForm, PlanEditForm, SectionForm
    from roadmaps.forms_lifecycle import (
        AmendmentApplyForm,
        AmendmentOpenForm,
        ApproveForm,
        CopyForm,
        PlanImportForm,
        ReturnForm,
        SchoolsCopyForm,
        SubmitForm,
    )

    plan.status = PlanStatus.REVIEW
    plan.save()
    html = client_for(coordinator).get(_url(plan, "approve")).content.decode()
    assert "Номер приказа об утверждении" in html and "Дата приказа об утверждении" in html and "Кем утверждён" in html
    assert "номер приказа об утверждении" not in html
    section = plan.sections.first()
    forms = [
        SubmitForm(),
        ReturnForm(),
        ApproveForm(),
        AmendmentOpenForm(),
        AmendmentApplyForm(),
        CopyForm(plan=plan),
        SchoolsCopyForm(plan=plan, user=coordinator),
        PlanImportForm(user=coordinator),
        PlanCreateForm(user=coordinator),
        PlanEditForm(instance=plan),
        SectionForm(plan=plan),
        ActivityForm(plan=plan, section=section),
        PeriodForm(),
    ]
    for form in forms:
        for name, field in form.fields.items():
            label = str(field.label or "")
            if label:
                assert label[0] == label[0].upper(), (type(form).__name__, name, label)
