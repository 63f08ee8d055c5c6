"""What each role sees first: a few numbers and the schools that need attention, all from SQL.

It lives in the top layer because it combines every app: the registry's counts, support's pairings and the roadmaps'
tasks."""

from accounts.access import scope_of
from accounts.models import Role
from registry.academic_year import AcademicYear
from registry.access import listings_visible_to, municipalities_visible_to, schools_visible_to
from registry.filters import listing_years, with_year
from registry.models import SUPPORT_STATUSES, Municipality, Pairing, School, Status
from registry.selectors import status_counts, status_counts_by_municipality
from roadmaps.selectors import dashboard_summary

from . import dashboard_data as data
from .access import may_open_import, schools_importable_by
from .assessments.flags import low_results


def dashboard_context(user, year: int | None = None) -> dict:
    scope = scope_of(user)
    default, choices = listing_years(user)
    year = AcademicYear(year if year is not None else default)
    visible_listings = listings_visible_to(user)
    context = {"year": year, "scope": scope, "roles": scope.roles, "year_choices": choices[:-1]}

    if scope.is_admin or scope.regions_read or scope.municipalities_read:
        counts = status_counts(visible_listings, year)
        context["status_counts"] = [(Status(s).label, counts[s], s) for s in Status.values]
        municipalities = list(municipalities_visible_to(user).select_related("region"))
        if scope.is_admin or scope.regions_read:
            per_municipality = status_counts_by_municipality(visible_listings, year)
            context["municipality_rows"] = [
                (m, per_municipality.get(m.pk, dict.fromkeys(Status.values, 0))) for m in municipalities
            ]
        attention_ids = (
            visible_listings.in_year(year.start_year).filter(status__in=SUPPORT_STATUSES).values("school_id")
        )
        context["attention_schools"] = with_year(
            schools_visible_to(user).filter(pk__in=attention_ids).order_by("municipality__name", "short_name"),
            year,
        )[:50]

    if scope.principal_schools:
        context["own_schools"] = with_year(
            School.objects.filter(pk__in=scope.principal_schools).order_by("short_name"), year
        )
    if scope.mentor_schools:
        context["mentee_pairings"] = (
            Pairing.objects.filter(mentor_id__in=scope.mentor_schools, mentee_id__in=scope.mentee_schools)
            .select_related("mentor", "mentee__municipality")
            .order_by("mentee__short_name")
        )
    context["edit_municipalities"] = (
        Municipality.objects.filter(pk__in=scope.municipalities_edit) if not scope.is_admin else None
    )
    context["role_labels"] = [Role(role).label for role in Role.values if role in scope.roles]
    context["roadmaps"] = dashboard_summary(user)

    # The indicators, imports and flags of calendar years: those of the year in which the academic year starts.
    indicator_year = year.start_year
    context["indicator_year"] = indicator_year
    if not scope.is_admin and scope.municipalities_read:
        context["municipal_panels"] = municipal_panels(scope, indicator_year)
        if scope.municipalities_edit:
            context["coordinator"] = coordinator_blocks(user, scope, indicator_year, context["roadmaps"])
    if scope.is_admin or scope.regions_read:
        context["can_compare"] = True
    if scope.principal_schools:
        context["own_schools"] = school_panels(list(context["own_schools"]), indicator_year)
    return context


def municipal_panels(scope, year: int) -> list[dict]:
    """One panel per municipality the user coordinates or inspects: its indicators met / not met / without data for
    the year, for a coordinator the execution of its plans, for an inspector its latest signed documents (six queries
    whatever the number)."""
    municipalities = list(Municipality.objects.filter(pk__in=scope.municipalities_read).order_by("name"))
    ids = [m.pk for m in municipalities]
    summary = data.indicator_summary(ids, year)
    editable = [m for m in ids if m in scope.municipalities_edit]
    execution = data.plan_execution(editable, year) if editable else {}
    documents = data.recent_documents(ids)
    return [
        {
            "municipality": m,
            "indicators": summary[m.pk],
            "edit": m.pk in scope.municipalities_edit,
            "execution": execution.get(m.pk, {"due": 0, "done": 0, "overdue": 0}),
            "done_percent": data.done_percent(execution.get(m.pk)),
            "documents": documents[m.pk],
        }
        for m in municipalities
    ]


def coordinator_blocks(user, scope, year: int, roadmaps: dict | None) -> dict:
    """What a municipal coordinator watches: the latest results imports and recalculations of the municipality, and
    the schools needing attention — flagged by the low-results rules of the year or with overdue plan items."""
    ids = sorted(scope.municipalities_edit)
    importable = set(schools_importable_by(user).values_list("pk", flat=True))
    flagged = low_results(School.objects.filter(municipality_id__in=ids), year)
    rows = {
        flags.school.pk: {"school": flags.school, "label": flags.school.short_name, "flags": flags.codes, "overdue": 0}
        for flags in flagged
    }
    overdue = (roadmaps or {}).get("coordinator", {}).get("overdue_by_school", [])
    for item in overdue:
        if item["reporter_id"] is None:
            continue  # the municipality's own items: shown in the execution block
        row = rows.setdefault(
            item["reporter_id"], {"school": None, "label": item["reporter_label"], "flags": [], "overdue": 0}
        )
        row["overdue"] = item["count"]
    missing = [pk for pk, row in rows.items() if row["school"] is None]
    # A late executor may be a school the coordinator cannot open (a mentor of another municipality): named, unlinked.
    for school in schools_visible_to(user).filter(pk__in=missing).only("pk", "code", "short_name") if missing else []:
        rows[school.pk]["school"] = school
    attention = sorted(rows.values(), key=lambda row: (-row["overdue"], -len(row["flags"]), row["label"]))
    return {
        # Only the files the coordinator may open: a regional file touching the municipality is not theirs to see.
        "imports": [
            record
            for record in data.recent_imports(ids, limit=4 * data.RECENT)
            if may_open_import(user, record, importable)
        ][: data.RECENT],
        "recalculations": data.recent_recalculations(ids),
        "attention": attention,
    }


def school_panels(schools: list, year: int) -> list:
    """A principal's schools with their per-school indicators of the year and their latest results (three queries)."""
    ids = [school.pk for school in schools]
    indicators = data.school_indicators(ids, year)
    results = data.latest_results(ids)
    for school in schools:
        school.indicator_values = indicators.get(school.pk, [])
        school.latest_results = results.get(school.pk, [])
    return schools
