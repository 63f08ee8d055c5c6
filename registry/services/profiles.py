"""Use cases of the yearly profile: save it with its level results, the risk profile, the SWOT, copy a year forward."""

from django.db import transaction
from django.utils.translation import gettext as _

from ..profiles import RiskAssessment, SchoolYearProfile, SwotItem, SwotKind


class ProfileError(Exception):
    """A use case refused; the message is for the user."""


@transaction.atomic
def save_year_profile(profile_form, level_forms) -> SchoolYearProfile:
    profile = profile_form.save()
    for level, form in level_forms:
        if form.has_data():
            result = form.save(commit=False)
            result.profile = profile
            result.level = level.value
            result.save()
        elif form.instance.pk:
            form.instance.delete()
    return profile


@transaction.atomic
def save_risk_profile(school, year: int, values: dict[int, tuple[str, str]]) -> None:
    """Set the level and comment per factor; factors left without a level are removed from the year."""
    existing = {a.factor_id: a for a in RiskAssessment.objects.select_for_update().filter(school=school, year=year)}
    for factor_id, (level, comment) in values.items():
        current = existing.pop(factor_id, None)
        if current is None:
            RiskAssessment.objects.create(school=school, year=year, factor_id=factor_id, level=level, comment=comment)
        elif (current.level, current.comment) != (level, comment):
            current.level, current.comment = level, comment
            current.save(update_fields=["level", "comment"])
    for stale in existing.values():
        stale.delete()


@transaction.atomic
def save_swot(school, year: int, items: dict[str, list[str]]) -> None:
    """Replace the year's SWOT, touching only the kinds whose lists actually changed (history stays readable)."""
    current = SwotItem.objects.select_for_update().filter(school=school, year=year).order_by("kind", "position")
    by_kind: dict[str, list[SwotItem]] = {kind.value: [] for kind in SwotKind}
    for item in current:
        by_kind[item.kind].append(item)
    for kind, texts in items.items():
        if [item.text for item in by_kind[kind]] == texts:
            continue
        for item in by_kind[kind]:
            item.delete()
        for position, text in enumerate(texts, start=1):
            SwotItem.objects.create(school=school, year=year, kind=kind, text=text, position=position)


@transaction.atomic
def copy_year_forward(school, year: int) -> int:
    """Copy the profile (without ИОР and results by level), risk profile and SWOT of `year` to `year + 1`."""
    target = year + 1
    if (
        SchoolYearProfile.objects.filter(school=school, year=target).exists()
        or RiskAssessment.objects.filter(school=school, year=target).exists()
        or SwotItem.objects.filter(school=school, year=target).exists()
    ):
        raise ProfileError(
            _("The year %(year)s already has data: edit it instead of copying.") % {"year": f"{target}/{target + 1}"}
        )
    profile = SchoolYearProfile.objects.filter(school=school, year=year).first()
    risks = list(RiskAssessment.objects.filter(school=school, year=year))
    swot = list(SwotItem.objects.filter(school=school, year=year))
    if profile is None and not risks and not swot:
        raise ProfileError(_("There is nothing to copy in %(year)s.") % {"year": f"{year}/{year + 1}"})
    if profile is not None:
        # The staff and the contingent carry over; outcomes (ИОР, results by level) belong to their own year.
        profile.pk = None
        profile.id = None
        profile._state.adding = True
        profile.year = target
        profile.ior = None
        profile.ior_note = ""
        profile.source = ""
        profile.save()
    for risk in risks:
        risk.pk = None
        risk.year = target
    RiskAssessment.objects.bulk_create(risks)
    for item in swot:
        item.pk = None
        item.year = target
    SwotItem.objects.bulk_create(swot)
    return target
