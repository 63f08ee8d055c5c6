"""Forms of the plan's lifecycle, its amendments, copies and the web import; errors beside the fields, in Russian."""

import datetime as dt

from crispy_forms.layout import Column, Field, Row, Submit
from django import forms
from django.utils.html import escape
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts.access import scope_of
from registry.access import municipalities_editable_by, schools_editable_by
from registry.models import School
from shnor_portal.forms import DATE_INPUT, SchoolsField, form_helper

from .imports import MAX_PLAN_FILE, PlanFileRefused, read_plan_file
from .lifecycle import APPROVE, COMPLETE, RETURN, START, SUBMIT, TRANSITIONS
from .models import Level
from .periods import FIRST_YEAR, LAST_YEAR, period_errors, years_errors, years_later

# --- Transitions ---------------------------------------------------------------------------------------------------


class SubmitForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment for the coordinator"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, action: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper("comment", Submit("go", TRANSITIONS[SUBMIT].label), action=action)


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What has to be revised"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say what has to be revised.")},
    )

    def __init__(self, *args, action: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            "comment", Submit("go", TRANSITIONS[RETURN].label, css_class="btn-warning"), action=action
        )


class ApproveForm(forms.Form):
    approval_number = forms.CharField(
        label=capfirst(_("approval order number")),
        max_length=100,
        error_messages={"required": _("Give the number of the approving order.")},
    )
    approval_date = forms.DateField(
        label=capfirst(_("approval order date")),
        widget=DATE_INPUT,
        error_messages={"required": _("Give the date of the approving order.")},
    )
    approved_by = forms.CharField(
        label=capfirst(_("approved by")),
        max_length=500,
        required=False,
        help_text=_("Who signed the order, e.g. «Управление образования администрации района»."),
    )

    def __init__(self, *args, action: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Row(Column("approval_number", css_class="col-md-6"), Column("approval_date", css_class="col-md-6")),
            "approved_by",
            Submit("go", TRANSITIONS[APPROVE].label, css_class="btn-success"),
            action=action,
        )


class ConfirmForm(forms.Form):
    """A step without data: start the execution, complete the plan."""

    def __init__(self, *args, action: str | None = None, label="", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Submit("go", label), action=action)


TRANSITION_FORMS = {
    SUBMIT: SubmitForm,
    RETURN: ReturnForm,
    APPROVE: ApproveForm,
    START: ConfirmForm,
    COMPLETE: ConfirmForm,
}


def transition_form(action_name: str, *args, action: str | None = None, **kwargs) -> forms.Form:
    form_class = TRANSITION_FORMS[action_name]
    if form_class is ConfirmForm:
        kwargs["label"] = TRANSITIONS[action_name].label
    return form_class(*args, action=action, **kwargs)


# --- Amendments ----------------------------------------------------------------------------------------------------


class AmendmentOpenForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the amendment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why the plan is being amended.")},
    )

    def __init__(self, *args, action: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper("reason", Submit("go", _("Open an amendment")), action=action)


class AmendmentApplyForm(forms.Form):
    order_number = forms.CharField(label=capfirst(_("amending order number")), max_length=100, required=False)
    order_date = forms.DateField(label=capfirst(_("amending order date")), required=False, widget=DATE_INPUT)

    def __init__(self, *args, action: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Row(Column("order_number", css_class="col-md-6"), Column("order_date", css_class="col-md-6")),
            Submit("go", _("Apply the changes"), css_class="btn-success"),
            action=action,
        )

    def clean(self):
        data = super().clean()
        if data.get("order_date") and not data.get("order_number"):
            self.add_error("order_number", _("Give the number of the order as well as its date."))
        return data


class AmendmentWithdrawForm(forms.Form):
    def __init__(self, *args, action: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Submit("go", _("Withdraw the amendment"), css_class="btn-danger"), action=action)


# --- Copies --------------------------------------------------------------------------------------------------------


class CopyForm(forms.Form):
    period_start = forms.DateField(label=capfirst(_("period start")), widget=DATE_INPUT)
    period_end = forms.DateField(label=capfirst(_("period end")), widget=DATE_INPUT)
    shift_years = forms.BooleanField(
        label=_("Shift the years in the deadlines and the title by the period's shift"),
        required=False,
        help_text=_("«Август 2020г.» becomes «Август 2021г.» when the plan moves by a year."),
    )
    title = forms.CharField(
        label=capfirst(_("title")),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Empty: the title of the plan (with its years shifted, if chosen)."),
    )
    submit_label = _("Copy the plan")

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        start, end, shift = self.default_period(plan)
        self.initial.setdefault("period_start", start)
        self.initial.setdefault("period_end", end)
        self.initial.setdefault("shift_years", shift)
        self.helper = form_helper(*self.layout_fields(), Submit("go", self.submit_label))

    def default_period(self, plan) -> tuple[dt.date, dt.date, bool]:
        """The period right after the plan's, as long as it; its years shifted."""
        years = plan.period_end.year - plan.period_start.year + 1
        return years_later(plan.period_start, years), years_later(plan.period_end, years), True

    def layout_fields(self):
        return [
            Row(Column("period_start", css_class="col-md-6"), Column("period_end", css_class="col-md-6")),
            "shift_years",
            "title",
        ]

    def clean(self):
        data = super().clean()
        # The period rule of every plan (roadmaps/periods.py): years 2000–2100, ten years at most.
        for key, message in period_errors(data.get("period_start"), data.get("period_end")).items():
            self.add_error("period_start" if key == "start" else "period_end", message)
        return data


class SchoolsCopyForm(CopyForm):
    schools = SchoolsField(
        label=_("Schools of the plan's municipality"),
        queryset=School.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one school.")},
    )
    submit_label = _("Create the school plans")

    def __init__(self, *args, plan, user, **kwargs):
        super().__init__(*args, plan=plan, **kwargs)
        self.fields["schools"].queryset = (
            schools_editable_by(user).filter(municipality_id=plan.municipality_id).order_by("short_name")
        )
        self.fields["title"].help_text = _("Empty: the title of the plan; the school's name is added to each.")

    def default_period(self, plan) -> tuple[dt.date, dt.date, bool]:
        """The template's own period, as it is."""
        return plan.period_start, plan.period_end, False

    def layout_fields(self):
        return [Field("schools"), *super().layout_fields()]


# --- Import --------------------------------------------------------------------------------------------------------


def import_owner_choices(user) -> list:
    """Owners the user may import a plan for: the municipalities they coordinate and their schools; a principal's own
    school (a school plan)."""
    municipalities = list(municipalities_editable_by(user).order_by("name").values_list("code", "name"))
    principal = scope_of(user).principal_schools
    schools = (schools_editable_by(user) | School.objects.filter(pk__in=principal)).distinct().order_by("short_name")
    schools = list(schools.values_list("code", "short_name"))
    choices = []
    if municipalities:
        choices.append((_("Municipalities (a municipal plan)"), municipalities))
    if schools:
        choices.append((_("Schools (a school or mentor pair plan)"), schools))
    return choices


class PlanImportForm(forms.Form):
    file = forms.FileField(label=_("Plan table (.xlsx)"), required=False)
    upload = forms.CharField(widget=forms.HiddenInput, required=False)
    owner = forms.ChoiceField(label=_("Whose plan"))
    level = forms.ChoiceField(
        label=capfirst(_("level")),
        required=False,
        choices=[("", _("as the owner is: municipal or school")), *Level.choices],
    )
    first_year = forms.IntegerField(label=_("First year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    last_year = forms.IntegerField(label=_("Last year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    title = forms.CharField(
        label=capfirst(_("title")),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Empty: the title rows above the table in the file."),
    )

    def __init__(self, *args, user, kept_name: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", "—"), *import_owner_choices(user)]
        self.kept_name = ""
        if kept_name:
            self.show_kept(kept_name)
        self.content: bytes | None = None  # the bytes of a newly chosen file
        self.helper = form_helper(
            "file",
            "upload",
            Row(Column("owner", css_class="col-md-8"), Column("level", css_class="col-md-4")),
            Row(Column("first_year", css_class="col-md-6"), Column("last_year", css_class="col-md-6")),
            "title",
            Submit("go", _("Read the file")),
        )
        self.helper.form_enctype = "multipart/form-data"

    def show_kept(self, name: str) -> None:
        """Name the kept file under the field; the name is the user's, and crispy renders help text as safe."""
        self.kept_name = name
        text = escape(_("Kept: «%(name)s». Choose another file to replace it.") % {"name": name})
        self.fields["file"].help_text = text
        if "file" in self._bound_fields_cache:
            self["file"].help_text = text

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if not uploaded:
            return None
        if uploaded.size > MAX_PLAN_FILE:
            raise forms.ValidationError(_("The file is larger than 10 MB: a plan table is much smaller."))
        content = uploaded.read(MAX_PLAN_FILE + 1)
        try:
            read_plan_file(content)  # the command line's checks: the kind by content, sizes, hostile archives
        except PlanFileRefused as refused:
            raise forms.ValidationError(refused.errors) from refused
        self.content = content
        return uploaded

    def clean(self):
        data = super().clean()
        first, last = data.get("first_year"), data.get("last_year")
        if first and last and last < first:
            self.add_error("last_year", _("The last year cannot come before the first."))
        elif first and last:
            # The period rule of every plan (roadmaps/periods.py): ten years at most.
            for key, message in years_errors(first, last).items():
                self.add_error("first_year" if key == "start" else "last_year", message)
        if not data.get("file") and not self.kept_name and "file" not in self.errors:
            self.add_error("file", _("Choose the plan file (.xlsx)."))
        return data
