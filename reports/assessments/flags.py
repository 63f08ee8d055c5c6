"""Which schools the identification rules mark and the objectivity risk of ВПР (docs/identification.md).

Selectors only: nothing here writes. Flags propose, a person decides (the registry status «стабильно низкие
результаты» is given on the flag page with its basis). Every number comes from SQL aggregates — the stored
campaign × school aggregates for R1–R3, the participants' journal marks (and the aggregated rows' counts) for
O1–O3 — in a fixed number of queries whatever the number of schools. Thresholds are compared on exact counts,
before rounding; percentages are shown rounded half-up to one decimal (docs/indicators.md).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from fractions import Fraction

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, Sum
from django.db.models.lookups import GreaterThanOrEqual
from django.utils.translation import gettext as _

from registry.models import School
from shnor_portal.numbers import format_decimal

from .aggregates import mean, pct
from .models import AggregatedResult, ParticipantResult, Procedure, SchoolAggregate
from .rules import FlagRule

# R1: procedures with marks that count (docs/identification.md, R1).
R1_PROCEDURES = (Procedure.VPR, Procedure.OGE, Procedure.RDR, Procedure.NIKO, Procedure.MDR)
# R2: compulsory ГИА subjects; ЕГЭ subjects without a mark are judged by the certificate minimum score.
COMPULSORY_GIA = {
    Procedure.EGE: ("Русский язык", "Математика (профильный уровень)", "Математика (базовый уровень)"),
    Procedure.OGE: ("Русский язык", "Математика"),
}
# R3: the ВПР mean mark over these subjects, grades pooled.
R3_SUBJECTS = ("Русский язык", "Математика")
LOW_RESULTS_RULES = ("R1", "R2", "R3")
OBJECTIVITY_RULES = ("O1", "O2", "O3")


def load_rules() -> dict[str, FlagRule]:
    """The rule rows by code (one query); a code without a row counts as switched off."""
    return {rule.code: rule for rule in FlagRule.objects.all()}


def enabled(rules: dict[str, FlagRule], code: str) -> FlagRule | None:
    rule = rules.get(code)
    return rule if rule is not None and rule.enabled else None


def _num(value, decimals: int = 1) -> str:
    """A percentage (one decimal) or a mean (two) by the portal's one rule: half-up, decimal comma."""
    return format_decimal(value, decimals)


def _work(procedure: str, subject: str, grade: int) -> str:
    return _("%(procedure)s. %(subject)s, grade %(grade)s") % {
        "procedure": procedure,
        "subject": subject,
        "grade": grade,
    }


@dataclass(frozen=True)
class CampaignResult:
    """A school's result in one campaign that R1 judged failed."""

    year: int
    procedure: str
    subject_id: int
    subject: str
    grade: int
    participants: int
    marks_2: int

    @property
    def pct_2(self) -> float | None:
        return pct(self.marks_2, self.participants)

    @property
    def label(self) -> str:
        return _work(self.procedure, self.subject, self.grade)

    def describe(self) -> str:
        return _("%(work)s: «2» for %(twos)s of %(participants)s participants (%(pct)s %%)") % {
            "work": self.label,
            "twos": self.marks_2,
            "participants": self.participants,
            "pct": _num(self.pct_2),
        }


@dataclass
class Hit:
    """One rule that marked a school for a year, with the numbers behind it in words."""

    code: str
    year: int
    lines: list[str]
    failed: list[tuple[CampaignResult, CampaignResult | None]] = field(default_factory=list)  # R1 only


@dataclass
class SchoolFlags:
    school: School
    year: int
    hits: list[Hit]  # year Y
    previous: list[Hit]  # year Y−1

    @property
    def codes(self) -> list[str]:
        return [hit.code for hit in self.hits]

    @property
    def two_years(self) -> bool:
        """Flagged low-results in both Y and Y−1 (STABLE_LOW_SHARE of docs/indicators.md)."""
        return bool(self.hits) and bool(self.previous)


# --- R1: share of «2».


