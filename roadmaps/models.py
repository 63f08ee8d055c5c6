"""Plans (municipal, school, mentor pair), their sections and activities, with deadlines as written and as read.

Room is left for what comes next (issue 5): the lifecycle has all its states and a comment for «возвращён на
доработку»; history is kept by django-simple-history on every model, which amendments and versions build on;
activities carry executor schools for progress reports and «Мои задачи».
"""

import datetime as dt
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from registry.models import Municipality, Pairing, School
from shnor_portal.files.models import Attachment, random_path

from .deadlines import Kind, Reading, read_deadline

# «№ 45-од», «№№45», «N 45», «No. 45»: the sign people type before a number the portal writes itself («приказом № …»).
NUMBER_SIGN = re.compile(r"^\s*(?:№+|N[oо]?\.?(?=\s|\d)|#)\s*", re.IGNORECASE)


def clean_order_number(text: str | None) -> str:
    """An order's number as the portal keeps it: without the «№» a user typed before it. Applied when a number is
    kept, and again where one is shown, so that a number kept with its sign before this rule reads «№ 45» too."""
    return NUMBER_SIGN.sub("", (text or "").strip()).strip()


class Level(models.TextChoices):
    MUNICIPAL = "municipal", _("municipal")
    SCHOOL = "school", _("school")
    PAIR = "pair", _("mentor pair")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    REVIEW = "review", _("under review")
    RETURNED = "returned", _("returned for revision")
    APPROVED = "approved", _("approved")
    IN_PROGRESS = "in_progress", _("in progress")
    COMPLETED = "completed", _("completed")


