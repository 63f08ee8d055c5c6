"""Target indicators (целевые показатели): the catalogue, their adoption by a municipality with a baseline and
yearly targets, values typed in by hand, and the stored actual values the formulas compute (docs/indicators.md).

- `Indicator` is the catalogue, data the administrator extends: a computed entry names a registered formula
  (reports/indicators/base.py FORMULAS), a manual one takes its values from `ManualValue`.
- `AdoptedIndicator` is an indicator a municipality has taken into its programme, with the baseline (value and
  year) and `IndicatorTarget` rows, one per year.
- `IndicatorValue` is what `reports.indicators.services.recalculate` stores: per indicator, municipality (and
  school for per-school indicators) and year, the numerator and the denominator as exact numbers, the lists of
  objects they counted, the actual value (None = «нет данных») and the time of calculation.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from registry.models import Municipality, School
from shnor_portal.sources import source_text

year_validators = [MinValueValidator(1990), MaxValueValidator(2100)]
code_validator = RegexValidator(
    r"^[A-Z][A-Z0-9_]*$", _("Use capital Latin letters, digits and underscores, e.g. «REG_COUNT».")
)


class Unit(models.TextChoices):
    # The units are shown as they are written in the programmes (Russian words, not translated).
    PERCENT = "%", "%"
    UNITS = "единиц", "единиц"
    PEOPLE = "человек", "человек"
    POINTS = "балл", "балл"
    INDEX = "индекс", "индекс"


class Direction(models.TextChoices):
    UP = "up", _("higher is better")
    DOWN = "down", _("lower is better")
    NONE = "none", _("no direction")


class Method(models.TextChoices):
    COMPUTED = "computed", _("computed by a formula")
    MANUAL = "manual", _("entered by hand")


class IndicatorScope(models.TextChoices):
    MUNICIPALITY = "municipality", _("municipality")
    SCHOOL = "school", _("school")


class Indicator(models.Model):
    """A catalogue entry: what is measured, in which unit, which way is better, and how the actual value is got."""

    code = models.CharField(_("code"), max_length=60, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=500)
    unit = models.CharField(_("unit"), max_length=16, choices=Unit.choices)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices, default=Direction.UP)
    method = models.CharField(_("how it is obtained"), max_length=16, choices=Method.choices)
    scope = models.CharField(
        _("scope"), max_length=16, choices=IndicatorScope.choices, default=IndicatorScope.MUNICIPALITY
    )
    # The code of the registered formula a computed entry uses: its own code for the catalogue of INDICATORS.md,
    # another formula's for an entry the administrator adds over an existing formula.
    formula = models.CharField(_("formula code"), max_length=60, blank=True)
    formula_text = models.TextField(_("formula in words"), blank=True)
    seed_note = models.CharField(_("source programme"), max_length=300, blank=True)
    default_target = models.DecimalField(_("default target"), max_digits=14, decimal_places=4, null=True, blank=True)
    ordering = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["ordering", "code"]
        verbose_name = _("target indicator")
        verbose_name_plural = _("target indicators")

    def __str__(self):
        return f"{self.code} — {self.name}"

    @property
    def source_text(self) -> str:
        """The source in words («по данным приказа … № 448-од от 25.05.2020»): the note keeps the documents' short
        keys («004: 85»), which are not for the screen."""
        return source_text(self.seed_note)

    @property
    def formula_code(self) -> str:
        return self.formula or self.code

    def clean(self):
        from .base import FORMULAS, SCHOOL_SCOPE

        if self.method == Method.COMPUTED:
            registered = FORMULAS.get(self.formula_code)
            if registered is None:
                raise ValidationError(
                    {"formula": _("No formula is registered under «%(code)s».") % {"code": self.formula_code}}
                )
            if (registered.scope == SCHOOL_SCOPE) != (self.scope == IndicatorScope.SCHOOL):
                raise ValidationError({"scope": _("The scope differs from the scope of the formula.")})
        elif self.formula:
            raise ValidationError({"formula": _("An indicator entered by hand has no formula.")})


class AdoptedIndicator(models.Model):
    """An indicator of a municipality's programme: its baseline and, through `targets`, the target of each year."""

    municipality = models.ForeignKey(
        Municipality, models.CASCADE, related_name="adopted_indicators", verbose_name=_("municipality")
    )
    indicator = models.ForeignKey(Indicator, models.PROTECT, related_name="adoptions", verbose_name=_("indicator"))
    baseline_value = models.DecimalField(_("baseline value"), max_digits=14, decimal_places=4, null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(
        _("baseline year"), null=True, blank=True, validators=year_validators
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["municipality", "indicator__ordering", "indicator__code"]
        verbose_name = _("adopted indicator")
        verbose_name_plural = _("adopted indicators")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "indicator"], name="indicator_adopted_once"),
        ]

    def __str__(self):
        return f"{self.municipality} — {self.indicator.code}"

    def clean(self):
        if (self.baseline_value is None) != (self.baseline_year is None):
            raise ValidationError({"baseline_year": _("Give the baseline value together with its year.")})