def _r1(rule: FlagRule, schools, year: int) -> dict[int, dict[int, Hit]]:
    """{year: {school id: hit}} for Y and Y−1 (Y−1 needs Y−2): one query."""
    minimum = rule.value("min_participants")
    threshold = rule.value("threshold_pct")
    min_campaigns = rule.value("min_campaigns")
    same_cohort = rule.value("same_cohort")
    rows = (
        SchoolAggregate.objects.filter(
            school__in=schools,
            campaign__year__in=(year - 2, year - 1, year),
            campaign__procedure__in=R1_PROCEDURES,
            participants__gte=minimum,
        )
        .alias(
            twos=ExpressionWrapper(F("marks_2") * 100, output_field=DecimalField()),
            bar=ExpressionWrapper(F("participants") * threshold, output_field=DecimalField()),
        )
        .filter(GreaterThanOrEqual(F("twos"), F("bar")))
        .values(
            "school_id",
            "campaign__year",
            "campaign__procedure",
            "campaign__subject_id",
            "campaign__subject__name",
            "campaign__grade",
            "participants",
            "marks_2",
        )
        .order_by("campaign__procedure", "campaign__subject__name", "campaign__grade")
    )
    failed: dict[tuple[int, int], list[CampaignResult]] = defaultdict(list)
    for row in rows:
        result = CampaignResult(
            year=row["campaign__year"],
            procedure=row["campaign__procedure"],
            subject_id=row["campaign__subject_id"],
            subject=row["campaign__subject__name"],
            grade=row["campaign__grade"],
            participants=row["participants"],
            marks_2=row["marks_2"],
        )
        failed[(row["school_id"], result.year)].append(result)

    hits: dict[int, dict[int, Hit]] = {year: {}, year - 1: {}}
    for (school_id, y), results in failed.items():
        if y not in hits or len(results) < min_campaigns:
            continue
        before = {(r.procedure, r.subject_id, r.grade): r for r in failed.get((school_id, y - 1), [])}
        pairs = [(r, before.get((r.procedure, r.subject_id, r.grade - 1 if same_cohort else r.grade))) for r in results]
        if not any(match for _r, match in pairs):
            continue
        lines = [
            _("%(count)s campaigns of %(year)s with at least %(threshold)s %% «2» (%(minimum)s or more participants)")
            % {"count": len(results), "year": y, "threshold": _num(threshold), "minimum": minimum}
        ]
        for result, match in pairs:
            line = result.describe()
            if match is not None:
                line += "; " + _("in %(year)s %(result)s") % {"year": y - 1, "result": match.describe()}
            lines.append(line)
        hits[y][school_id] = Hit("R1", y, lines, failed=pairs)
    return hits


# --- R2: graduates below the minimum on compulsory ГИА.


def _r2(rule: FlagRule, schools, year: int) -> dict[int, dict[int, Hit]]:
    """{year: {school id: hit}} for Y and Y−1: one query."""
    minimum = rule.value("min_graduates")
    subjects = Q()
    for procedure, names in COMPULSORY_GIA.items():
        subjects |= Q(campaign__procedure=procedure, campaign__subject__name__in=names)
    rows = (
        SchoolAggregate.objects.filter(subjects, school__in=schools, campaign__year__in=(year - 1, year))
        .values(
            "school_id",
            "campaign__year",
            "campaign__procedure",
            "campaign__subject__name",
            "campaign__subject__marked_at_ege",
        )
        .annotate(participants=Sum("participants"), twos=Sum("marks_2"), below=Sum("below_min"))
        .order_by("campaign__procedure", "campaign__subject__name")
    )
    found: dict[tuple[int, int], list[tuple[str, int, int, bool]]] = defaultdict(list)
    for row in rows:
        by_score = row["campaign__procedure"] == Procedure.EGE and not row["campaign__subject__marked_at_ege"]
        count = row["below"] if by_score else row["twos"]
        if count:
            work = f"{row['campaign__procedure']}. {row['campaign__subject__name']}"
            found[(row["school_id"], row["campaign__year"])].append((work, count, row["participants"], by_score))
    hits: dict[int, dict[int, Hit]] = {year: {}, year - 1: {}}
    for (school_id, y), works in found.items():
        total = sum(count for _work, count, _participants, _score in works)
        if total < minimum:
            continue
        lines = [
            _("%(count)s participants of %(year)s below the minimum on compulsory ГИА") % {"count": total, "year": y}
        ]
        for work, count, participants, by_score in works:
            text = (
                _("%(work)s: %(count)s of %(participants)s below the minimum test score")
                if by_score
                else _("%(work)s: «2» for %(count)s of %(participants)s")
            )
            lines.append(text % {"work": work, "count": count, "participants": participants})
        hits[y][school_id] = Hit("R2", y, lines)
    return hits


