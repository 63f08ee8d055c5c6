"""Registry: schools, their listings and year profiles, the registry import."""

import pytest

from .cases import SAME_AS_GET, _statuses, entry, everyone, matrix_tests

pytestmark = pytest.mark.django_db

# chemashi is read by everyone in scope and changed by its municipality's coordinators.
READ_CHEMASHI = _statuses(200, 404, 200, 200, 200, 200, 404, 200)
CHANGE_CHEMASHI = _statuses(200, 404, 403, 403, 403, 403, 404, 200)
# Creating in or importing into a municipality: its coordinators.
COORDINATORS = _statuses(200, 200, 403, 403, 403, 403, 403, 200)
# The year profile of chemashi: its principal too.
PROFILE_OF_CHEMASHI = _statuses(200, 404, 200, 403, 403, 403, 404, 200)
ENTRIES = [
    # Pages that only read answer a POST as a GET; nobody's POST may write.
    entry("registry:school-list", {}, everyone(200), SAME_AS_GET, writers=()),
    entry("registry:school-detail", {"code": "chemashi"}, READ_CHEMASHI, SAME_AS_GET, writers=()),
    entry("registry:school-tab", {"code": "chemashi", "tab": "results"}, READ_CHEMASHI, SAME_AS_GET, writers=()),
    # andra is neither mentor nor mentee: its history is the municipality's and the region's, not chemashi's.
    entry(
        "registry:school-tab",
        {"code": "andra", "tab": "history"},
        _statuses(200, 404, 404, 404, 200, 200, 404, 200),
        SAME_AS_GET,
        writers=(),
    ),
    entry("registry:school-update", {"code": "chemashi"}, CHANGE_CHEMASHI, SAME_AS_GET),
    entry("registry:school-create", {}, COORDINATORS, SAME_AS_GET),
    entry("registry:listing-create", {"code": "chemashi"}, CHANGE_CHEMASHI, SAME_AS_GET),
    entry("registry:listing-update", {"pk": "@listing"}, CHANGE_CHEMASHI, SAME_AS_GET),
    entry("registry:listing-exclude", {"pk": "@listing"}, CHANGE_CHEMASHI, SAME_AS_GET),
    entry(
        "registry:listing-delete", {"pk": "@listing"}, everyone(405), _statuses(302, 404, 403, 403, 403, 403, 404, 302)
    ),
    entry(
        "registry:year-profile-edit",
        {"code": "chemashi", "year": 2019},
        PROFILE_OF_CHEMASHI,
        _statuses(302, 404, 302, 403, 403, 403, 404, 302),
    ),
    entry("registry:risk-profile-edit", {"code": "chemashi", "year": 2019}, PROFILE_OF_CHEMASHI, SAME_AS_GET),
    entry(
        "registry:year-copy",
        {"code": "chemashi", "year": 2019},
        everyone(405),
        _statuses(302, 404, 302, 403, 403, 403, 404, 302),
    ),
    # andra's SWOT: out of the principal's and the mentor's scope (404); the inspector and the region read it (403).
    entry(
        "registry:swot-edit",
        {"code": "andra", "year": 2019},
        _statuses(200, 404, 404, 404, 403, 403, 404, 200),
        SAME_AS_GET,
    ),
    entry("registry:import", {}, COORDINATORS, SAME_AS_GET),
    entry("registry:import-template", {}, COORDINATORS),
    # The coordinator's import of its municipality: for the coordinators who may import into it, 404 for the rest.
    entry("registry:import-detail", {"pk": "@registry_import"}, _statuses(200, 404, 404, 404, 404, 404, 404, 200)),
    entry(
        "registry:import-confirm",
        {"pk": "@registry_import"},
        everyone(405),
        _statuses(302, 404, 404, 404, 404, 404, 404, 302),
    ),
]


test_get, test_post = matrix_tests(ENTRIES)
