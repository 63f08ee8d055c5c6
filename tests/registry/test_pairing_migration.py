"""An existing database upgrades when Pairing moves from support to registry (issue 13): a pairing written before
the move — with its historical record, a renewal, a pair plan, an audit entry, an admin log entry and a permission
grant that all name it — is found whole through registry's model after `migrate`.

The test migrates its own database back to the state before the move and forward again: it needs a transactional
database, and it brings the schema back to the latest state even when it fails halfway.
"""

import datetime as dt

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from registry.models import Pairing, PairingStatus
from roadmaps.models import Plan
from shnor_portal.audit.models import AuditEntry

pytestmark = pytest.mark.django_db(transaction=True)

# The last migration of each app concerned before the move (registry/0008, roadmaps/0004, support/0008).
BEFORE_THE_MOVE = [
    ("registry", "0007_registry_import"),
    ("roadmaps", "0003_history_of_evidence"),
    ("support", "0007_history_of_scores_participants_materials"),
]


def _migrate(targets):
    # A fresh executor each time: its loader reads which migrations are applied now.
    executor = MigrationExecutor(connection)
    targets = targets(executor)
    executor.migrate(targets)
    ContentType.objects.clear_cache()  # ids cached under the old labels would mislead the assertions
    return executor, targets


def _latest(executor):
    return executor.loader.graph.leaf_nodes()


def _before_the_move(executor):
    """Every app at its latest migration but those concerned, which stand just before the move."""
    before = dict(BEFORE_THE_MOVE)
    return [(app, before.get(app, name)) for app, name in _latest(executor)]


@pytest.fixture
def old_apps():
    """The project's models as they were before the move; the schema goes back to the latest state afterwards."""
    executor, targets = _migrate(_before_the_move)
    try:
        yield executor.loader.project_state(targets).apps
    finally:
        _migrate(_latest)


def _write_before_the_move(apps) -> dict:
    Region = apps.get_model("registry", "Region")
    Municipality = apps.get_model("registry", "Municipality")
    School = apps.get_model("registry", "School")
    OldPairing = apps.get_model("support", "Pairing")
    OldHistoricalPairing = apps.get_model("support", "HistoricalPairing")
    OldPlan = apps.get_model("roadmaps", "Plan")
    OldHistoricalPlan = apps.get_model("roadmaps", "HistoricalPlan")
    OldContentType = apps.get_model("contenttypes", "ContentType")
    OldPermission = apps.get_model("auth", "Permission")
    OldGroup = apps.get_model("auth", "Group")
    OldAuditEntry = apps.get_model("audit", "AuditEntry")
    OldLogEntry = apps.get_model("admin", "LogEntry")
    User = apps.get_model("accounts", "User")

    region = Region.objects.create(code="hmao", name="Югра")
    municipality = Municipality.objects.create(region=region, code="oktyabrsky", name="Октябрьский район")
    mentor = School.objects.create(municipality=municipality, code="mentor-1", name="Наставник", short_name="Наставник")
    mentee = School.objects.create(
        municipality=municipality, code="mentee-1", name="Подопечная", short_name="Подопечная"
    )
    user = User.objects.create(username="coordinator")
    ended = OldPairing.objects.create(
        mentor=mentor,
        mentee=mentee,
        agreement_number="12-с",
        agreement_date=dt.date(2021, 1, 15),
        start=dt.date(2021, 1, 15),
        end=dt.date(2021, 8, 31),
        status="renewed",
        goals="Повышение качества",
    )
    pairing = OldPairing.objects.create(
        mentor=mentor, mentee=mentee, agreement_number="7", start=dt.date(2021, 9, 1), renewed_from=ended
    )
    record = OldHistoricalPairing.objects.create(
        id=pairing.pk,
        mentor_id=mentor.pk,
        mentee_id=mentee.pk,
        agreement_number="7",
        start=pairing.start,
        status="active",
        renewed_from_id=ended.pk,
        history_date=timezone.now(),
        history_type="+",
        history_user=user,
    )
    plan = OldPlan.objects.create(
        level="pair",
        municipality=municipality,
        pairing=pairing,
        title="План пары",
        period_start=dt.date(2021, 9, 1),
        period_end=dt.date(2022, 6, 30),
    )
    OldHistoricalPlan.objects.create(
        id=plan.pk,
        level="pair",
        municipality_id=municipality.pk,
        pairing_id=pairing.pk,
        title=plan.title,
        period_start=plan.period_start,
        period_end=plan.period_end,
        status="draft",
        created_at=timezone.now(),
        updated_at=timezone.now(),
        history_date=timezone.now(),
        history_type="+",
    )

    old_type, _ = OldContentType.objects.get_or_create(app_label="support", model="pairing")
    entry = OldAuditEntry.objects.create(
        content_type=old_type,
        object_id=str(pairing.pk),
        object_repr="Наставник → Подопечная",
        history_id=record.history_id,
        municipality_id=municipality.pk,
        school_id=mentee.pk,
        actor=user,
        timestamp=record.history_date,
        action="created",
        url=f"/support/pairings/{pairing.pk}/",
    )
    log = OldLogEntry.objects.create(
        content_type=old_type,
        object_id=str(pairing.pk),
        object_repr="Наставник → Подопечная",
        action_flag=CHANGE,
        user=user,
        action_time=timezone.now(),
    )
    permission, _ = OldPermission.objects.get_or_create(
        content_type=old_type, codename="change_pairing", defaults={"name": "Can change pairing"}
    )
    editors = OldGroup.objects.create(name="pairing editors")
    editors.permissions.add(permission)

    # A content type already made under the new label (a database migrated forward once, then back), with a
    # grant and an entry of its own: the move merges them into the old row instead of failing on the label.
    twin, _ = OldContentType.objects.get_or_create(app_label="registry", model="pairing")
    twin_permission, _ = OldPermission.objects.get_or_create(
        content_type=twin, codename="change_pairing", defaults={"name": "Can change pairing"}
    )
    OldPermission.objects.filter(content_type=twin).exclude(pk=twin_permission.pk).delete()
    late_editors = OldGroup.objects.create(name="late pairing editors")
    late_editors.permissions.add(twin_permission)
    OldAuditEntry.objects.create(
        content_type=twin,
        object_id=str(pairing.pk),
        object_repr="Наставник → Подопечная",
        history_id=record.history_id,  # the same record: a duplicate the move drops
        timestamp=record.history_date,
        action="created",
    )
    return {
        "pairing": pairing.pk,
        "ended": ended.pk,
        "history_id": record.history_id,
        "plan": plan.pk,
        "entry": entry.pk,
        "log": log.pk,
        "old_type": old_type.pk,
        "mentee": mentee.pk,
    }


