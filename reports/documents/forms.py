"""The report centre's choice: kind, unit (a municipality or a region of the user's scope), year and, for a plan
annex, the plan (its choices depend on the unit and the year, so they appear once those are chosen: the page works
without JavaScript, one «Показать» at a time)."""

from __future__ import annotations

from django import forms
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roadmaps.access import plans_visible_to
from roadmaps.models import Plan
from shnor_portal.params import parse_year

from .kinds import KINDS
from .selection import APPROVED, LEVEL_RANK, plans_in

FORMAT_CHOICES = [("pdf", "PDF"), ("xlsx", "Excel (.xlsx)")]


def plan_choices_for(user, unit, year: int):
    """The unit's plans covering the year that the user sees: approved ones first (the default is the first), the
    highest level first, then drafts (printed «ПРОЕКТ»)."""
    return (
        plans_in(unit)
        .filter(pk__in=plans_visible_to(user).values("pk"))
        .filter(period_start__year__lte=year, period_end__year__gte=year)
        .annotate(
            approved_rank=Case(When(status__in=APPROVED, then=Value(0)), default=Value(1), output_field=IntegerField()),
            level_rank=LEVEL_RANK,
        )
        .select_related("municipality", "school", "pairing")
        .order_by("approved_rank", "level_rank", "-period_start", "title", "pk")
    )


def plan_label(plan: Plan) -> str:
    return f"{plan.title} — {plan.get_status_display()}, {plan.period_label}"


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"))
    unit = forms.ChoiceField(label=_("Municipality or region"))
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    plan = forms.TypedChoiceField(label=_("Plan"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, municipalities, regions, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["kind"].choices = [(kind, cls.kind_label) for kind, cls in KINDS.items()]
        # The units of the user's scope by their form value («m:gorodets», «r:hmao»): a value outside them is an
        # error of the field, never a document.
        self.units = {f"m:{m.code}": m for m in municipalities} | {f"r:{r.code}": r for r in regions}
        self.fields["unit"].choices = [(f"m:{m.code}", m.name) for m in municipalities] + [
            (f"r:{r.code}", f"{r.name} ({_('the whole region')})") for r in regions
        ]
        self.fields["year"].initial = timezone.localdate().year
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-control" if name == "year" else "form-select"
        self.plans: list[Plan] = []
        unit, year = self.units.get(self.data.get("unit")), parse_year(self.data.get("year"))
        if unit is not None and year is not None and self.needs_plan:
            self.plans = list(plan_choices_for(user, unit, year))
        self.fields["plan"].choices = [
            ("", _("the approved plan of the highest level")),
            *[(plan.pk, plan_label(plan)) for plan in self.plans],
        ]
        if not self.plans:
            # No plan to choose (another kind, or none covers the year): a plan left in the query from an earlier
            # choice is ignored, not an error of a field the page does not show.
            self.fields["plan"].disabled = True

    def chosen_unit(self):
        return self.units[self.cleaned_data["unit"]]

    def chosen_plan(self) -> Plan | None:
        pk = self.cleaned_data.get("plan")
        return next((plan for plan in self.plans if plan.pk == pk), None)

    @property
    def needs_plan(self) -> bool:
        kind = self.data.get("kind") or self.initial.get("kind")
        return bool(KINDS.get(kind) and KINDS[kind].needs_plan)


class RenderForm(DocumentForm):
    output_format = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES)
