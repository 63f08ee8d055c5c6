"""Demo plans (docs/demo.md): the seeds' plans (fixtures/demo/plans.yaml) and the Октябрьский school plans with
their progress reports (fixtures/demo/oktyabrsky.yaml). Idempotent, writing only what differs; deterministic (every
timestamp comes from the fixture)."""

import datetime as dt

from accounts.models import User
from registry.models import Municipality, School
from shnor_portal.demo import as_date, read_fixture, upsert

from .models import Activity, Plan, ProgressReport, ReportNote, Section

PASSPORT = ["normative_basis", "developers", "executors", "goal", "tasks", "expected_results", "timeframe", "control"]


def load(tally) -> None:
    schools = {school.code: school for school in School.objects.all()}
    for item in read_fixture("plans.yaml")["plans"]:
        _load_plan(item, schools, tally)
    load_oktyabrsky(tally, schools)


def _plan_lookup(item) -> dict:
    return {
        "municipality": Municipality.objects.get(code=item["owner"]),
        "level": item["level"],
        "title": item["title"],
        "period_start": as_date(item["period"][0]),
    }


def _load_plan(item, schools, tally) -> Plan:
    passport = item.get("passport") or {}
    plan = upsert(
        Plan,
        _plan_lookup(item),
        {
            "school": schools.get(item["school"]) if item.get("school") else None,
            "period_end": as_date(item["period"][1]),
            "status": item["status"],
            "approval_number": str(item.get("approval_number") or ""),
            "approval_date": as_date(item.get("approval_date")),
            "approved_by": item.get("approved_by") or "",
            **{name: (passport.get(name) or "").strip() for name in PASSPORT},
        },
        tally,
    )
    _load_sections(plan, item["sections"], schools, tally, item.get("executors") or [])
    return plan


def _load_sections(plan, sections, schools, tally, plan_executors=()) -> None:
    by_order = {}
    for order, entry in enumerate(sections, start=1):
        by_order[order] = section = upsert(
            Section,
            {"plan": plan, "order": order},
            {
                "number": str(entry.get("number") or ""),
                "title": entry.get("title") or "",
                "responsible": entry.get("responsible") or "",
                "deadline_text": entry.get("deadline") or "",
                "parent": by_order.get(entry.get("parent")),  # the parent's position in the list
            },
            tally,
        )
        for position, row in enumerate(entry["activities"], start=1):
            values = {
                "number": str(row.get("number") or ""),
                "name": row["name"],
                "deadline_text": row.get("deadline") or "",
                "responsible": row.get("responsible") or "",
                "expected_result": row.get("expected_result") or "",
                "deadline_set_by_hand": bool(row.get("periods")),
            }
            if row.get("periods"):
                # A deadline the reader cannot read, set by hand as a coordinator would: the text stays as written.
                values["deadline_periods"] = [[str(as_date(a)), str(as_date(b))] for a, b in row["periods"]]
            activity = upsert(Activity, {"section": section, "order": position}, values, tally)
            codes = row.get("executors") or entry.get("executors") or plan_executors
            wanted = {schools[code].pk for code in codes}
            if set(activity.executors.values_list("pk", flat=True)) != wanted:
                activity.executors.set(wanted)
        Activity.objects.filter(section=section, order__gt=len(entry["activities"])).delete()
    Section.objects.filter(plan=plan, order__gt=len(sections)).delete()


# --- Октябрьский: the school plans of seed 004 and their progress


def _when(value) -> dt.datetime | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))


def load_oktyabrsky(tally, schools=None) -> None:
    """The school plan of each Октябрьский ШНОР (executor: the school) and its progress reports with their notes.

    A report's natural key is its activity (plan, number), reporter school and period; a note's is its report, kind
    and time. Nothing here reads the clock."""
    schools = schools or {school.code: school for school in School.objects.all()}
    data = read_fixture("oktyabrsky.yaml")
    plans = {item["key"]: _load_plan(item, schools, tally) for item in data["plans"]}
    reports = data.get("reports") or []
    names = {row.get(key) for row in reports for key in ("author", "reviewed_by")}
    names |= {note.get("author") for row in reports for note in row.get("notes") or []}
    users = {user.username: user for user in User.objects.filter(username__in=names - {None})}
    for row in reports:
        plan = plans[row["plan"]]
        activity = Activity.objects.get(section__plan=plan, number=row["activity"])
        school = schools[row["school"]] if row.get("school") else plan.school
        periods = list(activity.due_periods.order_by("end", "start"))
        period = periods[int(row.get("period") or 1) - 1] if periods else None
        status = row["status"]
        report = upsert(
            ProgressReport,
            {"activity": activity, "school": school, "period": period},
            {
                "status": status,
                "percent": 100 if status == "done" else int(row.get("percent") or 0),
                "done_text": (row.get("done_text") or "").strip(),
                "links": (row.get("links") or "").strip(),
                "author": users.get(row.get("author")),
                "submitted_at": _when(row["submitted_at"]),
                "review": row.get("review") or "pending",
                "reviewed_by": users.get(row.get("reviewed_by")),
                "reviewed_at": _when(row.get("reviewed_at")),
                "review_comment": (row.get("review_comment") or "").strip(),
            },
            tally,
        )
        for note in row.get("notes") or []:
            upsert(
                ReportNote,
                {"report": report, "kind": note["kind"], "created_at": _when(note["created_at"])},
                {"text": (note.get("text") or "").strip(), "author": users.get(note.get("author"))},
                tally,
            )