# --- R3: bottom of the municipality by the ВПР mean mark, two years running.


def _r3(rule: FlagRule, schools, year: int) -> dict[int, dict[int, Hit]]:
    """{year: {school id: hit}} for Y and Y−1: one query over all schools of the scope's municipalities, since a
    school is ranked among its municipality's schools with results, not only among the schools a user sees; the
    caller keeps the schools of the scope."""
    share = rule.value("bottom_pct")
    rows = (
        SchoolAggregate.objects.filter(
            school__municipality_id__in=schools.values("municipality_id"),
            campaign__procedure=Procedure.VPR,
            campaign__year__in=(year - 2, year - 1, year),
            campaign__subject__name__in=R3_SUBJECTS,
            marked__gt=0,
        )
        .values("school_id", "school__municipality_id", "school__municipality__name", "campaign__year")
        .annotate(mark_sum=Sum("mark_sum"), marked=Sum("marked"))
        .order_by()
    )
    by_group: dict[tuple[int, int], list[dict]] = defaultdict(list)
    names = {}
    for row in rows:
        by_group[(row["school__municipality_id"], row["campaign__year"])].append(row)
        names[row["school__municipality_id"]] = row["school__municipality__name"]
    bottom: dict[tuple[int, int], dict] = {}  # (school id, year) → numbers
    for (municipality_id, y), group in by_group.items():
        n = len(group)
        k = max(1, int((Decimal(n) * share / 100).to_integral_value(rounding=ROUND_CEILING)))
        ordered = sorted(group, key=lambda r: Fraction(r["mark_sum"], r["marked"]))
        bar = Fraction(ordered[k - 1]["mark_sum"], ordered[k - 1]["marked"])
        # Schools tied with the k-th lowest mean are all among the lowest: `k` says how many that makes.
        lowest = [row for row in ordered if Fraction(row["mark_sum"], row["marked"]) <= bar]
        for row in lowest:
            bottom[(row["school_id"], y)] = {
                "mean": mean(row["mark_sum"], row["marked"]),
                "bar": mean(ordered[k - 1]["mark_sum"], ordered[k - 1]["marked"]),
                "k": len(lowest),
                "n": n,
                "municipality": names[municipality_id],
            }
    hits: dict[int, dict[int, Hit]] = {year: {}, year - 1: {}}
    for (school_id, y), now in bottom.items():
        before = bottom.get((school_id, y - 1))
        if y in hits and before is not None:
            lines = [
                _(
                    "ВПР mean mark in Russian and mathematics %(mean)s in %(year)s: among the lowest %(k)s of "
                    "%(n)s schools of %(municipality)s (%(bar)s or lower)"
                )
                % {**numbers, "mean": _num(numbers["mean"], 2), "bar": _num(numbers["bar"], 2), "year": when}
                for when, numbers in ((y, now), (y - 1, before))
            ]
            hits[y][school_id] = Hit("R3", y, lines)
    return hits


RULES = {"R1": _r1, "R2": _r2, "R3": _r3}


