from decimal import Decimal

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .assessments.models import Campaign, EgeMinimumScore, PublishedResult, ReferenceDistribution, Task
from .assessments.rules import DEFAULTS, FlagRule
from .indicators.base import FORMULAS
from .indicators.models import AdoptedIndicator, Indicator, IndicatorTarget, ManualValue


class FlagRuleForm(forms.ModelForm):
    """The parameters of a rule as typed fields (one per parameter of docs/identification.md), stored as JSON."""

    parameter_names: tuple[str, ...] = ()

    class Meta:
        model = FlagRule
        fields = ["code", "enabled", "parameters"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.parameter_names:
            if name in self.fields and name in self.instance.parameters:
                self.initial.setdefault(name, self.instance.parameters[name])

    def clean(self):
        cleaned = super().clean()
        if self.parameter_names and not any(name in self.errors for name in self.parameter_names):
            parameters = {}
            for name in self.parameter_names:
                value = cleaned.get(name)
                if isinstance(value, Decimal):
                    value = int(value) if value == value.to_integral_value() else float(value)
                parameters[name] = value
            try:
                FlagRule(code=self.instance.code, parameters=parameters).clean()
            except ValidationError as error:
                raise forms.ValidationError(error.message_dict["parameters"]) from error
            self.instance.parameters = parameters  # only valid parameters reach the model's own validation
        return cleaned


def _field(parameter) -> forms.Field:
    if parameter.kind is bool:
        return forms.BooleanField(label=parameter.label, required=False)
    options = {"label": parameter.label, "min_value": parameter.minimum, "max_value": parameter.maximum}
    if parameter.kind is int:
        return forms.IntegerField(**options)
    return forms.DecimalField(max_digits=6, decimal_places=2, **options)


def form_for(code: str) -> type[FlagRuleForm]:
    spec = DEFAULTS[code][1]
    attrs = {name: _field(parameter) for name, parameter in spec.items()}
    attrs["parameter_names"] = tuple(spec)
    attrs["Meta"] = type("Meta", (FlagRuleForm.Meta,), {"fields": ["enabled", *spec]})
    return type(f"FlagRuleForm{code}", (FlagRuleForm,), attrs)


@admin.register(FlagRule)
class FlagRuleAdmin(SimpleHistoryAdmin):
    list_display = ["code", "__str__", "enabled", "parameters", "updated_at"]
    list_editable = ["enabled"]
    list_display_links = ["__str__"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None and obj.code in DEFAULTS:
            kwargs["form"] = form_for(obj.code)
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is not None and obj.code in DEFAULTS:
            return ["code", "enabled", *DEFAULTS[obj.code][1]]
        return ["code", "enabled", "parameters"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        return False  # a rule is switched off, not deleted: the flag page explains every rule it knows


@admin.register(EgeMinimumScore)
class EgeMinimumScoreAdmin(admin.ModelAdmin):
    """ЕГЭ minimum test scores by year and subject (REFERENCE §4): a year the table lacks uses the subject's own."""

    list_display = ("year", "subject", "min_score")
    list_editable = ("min_score",)
    list_filter = ("year",)
    search_fields = ("subject__name",)
    ordering = ("-year", "subject__name")


@admin.register(PublishedResult)
class PublishedResultAdmin(admin.ModelAdmin):
    """Figures as a document published them: entered or corrected here, shown on the school's results tab."""

    list_display = ("school", "procedure", "year", "subject", "grade", "class_name", "participants", "source")
    list_filter = ("procedure", "year", "school__municipality")
    search_fields = ("school__short_name", "school__code", "source")
    autocomplete_fields = ()
    raw_id_fields = ("school",)


class TaskInline(admin.TabularInline):
    """The task table of the work (IMPORT_FORMATS «Task table»): `import_tasks` or the wizard fill it, here it is
    corrected by hand."""

    model = Task
    extra = 0
    fields = ("position", "label", "max_points", "level", "skills")


class ReferenceInline(admin.TabularInline):
    model = ReferenceDistribution
    extra = 0
    fields = ("level", "name", "region", "municipality", "schools", "participants", "pct_2", "pct_3", "pct_4", "pct_5")
    raw_id_fields = ("region", "municipality")


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["procedure", "year", "subject", "grade", "scale_3", "scale_4", "scale_5"]

    def clean(self):
        cleaned = super().clean()
        scale = [cleaned.get(name) for name in ("scale_3", "scale_4", "scale_5")]
        if any(value is not None for value in scale) and (None in scale or not scale[0] < scale[1] < scale[2]):
            raise forms.ValidationError(_("The mark scale is given for all of 3, 4 and 5 and rises: 3 < 4 < 5."))
        return cleaned


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    form = CampaignForm
    list_display = ("__str__", "procedure", "year", "subject", "grade", "scale_3", "scale_4", "scale_5")
    list_filter = ("procedure", "year", "grade", "subject")
    inlines = [TaskInline, ReferenceInline]

    def has_delete_permission(self, request, obj=None):
        return False  # a campaign holds results: they are replaced by an import, not deleted from here


class IndicatorForm(forms.ModelForm):
    """The formula is chosen among the registered ones (reports/indicators/formulas), or left empty for a manual
    indicator; a computed entry without a formula code uses the formula registered under its own code."""

    class Meta:
        model = Indicator
        fields = [
            "code",
            "name",
            "unit",
            "direction",
            "method",
            "scope",
            "formula",
            "formula_text",
            "seed_note",
            "default_target",
            "ordering",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "—")] + [(code, code) for code in sorted(FORMULAS)]
        self.fields["formula"] = forms.ChoiceField(
            label=Indicator._meta.get_field("formula").verbose_name, choices=choices, required=False
        )


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    """The catalogue: the administrator adds an entry bound to a registered formula, or a manual one."""

    form = IndicatorForm
    list_display = ("code", "name", "unit", "direction", "method", "scope", "formula", "default_target", "ordering")
    list_filter = ("method", "scope", "direction")
    search_fields = ("code", "name")
    ordering = ("ordering", "code")


class IndicatorTargetInline(admin.TabularInline):
    model = IndicatorTarget
    extra = 0


@admin.register(AdoptedIndicator)
class AdoptedIndicatorAdmin(SimpleHistoryAdmin):
    list_display = ("municipality", "indicator", "baseline_value", "baseline_year")
    list_filter = ("municipality",)
    search_fields = ("indicator__code", "indicator__name", "municipality__name")
    inlines = [IndicatorTargetInline]


@admin.register(ManualValue)
class ManualValueAdmin(SimpleHistoryAdmin):
    list_display = ("indicator", "municipality", "school", "year", "value", "source_note", "date", "entered_by")
    list_filter = ("municipality", "year")
    raw_id_fields = ("school", "entered_by")
