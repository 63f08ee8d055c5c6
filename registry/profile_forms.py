from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from .profiles import (
    SOCIAL_ROWS,
    STAFF_ROWS,
    Level,
    LevelResult,
    RiskLevel,
    SchoolYearProfile,
    SwotItem,
    SwotKind,
)

NUMBER = forms.NumberInput(attrs={"min": 0, "class": "form-control form-control-sm"})


class YearProfileForm(forms.ModelForm):
    """Counts of the year's profile, plus the published percentage of each staff row where counts are unknown."""

    class Meta:
        model = SchoolYearProfile
        fields = [
            "pupils_primary",
            "pupils_basic",
            "pupils_secondary",
            "teachers_total",
            *(name for name, _label, _parent in STAFF_ROWS),
            *(name for name, _label in SOCIAL_ROWS),
            "ior",
            "ior_note",
            "source",
        ]
        widgets = {name: NUMBER for name in fields if name not in ("ior", "ior_note", "source")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ior"].widget = forms.TextInput(
            attrs={"class": "form-control form-control-sm", "inputmode": "decimal"}
        )
        self.fields["ior"].localize = True
        published = self.instance.staff_published_pct or {}
        for name, label, _parent in STAFF_ROWS:
            self.fields[f"{name}_pct"] = forms.CharField(
                label=_("%(row)s, %% as published") % {"row": label},
                required=False,
                initial=_format_pct(published.get(name)),
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm", "inputmode": "decimal"}),
            )

    def staff_table(self):
        """(label, count field, published-% field) for the template's table."""
        return [(label, self[name], self[f"{name}_pct"]) for name, label, _parent in STAFF_ROWS]

    def social_table(self):
        return [(label, self[name]) for name, label in SOCIAL_ROWS]

    def clean(self):
        cleaned = super().clean()
        published = {}
        for name, _label, _parent in STAFF_ROWS:
            raw = (cleaned.get(f"{name}_pct") or "").strip().replace(",", ".").rstrip("%").strip()
            if not raw:
                continue
            try:
                value = Decimal(raw)
            except InvalidOperation:
                self.add_error(f"{name}_pct", _("Enter a number, e.g. 63,6."))
                continue
            if not value.is_finite() or not (0 <= value <= 100):
                self.add_error(f"{name}_pct", _("A share must be between 0 and 100 %."))
                continue
            published[name] = float(value)
        self.instance.staff_published_pct = published
        return cleaned


def _format_pct(value) -> str:
    if value is None:
        return ""
    return f"{Decimal(str(value)):f}".replace(".", ",")


class LevelResultForm(forms.ModelForm):
    class Meta:
        model = LevelResult
        fields = ["pupils", "passed", "quality", "success_pct_published", "quality_pct_published"]
        widgets = {name: NUMBER for name in fields}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("success_pct_published", "quality_pct_published"):
            self.fields[name].localize = True
            self.fields[name].widget = forms.TextInput(
                attrs={"class": "form-control form-control-sm", "inputmode": "decimal"}
            )

    def has_data(self) -> bool:
        return any(self.cleaned_data.get(name) is not None for name in self.Meta.fields)


def level_result_forms(profile, data=None):
    """One form per level of Таблица 6, bound to the existing row or a new one."""
    existing = {result.level: result for result in profile.level_results.all()} if profile.pk else {}
    forms_by_level = []
    for level in Level:
        instance = existing.get(level.value) or LevelResult(level=level.value)
        forms_by_level.append((level, LevelResultForm(data, instance=instance, prefix=f"level-{level.value}")))
    return forms_by_level


class RiskProfileForm(forms.Form):
    """The level and comment of each risk factor valid in the year."""

    def __init__(self, *args, factors, assessments, **kwargs):
        super().__init__(*args, **kwargs)
        self.factors = list(factors)
        for factor in self.factors:
            current = assessments.get(factor.pk)
            self.fields[f"level_{factor.pk}"] = forms.ChoiceField(
                label=str(factor),
                required=False,
                choices=[("", _("not assessed")), *RiskLevel.choices],
                initial=current.level if current else "",
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )
            self.fields[f"comment_{factor.pk}"] = forms.CharField(
                label=_("comment"),
                required=False,
                max_length=1000,
                initial=current.comment if current else "",
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            )

    def rows(self):
        return [(factor, self[f"level_{factor.pk}"], self[f"comment_{factor.pk}"]) for factor in self.factors]

    def clean(self):
        cleaned = super().clean()
        for factor in self.factors:
            if cleaned.get(f"comment_{factor.pk}") and not cleaned.get(f"level_{factor.pk}"):
                self.add_error(f"level_{factor.pk}", _("Choose the level this comment explains."))
        return cleaned

    def values(self) -> dict[int, tuple[str, str]]:
        return {
            factor.pk: (self.cleaned_data[f"level_{factor.pk}"], self.cleaned_data[f"comment_{factor.pk}"].strip())
            for factor in self.factors
            if self.cleaned_data.get(f"level_{factor.pk}")
        }


class SwotForm(forms.Form):
    """Four lists, one item per line, as in seed 004 Таблицы 13–16."""

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in SwotKind:
            self.fields[kind.value] = forms.CharField(
                label=kind.label,
                required=False,
                initial="\n".join(item.text for item in items if item.kind == kind.value),
                widget=forms.Textarea(attrs={"rows": 8, "class": "form-control"}),
                help_text=_("One item per line."),
            )

    def clean(self):
        cleaned = super().clean()
        for kind in SwotKind:
            for line in (cleaned.get(kind.value) or "").splitlines():
                if len(line.strip()) > SwotItem._meta.get_field("text").max_length:
                    self.add_error(kind.value, _("An item is longer than 1000 characters: split it."))
        return cleaned

    def items(self) -> dict[str, list[str]]:
        return {
            kind.value: [
                line.strip(" \t•-–—") for line in self.cleaned_data[kind.value].splitlines() if line.strip(" \t•-–—")
            ]
            for kind in SwotKind
        }