def low_results(schools, year: int, rules: dict[str, FlagRule] | None = None) -> list[SchoolFlags]:
    """Schools of `schools` that an enabled rule marks for `year`, each with the rules that fired in Y and Y−1,
    ordered by municipality and name: one query per enabled rule and one for the schools."""
    rules = load_rules() if rules is None else rules
    current: dict[int, list[Hit]] = defaultdict(list)
    previous: dict[int, list[Hit]] = defaultdict(list)
    for code in LOW_RESULTS_RULES:
        rule = enabled(rules, code)
        if rule is None:
            continue
        hits = RULES[code](rule, schools, year)
        for school_id, hit in hits[year].items():
            current[school_id].append(hit)
        for school_id, hit in hits[year - 1].items():
            previous[school_id].append(hit)
    if not current:
        return []
    flagged = School.objects.filter(pk__in=current).filter(pk__in=schools.values("pk")).select_related("municipality")
    return [SchoolFlags(school, year, current[school.pk], previous.get(school.pk, [])) for school in flagged]


def flagged_ids(schools, year: int, rules: dict[str, FlagRule] | None = None) -> tuple[set[int], set[int]]:
    """(ids flagged low-results in Y, ids flagged in both Y and Y−1) — the numerator of STABLE_LOW_SHARE."""
    flags = low_results(schools, year, rules)
    return {f.school.pk for f in flags}, {f.school.pk for f in flags if f.two_years}


# --- O1–O3: objectivity risk of ВПР results.


@dataclass
class ObjectivityRow:
    school: School
    campaign_id: int
    procedure: str
    subject: str
    grade: int
    compared: int  # participants with a ВПР mark and a journal mark (both shapes)
    journal_known: int  # of them, from per-participant rows (journal quality is known for these only)
    quality_journal: int | None
    quality_vpr: int | None
    success_journal: int | None
    success_vpr: int | None
    raised: int
    lowered: int
    fired: list[str] = field(default_factory=list)
    not_judged: list[str] = field(default_factory=list)  # enabled rules below their minimum: «мало данных»

    @property
    def label(self) -> str:
        return _work(self.procedure, self.subject, self.grade)

    def _share(self, count):
        return pct(count, self.journal_known) if count is not None else None

    @property
    def quality_journal_pct(self):
        return self._share(self.quality_journal)

    @property
    def quality_vpr_pct(self):
        return self._share(self.quality_vpr)

    @property
    def quality_gap_pp(self):
        """Quality by journal minus quality by ВПР, percentage points, from exact counts."""
        if self.quality_journal is None:
            return None
        return pct(self.quality_journal - self.quality_vpr, self.journal_known)

    @property
    def success_journal_pct(self):
        return self._share(self.success_journal)

    @property
    def success_vpr_pct(self):
        return self._share(self.success_vpr)

    @property
    def success_gap_pp(self):
        if self.success_journal is None:
            return None
        return pct(self.success_journal - self.success_vpr, self.journal_known)

    @property
    def raised_pct(self):
        return pct(self.raised, self.compared)

    @property
    def lowered_pct(self):
        return pct(self.lowered, self.compared)

    @property
    def too_little_data(self) -> bool:
        return bool(self.not_judged)


