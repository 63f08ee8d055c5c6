"""The forms of the document registry: its filters, the revocation, and the public verification."""

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reports.documents.kinds import KINDS
from shnor_portal.files.limits import too_large_message
from shnor_portal.files.uploads import is_too_large

ACTIVE, REVOKED = "active", "revoked"


class DocumentFilterForm(forms.Form):
    q = forms.CharField(label=_("Number or title"), required=False, max_length=200)
    kind = forms.ChoiceField(label=_("Kind of document"), required=False)
    municipality = forms.TypedChoiceField(label=_("Municipality"), required=False, coerce=int, empty_value=None)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("all")), (ACTIVE, _("in force")), (REVOKED, _("revoked"))],
    )

    def __init__(self, data=None, *, entries):
        super().__init__(data)
        # The choices come from the reader's own entries: nothing outside their scope is named.
        kinds = entries.order_by("kind").values_list("kind", flat=True).distinct()
        self.fields["kind"].choices = [("", _("all kinds")), *((kind, kind_label(kind)) for kind in kinds)]
        places = (
            entries.exclude(municipality=None)
            .order_by("municipality__name")
            .values_list("municipality_id", "municipality__name")
            .distinct()
        )
        self.fields["municipality"].choices = [("", _("all")), *places]
        years = entries.order_by("-year").values_list("year", flat=True).distinct()
        self.fields["year"].choices = [("", _("all years")), *((year, year) for year in years)]

    def filter_qs(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["q"]:
            queryset = queryset.filter(Q(number__icontains=data["q"].strip()) | Q(title__icontains=data["q"].strip()))
        if data["kind"]:
            queryset = queryset.filter(kind=data["kind"])
        if data["municipality"]:
            queryset = queryset.filter(municipality_id=data["municipality"])
        if data["year"]:
            queryset = queryset.filter(year=data["year"])
        if data["status"] == ACTIVE:
            queryset = queryset.active()
        elif data["status"] == REVOKED:
            queryset = queryset.revoked()
        return queryset

    def describe(self) -> str:
        if not self.is_valid():
            return ""
        parts = []
        for name, value in self.cleaned_data.items():
            if value:
                label = (
                    dict(self.fields[name].choices).get(value, value)
                    if hasattr(self.fields[name], "choices")
                    else value
                )
                parts.append(f"{self.fields[name].label}: {label}")
        return "; ".join(parts)


def kind_label(kind: str) -> str:
    """The Russian name of a kind of document (reports/documents), the code itself for a kind no longer known."""
    known = KINDS.get(kind)
    return str(known.kind_label) if known is not None else kind


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason of revocation"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reason of the revocation.")},
    )


class VerifyForm(forms.Form):
    """A file to check, or a registry number to look up (one of the two)."""

    file = forms.FileField(label=_("Signed PDF file"), required=False)
    number = forms.CharField(label=_("Registry number"), required=False, max_length=40)

    def clean_file(self):
        # Django has streamed a large upload to a temporary file and counted its bytes: nothing is read yet.
        upload = self.cleaned_data.get("file")
        if upload and is_too_large(upload, settings.DOCUMENT_VERIFY_MAX_BYTES):
            raise forms.ValidationError(
                _("%(refusal)s A signed document of the portal is smaller: this is not one of them.")
                % {"refusal": too_large_message(settings.DOCUMENT_VERIFY_MAX_BYTES)}
            )
        return upload

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("file") and not (cleaned.get("number") or "").strip():
            raise forms.ValidationError(_("Choose a PDF file or enter the registry number."))
        return cleaned
