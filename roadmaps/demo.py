"""Demo plans (docs/demo.md): the seeds' plans (fixtures/demo/plans.yaml) and the Октябрьский school plans with
their progress reports (fixtures/demo/oktyabrsky.yaml), idempotent, writing only what differs, deterministic (every
timestamp comes from the fixture); and the current plan of each school under support (fixtures/demo/current_plan.yaml),
placed relative to the day the demo is loaded and created once per school and academic year."""

import datetime as dt

from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone

from accounts.models import Role, User
from registry.models import SUPPORT_STATUSES, Listing, Municipality, School
from shnor_portal.demo import as_date, read_fixture, upsert

from . import lifecycle, progress
from .imports import ReadActivity, ReadPlan, ReadSection, funding_amount
from .models import Activity, Level, Plan, ProgressReport, ReportNote, ReportStatus, Section
from .services import Owner, create_plan_from_table

PASSPORT = ["normative_basis", "developers", "executors", "goal", "tasks", "expected_results", "timeframe", "control"]


def load(tally, today: dt.date | None = None) -> None:
    schools = {school.code: school for school in School.objects.all()}
    for item in read_fixture("plans.yaml")["plans"]:
        _load_plan(item, schools, tally)
    load_oktyabrsky(tally, schools)
    load_current(tally, today)


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
                # Seed 003's funding cells, read as the plan import reads them («X» → "x", amounts as decimals).
                "funding_source": row.get("funding_source") or "",
                "funding": {str(year): funding_amount(str(cell)) for year, cell in (row.get("funding") or {}).items()},
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


# --- The current plans: the demo is alive on the day it is loaded


def academic_year(day: dt.date) -> tuple[dt.date, dt.date]:
    """1 September – 31 August of the school year that contains the day."""
    first = day.year if day.month >= 9 else day.year - 1
    return dt.date(first, 9, 1), dt.date(first + 1, 8, 31)


def schools_under_support():
    """Schools whose latest listing (by its start) is a support status: ШНОР, ШФНСУ, risk zone, stably low. A school
    that moved to the effective mode, a mentor or a leader school is not under support."""
    latest = Listing.objects.filter(school=OuterRef("pk")).order_by("-start").values("start")[:1]
    supported = Listing.objects.filter(school=OuterRef("pk"), start=OuterRef("latest_start"))
    return (
        School.objects.annotate(latest_start=Subquery(latest))
        .filter(Exists(supported.filter(status__in=SUPPORT_STATUSES)))
        .select_related("municipality")
        .order_by("municipality__code", "code")
    )


def due_day(today: dt.date, days: int, start: dt.date, end: dt.date) -> dt.date:
    """Today shifted by `days`, kept inside the plan's year: early in September an item due «70 days ago» falls on
    1 September, late in August one due «in 75 days» on 31 August."""
    return min(max(today + dt.timedelta(days=days), start), end)


def _person(role: str, **scope) -> User | None:
    return User.objects.filter(role_assignments__role=role, **{f"role_assignments__{k}": v for k, v in scope.items()})


def load_current(tally, today: dt.date | None = None) -> None:
    """A school plan for the academic year of `today` (default: the local date) for each school under support, with
    activities falling due around today and the school's reports on some of them — through the services a
    coordinator and a principal use (create, submit, approve by order, start execution; report, accept).

    Keyed by school and academic year: a plan that exists is left as it is, whatever day it is now (its dates are not
    moved), so a second run creates and changes nothing."""
    today = today or timezone.localdate()
    start, end = academic_year(today)
    data = read_fixture("current_plan.yaml")
    title = data["title"].format(first=start.year, last=end.year)
    label = Plan._meta.verbose_name_plural
    admin = _person(Role.ADMIN).order_by("username").first()
    for number, school in enumerate(schools_under_support(), start=1):
        if Plan.objects.filter(level=Level.SCHOOL, school=school, period_start=start, period_end=end).exists():
            tally.note(label, False, False)
            continue
        coordinator = _person(Role.MUNICIPAL_COORDINATOR, municipality=school.municipality).order_by("username").first()
        reporter = _person(Role.PRINCIPAL, school=school).order_by("username").first() or admin
        if coordinator is None or reporter is None or coordinator == reporter:
            continue  # nobody to approve it or to report on it: no half-alive plan
        _current_plan(data, school, title, start, end, today, str(number), coordinator, reporter)
        tally.note(label, True, False)


def _current_plan(data, school, title, start, end, today, number, coordinator, reporter) -> Plan:
    sections, due = [], {}
    for entry in data["sections"]:
        section = ReadSection(number=str(len(sections) + 1), title=entry["title"])
        for position, row in enumerate(entry["activities"], start=1):
            day = due_day(today, int(row["due_in_days"]), start, end)
            activity = ReadActivity(
                number=f"{section.number}.{position}",
                name=row["name"],
                deadline_text=f"до {day:%d.%m.%Y}",
                responsible=row.get("responsible") or "",
                expected_result=row.get("expected_result") or "",
            )
            section.activities.append(activity)
            due[activity.number] = row
        sections.append(section)
    owner = Owner(Level.SCHOOL, school.municipality, school=school)
    plan = create_plan_from_table(ReadPlan(title=title, sheet="", sections=sections), owner, start, end, title)
    lifecycle.submit(plan, coordinator)
    lifecycle.approve(plan, coordinator, data["approval_number"].format(number=number), start)
    lifecycle.start_execution(plan, coordinator)
    activities = Activity.objects.filter(section__plan=plan).prefetch_related("due_periods")
    for activity in activities:
        kind = due[activity.number].get("report") or "none"
        if kind == "none":
            continue
        done = kind in ("accepted", "awaiting")
        report = progress.submit_report(
            activity,
            activity.due_periods.all()[0],
            school,
            reporter,
            {
                "status": ReportStatus.DONE if done else ReportStatus.IN_WORK,
                "percent": 100 if done else 50,
                "done_text": activity.expected_result if done else "",
            },
        )
        if kind == "accepted":
            progress.review_report(report, coordinator, progress.ReviewForm.ACCEPT)
    return plan