class IndicatorTarget(models.Model):
    """The target of an adopted indicator for one calendar year."""

    adopted = models.ForeignKey(AdoptedIndicator, models.CASCADE, related_name="targets", verbose_name=_("indicator"))
    year = models.PositiveSmallIntegerField(_("year"), validators=year_validators)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=4)

    history = HistoricalRecords()

    class Meta:
        ordering = ["adopted", "year"]
        verbose_name = _("indicator target")
        verbose_name_plural = _("indicator targets")
        constraints = [models.UniqueConstraint(fields=["adopted", "year"], name="indicator_target_once_a_year")]

    def __str__(self):
        return f"{self.adopted} — {self.year}: {self.target}"


class ManualValue(models.Model):
    """The actual value of a manual indicator for a year, typed in by a coordinator with its source."""

    municipality = models.ForeignKey(
        Municipality, models.CASCADE, related_name="manual_indicator_values", verbose_name=_("municipality")
    )
    school = models.ForeignKey(
        School, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("school")
    )
    indicator = models.ForeignKey(Indicator, models.PROTECT, related_name="manual_values", verbose_name=_("indicator"))
    year = models.PositiveSmallIntegerField(_("year"), validators=year_validators)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=4)
    source_note = models.CharField(_("source"), max_length=500)
    date = models.DateField(_("date of the source"), default=timezone.localdate)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("entered by")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["municipality", "indicator", "-year"]
        verbose_name = _("indicator value entered by hand")
        verbose_name_plural = _("indicator values entered by hand")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "indicator", "year"],
                condition=Q(school__isnull=True),
                name="manual_value_once_a_year",
            ),
            models.UniqueConstraint(
                fields=["school", "indicator", "year"],
                condition=Q(school__isnull=False),
                name="manual_school_value_once_a_year",
            ),
        ]

    def __str__(self):
        return f"{self.indicator.code} {self.year}: {self.value}"

    def clean(self):
        if self.indicator_id and self.indicator.method != Method.MANUAL:
            raise ValidationError({"indicator": _("This indicator is computed by the portal, not entered by hand.")})
        if self.school_id and self.municipality_id and self.school.municipality_id != self.municipality_id:
            raise ValidationError({"school": _("The school belongs to another municipality.")})


class IndicatorValue(models.Model):
    """An actual value as calculated: written only by `reports.indicators.services.recalculate`."""

    indicator = models.ForeignKey(Indicator, models.CASCADE, related_name="values", verbose_name=_("indicator"))
    municipality = models.ForeignKey(Municipality, models.CASCADE, related_name="+", verbose_name=_("municipality"))
    school = models.ForeignKey(
        School, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("school")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    numerator = models.DecimalField(_("numerator"), max_digits=18, decimal_places=4, null=True, blank=True)
    denominator = models.DecimalField(_("denominator"), max_digits=18, decimal_places=4, null=True, blank=True)
    value = models.DecimalField(_("actual value"), max_digits=18, decimal_places=4, null=True, blank=True)
    numerator_ids = models.JSONField(_("counted in the numerator"), null=True, blank=True)
    denominator_ids = models.JSONField(_("counted in the denominator"), null=True, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    calculated_at = models.DateTimeField(_("calculated at"))

    class Meta:
        ordering = ["indicator", "municipality", "school", "year"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "municipality", "year"],
                condition=Q(school__isnull=True),
                name="indicator_value_once",
            ),
            models.UniqueConstraint(
                fields=["indicator", "school", "year"],
                condition=Q(school__isnull=False),
                name="indicator_school_value_once",
            ),
        ]
        indexes = [models.Index(fields=["municipality", "year"], name="indicator_value_place_year")]

    def __str__(self):
        return f"{self.indicator_id} {self.municipality_id}/{self.school_id or '-'} {self.year}: {self.value}"


class ActivityIndicator(models.Model):
    """A plan activity serves a target indicator (SPEC §2.2): the link is reports', since indicators live here, above
    roadmaps; it is edited from the activity page through a fragment served by reports."""

    activity = models.ForeignKey(
        "roadmaps.Activity", models.CASCADE, related_name="indicator_links", verbose_name=_("activity")
    )
    indicator = models.ForeignKey(
        Indicator, models.CASCADE, related_name="activity_links", verbose_name=_("target indicator")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator__ordering", "indicator__code"]
        verbose_name = _("indicator served by an activity")
        verbose_name_plural = _("indicators served by activities")
        constraints = [models.UniqueConstraint(fields=["activity", "indicator"], name="activity_indicator_once")]

    def __str__(self):
        return f"{self.activity_id} → {self.indicator_id}"
