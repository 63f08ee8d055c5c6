"""Assessment campaigns and their results: per participant where the source has them, per school × class
where only aggregated statistics exist (docs/import-formats.md)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.models import Municipality, Region, School

from .fields import TextJSONField


class Procedure(models.TextChoices):
    VPR = "ВПР", "ВПР"
    NIKO = "НИКО", "НИКО"
    RDR = "РДР", "РДР"
    MDR = "МДР", "МДР"
    OGE = "ОГЭ", "ОГЭ"
    GVE9 = "ГВЭ-9", "ГВЭ-9"
    EGE = "ЕГЭ", "ЕГЭ"
    GVE11 = "ГВЭ-11", "ГВЭ-11"


# Procedures whose results are marks 2–5 (ЕГЭ gives a test score; its базовая математика a mark).
MARKED = {Procedure.VPR, Procedure.NIKO, Procedure.RDR, Procedure.MDR, Procedure.OGE, Procedure.GVE9}
PRIMARY_SCORE_REQUIRED = {Procedure.VPR, Procedure.OGE, Procedure.RDR}


class Subject(models.Model):
    """A subject of the reference list with the spellings real files use for it."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    synonyms = models.TextField(_("spelling variants"), blank=True, help_text=_("One per line."))
    ege_min_score = models.PositiveSmallIntegerField(_("ЕГЭ minimum test score (certificate)"), null=True, blank=True)
    marked_at_ege = models.BooleanField(_("ЕГЭ gives a mark (базовый уровень)"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")

    def __str__(self):
        return self.name


class EgeMinimumScore(models.Model):
    """The ЕГЭ minimum test score for the certificate of a subject in a year (REFERENCE §4): `below_min_pct` reads it,
    and falls back to the subject's own `ege_min_score` for a year the table does not name."""

    year = models.PositiveSmallIntegerField(_("year"))
    subject = models.ForeignKey(Subject, models.CASCADE, related_name="ege_minimums", verbose_name=_("subject"))
    min_score = models.PositiveSmallIntegerField(_("minimum test score (certificate)"))

    class Meta:
        ordering = ["-year", "subject__name"]
        verbose_name = _("ЕГЭ minimum score")
        verbose_name_plural = _("ЕГЭ minimum scores")
        constraints = [models.UniqueConstraint(fields=["year", "subject"], name="one_ege_minimum_per_year")]

    def __str__(self):
        return f"{self.year}. {self.subject}: {self.min_score}"


class MaxScore(models.Model):
    """Maximum primary score of a (procedure, year, subject, grade); a file's column overrides it per row."""

    procedure = models.CharField(_("procedure"), max_length=8, choices=Procedure.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    subject = models.ForeignKey(Subject, models.CASCADE, verbose_name=_("subject"))
    grade = models.PositiveSmallIntegerField(_("grade"))
    max_score = models.PositiveSmallIntegerField(_("maximum primary score"))

    class Meta:
        verbose_name = _("maximum primary score")
        verbose_name_plural = _("maximum primary scores")
        constraints = [
            models.UniqueConstraint(fields=["procedure", "year", "subject", "grade"], name="one_max_score_per_work")
        ]

    def __str__(self):
        return f"{self.procedure} {self.year} {self.subject} {self.grade}: {self.max_score}"


class Campaign(models.Model):
    procedure = models.CharField(_("procedure"), max_length=8, choices=Procedure.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    subject = models.ForeignKey(Subject, models.PROTECT, related_name="campaigns", verbose_name=_("subject"))
    grade = models.PositiveSmallIntegerField(_("grade"))
    # The mark scale of the work (the lowest primary score of marks 3, 4 and 5), from its task table.
    scale_3 = models.PositiveSmallIntegerField(_("mark 3 from (primary score)"), null=True, blank=True)
    scale_4 = models.PositiveSmallIntegerField(_("mark 4 from (primary score)"), null=True, blank=True)
    scale_5 = models.PositiveSmallIntegerField(_("mark 5 from (primary score)"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "procedure", "subject__name", "grade"]
        verbose_name = _("assessment campaign")
        verbose_name_plural = _("assessment campaigns")
        constraints = [
            models.UniqueConstraint(fields=["procedure", "year", "subject", "grade"], name="one_campaign_per_work")
        ]

    def __str__(self):
        return f"{self.procedure} {self.year}. {self.subject}, {self.grade} класс"


class ResultImport(models.Model):
    """One results file: kept with who imported it, when, what it held and how it ended."""

    class State(models.TextChoices):
        CHECKED = "checked", _("checked, waiting for confirmation")
        REJECTED = "rejected", _("has problems")
        COMMITTED = "committed", _("committed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("user")
    )
    original_name = models.CharField(_("file name"), max_length=255)
    file = models.FileField(_("file"), upload_to="result-imports/")
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    shape = models.CharField(_("shape"), max_length=12, blank=True)
    rows = models.PositiveIntegerField(_("data rows"), default=0)
    problems = models.JSONField(_("problems"), default=list)
    summary = models.JSONField(_("summary"), default=dict)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    committed_at = models.DateTimeField(_("committed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("results import")
        verbose_name_plural = _("results imports")

    def __str__(self):
        return f"{self.original_name} ({self.created_at:%d.%m.%Y %H:%M})"


class ParticipantResult(models.Model):
    """One participant's work. Loaded in bulk by COPY, so the table carries only what loading can afford:

    no database foreign keys (their deferred checks cost more than the load itself) and one index besides the
    primary key (see below). The ids come from the importer's own lookups; (campaign, participant) is unique by
    the reader's check within a file, and `commit` checks it against the rows of other schools before the
    transaction ends.
    """

    campaign = models.ForeignKey(
        Campaign, models.CASCADE, related_name="participants", db_constraint=False, db_index=False
    )
    school = models.ForeignKey(School, models.CASCADE, related_name="+", db_constraint=False, db_index=False)
    class_name = models.CharField(max_length=10, blank=True)
    participant = models.CharField(max_length=64)
    primary_score = models.PositiveSmallIntegerField(null=True)
    max_score = models.PositiveSmallIntegerField(null=True)
    mark = models.PositiveSmallIntegerField(null=True)
    test_score = models.PositiveSmallIntegerField(null=True)
    journal_mark = models.PositiveSmallIntegerField(null=True)
    # {task label as normalised («4(1)»): points}, in the order of the file; null when the file had no task columns.
    task_scores = TextJSONField(null=True)
    source = models.ForeignKey(
        ResultImport, models.SET_NULL, null=True, related_name="+", db_constraint=False, db_index=False
    )

    # Its index on (campaign, school) is made by migrations 0005 and 0010: a B-tree. A BRIN cost nothing during
    # COPY, but a region's file interleaves campaigns and schools, so its block ranges covered the whole table and
    # the campaign page's class rows scanned all of it (106 ms against 22 ms on the 300,000-row load bench); the
    # B-tree costs a first import of 1,000,000 rows about 3 s more.
    # On PostgreSQL the table is partitioned by campaign and, within a campaign, by import (migration 0020,
    # partitions.py), so that a file replacing a whole campaign truncates its older rows; the database's key is
    # then each leaf's `id`, unique across the table by its one sequence.

    def __str__(self):
        return f"{self.campaign}: {self.participant}"


class TaskLevel(models.TextChoices):
    BASIC = "Б", _("basic level")
    ADVANCED = "П", _("advanced level")
    HIGH = "В", _("high level")


class Task(models.Model):
    """One task of a campaign's work (its task table): label, maximum points, difficulty level, skills checked."""

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="tasks", verbose_name=_("campaign"))
    position = models.PositiveSmallIntegerField(_("position"))
    label = models.CharField(_("task of the work"), max_length=16)
    max_points = models.PositiveSmallIntegerField(_("maximum points"))
    level = models.CharField(_("difficulty level"), max_length=1, choices=TaskLevel.choices)
    skills = models.TextField(_("skills checked"), blank=True)

    class Meta:
        ordering = ["campaign", "position"]
        verbose_name = _("task of the work")
        verbose_name_plural = _("tasks of the work")
        constraints = [models.UniqueConstraint(fields=["campaign", "label"], name="one_task_label_per_campaign")]

    def __str__(self):
        return self.label


class ReferenceLevel(models.TextChoices):
    RUSSIA = "russia", _("the whole country")
    REGION = "region", _("region")
    MUNICIPALITY = "municipality", _("municipality")


class ReferenceDistribution(models.Model):
    """A distribution of marks (in %) published by ФИС ОКО for the country, a region or a municipality, shown
    beside a school's own numbers. `region`/`municipality` name the unit whose report brought it; a later import
    of the same report for the same unit replaces it."""

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="references", verbose_name=_("campaign"))
    level = models.CharField(_("level"), max_length=12, choices=ReferenceLevel.choices)
    region = models.ForeignKey(
        Region, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    municipality = models.ForeignKey(
        Municipality,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    name = models.CharField(_("name as written"), max_length=400)
    schools = models.PositiveIntegerField(_("schools"), null=True, blank=True)
    participants = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    pct_2 = models.DecimalField(_("«2», %"), max_digits=5, decimal_places=2)
    pct_3 = models.DecimalField(_("«3», %"), max_digits=5, decimal_places=2)
    pct_4 = models.DecimalField(_("«4», %"), max_digits=5, decimal_places=2)
    pct_5 = models.DecimalField(_("«5», %"), max_digits=5, decimal_places=2)
    source = models.ForeignKey(
        ResultImport, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("import")
    )

    class Meta:
        ordering = ["campaign", "level"]
        verbose_name = _("reference distribution")
        verbose_name_plural = _("reference distributions")

    def __str__(self):
        return f"{self.campaign}: {self.name}"


class AggregatedResult(models.Model):
    """Statistics of a school (or one of its classes) in a campaign when participants are not known."""

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="aggregates")
    school = models.ForeignKey(School, models.CASCADE, related_name="+")
    class_name = models.CharField(max_length=10, blank=True)
    participants = models.PositiveIntegerField()
    marks_2 = models.PositiveIntegerField()
    marks_3 = models.PositiveIntegerField()
    marks_4 = models.PositiveIntegerField()
    marks_5 = models.PositiveIntegerField()
    mean_primary = models.DecimalField(max_digits=6, decimal_places=2, null=True)
    lowered = models.PositiveIntegerField(null=True)
    confirmed = models.PositiveIntegerField(null=True)
    raised = models.PositiveIntegerField(null=True)
    source = models.ForeignKey(ResultImport, models.SET_NULL, null=True, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "school", "class_name"], name="one_aggregate_per_class"),
        ]

    def __str__(self):
        return f"{self.campaign}: {self.school} {self.class_name}".strip()


class AggregateCounts(models.Model):
    """Exact counts of a group of participants, from which every published figure is derived (docs/indicators.md)."""

    participants = models.PositiveIntegerField(default=0)
    marks_2 = models.PositiveIntegerField(default=0)
    marks_3 = models.PositiveIntegerField(default=0)
    marks_4 = models.PositiveIntegerField(default=0)
    marks_5 = models.PositiveIntegerField(default=0)
    mark_sum = models.PositiveIntegerField(default=0)
    marked = models.PositiveIntegerField(default=0)
    lowered = models.PositiveIntegerField(default=0)
    confirmed = models.PositiveIntegerField(default=0)
    raised = models.PositiveIntegerField(default=0)
    tested = models.PositiveIntegerField(default=0)
    test_sum = models.PositiveIntegerField(default=0)
    test_max = models.PositiveSmallIntegerField(null=True)
    below_min = models.PositiveIntegerField(default=0)
    has_minimum = models.BooleanField(default=False)
    # The mean primary score (SPEC §2.4) as its exact parts: the sum of the primary scores known and how many works
    # have one. A statistics row adds its published mean × its participants (two decimals, hence a decimal sum).
    primary_sum = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    scored = models.PositiveIntegerField(default=0)
    primary_max = models.PositiveSmallIntegerField(null=True)  # the maximum primary score of the work, as rows say
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class SchoolAggregate(AggregateCounts):
    """Stored aggregates of a campaign × school, recalculated by a task after each import (exact counts).

    Derived rows, rebuilt whole by every recalculation: no database foreign keys, whose deferred checks at commit
    cost a quarter of a region's recalculation (the ORM still deletes them with their school or campaign)."""

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="school_aggregates", db_constraint=False)
    school = models.ForeignKey(School, models.CASCADE, related_name="+", db_constraint=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "school"], name="one_aggregate_per_school")]

    def __str__(self):
        return f"{self.campaign}: {self.school}"


class Recalculation(models.Model):
    """A run of the recalculation task: what it covers, how far it got, how it ended."""

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    source = models.ForeignKey(ResultImport, models.CASCADE, null=True, blank=True, related_name="recalculations")
    campaigns = models.JSONField(default=list)
    schools = models.JSONField(default=list)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Written by the running task every few seconds through a connection of its own: a job «running» whose
    # heartbeat stopped has lost its worker and is re-queued by the outbox sweep.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # When the job recalculated the target indicators after the aggregates (the import page shows it).
    indicators_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_state_display()} {self.progress}%"


