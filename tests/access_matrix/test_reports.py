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
READ_DOCUMENT = _statuses(200, 404, 200, 200, 200, 200, 404, 200)
REVOKE_DOCUMENT = _statuses(200, 404, 403, 403, 403, 403, 404, 200)
# The report centre: those who oversee municipalities or regions (principals and mentor schools: 403); a document
# rendered in a task is its requester's (the coordinator's) and the administrator's, a 404 for anyone else.
REPORT_CENTRE = _statuses(200, 200, 403, 403, 200, 200, 403, 200)
OWN_RENDER = _statuses(200, 404, 403, 403, 404, 404, 403, 200)
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
    # A refused file's problems as .xlsx: its importer and the administrator (a refused file names no schools of its
    # own, so no other importer may open it).
    entry("reports:results-problems", {"pk": "@refused_import"}, _statuses(200, 404, 404, 404, 404, 404, 404, 200)),
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
    # The document registry: listed by those who oversee a municipality or region and by principals; an entry of
    # oktyabrsky is read by its overseers and the principals of its schools (the mentor persona is the principal of
    # peregrebnoe-1); only its coordinators and the administrator revoke it.
    entry("reports:document-list", {}, _statuses(200, 200, 200, 200, 200, 200, 403, 200)),
    entry("reports:document-detail", {"pk": "@signed_document"}, READ_DOCUMENT),
    entry("reports:document-download", {"pk": "@signed_document"}, READ_DOCUMENT),
    entry("reports:document-revoke", {"pk": "@signed_document"}, REVOKE_DOCUMENT, SAME_AS_GET),
    # «Подписать» of the report centre: POST only, for those who coordinate something (an empty choice goes back
    # to the centre with a message and signs nothing).
    entry(
        "reports:document-sign",
        {},
        everyone(405),
        _statuses(302, 302, 403, 403, 403, 302, 403, 302),
        writers=(),
    ),
    # The verification page is public (SPEC §3): everyone, signed in or not; an empty POST is a form with its errors
    # and records no attempt.
    entry("reports:verify", {}, everyone(200), everyone(200), anonymous_get=200, anonymous_post=200, writers=()),
    entry("reports:document-centre", {}, REPORT_CENTRE),
    # An empty choice answers with the form and its errors; nothing is written.
    entry("reports:document-render", {}, everyone(405), REPORT_CENTRE, writers=()),
    entry("reports:document-render-status", {"pk": "@document_render"}, OWN_RENDER),
    entry("reports:document-render-file", {"pk": "@document_render"}, OWN_RENDER),
    entry(
        "reports:document-render-retry",
        {"pk": "@document_render"},
        everyone(405),
        _statuses(302, 404, 403, 403, 404, 404, 403, 302),
    ),
]


test_get, test_post = matrix_tests(ENTRIES)
