"""Reports: assessment results, their imports and the flags of low and doubtful results."""

import pytest

from .cases import SAME_AS_GET, _statuses, entry, everyone, matrix_tests

pytestmark = pytest.mark.django_db

# Who imports results: the municipalities' and the region's coordinators.
IMPORTERS = _statuses(200, 200, 403, 403, 403, 200, 403, 200)
# The coordinator's results file of chemashi: its importer and the importers of chemashi (the region); the other
# coordinator does not import chemashi's results (404), non-importers are refused first (403).
ACT_ON_THE_IMPORT = _statuses(302, 404, 403, 403, 403, 302, 403, 302)
# Target indicators of a municipality: read by those who oversee it and by its schools' principals (the mentor
# persona is the principal of peregrebnoe-1); the list and an indicator's page open the user's own municipality
# when none is asked for, so only a user without any is refused. Its coordinators (and the administrator) change.
READ_INDICATORS = _statuses(200, 200, 200, 200, 200, 200, 403, 200)
CHANGE_INDICATORS = _statuses(200, 404, 403, 403, 403, 403, 404, 200)
OKTYABRSKY = {"municipality": "oktyabrsky"}
ENTRIES = [
    entry("reports:indicator-list", {}, READ_INDICATORS),
    entry("reports:indicator-detail", {"code": "LOW_RESULTS_SHARE"}, READ_INDICATORS),
    entry("reports:indicator-adopt", OKTYABRSKY, CHANGE_INDICATORS, SAME_AS_GET),
    entry("reports:indicator-edit", {**OKTYABRSKY, "code": "LOW_RESULTS_SHARE"}, CHANGE_INDICATORS, SAME_AS_GET),
    entry("reports:indicator-target", {**OKTYABRSKY, "code": "LOW_RESULTS_SHARE"}, CHANGE_INDICATORS, SAME_AS_GET),
    entry("reports:indicator-manual", {**OKTYABRSKY, "code": "SATISFACTION"}, CHANGE_INDICATORS, SAME_AS_GET),
    entry(
        "reports:indicator-remove",
        {**OKTYABRSKY, "code": "LOW_RESULTS_SHARE"},
        everyone(405),
        _statuses(302, 404, 403, 403, 403, 403, 404, 302),
    ),
    entry("reports:results-list", {}, everyone(200)),
    # The school page's results tab, served here as a fragment: read like the school page itself.
    entry("reports:school-results-tab", {"code": "chemashi"}, _statuses(200, 404, 200, 200, 200, 200, 404, 200)),
    entry("reports:results-upload", {}, IMPORTERS, SAME_AS_GET),
    entry("reports:task-table-upload", {}, IMPORTERS, SAME_AS_GET),
    entry(
        "reports:results-import",
        {"pk": "@results_import"},
        _statuses(200, 404, 404, 404, 404, 200, 404, 200),
    ),
    entry("reports:results-confirm", {"pk": "@results_import"}, everyone(405), ACT_ON_THE_IMPORT),
    entry("reports:results-retry", {"pk": "@results_import"}, everyone(405), ACT_ON_THE_IMPORT),
    # A campaign shows only where it has results in the user's scope (chemashi's): 404 as if it did not exist.
    entry("reports:campaign-results", {"pk": "@campaign"}, _statuses(200, 404, 200, 200, 200, 200, 404, 200)),
    # The ВПР analysis of the campaign: the municipality's page for those who oversee a municipality with results in
    # it (404 otherwise, as if it did not exist); a school's page read like the school's results (its principal and
    # its mentor school too).
    entry("reports:vpr-analysis", {"pk": "@campaign"}, _statuses(200, 404, 404, 404, 200, 200, 404, 200)),
    entry(
        "reports:vpr-analysis-school",
        {"pk": "@campaign", "code": "chemashi"},
        _statuses(200, 404, 200, 200, 200, 200, 404, 200),
    ),
    entry("reports:flags", {}, _statuses(200, 200, 403, 403, 200, 200, 403, 200)),
    entry(
        "reports:flag-listing",
        {"code": "chemashi"},
        _statuses(200, 404, 403, 403, 403, 403, 404, 200),
        SAME_AS_GET,
    ),
    # The target indicators a plan activity serves (reports' fragment of the activity page): read like the activity;
    # the plan's municipality's coordinators change them (a plain POST goes back to the activity page).
    entry(
        "reports:activity-indicators",
        {"pk": "@activity"},
        _statuses(200, 404, 200, 200, 200, 200, 404, 200),
        _statuses(302, 404, 403, 403, 403, 403, 404, 302),
    ),
    # The municipalities compared: for those who oversee municipalities or regions, each within their own scope.
    entry("reports:municipality-comparison", {}, _statuses(200, 200, 403, 403, 200, 200, 403, 200)),
]


test_get, test_post = matrix_tests(ENTRIES)
