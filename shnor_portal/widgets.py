"""Form widgets for long lists.

Django renders each <option> of a <select> through a template of its own: a school filter of a 1,000-school region
took about 150 ms of a page. `LongSelect` writes the same markup in one pass of Python.
"""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import mark_safe


class LongSelect(forms.Select):
    """A single <select> with flat choices (no option groups), rendered without a template per option."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = {str(v) for v in self.format_value(value)}
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        options = []
        for option_value, label in self.choices:
            text = "" if option_value is None else str(option_value)
            mark = " selected" if text in selected else ""
            options.append(f'<option value="{escape(text)}"{mark}>{escape(label)}</option>')
        return mark_safe(f"<select{flatatt(final_attrs)}>{''.join(options)}</select>")  # every piece escaped above


def use_long_selects(form) -> None:
    """Give every plain <select> of a bound form instance the one-pass widget (same attributes and choices)."""
    for field in form.fields.values():
        if type(field.widget) is forms.Select:
            widget = LongSelect(attrs=field.widget.attrs)
            widget.choices = field.widget.choices
            widget.is_required = field.widget.is_required
            field.widget = widget
