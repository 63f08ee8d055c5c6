"""The matrix is generated from the URL configuration: a named route without an entry, or an entry of a route that
is gone, fails here with what to do."""

import pytest

from . import test_accounts, test_registry, test_reports, test_roadmaps, test_support
from .cases import ANONYMOUS, PERSONAS, Entry, _statuses, check, everyone, params
from .routes import portal_routes

pytestmark = pytest.mark.django_db

# Where each namespace's entries live; routes without a namespace (the portal's own) are in test_accounts.py.
MODULES = {
    "": test_accounts,
    "registry": test_registry,
    "reports": test_reports,
    "roadmaps": test_roadmaps,
    "support": test_support,
}
ENTRIES = [item for module in MODULES.values() for item in module.ENTRIES]


def _module_for(route):
    namespace = route.rpartition(":")[0]
    module = MODULES.get(namespace)
    return f"tests/access_matrix/{module.__name__.rpartition('.')[2]}.py" if module else None


def test_every_named_route_has_an_entry():
    covered = {item.name for item in ENTRIES}
    missing = sorted(portal_routes() - covered)
    advice = []
    for route in missing:
        where = _module_for(route)
        if where is None:
            namespace = route.rpartition(":")[0]
            where = (
                f"a new tests/access_matrix/test_{namespace}.py, named in MODULES of {__name__.rpartition('.')[2]}.py"
            )
        advice.append(
            f"{route}: add entry({route!r}, {{url kwargs}}, GET status per persona, POST status per persona) "
            f"to ENTRIES of {where}"
        )
    assert not missing, "Routes without an access matrix entry:\n" + "\n".join(advice)


def test_every_entry_names_a_route_that_exists():
    routes = portal_routes()
    gone = sorted({item.name for item in ENTRIES} - routes)
    assert not gone, f"Entries of routes that no longer exist (remove or rename them): {gone}"


def test_the_matrix_catches_a_refused_post_that_writes(matrix):
    """The write check itself can fail: a delete allowed to the coordinator, declared as if nobody's POST may
    write, is reported."""
    item = Entry(
        "registry:listing-delete",
        {"pk": "@listing"},
        _statuses(*[405] * 8),
        _statuses(302, 404, 403, 403, 403, 403, 404, 302),
        writers=(),
    )
    with pytest.raises(AssertionError, match=r"coordinator may not change anything.*wrote to.*registry_listing"):
        check(matrix, item, "POST", ["coordinator"])


def test_a_suspected_leak_is_a_case_of_its_own_that_must_fail():
    item = Entry("support:pairing-list", {}, everyone(200), suspected={("GET", "outsider"): "a leak"})
    plain, suspected = params([item], "GET")
    assert plain.values[1] == [persona for persona in [*PERSONAS, ANONYMOUS] if persona != "outsider"]
    assert suspected.values[1] == ["outsider"]
    (mark,) = suspected.marks
    assert mark.name == "xfail" and mark.kwargs == {"strict": True, "reason": "a leak"}
    assert [case.values[1] for case in params([item], "POST")] == [[*PERSONAS, ANONYMOUS]]
