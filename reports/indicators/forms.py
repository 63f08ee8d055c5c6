"""Forms of the indicator pages: adopting catalogue indicators, the baseline and the yearly targets of an adopted one,
one target typed in the table, and a value entered by hand with its source."""

from decimal import Decimal

from crispy_forms.layout import Column, Row, Submit
from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from shnor_portal.forms import DATE_INPUT, form_helper

from .models import AdoptedIndicator, Indicator, IndicatorScope, IndicatorTarget, ManualValue, year_validators

NUMBER = {"max_digits": 14, "decimal_places": 4}


def localized(form, name):
    """A decimal typed the Russian way («12,5»; «12.5» is read too): a text box with the decimal keypad, its stored
    value shown without the trailing zeros of the database column («22», not «22,0000»)."""
    field = form.fields[name]
    field.localize = True
    field.widget = forms.TextInput(attrs={"inputmode": "decimal", "class": "form-control"})
    field.widget.is_localized = True
    value = form.initial.get(name)
    if isinstance(value, Decimal):
        form.initial[name] = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


class IndicatorChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} — {obj.name}"


class AdoptForm(forms.Form):
    """Catalogue indicators the municipality has not adopted yet; one or several at a time."""

    indicators = IndicatorChoices(
        label=_("Indicators of the catalogue"),
        queryset=Indicator.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one indicator.")},
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False, help_text=_("E.g. the programme."))

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicators"].queryset = Indicator.objects.filter(scope=IndicatorScope.MUNICIPALITY).exclude(
            adoptions__municipality=municipality
        )
        self.helper = form_helper("indicators", "note", Submit("save", _("Adopt")))


class AdoptionForm(forms.ModelForm):
    """The baseline of an adopted indicator and its note."""

    class Meta:
        model = AdoptedIndicator
        fields = ["baseline_value", "baseline_year", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        localized(self, "baseline_value")
        self.helper = form_helper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = form_helper(
            Row(Column("baseline_value", css_class="col-md-4"), Column("baseline_year", css_class="col-md-4")),
            "note",
        ).layout


class BaseTargetFormSet(BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        localized(form, "target")

    def clean(self):
        """Two rows of one year: the error beside the second row's year (before Django's own duplicate check, which
        would only say it above the table)."""
        years, repeated = set(), False
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            year = form.cleaned_data.get("year")
            if year in years:
                form.add_error("year", _("This year already has a target."))
                repeated = True
            years.add(year)
        if not repeated:
            super().clean()


TargetFormSet = inlineformset_factory(
    AdoptedIndicator,
    IndicatorTarget,
    formset=BaseTargetFormSet,
    fields=["year", "target"],
    widgets={"year": forms.NumberInput(attrs={"class": "form-control"})},
    extra=2,
    can_delete=True,
)


class TargetForm(forms.Form):
    """One year's target, typed in the table; an empty value removes the target."""

    year = forms.IntegerField(label=_("Year"), validators=year_validators, widget=forms.HiddenInput)
    target = forms.DecimalField(label=_("Target"), required=False, localize=True, **NUMBER)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper("year", "target", Submit("save", _("Save")))


class ManualValueForm(forms.ModelForm):
    """The actual value of a manual indicator for a year, with the source it is taken from and its date."""

    class Meta:
        model = ManualValue
        fields = ["year", "value", "source_note", "date"]
        widgets = {"date": DATE_INPUT}
        help_texts = {"source_note": _("Where the value comes from: a survey, a report, an order.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        localized(self, "value")
        self.helper = form_helper(
            Row(
                Column("year", css_class="col-md-3"),
                Column("value", css_class="col-md-3"),
                Column("date", css_class="col-md-4"),
            ),
            "source_note",
            Submit("save", _("Save")),
        )
