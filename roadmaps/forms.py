"""Forms of the plan pages: a new plan with its owner, the passport, a section, an activity, hand-set periods.

Choices come from the access service (municipalities the user edits, their schools and active pairings); the use
cases that save them live in roadmaps/editing.py.
"""

import datetime as dt
import re

from crispy_forms.layout import Column, Row, Submit
from django import forms
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts.access import scope_of
from registry.access import municipalities_editable_by
from registry.models import Municipality, Pairing, PairingStatus, RiskFactor, School
from shnor_portal.forms import DATE_INPUT, SchoolChoiceField, SchoolsField, form_helper
from shnor_portal.params import parse_code, parse_pk

from .editing import executor_schools, plan_has_funding
from .imports import funding_amount
from .models import Activity, Level, Plan, Section
from .periods import period_errors

PASSPORT = ["normative_basis", "developers", "executors", "goal", "tasks", "expected_results", "timeframe", "control"]


class PairingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.mentor.short_name} → {obj.mentee.short_name} ({obj.period_label})"


def _passport_widgets() -> dict:
    return {name: forms.Textarea(attrs={"rows": 3}) for name in PASSPORT} | {
        "title": forms.Textarea(attrs={"rows": 2}),
        "timeframe": forms.TextInput(),
        "period_start": DATE_INPUT,
        "period_end": DATE_INPUT,
    }


def check_plan_period(form, data: dict, start: str = "period_start", end: str = "period_end") -> None:
    """The one period rule (roadmaps/periods.py), its messages beside the two date fields."""
    for key, message in period_errors(data.get(start), data.get(end)).items():
        name = start if key == "start" else end
        if name in form.fields and not form.has_error(name):
            form.add_error(name, message)


def _passport_layout():
    return [
        "title",
        Row(Column("period_start", css_class="col-md-4"), Column("period_end", css_class="col-md-4")),
        *PASSPORT,
    ]


class PlanCreateForm(forms.ModelForm):
    """A new draft plan: its level and owner, title, period and passport.

    A coordinator creates any level for a municipality they edit (a school of it, an active pairing whose supported
    school is in it); a principal creates a school plan of their own school.
    """

    level = forms.ChoiceField(label=capfirst(_("level")), choices=Level.choices)
    municipality = forms.ModelChoiceField(
        label=capfirst(_("municipality")), queryset=Municipality.objects.none(), required=False
    )
    school = SchoolChoiceField(label=capfirst(_("school")), queryset=School.objects.none(), required=False)
    pairing = PairingChoiceField(label=capfirst(_("mentor pair")), queryset=Pairing.objects.none(), required=False)

    class Meta:
        model = Plan
        fields = ["level", "municipality", "school", "pairing", "title", "period_start", "period_end", *PASSPORT]
        widgets = _passport_widgets()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scope = scope_of(user)
        municipalities = municipalities_editable_by(user).order_by("name")
        self.coordinates = scope.is_admin or bool(scope.municipalities_edit)
        self.fields["municipality"].queryset = municipalities
        schools = School.objects.select_related("municipality").order_by("municipality__name", "short_name")
        if not scope.is_admin:
            schools = schools.filter(Q(municipality__in=municipalities) | Q(pk__in=scope.principal_schools))
        self.fields["school"].queryset = schools
        pairings = Pairing.objects.filter(status=PairingStatus.ACTIVE).select_related("mentor", "mentee")
        if not scope.is_admin:
            pairings = pairings.filter(mentee__municipality__in=municipalities)
        self.fields["pairing"].queryset = pairings.order_by("mentee__short_name", "-start")
        if not self.coordinates:
            # A principal: only a school plan of their own school.
            self.fields["level"].choices = [(Level.SCHOOL, Level.SCHOOL.label)]
            self.fields["level"].initial = Level.SCHOOL
            del self.fields["municipality"], self.fields["pairing"]
        else:
            self.fields["municipality"].help_text = _("For a municipal plan.")
            self.fields["school"].help_text = _("For a school plan.")
            self.fields["pairing"].help_text = _("For a mentor pair plan: an active agreement of the municipality.")
        owner = [
            Column(name, css_class="col-md-4") for name in ("municipality", "school", "pairing") if name in self.fields
        ]
        self.helper = form_helper(
            Row(Column("level", css_class="col-md-4")),
            Row(*owner),
            *_passport_layout(),
            Submit("save", _("Create the plan")),
        )

    def preselect(self, params) -> None:
        """Initial values from the query string: ?level=pair&pairing=<id>, ?level=school&school=<code>,
        ?municipality=<code>. Values outside the user's choices are ignored."""
        level = params.get("level")
        if level in dict(self.fields["level"].choices):
            self.initial["level"] = level
        municipality, school = parse_code(params.get("municipality")), parse_code(params.get("school"))
        if "municipality" in self.fields and municipality:
            found = self.fields["municipality"].queryset.filter(code=municipality).first()
            if found:
                self.initial["municipality"] = found.pk
        if school:
            found = self.fields["school"].queryset.filter(code=school).first()
            if found:
                self.initial["school"] = found.pk
                self.initial.setdefault("municipality", found.municipality_id)
        pairing = parse_pk(params.get("pairing"))
        if "pairing" in self.fields and pairing is not None:
            found = self.fields["pairing"].queryset.filter(pk=pairing).first()
            if found:
                self.initial["pairing"] = found.pk
                self.initial.setdefault("level", Level.PAIR)
                self.initial.setdefault("municipality", found.mentee.municipality_id)
                self.initial.setdefault("period_start", found.start)
                if found.end:
                    self.initial.setdefault("period_end", found.end)

    def clean(self):
        data = super().clean()
        level = data.get("level")
        municipality, school, pairing = data.get("municipality"), data.get("school"), data.get("pairing")
        if level == Level.MUNICIPAL:
            if municipality is None:
                self.add_error("municipality", _("Choose the municipality whose plan it is."))
            data["school"] = data["pairing"] = None
        elif level == Level.SCHOOL:
            if school is None:
                self.add_error("school", _("Choose the school whose plan it is."))
            elif municipality is not None and school.municipality_id != municipality.pk:
                self.add_error("school", _("The school is not in the chosen municipality."))
            else:
                data["municipality"] = school.municipality
            data["pairing"] = None
        elif level == Level.PAIR:
            if pairing is None:
                self.add_error("pairing", _("Choose the mentor pair whose plan it is."))
            elif municipality is not None and pairing.mentee.municipality_id != municipality.pk:
                self.add_error("pairing", _("The supported school of this pair is not in the chosen municipality."))
            else:
                data["municipality"] = pairing.mentee.municipality
                data["school"] = pairing.mentee
        check_plan_period(self, data)
        return data

    def _get_validation_exclusions(self):
        # An owner that did not validate has its message beside its field already: the model's checks of the owner
        # (a required municipality, the owner constraint) would only repeat it.
        excluded = super()._get_validation_exclusions()
        if any(self.has_error(name) for name in ("level", "municipality", "school", "pairing")):
            excluded |= {"level", "municipality", "school", "pairing"}
        return excluded


