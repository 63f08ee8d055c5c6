"""Yearly school profiles: contingent, staff (Таблица 3 of seed 004), social passport, ИОР, results by level,
risk profile and SWOT. Counts are stored; percentages are derived, never typed twice."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .models import School
from .rounding import share_pct

# Staff rows of seed 004 Таблица 3: (field, label, the row it is a part of). Each is a count of teachers.
STAFF_ROWS = [
    ("higher_ed", _("with higher education"), None),
    ("higher_ed_ped", _("with higher pedagogical education"), "higher_ed"),
    ("secondary_voc", _("with secondary vocational education"), None),
    ("secondary_voc_ped", _("with secondary vocational pedagogical education"), "secondary_voc"),
    ("category_highest", _("with the highest qualification category"), None),
    ("category_first", _("with the first qualification category"), None),
    ("experience_under_5", _("teaching experience under 5 years"), None),
    ("experience_over_30", _("teaching experience over 30 years"), None),
    ("age_under_30", _("under 30 years old"), None),
    ("age_55_plus", _("55 years old and over"), None),
]
STAFF_FIELDS = [name for name, _label, _parent in STAFF_ROWS]

SOCIAL_ROWS = [
    ("large_families", _("children from large families")),
    ("foster", _("children in foster families and under guardianship")),
    ("sop", _("children from families in a socially dangerous situation")),
    ("disabled_ovz", _("children with disabilities / special educational needs (ОВЗ)")),
    ("non_native", _("children for whom Russian is not the native language")),
]

count = {"null": True, "blank": True}


class Level(models.TextChoices):
    PRIMARY = "primary", _("grades 1–4")
    BASIC = "basic", _("grades 5–9")
    SECONDARY = "secondary", _("grades 10–11")
    TOTAL = "total", _("total")


class SchoolYearProfile(models.Model):
    """What a department keeps about a school for one academic year (`year` = its first calendar year)."""

    school = models.ForeignKey(School, models.CASCADE, related_name="profiles", verbose_name=_("school"))
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    pupils_primary = models.PositiveIntegerField(_("pupils in grades 1–4"), **count)
    pupils_basic = models.PositiveIntegerField(_("pupils in grades 5–9"), **count)
    pupils_secondary = models.PositiveIntegerField(_("pupils in grades 10–11"), **count)
    teachers_total = models.PositiveIntegerField(_("teachers in total"), **count)
    higher_ed = models.PositiveIntegerField(_("with higher education"), **count)
    higher_ed_ped = models.PositiveIntegerField(_("with higher pedagogical education"), **count)
    secondary_voc = models.PositiveIntegerField(_("with secondary vocational education"), **count)
    secondary_voc_ped = models.PositiveIntegerField(_("with secondary vocational pedagogical education"), **count)
    category_highest = models.PositiveIntegerField(_("with the highest qualification category"), **count)
    category_first = models.PositiveIntegerField(_("with the first qualification category"), **count)
    experience_under_5 = models.PositiveIntegerField(_("teaching experience under 5 years"), **count)
    experience_over_30 = models.PositiveIntegerField(_("teaching experience over 30 years"), **count)
    age_under_30 = models.PositiveIntegerField(_("under 30 years old"), **count)
    age_55_plus = models.PositiveIntegerField(_("55 years old and over"), **count)
    # Where a source publishes only percentages (seed 004 does), they are kept as published until counts exist.
    staff_published_pct = models.JSONField(_("staff percentages as published by the source"), default=dict, blank=True)
    large_families = models.PositiveIntegerField(_("children from large families"), **count)
    foster = models.PositiveIntegerField(_("children in foster families and under guardianship"), **count)
    sop = models.PositiveIntegerField(_("children from families in a socially dangerous situation"), **count)
    disabled_ovz = models.PositiveIntegerField(
        _("children with disabilities / special educational needs (ОВЗ)"), **count
    )
    non_native = models.PositiveIntegerField(_("children for whom Russian is not the native language"), **count)
    ior = models.DecimalField(
        _("educational results index (ИОР)"),
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("From 0 to 1, e.g. 0,406."),
    )
    ior_note = models.CharField(_("note to the ИОР"), max_length=300, blank=True)
    source = models.CharField(_("source"), max_length=1000, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["school", "-year"]
        verbose_name = _("school profile of the year")
        verbose_name_plural = _("school profiles of the year")
        constraints = [
            models.UniqueConstraint(fields=["school", "year"], name="one_profile_per_school_and_year"),
            models.CheckConstraint(
                condition=models.Q(ior__isnull=True) | models.Q(ior__gte=0, ior__lte=1), name="ior_between_0_and_1"
            ),
        ]

    def __str__(self):
        return f"{self.school} — {self.year}/{self.year + 1}"

    @property
    def pupils_total(self) -> int | None:
        parts = [self.pupils_primary, self.pupils_basic, self.pupils_secondary]
        return None if all(p is None for p in parts) else sum(p or 0 for p in parts)

    def staff_rows(self):
        """(field, label, count, derived %, published %) for each row of Таблица 3."""
        for name, label, _parent in STAFF_ROWS:
            value = getattr(self, name)
            published = self.staff_published_pct.get(name)
            yield name, label, value, share_pct(value, self.teachers_total), published

    def clean(self):
        errors = {}
        total = self.teachers_total
        for name, _label, parent in STAFF_ROWS:
            value = getattr(self, name)
            if value is None:
                continue
            if total is not None and value > total:
                errors[name] = _("More than the teachers in total (%(total)s).") % {"total": total}
            elif parent and getattr(self, parent) is not None and value > getattr(self, parent):
                errors[name] = _("Cannot exceed «%(row)s».") % {"row": self._meta.get_field(parent).verbose_name}
        if None not in (self.category_highest, self.category_first, total):
            if self.category_highest + self.category_first > total:
                errors["category_first"] = _("The highest and first categories together exceed the teachers in total.")
        for low, high, message in (
            (
                "experience_under_5",
                "experience_over_30",
                _("Experience under 5 and over 30 years together exceed the teachers in total."),
            ),
            ("age_under_30", "age_55_plus", _("Under 30 and 55 and over together exceed the teachers in total.")),
        ):
            if None not in (getattr(self, low), getattr(self, high), total) and (
                getattr(self, low) + getattr(self, high) > total
            ):
                errors.setdefault(high, message)
        pupils = self.pupils_total
        if pupils is not None:
            for name, _label in SOCIAL_ROWS:
                if getattr(self, name) is not None and getattr(self, name) > pupils:
                    errors[name] = _("More than the pupils of the school (%(n)s).") % {"n": pupils}
        if None not in (self.higher_ed, self.secondary_voc, total) and self.higher_ed + self.secondary_voc > total:
            errors["secondary_voc"] = _(
                "Higher and secondary vocational education together exceed the teachers in total."
            )
        for name, pct in (self.staff_published_pct or {}).items():
            if name not in STAFF_FIELDS:
                errors["staff_published_pct"] = _("Unknown staff row «%(row)s».") % {"row": name}
            elif pct is not None and not (Decimal(str(pct)).is_finite() and 0 <= Decimal(str(pct)) <= 100):
                errors[name] = _("A share must be between 0 and 100 %.")
        if errors:
            raise ValidationError(errors)


class LevelResult(models.Model):
    """Успеваемость and качество by level of education (seed 004 Таблица 6): counts, or published percentages."""

    profile = models.ForeignKey(SchoolYearProfile, models.CASCADE, related_name="level_results")
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    pupils = models.PositiveIntegerField(_("pupils assessed"), **count)
    passed = models.PositiveIntegerField(_("passed (marks 3–5)"), **count)
    quality = models.PositiveIntegerField(_("marks 4 and 5"), **count)
    success_pct_published = models.DecimalField(
        _("success, % as published"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    quality_pct_published = models.DecimalField(
        _("quality, % as published"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["profile", "level"]
        verbose_name = _("result by level")
        verbose_name_plural = _("results by level")
        constraints = [models.UniqueConstraint(fields=["profile", "level"], name="one_result_per_level")]

    def __str__(self):
        return f"{self.profile} — {self.get_level_display()}"

    @property
    def success_pct(self):
        derived = share_pct(self.passed, self.pupils)
        return derived if derived is not None else self.success_pct_published

    @property
    def quality_pct(self):
        derived = share_pct(self.quality, self.pupils)
        return derived if derived is not None else self.quality_pct_published

    @property
    def from_source(self) -> bool:
        return share_pct(self.passed, self.pupils) is None and self.success_pct_published is not None

    def clean(self):
        errors = {}
        if None not in (self.passed, self.pupils) and self.passed > self.pupils:
            errors["passed"] = _("More than the pupils assessed.")
        if None not in (self.quality, self.passed) and self.quality > self.passed:
            errors["quality"] = _("Marks 4 and 5 cannot exceed the pupils who passed.")
        if errors:
            raise ValidationError(errors)


class RiskLevel(models.TextChoices):
    HIGH = "high", _("high")
    MEDIUM = "medium", _("medium")
    LOW = "low", _("low")
    NONE = "none", _("no risk")


RISK_ORDER = {RiskLevel.HIGH: 3, RiskLevel.MEDIUM: 2, RiskLevel.LOW: 1, RiskLevel.NONE: 0}


class RiskFactorQuerySet(models.QuerySet):
    def valid_in(self, year: int):
        return self.filter(models.Q(valid_from__lte=year) | models.Q(valid_from__isnull=True)).filter(
            models.Q(valid_to__gte=year) | models.Q(valid_to__isnull=True)
        )


class RiskFactor(models.Model):
    """A factor of the federal «500+» risk profile (docs/identification.md), versioned by the years it is valid."""

    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("name"), max_length=300)
    valid_from = models.PositiveSmallIntegerField(_("valid from year"), null=True, blank=True)
    valid_to = models.PositiveSmallIntegerField(_("valid to year"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = RiskFactorQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "code", "valid_from"]
        verbose_name = _("risk factor")
        verbose_name_plural = _("risk factors")
        constraints = [models.UniqueConstraint(fields=["code", "valid_from"], name="risk_factor_edition_unique")]

    def __str__(self):
        # The code (RF01…) is the import files' key, not a word for the screen: pages, forms and exports show the name.
        return self.name


class RiskAssessment(models.Model):
    """A school's level on one risk factor in one academic year."""

    school = models.ForeignKey(School, models.CASCADE, related_name="risk_assessments", verbose_name=_("school"))
    year = models.PositiveSmallIntegerField(_("year"))
    factor = models.ForeignKey(RiskFactor, models.PROTECT, related_name="assessments", verbose_name=_("risk factor"))
    level = models.CharField(_("risk level"), max_length=8, choices=RiskLevel.choices)
    comment = models.CharField(_("comment"), max_length=1000, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["school", "-year", "factor__position"]
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk profile")
        constraints = [models.UniqueConstraint(fields=["school", "year", "factor"], name="one_level_per_factor")]

    def __str__(self):
        return f"{self.school} {self.year}: {self.factor.name} — {self.get_level_display()}"


class SwotKind(models.TextChoices):
    STRENGTH = "strength", _("Strengths")
    WEAKNESS = "weakness", _("Weaknesses")
    OPPORTUNITY = "opportunity", _("Opportunities")
    THREAT = "threat", _("Threats")


class SwotItem(models.Model):
    school = models.ForeignKey(School, models.CASCADE, related_name="swot_items", verbose_name=_("school"))
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=12, choices=SwotKind.choices)
    text = models.CharField(_("text"), max_length=1000)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["school", "-year", "kind", "position"]
        verbose_name = _("SWOT item")
        verbose_name_plural = _("SWOT analysis")

    def __str__(self):
        return f"{self.school} {self.year}: {self.get_kind_display()} — {self.text[:60]}"
