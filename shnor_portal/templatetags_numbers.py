"""The template filters of shnor_portal/numbers.py, built into every template (settings.TEMPLATES builtins):
`{{ row.mean_mark|mean }}` → «4,00», `{{ row.quality_pct|pct }}` → «12,3», «—» for no value."""

from django import template

from .numbers import format_mean, format_pct

register = template.Library()


@register.filter(name="mean")
def mean_filter(value, missing="—"):
    return format_mean(value, missing)


@register.filter(name="pct")
def pct_filter(value, missing="—"):
    return format_pct(value, missing)
