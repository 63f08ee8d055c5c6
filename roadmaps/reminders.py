"""Daily e-mail reminders of due-soon and overdue items (docs/deadlines.md), each sent once per reporting period,
person and kind.

Who gets what: the principals of the item's reporter school — who reports is the one rule of selectors.py (an
executor school; without executors the plan's school, or for a pair plan the supported school; a municipality's own
items have no school and no principal) — and the coordinators of the plan's municipality; one e-mail per person per
run listing all of that person's new items, each with an absolute link to the activity page.

Two kinds, on purpose: «скоро срок» (due within ROADMAPS_DUE_SOON_DAYS days) and «просрочено». Each is sent once, so a
period mailed as due soon is mailed once more on the first run after its due date has passed, if it is still not done
— and never again after that.

Once means once: a Reminder row (period, recipient, kind) is unique. The query that collects a run's work leaves out,
in SQL, every item whose recipients all have their row already (NOT EXISTS), so a daily run reads only what is new,
however many past periods the installation keeps; the keys still wanted are inserted with «INSERT … ON CONFLICT DO
NOTHING RETURNING», and only the rows this run actually inserted are mailed — two runs at the same moment (or one run
twice) cannot send the same reminder twice. The e-mails are enqueued when the rows commit; a mail that then fails for
good is not retried by the next run (at most once, never twice).
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.emails import send_portal_email
from accounts.models import Role, RoleAssignment, User

from .models import Reminder
from .selectors import PLAN, Urgency, due_items

BATCH = 500


@dataclass
class Line:
    """One reporting period of one activity, as a person is reminded of it."""

    kind: str
    period_id: int
    end: dt.date
    activity_id: int
    number: str
    name: str
    plan: str
    url: str
    schools: list[str] = field(default_factory=list)


def _mailable(assignments):
    """Role assignments of active users with an e-mail address."""
    return assignments.filter(user__is_active=True).exclude(user__email="")


def _users_by(role: str, key: str, values) -> dict[int, set[int]]:
    """Active users with an e-mail address holding `role` for each school or municipality id."""
    found = defaultdict(set)
    rows = _mailable(RoleAssignment.objects.filter(role=role, **{f"{key}__in": list(values)})).values_list(
        key, "user_id"
    )
    for value, user_id in rows:
        found[value].add(user_id)
    return found


def _not_yet_reminded():
    """The recipients of the outer due item who have no Reminder of its period and kind yet: the principals of its
    reporter school and the coordinators of its plan's municipality."""
    sent = Reminder.objects.filter(
        period_id=OuterRef(OuterRef("pk")), recipient_id=OuterRef("user_id"), kind=OuterRef(OuterRef("kind"))
    )
    recipients = Q(role=Role.PRINCIPAL, school_id=OuterRef("reporter_id")) | Q(
        role=Role.MUNICIPAL_COORDINATOR, municipality_id=OuterRef(f"{PLAN}__municipality_id")
    )
    return _mailable(RoleAssignment.objects.filter(recipients)).filter(~Exists(sent))


def _already_sent(period_ids) -> set[tuple[int, int, str]]:
    """The Reminder keys of these periods (those of the few items a run still has to do)."""
    found = set()
    period_ids = sorted(period_ids)
    for start in range(0, len(period_ids), BATCH):
        found.update(
            Reminder.objects.filter(period_id__in=period_ids[start : start + BATCH]).values_list(
                "period_id", "recipient_id", "kind"
            )
        )
    return found


def _activity_url(activity_id: int, period_id: int) -> str:
    path = reverse("roadmaps:activity-detail", args=[activity_id])
    return f"{settings.PORTAL_BASE_URL.rstrip('/')}{path}?period={period_id}#report-form"


def _insert_new(keys, sent_at) -> set[tuple[int, int, str]]:
    """Insert the Reminder rows that do not exist yet; the keys of those this call inserted."""
    table = connection.ops.quote_name(Reminder._meta.db_table)
    inserted = set()
    keys = sorted(keys)
    with connection.cursor() as cursor:
        for start in range(0, len(keys), BATCH):
            chunk = keys[start : start + BATCH]
            values = ", ".join(["(%s, %s, %s, %s)"] * len(chunk))
            params = [value for period, recipient, kind in chunk for value in (period, recipient, kind, sent_at)]
            cursor.execute(
                f"INSERT INTO {table} (period_id, recipient_id, kind, sent_at) VALUES {values} "  # noqa: S608
                "ON CONFLICT (period_id, recipient_id, kind) DO NOTHING RETURNING period_id, recipient_id, kind",
                params,
            )
            inserted.update((period, recipient, kind) for period, recipient, kind in cursor.fetchall())
    return inserted


