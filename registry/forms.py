from crispy_forms.layout import Column, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from shnor_portal.forms import DATE_INPUT, form_helper

from .access import municipalities_editable_by
from .models import Listing, School


class SchoolForm(forms.ModelForm):
    class Meta:
        model = School
        fields = [
            "municipality",
            "code",
            "short_name",
            "name",
            "type",
            "settlement",
            "is_rural",
            "address",
            "director",
            "phone",
            "email",
            "website",
            "fis_oko_login",
        ]
        widgets = {"name": forms.Textarea(attrs={"rows": 2})}
        field_classes = {"website": forms.URLField}

    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    def clean_fis_oko_login(self):
        # Written as ФИС ОКО writes it (lower case), and empty means «none» (NULL, which unique allows many times).
        return (self.cleaned_data.get("fis_oko_login") or "").strip().lower() or None

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # A coordinator can only place a school in a municipality they edit.
        self.fields["municipality"].queryset = municipalities_editable_by(user)
        if self.instance.pk:
            # The code is used in imports and URLs: it does not change once the school exists.
            self.fields["code"].disabled = True
        self.helper = form_helper(
            Row(
                Column("municipality", css_class="col-md-6"),
                Column("code", css_class="col-md-3"),
                Column("type", css_class="col-md-3"),
            ),
            "short_name",
            "name",
            Row(Column("settlement", css_class="col-md-8"), Column("is_rural", css_class="col-md-4 pt-md-4")),
            "address",
            Row(Column("director", css_class="col-md-6"), Column("phone", css_class="col-md-6")),
            Row(Column("email", css_class="col-md-6"), Column("website", css_class="col-md-6")),
            Row(Column("fis_oko_login", css_class="col-md-4")),
            Submit("save", _("Save")),
        )


class ListingForm(forms.ModelForm):
    class Meta:
        model = Listing
        fields = ["status", "start", "end", "basis", "basis_number", "basis_date", "support_model", "end_basis", "note"]
        widgets = {"start": DATE_INPUT, "end": DATE_INPUT, "basis_date": DATE_INPUT}

    def __init__(self, *args, school: School, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.school = school
        self.helper = form_helper(
            Row(
                Column("status", css_class="col-md-4"),
                Column("start", css_class="col-md-4"),
                Column("end", css_class="col-md-4"),
            ),
            "basis",
            Row(
                Column("basis_number", css_class="col-md-4"),
                Column("basis_date", css_class="col-md-4"),
                Column("support_model", css_class="col-md-4"),
            ),
            "end_basis",
            "note",
            Submit("save", _("Save")),
        )


class ExcludeForm(forms.Form):
    """Exclude a school from the registry: the listing ends on a date, by an order."""

    end = forms.DateField(label=_("excluded from"), widget=DATE_INPUT, help_text=_("The last day of the listing."))
    end_basis = forms.CharField(
        label=_("basis of exclusion"),
        max_length=500,
        help_text=_("The order that ended the listing, e.g. «приказ №210 от 31.08.2021»."),
    )

    def __init__(self, *args, listing: Listing, **kwargs):
        super().__init__(*args, **kwargs)
        self.listing = listing
        self.helper = form_helper()
        self.helper.add_input(Submit("save", _("Exclude")))

    def clean_end(self):
        end = self.cleaned_data["end"]
        if end < self.listing.start:
            raise forms.ValidationError(_("The listing cannot end before it starts."))
        return end
