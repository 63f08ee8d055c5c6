"""Identification rules of low-results schools (R1–R3) and of objectivity risk (O1–O3), docs/identification.md.

Each rule is a row with an `enabled` switch and its parameters; the defaults below are loaded by a data migration
and the administrator edits them in Django admin. Code reads the rows, never these defaults.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


@dataclass(frozen=True)
class Parameter:
    kind: type  # int, Decimal or bool
    default: int | bool | Decimal  # stored in JSON as a number
    label: str
    minimum: Decimal | int | None = None
    maximum: Decimal | int | None = None

    def parse(self, value):
        """The stored (JSON) value as a typed one; ValueError when it cannot be one."""
        if self.kind is bool:
            if not isinstance(value, bool):
                raise ValueError
            return value
        if isinstance(value, bool):
            raise ValueError
        if self.kind is int:
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            if not isinstance(value, int):
                raise ValueError
            parsed = value
        else:
            try:
                parsed = Decimal(str(value))
            except InvalidOperation as error:
                raise ValueError from error
            if not parsed.is_finite():
                raise ValueError
        if (self.minimum is not None and parsed < self.minimum) or (self.maximum is not None and parsed > self.maximum):
            raise ValueError
        return parsed


PCT = {"minimum": Decimal(0), "maximum": Decimal(100)}

# code → (enabled by default, {parameter: Parameter}) — docs/identification.md.
DEFAULTS: dict[str, tuple[bool, dict[str, Parameter]]] = {
    "R1": (
        True,
        {
            "min_participants": Parameter(int, 5, _("minimum participants of a campaign"), 1, 100000),
            "threshold_pct": Parameter(Decimal, 30, _("share of «2», %, at least"), **PCT),
            "min_campaigns": Parameter(int, 2, _("failed campaigns in the year, at least"), 1, 1000),
            "same_cohort": Parameter(
                bool, False, _("compare with the grade one lower a year before (the same cohort)")
            ),
        },
    ),
    "R2": (False, {"min_graduates": Parameter(int, 1, _("participants below the minimum, at least"), 1, 100000)}),
    "R3": (False, {"bottom_pct": Parameter(Decimal, 10, _("lowest share of the municipality's schools, %"), **PCT)}),
    "O1": (
        True,
        {
            "gap_pp": Parameter(Decimal, 20, _("quality by journal minus quality by ВПР, more than (points)"), **PCT),
            "min_participants": Parameter(int, 5, _("participants with a journal mark, at least"), 1, 100000),
        },
    ),
    "O2": (
        True,
        {
            "raised_pct": Parameter(
                Decimal, 15, _("raised marks, share of participants with a journal mark, %"), **PCT
            ),
            "min_participants": Parameter(int, 5, _("participants with a journal mark, at least"), 1, 100000),
        },
    ),
    "O3": (
        True,
        {
            "lowered_pct": Parameter(
                Decimal, 50, _("lowered marks, share of participants with a journal mark, %"), **PCT
            ),
            "min_participants": Parameter(int, 5, _("participants with a journal mark, at least"), 1, 100000),
        },
    ),
    # The thresholds of the ВПР analysis (docs/vpr-analysis.md): the analysis pages show them beside the numbers;
    # nothing is applied to a school. `enabled` is not read: the analysis is always computed.
    "VA": (
        True,
        {
            "negative_dynamics_pp": Parameter(
                Decimal, 10, _("rise of the share of «2» marked as negative dynamics, points, at least"), **PCT
            ),
            "peak_min_works": Parameter(int, 3, _("works exactly at a mark's lowest score, at least"), 1, 1000),
            "peak_factor": Parameter(
                Decimal, 2, _("works at the boundary against works one point below, times, at least"), 1, 100
            ),
            "sample_informative": Parameter(int, 50, _("works for an informative sample, at least"), 1, 100000),
            "sample_approximate": Parameter(int, 20, _("works for an approximate sample, at least"), 1, 100000),
            "basic_low": Parameter(Decimal, Decimal("57.0"), _("basic level: not mastered below, %"), **PCT),
            "basic_high": Parameter(Decimal, Decimal("63.0"), _("basic level: mastered above, %"), **PCT),
            "advanced_low": Parameter(
                Decimal, Decimal("28.5"), _("advanced and high levels: not mastered below, %"), **PCT
            ),
            "advanced_high": Parameter(
                Decimal, Decimal("31.5"), _("advanced and high levels: mastered above, %"), **PCT
            ),
            "group_min": Parameter(int, 10, _("participants of a mark group, at least"), 1, 100000),
        },
    ),
}


def default_parameters(code: str) -> dict:
    """JSON-ready defaults of a rule (decimals as numbers)."""
    return {name: _json(parameter.default) for name, parameter in DEFAULTS[code][1].items()}


def _json(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


class FlagRule(models.Model):
    class Code(models.TextChoices):
        R1 = "R1", _("R1 — share of «2» in two or more campaigns, and in the same one two years running")
        R2 = "R2", _("R2 — graduates below the minimum on compulsory ГИА")
        R3 = "R3", _("R3 — lowest ВПР mean mark of the municipality two years running")
        O1 = "O1", _("O1 — quality by journal above quality by ВПР")
        O2 = "O2", _("O2 — marks raised on ВПР")
        O3 = "O3", _("O3 — marks lowered on ВПР")
        VA = "VA", _("VA — thresholds of the ВПР analysis")

    code = models.CharField(_("code"), max_length=2, choices=Code.choices, unique=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("identification rule")
        verbose_name_plural = _("identification rules")

    def __str__(self):
        return self.get_code_display()

    @property
    def is_objectivity(self) -> bool:
        return self.code.startswith("O")

    def clean(self):
        if self.code not in DEFAULTS:
            return
        spec = DEFAULTS[self.code][1]
        if not isinstance(self.parameters, dict):
            raise ValidationError({"parameters": _("The parameters must be a set of named values.")})
        errors = []
        unknown = sorted(set(self.parameters) - set(spec))
        if unknown:
            errors.append(_("Unknown parameters: %(names)s.") % {"names": ", ".join(unknown)})
        for name, parameter in spec.items():
            if name not in self.parameters:
                errors.append(_("The parameter «%(name)s» is missing.") % {"name": name})
                continue
            try:
                parameter.parse(self.parameters[name])
            except ValueError:
                errors.append(
                    _("«%(name)s» (%(label)s): %(value)s is not an allowed value.")
                    % {"name": name, "label": parameter.label, "value": self.parameters[name]}
                )
        if errors:
            raise ValidationError({"parameters": errors})

    def value(self, name: str):
        """A typed parameter; a stored value that no longer parses falls back to the default."""
        parameter = DEFAULTS[self.code][1][name]
        try:
            return parameter.parse(self.parameters.get(name, parameter.default))
        except ValueError:
            return parameter.parse(parameter.default)