def collect(today: dt.date) -> dict[tuple[int, int, str], Line]:
    """Every (period, recipient, kind) that should have been reminded of by now and was not, with its line of the
    e-mail. Items whose recipients were all reminded already are left out by the query itself."""
    rows = list(
        due_items(today=today)
        .filter(urgency__in=[Urgency.OVERDUE, Urgency.DUE_SOON])
        .annotate(
            kind=Case(
                When(urgency=Urgency.OVERDUE, then=Value(Reminder.Kind.OVERDUE)), default=Value(Reminder.Kind.DUE_SOON)
            )
        )
        .filter(Exists(_not_yet_reminded()))
        .values(
            "pk",
            "end",
            "kind",
            "reporter_id",
            "reporter_label",
            "activity_id",
            "activity__number",
            "activity__name",
            f"{PLAN}__title",
            f"{PLAN}__municipality_id",
        )
        .order_by("end", "activity_id", "reporter_label")
    )
    if not rows:
        return {}

    principals = _users_by(Role.PRINCIPAL, "school_id", {row["reporter_id"] for row in rows} - {None})
    coordinators = _users_by(
        Role.MUNICIPAL_COORDINATOR, "municipality_id", {row[f"{PLAN}__municipality_id"] for row in rows}
    )
    sent = _already_sent({row["pk"] for row in rows})
    wanted: dict[tuple[int, int, str], Line] = {}
    for row in rows:
        kind, municipality = row["kind"], row[f"{PLAN}__municipality_id"]
        recipients = principals.get(row["reporter_id"], set()) | coordinators.get(municipality, set())
        for user_id in recipients:
            key = (row["pk"], user_id, kind)
            if key in sent:
                continue
            line = wanted.get(key)
            if line is None:
                line = wanted[key] = Line(
                    kind=kind,
                    period_id=row["pk"],
                    end=row["end"],
                    activity_id=row["activity_id"],
                    number=row["activity__number"],
                    name=row["activity__name"],
                    plan=row[f"{PLAN}__title"],
                    url=_activity_url(row["activity_id"], row["pk"]),
                )
            line.schools.append(row["reporter_label"])
    return wanted


def send_reminders(*, today: dt.date | None = None) -> dict:
    """Send what is due today and was never sent: one e-mail per recipient. Returns counts for the task's log."""
    today = today or timezone.localdate()
    wanted = collect(today)
    if not wanted:
        return {"reminders": 0, "emails": 0}
    limit = getattr(settings, "ROADMAPS_REMINDER_MAX_LINES", 50)
    with transaction.atomic():
        inserted = _insert_new(wanted.keys(), timezone.now())
        by_user = defaultdict(list)
        for key in inserted:
            by_user[key[1]].append(wanted[key])
        users = User.objects.in_bulk(list(by_user))
        with translation.override(settings.LANGUAGE_CODE):
            for user_id, lines in sorted(by_user.items()):
                user = users[user_id]
                lines.sort(key=lambda line: (line.kind != Reminder.Kind.OVERDUE, line.end, line.number, line.name))
                overdue = [line for line in lines if line.kind == Reminder.Kind.OVERDUE]
                due_soon = [line for line in lines if line.kind == Reminder.Kind.DUE_SOON]
                context = {
                    "user": user,
                    "overdue": overdue,
                    "due_soon": due_soon,
                    # A coordinator of a large municipality may have thousands of new items on the first day: the
                    # letter lists the first ones of each kind and counts the rest (all of them are on the portal).
                    "overdue_shown": overdue[:limit],
                    "overdue_more": max(len(overdue) - limit, 0),
                    "due_soon_shown": due_soon[:limit],
                    "due_soon_more": max(len(due_soon) - limit, 0),
                    "tasks_url": f"{settings.PORTAL_BASE_URL.rstrip('/')}{reverse('roadmaps:my-tasks')}",
                    "today": today,
                }
                subject = render_to_string("roadmaps/tasks/reminder_email_subject.txt", context)
                body = render_to_string("roadmaps/tasks/reminder_email.txt", context)
                send_portal_email([user.email], subject, body)
    return {"reminders": len(inserted), "emails": len(by_user)}
