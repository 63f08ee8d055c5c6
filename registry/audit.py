"""The registry's objects in the audit trail (shnor_portal/audit): where each belongs and where it opens."""

from django.urls import reverse

from shnor_portal.audit.registry import register


def _school_tab(tab):
    def url(obj):
        return reverse("registry:school-tab", kwargs={"code": obj.school.code, "tab": tab})

    return url


def _of_school(obj):
    return obj.school.municipality_id, obj.school_id


def register_models():
    from .models import Listing, Municipality, Pairing, School
    from .profiles import LevelResult, RiskAssessment, SchoolYearProfile, SwotItem

    register(Municipality, place=lambda m: (m.pk, None))
    register(School, place=lambda s: (s.municipality_id, s.pk), url=lambda s: s.get_absolute_url())
    register(Listing, place=_of_school, url=_school_tab("listings"))
    register(SchoolYearProfile, place=_of_school, url=_school_tab("year"))
    register(
        LevelResult,
        place=lambda r: _of_school(r.profile),
        url=lambda r: _school_tab("year")(r.profile),
    )
    register(RiskAssessment, place=_of_school, url=_school_tab("risks"))
    register(SwotItem, place=_of_school, url=_school_tab("swot"))
    # A pairing belongs where the supported school is; its page is support's (support:pairing-detail).
    register(Pairing, place=lambda p: (p.mentee.municipality_id, p.mentee_id), url=lambda p: p.get_absolute_url())
