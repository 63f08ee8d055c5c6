"""The filter form of the audit trail: object kind, person, date range; it filters the scoped queryset it is given."""

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from shnor_portal.forms import DATE_INPUT

from .registry import registered


def kind_choices():
    """The followed models by their Russian names: the value is «app_label.model»."""
    choices = [
        (f"{r.model._meta.app_label}.{r.model._meta.model_name}", str(r.model._meta.verbose_name).capitalize())
        for r in registered()
    ]
    return sorted(choices, key=lambda choice: choice[1])


class AuditFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Object kind"), required=False)
    person = forms.TypedChoiceField(label=_("Who"), required=False, coerce=int, empty_value=None)
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE_INPUT)

    def __init__(self, data=None, *, entries):
        super().__init__(data)
        self.fields["kind"].choices = [("", _("all kinds")), *kind_choices()]
        # Only people who appear in the reader's own entries: the list names no one from elsewhere.
        people = (
            entries.exclude(actor_id=None)
            .order_by("actor_name", "actor_id")
            .values_list("actor_id", "actor_name")
            .distinct()
        )
        self.fields["person"].choices = [("", _("everyone")), *people]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned

    def filter_qs(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["kind"]:
            app_label, model = data["kind"].split(".", 1)
            ct = ContentType.objects.get_by_natural_key(app_label, model)
            queryset = queryset.filter(content_type=ct)
        if data["person"]:
            queryset = queryset.filter(actor_id=data["person"])
        if data["date_from"]:
            queryset = queryset.filter(timestamp__date__gte=data["date_from"])
        if data["date_to"]:
            queryset = queryset.filter(timestamp__date__lte=data["date_to"])
        return queryset

    def describe(self) -> str:
        """The filters in words, for the export's subtitle."""
        if not self.is_valid():
            return ""
        parts = []
        data = self.cleaned_data
        if data["kind"]:
            parts.append(str(dict(self.fields["kind"].choices).get(data["kind"], "")))
        if data["person"]:
            parts.append(str(dict(self.fields["person"].choices).get(data["person"], "")))
        if data["date_from"]:
            parts.append(_("from %(date)s") % {"date": data["date_from"].strftime("%d.%m.%Y")})
        if data["date_to"]:
            parts.append(_("to %(date)s") % {"date": data["date_to"].strftime("%d.%m.%Y")})
        return ", ".join(parts)
