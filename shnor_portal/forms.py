"""The scaffolding every form of the portal shares: the date input, the crispy helper, school choices.

The apps' forms only lay out their own fields; how a date is typed, how errors are shown and how a school is named in
a list is decided once here. Schools are read by their fields (`short_name`, `municipality`), so this module needs no
registry import.
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms

# The browser's date picker; the ISO value is what it reads and sends whatever the page's locale.
DATE_INPUT = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def form_helper(*layout, action: str | None = None) -> FormHelper:
    """A crispy helper for a form whose errors come from the server, in Russian, beside each field (the browser's
    own English bubbles are off). Without a layout crispy renders every field in order."""
    helper = FormHelper()
    helper.attrs = {"novalidate": ""}
    if action:
        helper.form_action = action
    if layout:
        helper.layout = Layout(*layout)
    return helper


class SchoolChoiceField(forms.ModelChoiceField):
    """A school named with its municipality: «СОШ №2 (Октябрьский район)». `short_municipality` names the
    municipality by its short name where it has one, for lists of schools of a whole region."""

    def __init__(self, *args, short_municipality: bool = False, **kwargs):
        self.short_municipality = short_municipality
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        municipality = obj.municipality
        name = (municipality.short_name or municipality.name) if self.short_municipality else municipality.name
        return f"{obj.short_name} ({name})"


class SchoolsField(forms.ModelMultipleChoiceField):
    """Schools named by their short name: a choice among the schools of one plan or one municipality."""

    def label_from_instance(self, obj):
        return obj.short_name