class Plan(models.Model):
    """План мероприятий / дорожная карта / программа of one owner for a period."""

    level = models.CharField(_("level"), max_length=16, choices=Level.choices, default=Level.MUNICIPAL)
    # Every plan belongs to a municipality: the owner's for municipal plans, the school's otherwise.
    municipality = models.ForeignKey(Municipality, models.PROTECT, related_name="plans", verbose_name=_("municipality"))
    school = models.ForeignKey(
        School, models.PROTECT, null=True, blank=True, related_name="plans", verbose_name=_("school")
    )
    pairing = models.ForeignKey(
        Pairing, models.PROTECT, null=True, blank=True, related_name="plans", verbose_name=_("mentor pair")
    )
    title = models.CharField(_("title"), max_length=1000)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))

    # Passport (паспорт плана), as written in the seeds.
    normative_basis = models.TextField(_("normative basis"), blank=True)
    developers = models.TextField(_("developers"), blank=True)
    executors = models.TextField(_("executors"), blank=True)
    goal = models.TextField(_("goal"), blank=True)
    tasks = models.TextField(_("tasks"), blank=True)
    expected_results = models.TextField(_("expected results"), blank=True)
    timeframe = models.TextField(_("timeframe"), blank=True, help_text=_("As written, e.g. «2021–2024 гг.»."))
    control = models.TextField(_("control"), blank=True)

    status = models.CharField(_("status"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    status_comment = models.TextField(_("status comment"), blank=True)
    approval_number = models.CharField(_("approval order number"), max_length=100, blank=True)
    approval_date = models.DateField(_("approval order date"), null=True, blank=True)
    approved_by = models.CharField(_("approved by"), max_length=500, blank=True)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["municipality__name", "-period_start", "title"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="plan_end_not_before_start",
                violation_error_message=_("The plan cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(level=Level.MUNICIPAL, school__isnull=True, pairing__isnull=True)
                    | Q(level=Level.SCHOOL, school__isnull=False, pairing__isnull=True)
                    | Q(level=Level.PAIR, pairing__isnull=False)
                ),
                name="plan_owner_matches_level",
                violation_error_message=_(
                    "A municipal plan has no school, a school plan has one, a pair plan has a pairing."
                ),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("roadmaps:plan-detail", args=[self.pk])

    def clean(self):
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": _("The plan cannot end before it starts.")})

    @property
    def owner(self):
        if self.level == Level.PAIR:
            return self.pairing
        if self.level == Level.SCHOOL:
            return self.school
        return self.municipality

    @property
    def period_label(self) -> str:
        if self.period_start.year == self.period_end.year:
            return str(self.period_start.year)
        return f"{self.period_start.year}–{self.period_end.year}"

    @property
    def approval_label(self) -> str:
        parts = []
        if self.approval_number:
            parts.append(f"№{clean_order_number(self.approval_number)}")
        if self.approval_date:
            parts.append(_("of %(date)s") % {"date": self.approval_date.strftime("%d.%m.%Y")})
        return " ".join(str(p) for p in parts)

    def passport(self) -> list[tuple[str, str]]:
        """The passport rows that are filled in, in the order of the seeds."""
        fields = ["normative_basis", "developers", "executors", "goal", "tasks", "expected_results", "timeframe"]
        rows = [(self._meta.get_field(name).verbose_name, getattr(self, name)) for name in [*fields, "control"]]
        return [(label, value) for label, value in rows if value]


class Section(models.Model):
    """A section row of the plan table: «1.», «I.», «1.1» … with its title and, sometimes, its own «ответственные»."""

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="sections", verbose_name=_("plan"))
    parent = models.ForeignKey(
        "self", models.CASCADE, null=True, blank=True, related_name="children", verbose_name=_("parent section")
    )
    number = models.CharField(_("number"), max_length=50, blank=True, help_text=_("As written: «1.», «I.», «1.1»."))
    title = models.TextField(_("title"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    responsible = models.TextField(_("responsible"), blank=True)
    # A stage row may carry its deadline for the whole stage (seed 003: «1.1. Подготовительный этап … февраль – март
    # 2018 год»); it is kept as written.
    deadline_text = models.CharField(_("deadline as written"), max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "order", "pk"]
        verbose_name = _("plan section")
        verbose_name_plural = _("plan sections")

    def __str__(self):
        return " ".join(part for part in (self.number, self.title) if part)


class Activity(models.Model):
    """One numbered activity: its deadline exactly as written, and how the reader understood it."""

    section = models.ForeignKey(Section, models.CASCADE, related_name="activities", verbose_name=_("section"))
    # Numbers are unique within a section at most — and seed 001 itself repeats «2.6»: no constraint.
    number = models.CharField(_("number"), max_length=50, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    name = models.TextField(_("activity"))
    deadline_text = models.CharField(_("deadline as written"), max_length=500, blank=True)
    deadline_kind = models.CharField(
        _("deadline kind"), max_length=16, choices=Kind.choices, default=Kind.UNPARSED, editable=False
    )
    deadline_periods = models.JSONField(
        _("deadline periods"), default=list, blank=True, editable=False, help_text=_("[[start, end], …] ISO dates.")
    )
    outside_period = models.BooleanField(_("outside the plan's period"), default=False, editable=False)
    # The coordinator set the periods by hand (a deadline the reader could not read): the text is not re-read.
    deadline_set_by_hand = models.BooleanField(_("deadline set by hand"), default=False)
    responsible = models.TextField(_("responsible"), blank=True)
    expected_result = models.TextField(_("expected result"), blank=True)
    # Seed 003's plan has funding columns: «Источник финансирования» and «Объем средств … (рублей)» per year. The
    # amounts stay as the plan writes them, year → "150000.00" or "x" (not applicable): a plan shows a year's cell, it
    # never sums it, and one JSON value keeps the import, the history and the version comparison plain.
    funding_source = models.TextField(_("funding source"), blank=True)
    funding = models.JSONField(
        _("funding by year"), default=dict, blank=True, help_text=_('{"2018": "150000.00" or "x"} in roubles.')
    )
    executors = models.ManyToManyField(
        School, blank=True, related_name="plan_activities", verbose_name=_("executor schools")
    )
    # The «МТБ» tag: the activity improves the material and technical base (MTB_SHARE counts its executors).
    improves_facilities = models.BooleanField(_("improves the material and technical base (МТБ)"), default=False)
    # The «500+» risk factors the activity addresses (SPEC §2.2): the school's risk tab lists the activities of each
    # factor. The links to target indicators live in reports (ActivityIndicator), the app above.
    risk_factors = models.ManyToManyField(
        "registry.RiskFactor", blank=True, related_name="plan_activities", verbose_name=_("risk factors addressed")
    )

    history = HistoricalRecords(m2m_fields=[executors, risk_factors])

    class Meta:
        ordering = ["section", "order", "pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [models.Index(fields=["deadline_kind"])]

    def __str__(self):
        return " ".join(part for part in (self.number, self.name[:80]) if part)

    def save(self, *args, **kwargs):
        self.apply_reading()
        super().save(*args, **kwargs)
        self.sync_periods()

    @property
    def funding_shown(self) -> list[tuple[str, str]]:
        """(year, «150 000,50» or «x») of the amounts, by year, as a Russian page writes them."""
        shown = []
        for year, amount in sorted((self.funding or {}).items()):
            if re.fullmatch(r"\d+\.\d\d", amount or ""):
                whole, cents = amount.split(".")
                amount = f"{int(whole):,}".replace(",", "\u00a0") + f",{cents}"
            shown.append((year, amount))
        return shown

    def sync_periods(self) -> None:
        """Keep one ActivityPeriod row per period of the reading, so that due and overdue are plain SQL.

        Rows whose period is still read are kept (their reports hang on them); the rest go, unless a school has
        already reported on them — then they stay, marked as no longer in the deadline.
        """
        wanted = {(dt.date.fromisoformat(a), dt.date.fromisoformat(b)) for a, b in self.deadline_periods}
        have = {(p.start, p.end): p for p in self.due_periods.all()}
        stale = [p.pk for key, p in have.items() if key not in wanted]
        if stale:
            reported = set(ProgressReport.objects.filter(period_id__in=stale).values_list("period_id", flat=True))
            ActivityPeriod.objects.filter(pk__in=set(stale) - reported).delete()
            ActivityPeriod.objects.filter(pk__in=reported).update(in_deadline=False)
        kept = [p.pk for key, p in have.items() if key in wanted and not p.in_deadline]
        if kept:
            ActivityPeriod.objects.filter(pk__in=kept).update(in_deadline=True)
        ActivityPeriod.objects.bulk_create(
            [ActivityPeriod(activity=self, start=a, end=b) for a, b in sorted(wanted - set(have))]
        )

    def apply_reading(self, plan: Plan | None = None) -> Reading:
        """Read the deadline text against the plan's period and store the reading beside the text.

        An activity without a deadline of its own takes its stage's (the section row's) deadline, as in seed 003.
        """
        plan = plan or self.section.plan
        if self.deadline_set_by_hand:
            return self.manual_reading(plan)
        reading = read_deadline(self.deadline_text or self.section.deadline_text, plan.period_start, plan.period_end)
        self.deadline_kind = reading.kind
        self.deadline_periods = reading.periods_iso()
        self.outside_period = reading.outside
        return reading

    def manual_reading(self, plan: Plan) -> Reading:
        """The periods the coordinator set by hand, kept as they are; only «outside the period» is recomputed."""
        periods = self.periods
        outside = any(start < plan.period_start or end > plan.period_end for start, end in periods)
        self.deadline_kind = Kind.DATES if periods else Kind.UNPARSED
        self.outside_period = outside
        return Reading(self.deadline_kind, tuple(periods), outside)

    @property
    def periods(self) -> list[tuple[dt.date, dt.date]]:
        return [(dt.date.fromisoformat(a), dt.date.fromisoformat(b)) for a, b in self.deadline_periods]

    @property
    def inherits_deadline(self) -> bool:
        return not self.deadline_text and bool(self.section.deadline_text)

    @property
    def is_unparsed(self) -> bool:
        return self.deadline_kind == Kind.UNPARSED

    def period_labels(self, limit: int = 4) -> list[str]:
        """The periods as «01.08.2020–31.08.2020» (a single day once), at most `limit` of them and «… ещё N»."""
        labels = []
        for start, end in self.periods[:limit]:
            first, last = start.strftime("%d.%m.%Y"), end.strftime("%d.%m.%Y")
            labels.append(first if start == end else f"{first}–{last}")
        rest = len(self.deadline_periods) - limit
        if rest > 0:
            labels.append(_("… %(count)s more") % {"count": rest})
        return labels


class ActivityPeriod(models.Model):
    """One period of an activity's deadline reading, due on its end date: the reporting period of docs/deadlines.md.

    Kept as rows (not only as the activity's JSON) so that «due soon» and «overdue» are computed in SQL.
    """

    activity = models.ForeignKey(Activity, models.CASCADE, related_name="due_periods", verbose_name=_("activity"))
    start = models.DateField(_("period start"))
    end = models.DateField(_("due date"))
    # A period that a changed deadline no longer names but that already has reports: kept, never overdue.
    in_deadline = models.BooleanField(_("in the deadline"), default=True)

    class Meta:
        ordering = ["activity_id", "end", "start"]
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        constraints = [
            models.UniqueConstraint(fields=["activity", "start", "end"], name="activity_period_unique"),
        ]
        indexes = [models.Index(fields=["end"])]

    def __str__(self):
        first, last = self.start.strftime("%d.%m.%Y"), self.end.strftime("%d.%m.%Y")
        return first if self.start == self.end else f"{first}–{last}"


class ReportStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("not started")
    IN_WORK = "in_work", _("in work")
    DONE = "done", _("done")
    NOT_DONE = "not_done", _("not done")
    CANCELLED = "cancelled", _("cancelled")


class Review(models.TextChoices):
    PENDING = "pending", _("awaiting review")
    ACCEPTED = "accepted", _("accepted")
    RETURNED = "returned", _("returned")


class ProgressReport(models.Model):
    """A school's report on one activity for one reporting period (or, for activities without dates, the only one).

    One row per activity, school and period: a returned report is corrected and sent again, its history kept.
    """

    activity = models.ForeignKey(Activity, models.CASCADE, related_name="reports", verbose_name=_("activity"))
    # No school: the plan's owner reports on its own activity (a municipal activity without executor schools).
    school = models.ForeignKey(
        School, models.PROTECT, null=True, blank=True, related_name="progress_reports", verbose_name=_("school")
    )
    period = models.ForeignKey(
        ActivityPeriod,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("reporting period"),
    )
    status = models.CharField(_("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.IN_WORK)
    percent = models.PositiveSmallIntegerField(_("percent done"), default=0)
    done_text = models.TextField(_("what was done"), blank=True)
    links = models.TextField(_("links to evidence"), blank=True, help_text=_("One address per line."))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("author")
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    review = models.CharField(_("review"), max_length=16, choices=Review.choices, default=Review.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("reviewer")
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_comment = models.TextField(_("reviewer's comment"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["activity_id", "school_id", "period__end", "pk"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [
            # One report per activity, reporter and period; NULLs are spelled out because they are never equal in SQL.
            models.UniqueConstraint(
                fields=["activity", "school", "period"],
                condition=Q(period__isnull=False, school__isnull=False),
                name="report_one_per_period",
            ),
            models.UniqueConstraint(
                fields=["activity", "school"],
                condition=Q(period__isnull=True, school__isnull=False),
                name="report_one_without_period",
            ),
            models.UniqueConstraint(
                fields=["activity", "period"],
                condition=Q(period__isnull=False, school__isnull=True),
                name="report_owner_one_per_period",
            ),
            models.UniqueConstraint(
                fields=["activity"],
                condition=Q(period__isnull=True, school__isnull=True),
                name="report_owner_one_without_period",
            ),
            models.CheckConstraint(condition=Q(percent__lte=100), name="report_percent_at_most_100"),
        ]
        indexes = [models.Index(fields=["review"]), models.Index(fields=["school", "review"])]

    def __str__(self):
        return f"{self.activity} — {self.school or self.activity.section.plan.municipality}"


class ReportNote(models.Model):
    """The conversation on a report: the coordinator's verdicts and the school's answers, in order."""

    class Kind(models.TextChoices):
        ACCEPTED = "accepted", _("accepted")
        RETURNED = "returned", _("returned with a comment")
        ANSWER = "answer", _("answer")

    report = models.ForeignKey(ProgressReport, models.CASCADE, related_name="notes", verbose_name=_("report"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    text = models.TextField(_("comment"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("author")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["report_id", "created_at", "pk"]
        verbose_name = _("report note")
        verbose_name_plural = _("report notes")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.text[:80]}"


def evidence_path(instance, filename: str) -> str:
    """A random name under the report's folder (named by the migrations: the function stays here)."""
    return random_path(f"roadmaps/evidence/{instance.report_id}", filename)


class Evidence(Attachment):
    """A file attached to a progress report; served only through a permission-checked view."""

    report = models.ForeignKey(ProgressReport, models.CASCADE, related_name="evidence", verbose_name=_("report"))
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=200)
    # The content's SHA-256: a file attached again to the same report (a returned report sent once more) replaces
    # the identical one instead of being listed twice. Empty only for a file the storage had lost when it was filled.
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, db_index=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")


class Reminder(models.Model):
    """One e-mail sent about one reporting period to one person: the row that keeps reminders from repeating."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("due soon")
        OVERDUE = "overdue", _("overdue")

    period = models.ForeignKey(ActivityPeriod, models.CASCADE, related_name="reminders", verbose_name=_("period"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=["period", "recipient", "kind"], name="reminder_once_per_period"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.period} → {self.recipient}"


class PlanVersion(models.Model):
    """A readable copy of the whole plan as it stood when it was approved or when an amendment was applied."""

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="versions", verbose_name=_("plan"))
    number = models.PositiveIntegerField(_("version"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("author")
    )
    reason = models.TextField(_("reason"), blank=True)
    # {"plan": {passport, approval…}, "sections": [{number, title, …, "activities": [{…}]}]}
    snapshot = models.JSONField(_("snapshot"))

    class Meta:
        ordering = ["plan_id", "number"]
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plan_version_unique")]

    def __str__(self):
        return f"{self.plan} — v{self.number}"


class Amendment(models.Model):
    """A recorded change of an approved plan (who, when, why): while it is open the plan can be edited."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        APPLIED = "applied", _("applied")
        WITHDRAWN = "withdrawn", _("withdrawn")

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="amendments", verbose_name=_("plan"))
    number = models.PositiveIntegerField(_("number"))
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("opened by")
    )
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("closed by")
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    order_number = models.CharField(_("order number"), max_length=100, blank=True)
    order_date = models.DateField(_("order date"), null=True, blank=True)
    version = models.OneToOneField(
        PlanVersion, models.SET_NULL, null=True, blank=True, related_name="amendment", verbose_name=_("version")
    )

    class Meta:
        ordering = ["plan_id", "number"]
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="amendment_number_unique"),
            models.UniqueConstraint(fields=["plan"], condition=Q(status="open"), name="amendment_one_open_per_plan"),
        ]

    def __str__(self):
        return _("Amendment No. %(number)s") % {"number": self.number}