class PlanEditForm(forms.ModelForm):
    """The passport and period of an existing plan (its level and owner stay)."""

    class Meta:
        model = Plan
        fields = ["title", "period_start", "period_end", *PASSPORT]
        widgets = _passport_widgets()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(*_passport_layout(), Submit("save", _("Save")))

    def clean(self):
        data = super().clean()
        check_plan_period(self, data)
        return data


class SectionForm(forms.ModelForm):
    """A section row: number, title, the section it is nested in, its own responsible and stage deadline."""

    class Meta:
        model = Section
        fields = ["number", "title", "parent", "responsible", "deadline_text"]
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2}),
            "responsible": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"deadline_text": capfirst(_("stage deadline as written"))}

    def __init__(self, *args, plan: Plan, sections=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.instance.plan = plan
        sections = list(sections) if sections is not None else list(plan.sections.order_by("order", "pk"))
        excluded = _subtree(self.instance.pk, sections) if self.instance.pk else set()
        parent = self.fields["parent"]
        parent.queryset = Section.objects.filter(plan=plan).exclude(pk__in=excluded).order_by("order", "pk")
        parent.label_from_instance = lambda s: (str(s) or _("(no title)"))[:120]
        parent.empty_label = _("— top level —")

    def clean(self):
        data = super().clean()
        if not (data.get("number") or "").strip() and not (data.get("title") or "").strip():
            self.add_error("title", _("Give the section a number or a title."))
        return data


def _subtree(pk: int, sections) -> set[int]:
    """The section and every section nested in it (a section cannot be moved into its own subtree)."""
    children: dict[int | None, list[int]] = {}
    for section in sections:
        children.setdefault(section.parent_id, []).append(section.pk)
    found, stack = set(), [pk]
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(children.get(current, []))
    return found


class ActivityForm(forms.ModelForm):
    """An activity row as the seeds lay it out, with its executor schools: those that can report on the plan
    (editing.executor_schools: the municipality's schools for a municipal plan, the school itself for a school plan,
    the mentor and supported schools for a pair plan). Any other school is refused on the server."""

    executors = SchoolsField(
        label=capfirst(_("executor schools")),
        queryset=School.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("Only a school that can report on this plan can be its executor."),
            "invalid_pk_value": _("Only a school that can report on this plan can be its executor."),
        },
    )

    class Meta:
        model = Activity
        fields = [
            "number",
            "name",
            "deadline_text",
            "responsible",
            "expected_result",
            "funding_source",
            "executors",
            "improves_facilities",
            "risk_factors",
        ]
        widgets = {
            "risk_factors": forms.CheckboxSelectMultiple,
            "name": forms.Textarea(attrs={"rows": 3}),
            "responsible": forms.Textarea(attrs={"rows": 2}),
            "expected_result": forms.Textarea(attrs={"rows": 2}),
            "funding_source": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"name": capfirst(_("activity name"))}
        help_texts = {"deadline_text": _("As written: «Октябрь-ноябрь 2020г», «Ежегодно», «4 квартал 2024 года».")}

    def __init__(self, *args, plan: Plan, section: Section | None = None, sections=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["executors"].queryset = executor_schools(plan)
        # The factors of the editions valid in some year of the plan's period (the one edition of 2020 today).
        factors = RiskFactor.objects.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=plan.period_end.year),
            Q(valid_to__isnull=True) | Q(valid_to__gte=plan.period_start.year),
        )
        self.fields["risk_factors"].queryset = factors.order_by("position", "code", "valid_from")
        self.fields["risk_factors"].label = capfirst(_("risk factors the activity addresses"))
        # The section the activity belongs to: a move to another section of the same plan, kept in the form so that
        # editing without JavaScript can move it too.
        choices = list(sections) if sections is not None else list(plan.sections.order_by("order", "pk"))
        self.fields["section"] = forms.TypedChoiceField(
            label=capfirst(_("section")),
            choices=[(s.pk, (str(s) or _("(no title)"))[:120]) for s in choices],
            coerce=int,
            initial=(section or self.instance.section).pk if (section or self.instance.section_id) else None,
        )
        self.sections = {s.pk: s for s in choices}
        # The funding fields, where the plan has funding data (seed 003): the source and an amount per year of the
        # plan's period (and any other year the activity already has).
        self.funding_years: list[str] = []
        funding = self.instance.funding or {}
        if funding or self.instance.funding_source or plan_has_funding(plan):
            years = {str(year) for year in range(plan.period_start.year, plan.period_end.year + 1)} | set(funding)
            self.funding_years = sorted(years)
            for year in self.funding_years:
                self.fields[f"funding_{year}"] = forms.CharField(
                    label=_("Funds for %(year)s, roubles") % {"year": year},
                    required=False,
                    max_length=40,
                    initial=funding.get(year, ""),
                    help_text=_("An amount («150 000,50») or «x» where the year does not apply."),
                )
        else:
            del self.fields["funding_source"]

    def funding_fields(self):
        return [self[f"funding_{year}"] for year in self.funding_years]

    def clean(self):
        data = super().clean()
        if not self.funding_years:
            return data
        amounts = {}
        for year in self.funding_years:
            text = (data.get(f"funding_{year}") or "").strip()
            if not text:
                continue
            amount = funding_amount(text)
            if amount != "x" and not re.fullmatch(r"\d+\.\d\d", amount):
                self.add_error(f"funding_{year}", _("Write the amount in roubles («150 000,50») or «x»."))
                continue
            amounts[year] = amount
        self.instance.funding = amounts
        return data

    def clean_section(self):
        pk = self.cleaned_data["section"]
        if pk not in self.sections:
            raise forms.ValidationError(_("Choose a section of this plan."))
        return self.sections[pk]


