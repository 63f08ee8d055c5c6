"""Labels of choice fields for tables of many rows.

`get_<field>_display()` rebuilds its choices and translates every label on each call; a table of 50 rows with a few
choice columns paid for that hundreds of times per page.
"""

from django.utils.translation import get_language

_labels: dict[tuple, dict[str, str]] = {}


def choice_label(instance, field_name: str) -> str:
    """What `get_<field>_display()` returns, from a table of translated labels kept per model, field and language."""
    key = (type(instance), field_name, get_language())
    labels = _labels.get(key)
    if labels is None:
        field = instance._meta.get_field(field_name)
        labels = _labels[key] = {str(value): str(label) for value, label in field.flatchoices}
    value = getattr(instance, field_name)
    return labels.get(str(value), value)
