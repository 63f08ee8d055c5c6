"""Form widgets for long lists.

Django renders each <option> of a <select> through a template of its own: a school filter of a 1,000-school region
took about 150 ms of a page. `LongSelect` writes the same markup in one pass of Python.
"""

from django import forms
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import mark_safe


class LongSelect(forms.Select):
    """A single <select> with flat choices (no option groups), rendered without a template per option.

    `label_field`: for the choices of a ModelChoiceField whose label is that field of the row (its `__str__`), the
    options are read as pairs of values: a thousand model instances cost more than the rest of the widget."""

    label_field: str | None = None

    def render(self, name, value, attrs=None, renderer=None):
        selected = {str(v) for v in self.format_value(value)}
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        options = []
        for option_value, label in self._pairs():
            text = "" if option_value is None else str(option_value)
            mark = " selected" if text in selected else ""
            options.append(f'<option value="{escape(text)}"{mark}>{escape(label)}</option>')
        return mark_safe(f"<select{flatatt(final_attrs)}>{''.join(options)}</select>")  # every piece escaped above

    def _pairs(self):
        choices = self.choices
        if self.label_field is None or not isinstance(choices, ModelChoiceIterator):
            return choices
        field = choices.field
        pairs = field.queryset.values_list(field.to_field_name or "pk", self.label_field)
        return [("", field.empty_label), *pairs] if field.empty_label is not None else pairs


def use_long_selects(form) -> None:
    """Give every plain <select> of a bound form instance the one-pass widget (same attributes and choices)."""
    for field in form.fields.values():
        if type(field.widget) is forms.Select:
            widget = LongSelect(attrs=field.widget.attrs)
            widget.choices = field.widget.choices
            widget.is_required = field.widget.is_required
            field.widget = widget
