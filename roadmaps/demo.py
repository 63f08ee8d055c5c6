"""Demo plans of DEMO.md «Plans» from fixtures/demo/plans.yaml: idempotent, writing only what differs."""

from registry.models import Municipality, School
from shnor_portal.demo import as_date, read_fixture, upsert

from .models import Activity, Plan, Section

PASSPORT = ["normative_basis", "developers", "executors", "goal", "tasks", "expected_results", "timeframe", "control"]


def load(tally) -> None:
    data = read_fixture("plans.yaml")
    schools = {school.code: school for school in School.objects.all()}
    for item in data["plans"]:
        municipality = Municipality.objects.get(code=item["owner"])
        start, end = (as_date(value) for value in item["period"])
        passport = item.get("passport") or {}
        plan = upsert(
            Plan,
            {"municipality": municipality, "level": item["level"], "title": item["title"], "period_start": start},
            {
                "school": schools.get(item["school"]) if item.get("school") else None,
                "period_end": end,
                "status": item["status"],
                "approval_number": str(item.get("approval_number") or ""),
                "approval_date": as_date(item.get("approval_date")),
                "approved_by": item.get("approved_by") or "",
                **{name: (passport.get(name) or "").strip() for name in PASSPORT},
            },
            tally,
        )
        _load_sections(plan, item["sections"], schools, tally)


def _load_sections(plan, sections, schools, tally) -> None:
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
            activity = upsert(
                Activity,
                {"section": section, "order": position},
                {
                    "number": str(row.get("number") or ""),
                    "name": row["name"],
                    "deadline_text": row.get("deadline") or "",
                    "responsible": row.get("responsible") or "",
                    "expected_result": row.get("expected_result") or "",
                },
                tally,
            )
            wanted = {schools[code].pk for code in row.get("executors") or entry.get("executors") or []}
            if set(activity.executors.values_list("pk", flat=True)) != wanted:
                activity.executors.set(wanted)
        Activity.objects.filter(section=section, order__gt=len(entry["activities"])).delete()
    Section.objects.filter(plan=plan, order__gt=len(sections)).delete()
