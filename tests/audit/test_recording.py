"""What the audit trail records: the models that had no history (scores, event target schools and named participants,
materials, evidence files), rows deleted with their parent, many-to-many changes, and the backfill of old history."""

import datetime as dt
import io

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse

from roadmaps.models import Evidence
from shnor_portal.audit.models import AuditEntry
from shnor_portal.audit.recording import backfill_after_migrate
from support.models import (
    Criterion,
    EventMaterial,
    EventParticipant,
    EventSchool,
    EventType,
    Rater,
    Score,
    SupportEvent,
    Teacher,
)
from tests.roadmaps.progress_builders import make_activity, make_plan, make_report, make_section

pytestmark = pytest.mark.django_db


def entries_of(model, **filters):
    return AuditEntry.objects.filter(
        content_type__app_label=model._meta.app_label, content_type__model=model._meta.model_name, **filters
    )


def test_each_score_of_a_diagnostic_is_recorded_as_personal_data_of_the_school(client_for, principal, world):
    teacher = Teacher.objects.create(school=world.school, full_name="Ахременко Татьяна Андреевна")
    data = {"date": "2021-05-14", "note": ""}
    for criterion in Criterion.objects.all():
        for rater in Rater.values:
            data[f"score_{criterion.pk}_{rater}"] = "2"
    assert client_for(principal).post(reverse("support:diagnostic-create", args=[teacher.pk]), data).status_code == 302

    created = entries_of(Score, action="created")
    assert created.count() == Score.objects.count() == 48
    assert set(created.values_list("personal", "school_id", "municipality_id", "actor_id", "url")) == {
        (True, world.school.pk, world.municipality.pk, principal.pk, teacher.get_absolute_url())
    }
    score = Score.objects.order_by("pk").first()
    score.value = 0
    score.save()
    changed = entries_of(Score, action="changed").get()
    assert changed.changes == [{"field": "value", "label": "балл", "before": "2", "after": "0"}]


def test_target_schools_of_an_event_are_recorded_as_they_come_and_go(client_for, coordinator, world):
    data = {
        "municipality": world.municipality.pk,
        "type": EventType.CONSULTATION,
        "format": "remote",
        "start": "2020-11-10",
        "topic": "Консультация по ВПР",
        "organiser_municipality": world.municipality.pk,
        "target_schools": [world.school.pk],
        "result": "Даны рекомендации",
    }
    client = client_for(coordinator)
    assert client.post(reverse("support:event-create"), data).status_code == 302
    event = SupportEvent.objects.get()
    added = entries_of(EventSchool, action="created").get()
    assert (added.school_id, added.municipality_id, added.actor, added.url) == (
        world.school.pk,
        world.municipality.pk,
        coordinator,
        event.get_absolute_url(),
    )
    edit = {**data, "target_schools": [world.second_school.pk]}
    assert client.post(reverse("support:event-edit", args=[event.pk]), edit).status_code == 302
    assert set(entries_of(EventSchool).values_list("action", "school_id")) == {
        ("created", world.school.pk),
        ("deleted", world.school.pk),
        ("created", world.second_school.pk),
    }
    assert EventSchool.objects.get().school == world.second_school


def test_named_participants_are_recorded_when_added_and_removed(client_for, coordinator, world):
    event = SupportEvent.objects.create(
        municipality=world.municipality, type=EventType.SEMINAR, start=dt.date(2020, 10, 15), topic="Семинар"
    )
    EventSchool.objects.create(event=event, school=world.school)
    client = client_for(coordinator)
    client.post(
        reverse("support:participant-add", args=[event.pk]),
        {"school": world.school.pk, "full_name": "Ахременко Татьяна Андреевна", "position": "учитель"},
    )
    participant = EventParticipant.objects.get()
    client.post(reverse("support:participant-delete", args=[event.pk, participant.pk]))
    assert not EventParticipant.objects.exists()
    entries = entries_of(EventParticipant).order_by("timestamp", "pk")
    assert [(e.action, e.personal, e.object_repr) for e in entries] == [
        ("created", True, "Ахременко Татьяна Андреевна"),
        ("deleted", True, "Ахременко Татьяна Андреевна"),
    ]
    removed = {change["field"]: (change["before"], change["after"]) for change in entries.last().changes}
    assert removed["full_name"] == ("Ахременко Татьяна Андреевна", "")
    assert removed["school"] == ("МКОУ «Чемашинская СОШ»", "")


def test_materials_and_evidence_files_are_recorded(world, principal):
    event = SupportEvent.objects.create(
        municipality=world.municipality, type=EventType.SEMINAR, start=dt.date(2020, 10, 15), topic="Семинар"
    )
    EventMaterial.objects.create(
        event=event, file=ContentFile(b"%PDF-1.4", name="a.pdf"), name="a.pdf", kind="pdf", size=8
    )
    assert entries_of(EventMaterial, action="created", municipality_id=world.municipality.pk).count() == 1

    plan = make_plan(world.municipality)
    activity = make_activity(make_section(plan), "31.12.2099", executors=[world.school])
    report = make_report(activity, world.school, period=None)
    Evidence.objects.create(
        report=report, file=ContentFile(b"%PDF-1.4", name="b.pdf"), name="приказ.pdf", kind="pdf", size=8
    )
    entry = entries_of(Evidence).get()
    assert (entry.action, entry.object_repr, entry.municipality_id, entry.school_id, entry.url) == (
        "created",
        "приказ.pdf",
        world.municipality.pk,
        world.school.pk,
        plan.get_absolute_url(),
    )


