"""Daily e-mail reminders of due-soon and overdue items (SPEC §2.2), each sent once per reporting period and person.

Who gets what: the principals of the reporter school (of the plan's own school when the plan's owner reports itself)
and the coordinators of the plan's municipality, one e-mail per person per run listing all of that person's new
items, each with an absolute link to the activity page.

Once means once: a Reminder row (period, recipient, kind) is unique, and the rows of a run are inserted with
«INSERT … ON CONFLICT DO NOTHING RETURNING» — only the rows this run actually inserted are mailed, so two runs at the
same moment (or one run twice) cannot send the same reminder twice. The e-mails are enqueued when the rows commit; a
mail that then fails for good is not retried by the next run (at most once, never twice).
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.emails import send_portal_email
from accounts.models import Role, RoleAssignment, User

from .models import Level, Reminder
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


def _users_by(role: str, key: str, values) -> dict[int, set[int]]:
    """Active users with an e-mail address holding `role` for each school or municipality id."""
    found = defaultdict(set)
    rows = (
        RoleAssignment.objects.filter(role=role, **{f"{key}__in": list(values)}, user__is_active=True)
        .exclude(user__email="")
        .values_list(key, "user_id")
    )
    for value, user_id in rows:
        found[value].add(user_id)
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
    """Every (period, recipient, kind) that should have been reminded of by now, with its line of the e-mail."""
    rows = list(
        due_items(today=today)
        .filter(urgency__in=[Urgency.OVERDUE, Urgency.DUE_SOON])
        .values(
            "pk",
            "end",
            "urgency",
            "reporter_id",
            "reporter_label",
            "activity_id",
            "activity__number",
            "activity__name",
            f"{PLAN}__title",
            f"{PLAN}__level",
            f"{PLAN}__school_id",
            f"{PLAN}__municipality_id",
        )
        .order_by("end", "activity_id", "reporter_label")
    )
    if not rows:
        return {}

    def school_of(row):
        if row["reporter_id"]:
            return row["reporter_id"]
        return row[f"{PLAN}__school_id"] if row[f"{PLAN}__level"] != Level.MUNICIPAL else None

    principals = _users_by(Role.PRINCIPAL, "school_id", {school_of(row) for row in rows} - {None})
    coordinators = _users_by(
        Role.MUNICIPAL_COORDINATOR, "municipality_id", {row[f"{PLAN}__municipality_id"] for row in rows}
    )
    wanted: dict[tuple[int, int, str], Line] = {}
    for row in rows:
        kind = Reminder.Kind.OVERDUE if row["urgency"] == Urgency.OVERDUE else Reminder.Kind.DUE_SOON
        recipients = principals.get(school_of(row), set()) | coordinators.get(row[f"{PLAN}__municipality_id"], set())
        for user_id in recipients:
            line = wanted.get((row["pk"], user_id, kind))
            if line is None:
                line = wanted[(row["pk"], user_id, kind)] = Line(
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
                context = {
                    "user": user,
                    "overdue": [line for line in lines if line.kind == Reminder.Kind.OVERDUE],
                    "due_soon": [line for line in lines if line.kind == Reminder.Kind.DUE_SOON],
                    "tasks_url": f"{settings.PORTAL_BASE_URL.rstrip('/')}{reverse('roadmaps:my-tasks')}",
                    "today": today,
                }
                subject = render_to_string("roadmaps/tasks/reminder_email_subject.txt", context)
                body = render_to_string("roadmaps/tasks/reminder_email.txt", context)
                send_portal_email([user.email], subject, body)
    return {"reminders": len(inserted), "emails": len(by_user)}