def test_pairings_and_everything_that_names_them_survive_the_move(old_apps):
    ids = _write_before_the_move(old_apps)

    _migrate(_latest)

    pairing = Pairing.objects.select_related("mentor", "mentee", "renewed_from").get(pk=ids["pairing"])
    assert (pairing.mentor.code, pairing.mentee.code, pairing.agreement_number) == ("mentor-1", "mentee-1", "7")
    assert pairing.status == PairingStatus.ACTIVE and pairing.renewed_from.pk == ids["ended"]
    ended = Pairing.objects.get(pk=ids["ended"])
    assert (ended.status, ended.end, ended.goals) == (PairingStatus.RENEWED, dt.date(2021, 8, 31), "Повышение качества")
    assert ended.renewal == pairing
    assert list(Pairing.objects.active_on(dt.date(2022, 1, 10)).values_list("pk", flat=True)) == [pairing.pk]

    record = pairing.history.get()
    assert (record.history_id, record.agreement_number, record.renewed_from_id) == (ids["history_id"], "7", ended.pk)
    assert record.history_user.username == "coordinator"

    plan = Plan.objects.get(pk=ids["plan"])
    assert plan.pairing == pairing and list(pairing.plans.all()) == [plan]
    assert plan.history.get().pairing_id == pairing.pk

    # One content type, the old row relabelled: what referred to it still resolves, now to registry's model.
    content_type = ContentType.objects.get_for_model(Pairing)
    assert content_type.pk == ids["old_type"]
    assert not ContentType.objects.filter(app_label="support", model="pairing").exists()
    entries = AuditEntry.objects.filter(content_type=content_type, object_id=str(pairing.pk))
    assert [e.pk for e in entries] == [ids["entry"]]
    assert entries[0].content_type.model_class() is Pairing and entries[0].school_id == ids["mentee"]
    assert LogEntry.objects.get(pk=ids["log"]).get_edited_object() == pairing
    for group in ("pairing editors", "late pairing editors"):
        granted = Group.objects.get(name=group).permissions.get()
        assert (granted.content_type_id, granted.codename) == (content_type.pk, "change_pairing")