def objectivity(
    schools, year: int, rules: dict[str, FlagRule] | None = None, *, include_not_judged: bool = False
) -> list[ObjectivityRow]:
    """ВПР campaigns × schools of `year` that an enabled objectivity rule marks (and, with `include_not_judged`,
    those it could not judge: fewer participants with a journal mark than its minimum, «мало данных»).
    Three queries: participants' marks, aggregated rows' counts, the schools."""
    rules = load_rules() if rules is None else rules
    active = {code: rule for code in OBJECTIVITY_RULES if (rule := enabled(rules, code)) is not None}
    if not active:
        return []
    campaign = ("campaign_id", "school_id", "campaign__procedure", "campaign__subject__name", "campaign__grade")
    base = Q(school__in=schools, campaign__procedure=Procedure.VPR, campaign__year=year)
    per_participant = (
        ParticipantResult.objects.filter(base, mark__isnull=False, journal_mark__isnull=False)
        .values(*campaign)
        .annotate(
            compared=Count("id"),
            quality_journal=Count("id", filter=Q(journal_mark__gte=4)),
            quality_vpr=Count("id", filter=Q(mark__gte=4)),
            success_journal=Count("id", filter=Q(journal_mark__gte=3)),
            success_vpr=Count("id", filter=Q(mark__gte=3)),
            raised=Count("id", filter=Q(mark__gt=F("journal_mark"))),
            lowered=Count("id", filter=Q(mark__lt=F("journal_mark"))),
        )
        .order_by()
    )
    aggregated = (
        AggregatedResult.objects.filter(base)
        .filter(Q(lowered__isnull=False) | Q(confirmed__isnull=False) | Q(raised__isnull=False))
        .values(*campaign)
        .annotate(lowered=Sum("lowered"), confirmed=Sum("confirmed"), raised=Sum("raised"))
        .order_by()
    )
    rows: dict[tuple[int, int], ObjectivityRow] = {}
    for group in per_participant:
        rows[(group["campaign_id"], group["school_id"])] = ObjectivityRow(
            school=None,
            campaign_id=group["campaign_id"],
            procedure=group["campaign__procedure"],
            subject=group["campaign__subject__name"],
            grade=group["campaign__grade"],
            compared=group["compared"],
            journal_known=group["compared"],
            quality_journal=group["quality_journal"],
            quality_vpr=group["quality_vpr"],
            success_journal=group["success_journal"],
            success_vpr=group["success_vpr"],
            raised=group["raised"],
            lowered=group["lowered"],
        )
    for group in aggregated:
        lowered, confirmed, raised = (group[name] or 0 for name in ("lowered", "confirmed", "raised"))
        row = rows.get((group["campaign_id"], group["school_id"]))
        if row is None:
            row = rows[(group["campaign_id"], group["school_id"])] = ObjectivityRow(
                school=None,
                campaign_id=group["campaign_id"],
                procedure=group["campaign__procedure"],
                subject=group["campaign__subject__name"],
                grade=group["campaign__grade"],
                compared=0,
                journal_known=0,
                quality_journal=None,
                quality_vpr=None,
                success_journal=None,
                success_vpr=None,
                raised=0,
                lowered=0,
            )
        row.compared += lowered + confirmed + raised
        row.raised += raised
        row.lowered += lowered

    kept = {}
    for key, row in rows.items():
        _judge(row, active)
        if row.fired or (include_not_judged and row.not_judged):
            kept[key] = row
    if not kept:
        return []
    schools_by_id = School.objects.select_related("municipality").in_bulk({school_id for _c, school_id in kept})
    for (_campaign_id, school_id), row in kept.items():
        row.school = schools_by_id[school_id]
    return sorted(
        kept.values(),
        key=lambda r: (r.school.municipality.name, r.school.short_name, r.procedure, r.subject, r.grade),
    )


def _judge(row: ObjectivityRow, active: dict[str, FlagRule]) -> None:
    """Fill `fired` and `not_judged` of a row; every comparison is on exact counts."""
    checks = {
        # code: (participants the rule is judged on, does it fire)
        "O1": (
            row.journal_known,
            lambda rule: (
                row.quality_journal is not None
                and (row.quality_journal - row.quality_vpr) * 100 > rule.value("gap_pp") * row.journal_known
            ),
        ),
        "O2": (row.compared, lambda rule: row.raised * 100 >= rule.value("raised_pct") * row.compared),
        "O3": (row.compared, lambda rule: row.lowered * 100 >= rule.value("lowered_pct") * row.compared),
    }
    for code, rule in active.items():
        base, fires = checks[code]
        if code == "O1" and row.quality_journal is None:
            continue  # aggregated rows only: the journal quality is unknown, O1 cannot be computed at all
        if base < rule.value("min_participants"):
            row.not_judged.append(code)
        elif fires(rule):
            row.fired.append(code)