class PublishedResult(models.Model):
    """Figures of a school's results as a document published them («по данным источника»), where the rows or
    counts behind them are not known: they are shown as written, never recomputed, and feed no indicator."""

    school = models.ForeignKey(School, models.CASCADE, related_name="+", verbose_name=_("school"))
    procedure = models.CharField(_("procedure"), max_length=8, choices=Procedure.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    subject = models.ForeignKey(Subject, models.PROTECT, related_name="+", verbose_name=_("subject"))
    grade = models.PositiveSmallIntegerField(_("grade"))
    class_name = models.CharField(_("class"), max_length=10, blank=True)  # empty: the whole parallel
    participants = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    max_score = models.PositiveSmallIntegerField(_("maximum score of the work"), null=True, blank=True)
    mean_primary = models.DecimalField(_("mean primary score"), max_digits=6, decimal_places=2, null=True, blank=True)
    mean_mark = models.DecimalField(_("mean mark"), max_digits=4, decimal_places=2, null=True, blank=True)
    mean_score = models.DecimalField(_("mean score"), max_digits=6, decimal_places=2, null=True, blank=True)
    best_score = models.PositiveSmallIntegerField(_("best score of a participant"), null=True, blank=True)
    quality_pct = models.DecimalField(_("quality, %"), max_digits=5, decimal_places=1, null=True, blank=True)
    success_pct = models.DecimalField(_("success, %"), max_digits=5, decimal_places=1, null=True, blank=True)
    confirmed_pct = models.DecimalField(_("confirmed, %"), max_digits=5, decimal_places=1, null=True, blank=True)
    raised_pct = models.DecimalField(_("raised, %"), max_digits=5, decimal_places=1, null=True, blank=True)
    lowered_pct = models.DecimalField(_("lowered, %"), max_digits=5, decimal_places=1, null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=200)

    class Meta:
        ordering = ["procedure", "subject__name", "year", "grade", "class_name"]
        verbose_name = _("published result")
        verbose_name_plural = _("published results")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "procedure", "year", "subject", "grade", "class_name"], name="one_published_result"
            )
        ]

    def __str__(self):
        return f"{self.procedure} {self.year}. {self.subject}, {self.grade}{self.class_name}: {self.school}"