class PeriodForm(forms.Form):
    start = forms.DateField(label=capfirst(_("from")), widget=DATE_INPUT, required=False)
    end = forms.DateField(label=capfirst(_("until")), widget=DATE_INPUT, required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if end and not start and "start" not in self.errors:
            self.add_error("start", _("Give the first day of the period."))
        if start and end and end < start:
            self.add_error("end", _("The period cannot end before it starts."))
        return data

    def period(self) -> tuple[dt.date, dt.date] | None:
        start = self.cleaned_data.get("start")
        if not start:
            return None
        return start, self.cleaned_data.get("end") or start


class BasePeriodFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        if not self.periods():
            raise forms.ValidationError(_("Give at least one period, or return the deadline to the reader."))

    def periods(self) -> list[tuple[dt.date, dt.date]]:
        return sorted({p for form in self.forms if form.is_valid() and (p := form.period())})


def period_formset(activity: Activity, data=None) -> BasePeriodFormSet:
    """Hand-set periods: the activity's periods when they were set by hand, and a few empty rows to add more."""
    initial = [{"start": a, "end": b} for a, b in activity.periods] if activity.deadline_set_by_hand else []
    formset = forms.formset_factory(
        PeriodForm, formset=BasePeriodFormSet, extra=3, max_num=50, absolute_max=50, validate_max=True
    )
    return formset(data, initial=initial, prefix="periods")