def test_rows_deleted_with_their_parent_stay_in_its_municipality(world):
    event = SupportEvent.objects.create(
        municipality=world.far, type=EventType.SEMINAR, start=dt.date(2020, 10, 15), topic="Дубенский семинар"
    )
    EventSchool.objects.create(event=event, school=world.far_school)
    SupportEvent.objects.get(pk=event.pk).delete()
    deleted = entries_of(EventSchool, action="deleted").get()
    assert (deleted.municipality_id, deleted.school_id) == (world.far.pk, world.far_school.pk)


def test_a_change_of_executor_schools_is_shown_by_their_names(world):
    activity = make_activity(make_section(make_plan(world.municipality)), "31.12.2099", executors=[world.school])
    activity.executors.add(world.second_school)
    latest = entries_of(type(activity), object_id=str(activity.pk)).order_by("-pk").first()
    executors = [c for c in latest.changes if c["field"] == "executors"]
    assert executors == [
        {
            "field": "executors",
            "label": "школы-исполнители",
            "before": "МКОУ «Чемашинская СОШ»",
            "after": "МКОУ «Чемашинская СОШ», МКОУ «Андринская СОШ»",
        }
    ]


def test_the_backfill_recreates_the_trail_of_existing_history_once(client_for, coordinator, world):
    world.school.settlement = "с. Чемаши"
    world.school.save()
    expected = sorted(AuditEntry.objects.values_list("history_id", "action", "municipality_id", "changes"), key=str)
    AuditEntry.objects.all().delete()

    call_command("backfill_audit", stdout=io.StringIO())
    assert sorted(AuditEntry.objects.values_list("history_id", "action", "municipality_id", "changes"), key=str) == (
        expected
    )
    count = AuditEntry.objects.count()
    call_command("backfill_audit", stdout=io.StringIO())
    assert AuditEntry.objects.count() == count


def test_migrate_backfills_models_whose_history_has_no_entries_yet(world):
    AuditEntry.objects.all().delete()
    backfill_after_migrate()
    changed_school = entries_of(type(world.school), object_id=str(world.school.pk)).get()
    assert (changed_school.action, changed_school.school_id) == ("created", world.school.pk)


def test_an_object_whose_name_cannot_be_made_is_still_saved_and_recorded(world):
    from registry.models import Listing

    # Code may create rows with dates as strings; Listing.__str__ formats its dates and cannot run on such a row.
    listing = Listing.objects.create(school=world.school, status="risk_zone", start="2000-01-01", end="2000-06-30")
    entry = entries_of(Listing, object_id=str(listing.pk)).get()
    assert (entry.action, entry.object_repr) == ("created", f"запись реестра #{listing.pk}")


def test_bulk_copies_and_renumbering_of_a_plan_are_in_the_trail(world, coordinator):
    from roadmaps.copying import copy_plan
    from roadmaps.models import Activity, Plan, Section
    from roadmaps.numbering import renumber

    plan = make_plan(world.municipality, title="Дорожная карта", start=dt.date(2021, 1, 1), end=dt.date(2021, 12, 31))
    section = make_section(plan)
    for n in (1, 2):
        make_activity(section, "31.12.2021", number=f"1.{n}")
    copy = copy_plan(plan, coordinator, plan.period_start, plan.period_end, title="Копия")
    copied = Activity.objects.filter(section__plan=copy)
    made = entries_of(Activity, object_id__in=[str(pk) for pk in copied.values_list("pk", flat=True)])
    assert (
        sorted(made.values_list("action", "actor_id", "municipality_id"))
        == [("created", coordinator.pk, world.municipality.pk)] * 2
    )
    assert entries_of(Section, action="created", url=copy.get_absolute_url()).count() == 1

    astray = copied.get(number="1.2")
    astray.number = "7.7"
    astray.save()
    assert renumber(Plan.objects.get(pk=copy.pk), user=coordinator) == 1
    fixed = entries_of(Activity, action="changed", object_id=str(astray.pk)).order_by("pk").last()
    assert (fixed.actor, fixed.changes) == (
        coordinator,
        [{"field": "number", "label": "номер", "before": "7.7", "after": "1.2"}],
    )


def test_role_assignments_are_in_the_trail_of_their_municipality_only(world, coordinator, other_coordinator):
    from accounts.access import audit_entries_visible_to
    from accounts.models import Role, RoleAssignment

    from ..factories import UserFactory

    newcomer = UserFactory(username="newcomer")
    here = RoleAssignment.objects.create(user=newcomer, role=Role.PRINCIPAL, school=world.second_school)
    regional = RoleAssignment.objects.create(user=newcomer, role=Role.REGIONAL_COORDINATOR, region=world.region)
    for assignment, municipality_id in ((here, world.municipality.pk), (regional, None)):
        entry = entries_of(RoleAssignment, object_id=str(assignment.pk)).get()
        assert (entry.action, entry.municipality_id, entry.personal) == ("created", municipality_id, True)
    seen = {e.object_id for e in audit_entries_visible_to(coordinator).filter(content_type__model="roleassignment")}
    assert str(here.pk) in seen and str(regional.pk) not in seen
    assert not audit_entries_visible_to(other_coordinator).filter(object_id=str(here.pk)).exists()
