"""The frame of the school page (heading, tabs, the edit button), shared by the registry's own tabs and by the tabs
that the apps above serve as fragments of their own (results, mentoring, plans): opened without JavaScript, such a
fragment URL is a whole school page with the same frame."""

from accounts.access import CHANGE, CHANGE_PROFILE

from .access import can


def school_page_context(user, school, tab: str) -> dict:
    return {
        "school": school,
        "tab": tab,
        "can_change": can(user, CHANGE, school),
        "can_change_profile": can(user, CHANGE_PROFILE, school),
    }
