from crispy_forms.layout import Column, Row, Submit
from django import forms
from django.db.models import Q
from django.forms.models import construct_instance
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from accounts.access import scope_of
from registry.access import municipalities_editable_by, schools_editable_by
from registry.models import Municipality, Pairing, PairingStatus, School
from shnor_portal.audit.recording import record_bulk
from shnor_portal.files.sniff import sniff_attachment
from shnor_portal.files.uploads import delete_after_commit, shortened_name
from shnor_portal.forms import DATE_INPUT, SchoolChoiceField, form_helper
from shnor_portal.widgets import use_long_selects

from .access import event_target_schools_for
from .competency import Level
from .materials import check_size, sniff_certificate
from .models import (
    DevelopmentRecord,
    Diagnostic,
    EventParticipant,
    EventType,
    ExportKind,
    Rater,
    RouteStep,
    Score,
    SupportEvent,
    Teacher,
)


class PairingForm(forms.ModelForm):
    mentee = SchoolChoiceField(label=_("supported school"), queryset=School.objects.none(), short_municipality=True)
    mentor = SchoolChoiceField(label=_("mentor school"), queryset=School.objects.none(), short_municipality=True)

    class Meta:
        model = Pairing
        fields = [
            "mentee",
            "mentor",
            "cross_municipality",
            "support_model",
            "agreement_number",
            "agreement_date",
            "basis",
            "start",
            "end",
            "goals",
        ]
        widgets = {
            "agreement_date": DATE_INPUT,
            "start": DATE_INPUT,
            "end": DATE_INPUT,
            "goals": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        editable = schools_editable_by(user).select_related("municipality")
        self.fields["mentee"].queryset = editable
        # A mentor may come from another municipality of the same region (a regional leader school).
        if scope_of(user).is_admin:
            mentors = School.objects.all()
        else:
            mentors = School.objects.filter(municipality__region__in=municipalities_editable_by(user).values("region"))
        self.fields["mentor"].queryset = mentors.select_related("municipality")
        if self.instance.pk:
            # The pair itself does not change: a different pair is a new agreement.
            self.fields["mentee"].disabled = True
            self.fields["mentor"].disabled = True
            self.fields["cross_municipality"].disabled = True
        self.helper = form_helper(
            Row(Column("mentee", css_class="col-md-6"), Column("mentor", css_class="col-md-6")),
            Row(Column("cross_municipality", css_class="col-md-6"), Column("support_model", css_class="col-md-6")),
            Row(Column("agreement_number", css_class="col-md-4"), Column("agreement_date", css_class="col-md-4")),
            "basis",
            Row(Column("start", css_class="col-md-4"), Column("end", css_class="col-md-4")),
            "goals",
            Submit("save", _("Save")),
        )


class PairingEndForm(forms.Form):
    end = forms.DateField(label=_("Ended on"), widget=DATE_INPUT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper("end", Submit("save", _("End the agreement"), css_class="btn-danger"))


class PairingRenewForm(forms.ModelForm):
    class Meta:
        model = Pairing
        fields = ["support_model", "agreement_number", "agreement_date", "basis", "start", "end", "goals"]
        widgets = {
            "agreement_date": DATE_INPUT,
            "start": DATE_INPUT,
            "end": DATE_INPUT,
            "goals": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {"start": _("new period from"), "end": _("new period until")}

    def __init__(self, *args, previous: Pairing, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.mentor, self.instance.mentee = previous.mentor, previous.mentee
        self.instance.cross_municipality = previous.cross_municipality
        if not self.is_bound:
            self.initial.setdefault("basis", previous.basis)
            self.initial.setdefault("goals", previous.goals)
            self.initial.setdefault("support_model", previous.support_model)
        self.helper = form_helper(
            Row(Column("agreement_number", css_class="col-md-4"), Column("agreement_date", css_class="col-md-4")),
            "basis",
            Row(Column("start", css_class="col-md-4"), Column("end", css_class="col-md-4")),
            "support_model",
            "goals",
            Submit("save", _("Renew the agreement")),
        )

    def _post_clean(self):
        # Model validation runs in the renewal service, after the agreement being renewed is closed: checked here,
        # the new period would always overlap it.
        self.instance = construct_instance(self, self.instance, self._meta.fields)


class PairingFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.none(), required=False, to_field_name="code"
    )
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities
        self.fields["municipality"].empty_label = _("all municipalities")
        self.fields["status"].choices = [("", _("any status")), *PairingStatus.choices]

    def filter_qs(self, qs):
        if not self.is_valid():
            return qs
        data = self.cleaned_data
        if data["q"]:
            q = data["q"].strip()
            qs = qs.filter(
                Q(mentor__short_name__icontains=q)
                | Q(mentee__short_name__icontains=q)
                | Q(agreement_number__icontains=q)
                | Q(basis__icontains=q)
            )
        if data["municipality"]:
            qs = qs.filter(Q(mentee__municipality=data["municipality"]) | Q(mentor__municipality=data["municipality"]))
        if data["status"]:
            qs = qs.filter(status=data["status"])
        return qs

    @property
    def filtered(self) -> bool:
        return self.is_valid() and any(self.cleaned_data.values())


class EventForm(forms.ModelForm):
    target_schools = forms.ModelMultipleChoiceField(
        label=_("Target schools"), queryset=School.objects.none(), widget=forms.SelectMultiple(attrs={"size": 6})
    )

    class Meta:
        model = SupportEvent
        fields = [
            "municipality",
            "type",
            "is_targeted",
            "format",
            "start",
            "end",
            "topic",
            "description",
            "organiser_school",
            "organiser_municipality",
            "organiser_text",
            "result",
        ]
        widgets = {
            "start": DATE_INPUT,
            "end": DATE_INPUT,
            "topic": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 3}),
            "result": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scope = scope_of(user)
        self.user = user
        targets = event_target_schools_for(user).select_related("municipality")
        self.fields["target_schools"].queryset = targets
        self.fields["target_schools"].label_from_instance = lambda s: s.short_name
        editable = municipalities_editable_by(user)
        self.mentor_only = not scope.is_admin and not scope.municipalities_edit
        if self.mentor_only:
            # A mentor school records events of its own pairs: it is the organiser, its municipality owns the event.
            own = School.objects.filter(pk__in=scope.mentor_schools)
            self.fields["organiser_school"].queryset = own
            self.fields["organiser_school"].required = True
            self.fields["organiser_school"].empty_label = None
            del self.fields["municipality"]
            del self.fields["organiser_municipality"]
        else:
            self.fields["municipality"].queryset = editable
            self.fields["organiser_municipality"].queryset = editable
            self.fields["organiser_school"].queryset = School.objects.filter(
                Q(municipality__in=editable) | Q(pk__in=scope.own_schools)
            )
            if not self.instance.pk and editable.count() == 1:
                self.initial.setdefault("municipality", editable.first().pk)
        if self.instance.pk:
            self.initial["target_schools"] = list(self.instance.event_schools.values_list("school_id", flat=True))
        self.helper = form_helper(
            *(["municipality"] if "municipality" in self.fields else []),
            Row(
                Column("type", css_class="col-md-4"),
                Column("format", css_class="col-md-4"),
                Column("is_targeted", css_class="col-md-4 pt-md-4"),
            ),
            Row(Column("start", css_class="col-md-4"), Column("end", css_class="col-md-4")),
            "topic",
            "description",
            Row(
                *[
                    Column(name, css_class="col-md-6")
                    for name in ("organiser_school", "organiser_municipality")
                    if name in self.fields
                ]
            ),
            "organiser_text",
            "target_schools",
            "result",
            Submit("save", _("Save")),
        )

    def clean(self):
        data = super().clean()
        if self.mentor_only and data.get("organiser_school"):
            self.instance.municipality = data["organiser_school"].municipality
        municipality = data.get("municipality") or getattr(self.instance, "municipality", None)
        targets = data.get("target_schools") or []
        if municipality and not self.mentor_only:
            foreign = [s for s in targets if s.municipality_id != municipality.pk]
            if foreign:
                self.add_error(
                    "target_schools",
                    _("Target schools must belong to the event's municipality: %(schools)s.")
                    % {"schools": ", ".join(s.short_name for s in foreign)},
                )
        return data


class DescribedFilters:
    """Filter forms that say in words which filters are active (the subtitle of their exports)."""

    def describe(self) -> str:
        if not self.is_bound or not self.is_valid():
            return ""
        parts = []
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if value in (None, ""):
                continue
            if hasattr(field, "choices") and not hasattr(value, "pk"):
                value = dict(field.choices).get(value, value)
            elif hasattr(value, "strftime"):
                value = value.strftime("%d.%m.%Y")
            parts.append(f"{field.label}: {value}")
        return "; ".join(parts)


class EventFilterForm(DescribedFilters, forms.Form):
    type = forms.ChoiceField(label=_("Type"), required=False)
    school = forms.ModelChoiceField(
        label=_("School"), queryset=School.objects.none(), required=False, to_field_name="code"
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE_INPUT)
    targeted = forms.ChoiceField(
        label=_("Targeted"),
        required=False,
        choices=[("", _("all")), ("yes", _("targeted only")), ("no", _("not targeted"))],
    )
    q = forms.CharField(label=_("Topic"), required=False)

    def __init__(self, *args, schools, fixed_type: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        self.fields["school"].empty_label = _("all schools")
        self.fields["type"].choices = [("", _("all types")), *EventType.choices]
        self.fixed_type = fixed_type
        if fixed_type:
            del self.fields["type"]
        use_long_selects(self)  # the school filter offers every school of the scope: a region has 1,000
        self.fields["school"].widget.label_field = "short_name"  # School.__str__, read without instances

    def filter_qs(self, qs):
        if self.fixed_type:
            qs = qs.filter(type=self.fixed_type)
        if not self.is_bound:
            return qs
        if not self.is_valid():
            return qs.none()
        data = self.cleaned_data
        if data.get("type"):
            qs = qs.filter(type=data["type"])
        if data["school"]:
            qs = qs.filter(Q(event_schools__school=data["school"]) | Q(organiser_school=data["school"])).distinct()
        qs = qs.overlapping(data["date_from"], data["date_to"])
        if data["targeted"] == "yes":
            qs = qs.filter(is_targeted=True)
        elif data["targeted"] == "no":
            qs = qs.filter(is_targeted=False)
        if data["q"]:
            qs = qs.filter(topic__icontains=data["q"].strip())
        return qs

    @property
    def filtered(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.fields)


class MaterialForm(forms.Form):
    file = forms.FileField(label=_("Material (pdf, docx, xlsx, jpg, png)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_size(upload)
        self.kind = sniff_attachment(upload)
        return upload


class ParticipantForm(forms.ModelForm):
    class Meta:
        model = EventParticipant
        fields = ["school", "full_name", "position"]
        labels = {"full_name": _("Full name")}

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        self.helper = form_helper(
            Row(
                Column("school", css_class="col-md-4"),
                Column("full_name", css_class="col-md-4"),
                Column("position", css_class="col-md-4"),
            ),
            Submit("add", _("Add a participant")),
        )


class ParticipantCountsForm(forms.Form):
    """One number per target school: how many of its people took part."""

    def __init__(self, *args, event_schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.event_schools = list(event_schools)
        for row in self.event_schools:
            self.fields[f"school_{row.school_id}"] = forms.IntegerField(
                label=row.school.short_name, min_value=0, max_value=10000, required=False, initial=row.participants
            )

    def save(self):
        for row in self.event_schools:
            value = self.cleaned_data.get(f"school_{row.school_id}")
            if value != row.participants:
                row.participants = value
                row.save(update_fields=["participants"])


class TeacherForm(forms.ModelForm):
    class Meta:
        model = Teacher
        fields = ["full_name", "position", "subjects", "category", "experience_years", "is_active"]

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.school = school
        self.helper = form_helper(
            "full_name",
            Row(Column("position", css_class="col-md-6"), Column("subjects", css_class="col-md-6")),
            Row(
                Column("category", css_class="col-md-4"),
                Column("experience_years", css_class="col-md-4"),
                Column("is_active", css_class="col-md-4 pt-md-4"),
            ),
            Submit("save", _("Save")),
        )


class DevelopmentForm(forms.ModelForm):
    """A professional development record with its certificate file (pdf, jpg, png; optional, replaceable)."""

    certificate_file = forms.FileField(label=_("Certificate (pdf, jpg, png)"), required=False)

    class Meta:
        model = DevelopmentRecord
        fields = ["programme", "hours", "provider", "start", "end", "completed"]
        widgets = {"start": DATE_INPUT, "end": DATE_INPUT}

    def __init__(self, *args, teacher, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.teacher = teacher
        self.fields["hours"].widget.attrs.update({"min": 1, "max": 5000})
        if self.instance.certificate:
            # crispy's Bootstrap 5 template renders help text as safe: the user's file name must arrive escaped.
            self.fields["certificate_file"].help_text = escape(
                _("Uploading a file replaces «%(name)s».") % {"name": self.instance.certificate_name}
            )
        self.helper = form_helper(
            "programme",
            Row(Column("hours", css_class="col-md-3"), Column("provider", css_class="col-md-9")),
            Row(
                Column("start", css_class="col-md-4"),
                Column("end", css_class="col-md-4"),
                Column("completed", css_class="col-md-4 pt-md-4"),
            ),
            "certificate_file",
            Submit("add", _("Save the record") if self.instance.pk else _("Add the record")),
        )

    def clean_hours(self):
        hours = self.cleaned_data["hours"]
        if hours is not None and not 1 <= hours <= 5000:
            raise forms.ValidationError(_("Hours are a whole number from 1 to 5000."))
        return hours

    def clean_certificate_file(self):
        upload = self.cleaned_data.get("certificate_file")
        if upload:
            check_size(upload)
            self.certificate_kind = sniff_certificate(upload)
        return upload

    def clean(self):
        data = super().clean()
        end = data.get("end")
        if data.get("completed") and end and end > timezone.localdate():
            self.add_error("end", _("A course that ends in the future cannot be marked as completed yet."))
        return data

    def save(self, commit=True):
        record = super().save(commit=False)
        upload = self.cleaned_data.get("certificate_file")
        previous = None
        if upload:
            previous = record.certificate.name if record.certificate else None
            record.certificate = upload
            record.certificate_name = shortened_name(upload.name)
            record.certificate_kind = self.certificate_kind
        record.save()
        if previous and previous != record.certificate.name:
            # The replaced file goes only once the new record is committed: a rollback keeps the old certificate.
            delete_after_commit(record.certificate, previous)
        return record


class TeacherFilterForm(DescribedFilters, forms.Form):
    q = forms.CharField(label=_("Name, position or subject"), required=False)
    status = forms.ChoiceField(
        label=_("Works at the school"),
        required=False,
        choices=[("", _("all")), ("active", _("works")), ("left", _("left"))],
    )
    level = forms.ChoiceField(label=_("Latest diagnostic"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [("", _("any result")), *Level.choices, ("none", _("not diagnosed"))]

    def filter_qs(self, qs):
        """Filters that SQL answers (name, status); the level is computed and filtered by `keep`."""
        if not self.is_bound:
            return qs
        if not self.is_valid():
            return qs.none()
        data = self.cleaned_data
        if data["q"]:
            q = data["q"].strip()
            qs = qs.filter(Q(full_name__icontains=q) | Q(position__icontains=q) | Q(subjects__icontains=q))
        if data["status"] == "active":
            qs = qs.filter(is_active=True)
        elif data["status"] == "left":
            qs = qs.filter(is_active=False)
        return qs

    def keep(self, result) -> bool:
        """Whether a teacher whose latest total is `result` (None: not diagnosed) passes the level filter."""
        level = self.cleaned_data.get("level") if self.is_bound and self.is_valid() else ""
        if not level:
            return True
        if level == "none":
            return result is None
        return result is not None and result.level == level

    @property
    def filtered(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.fields)


class ExportLogFilterForm(DescribedFilters, forms.Form):
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.none(), required=False, to_field_name="code"
    )
    kind = forms.ChoiceField(label=_("List"), required=False)
    user = forms.CharField(label=_("Login"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities
        self.fields["municipality"].empty_label = _("all municipalities")
        self.fields["kind"].choices = [("", _("all lists")), *ExportKind.choices]

    def filter_qs(self, qs):
        if not self.is_bound:
            return qs
        if not self.is_valid():
            return qs.none()
        data = self.cleaned_data
        if data["municipality"]:
            qs = qs.filter(municipality=data["municipality"])
        if data["kind"]:
            qs = qs.filter(kind=data["kind"])
        if data["user"]:
            qs = qs.filter(username__icontains=data["user"].strip())
        if data["date_from"]:
            qs = qs.filter(created_at__date__gte=data["date_from"])
        if data["date_to"]:
            qs = qs.filter(created_at__date__lte=data["date_to"])
        return qs

    @property
    def filtered(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.fields)


SCORE_CHOICES = [("", "—"), ("0", "0"), ("1", "1"), ("2", "2")]


class DiagnosticForm(forms.Form):
    """The card of seed 004 Приложение 3: every criterion × every rater, scored 0, 1 or 2."""

    date = forms.DateField(label=_("Date of the diagnostic"), widget=DATE_INPUT)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, teacher, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.teacher = teacher
        self.criteria = list(criteria)
        for criterion in self.criteria:
            for rater, label in Rater.choices:
                self.fields[self.key(criterion, rater)] = forms.TypedChoiceField(
                    label=f"{criterion.text} — {label}", choices=SCORE_CHOICES, coerce=int
                )

    @staticmethod
    def key(criterion, rater) -> str:
        return f"score_{criterion.pk}_{rater}"

    def rows(self):
        """(competency, [(criterion, [bound field per rater])]) for the template's table."""
        grouped = []
        for criterion in self.criteria:
            fields = [self[self.key(criterion, rater)] for rater in Rater.values]
            if not grouped or grouped[-1][0] != criterion.competency:
                grouped.append((criterion.competency, []))
            grouped[-1][1].append((criterion, fields))
        return grouped

    def clean_date(self):
        date = self.cleaned_data["date"]
        if Diagnostic.objects.filter(teacher=self.teacher, date=date).exists():
            raise forms.ValidationError(_("This teacher already has a diagnostic of this date."))
        return date

    def save(self) -> Diagnostic:
        diagnostic = Diagnostic.objects.create(
            teacher=self.teacher, date=self.cleaned_data["date"], note=self.cleaned_data["note"]
        )
        scores = [
            Score(diagnostic=diagnostic, criterion=c, rater=r, value=self.cleaned_data[self.key(c, r)])
            for c in self.criteria
            for r in Rater.values
        ]
        # One insert for the scores and one for their history; the audit trail gets them too (no signal is sent).
        bulk_create_with_history(scores, Score)
        record_bulk(Score, scores)
        return diagnostic


class RouteStepForm(forms.ModelForm):
    class Meta:
        model = RouteStep
        fields = ["competency", "action", "description", "due"]
        widgets = {"due": DATE_INPUT}

    def __init__(self, *args, teacher, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.teacher = teacher
        self.fields["competency"].empty_label = _("not tied to a competency")
        self.helper = form_helper(
            Row(
                Column("competency", css_class="col-md-5"),
                Column("action", css_class="col-md-3"),
                Column("due", css_class="col-md-4"),
            ),
            "description",
            Submit("add", _("Add the step")),
        )
