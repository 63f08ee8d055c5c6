"""Roadmaps: plans, their editing, lifecycle, amendments and versions, the import wizard and progress reports."""

import pytest

from .cases import SAME_AS_GET, _statuses, entry, everyone, matrix_tests

pytestmark = pytest.mark.django_db

# Roadmaps: the plan is read by everyone in scope (chemashi's principal and mentor through the executor school); an
# in-progress plan is not open for editing without an amendment — not even for its coordinators.
READ_PLAN = _statuses(200, 404, 200, 200, 200, 200, 404, 200)
# chemashi's draft school plan: its principal and the municipality's coordinators edit it.
EDIT_DRAFT = _statuses(200, 404, 200, 403, 403, 403, 404, 200)
NOT_OF_THE_DRAFT = _statuses(404, 404, 404, 403, 403, 403, 404, 404)
EDITED_DRAFT = _statuses(302, 404, 302, 403, 403, 403, 404, 302)  # a POST-only change of the draft, done
# The plan's municipality's coordinators change an approved plan (copy, amend).
CHANGE_PLAN = _statuses(200, 404, 403, 403, 403, 403, 404, 200)
# Who may start a plan or import one: coordinators and principals (the mentor persona is a principal too).
PLAN_MAKERS = _statuses(200, 200, 200, 200, 403, 403, 403, 200)
# A kept upload is known to the uploader's session only: any other token is not found; non-importers are refused.
NOT_THIS_SESSION = _statuses(404, 404, 404, 404, 403, 403, 403, 404)
DRAFT_SECTION = {"pk": "@draft", "section_pk": "@draft_section"}
DRAFT_ACTIVITY = {"pk": "@draft", "activity_pk": "@draft_activity"}
NO_UPLOAD = {"token": "0" * 32}
ENTRIES = [
    entry("roadmaps:plan-list", {}, everyone(200)),
    # The «Plans» tab of chemashi's school page, served by roadmaps: read like the school page itself.
    entry("roadmaps:school-plans-tab", {"code": "chemashi"}, _statuses(200, 404, 200, 200, 200, 200, 404, 200)),
    # The activities addressing chemashi's risk factors, loaded into its «Risks» tab: read like the school page.
    entry("roadmaps:school-risk-activities", {"code": "chemashi"}, _statuses(200, 404, 200, 200, 200, 200, 404, 200)),
    entry("roadmaps:plan-detail", {"pk": "@plan"}, READ_PLAN),
    # The pair's joint plans, a fragment of support's pairing page: read like the pairing itself.
    entry("roadmaps:pairing-plans", {"pk": "@pairing"}, _statuses(200, 404, 200, 200, 200, 200, 404, 200)),
    # The draft is read by the same readers as the plans in execution.
    entry("roadmaps:plan-detail", {"pk": "@draft"}, READ_PLAN),
    entry("roadmaps:plan-history", {"pk": "@plan"}, READ_PLAN),
    entry("roadmaps:plan-versions", {"pk": "@plan"}, READ_PLAN),
    entry("roadmaps:plan-version", {"pk": "@amended", "number": 1}, READ_PLAN),
    entry("roadmaps:plan-version-compare", {"pk": "@amended", "number": 1}, READ_PLAN),
    entry("roadmaps:plan-execution", {"pk": "@plan"}, READ_PLAN),
    entry("roadmaps:plan-execution-summary", {"pk": "@plan"}, READ_PLAN),
    entry("roadmaps:activity-detail", {"pk": "@activity"}, READ_PLAN),
    entry("roadmaps:evidence-download", {"pk": "@evidence"}, READ_PLAN),
    entry("roadmaps:plan-edit", {"pk": "@plan"}, _statuses(403, 404, 403, 403, 403, 403, 404, 403), SAME_AS_GET),
    # chemashi's draft school plan: its principal and the municipality's coordinators edit it.
    entry("roadmaps:plan-edit", {"pk": "@draft"}, EDIT_DRAFT, SAME_AS_GET),
    entry("roadmaps:plan-table", {"pk": "@draft"}, READ_PLAN),
    entry("roadmaps:plan-renumber", {"pk": "@draft"}, everyone(405), EDITED_DRAFT),
    entry("roadmaps:section-create", {"pk": "@draft"}, EDIT_DRAFT, SAME_AS_GET),
    entry("roadmaps:section-fragment", DRAFT_SECTION, EDIT_DRAFT),
    entry("roadmaps:section-edit", DRAFT_SECTION, EDIT_DRAFT, SAME_AS_GET),
    entry("roadmaps:section-delete", DRAFT_SECTION, everyone(405), EDITED_DRAFT),
    entry("roadmaps:section-move", DRAFT_SECTION, everyone(405), EDITED_DRAFT),
    entry("roadmaps:activity-create", DRAFT_SECTION, EDIT_DRAFT, SAME_AS_GET),
    entry("roadmaps:activity-row", DRAFT_ACTIVITY, EDIT_DRAFT),
    entry("roadmaps:activity-edit", DRAFT_ACTIVITY, EDIT_DRAFT, SAME_AS_GET),
    entry("roadmaps:activity-delete", DRAFT_ACTIVITY, everyone(405), EDITED_DRAFT),
    entry("roadmaps:activity-move", DRAFT_ACTIVITY, everyone(405), EDITED_DRAFT),
    entry("roadmaps:activity-periods", DRAFT_ACTIVITY, EDIT_DRAFT, SAME_AS_GET),
    # A section or an activity of another plan named under the draft: not found for those who edit the draft.
    entry("roadmaps:section-edit", {"pk": "@draft", "section_pk": "@plan_section"}, NOT_OF_THE_DRAFT, SAME_AS_GET),
    entry("roadmaps:section-delete", {"pk": "@draft", "section_pk": "@plan_section"}, everyone(405), NOT_OF_THE_DRAFT),
    entry("roadmaps:activity-edit", {"pk": "@draft", "activity_pk": "@activity"}, NOT_OF_THE_DRAFT, SAME_AS_GET),
    entry("roadmaps:activity-delete", {"pk": "@draft", "activity_pk": "@activity"}, everyone(405), NOT_OF_THE_DRAFT),
    # A school plan's principal submits it for approval, as its coordinators do; an empty form is enough.
    entry("roadmaps:plan-transition", {"pk": "@draft", "action": "submit"}, EDIT_DRAFT, EDITED_DRAFT),
    entry("roadmaps:plan-create", {}, PLAN_MAKERS, SAME_AS_GET),
    entry("roadmaps:plan-import", {}, PLAN_MAKERS, SAME_AS_GET),
    entry("roadmaps:plan-import-preview", NO_UPLOAD, NOT_THIS_SESSION),
    entry("roadmaps:plan-import-confirm", NO_UPLOAD, everyone(405), NOT_THIS_SESSION),
    entry("roadmaps:plan-import-cancel", NO_UPLOAD, everyone(405), NOT_THIS_SESSION),
    entry("roadmaps:plan-copy", {"pk": "@plan"}, CHANGE_PLAN, SAME_AS_GET),
    entry("roadmaps:plan-copy-schools", {"pk": "@plan"}, CHANGE_PLAN, SAME_AS_GET),
    entry("roadmaps:amendment-open", {"pk": "@plan"}, CHANGE_PLAN, SAME_AS_GET),
    entry(
        "roadmaps:amendment-apply",
        {"pk": "@amended", "number": 1},
        CHANGE_PLAN,
        _statuses(302, 404, 403, 403, 403, 403, 404, 302),
    ),
    entry(
        "roadmaps:amendment-withdraw",
        {"pk": "@amended", "number": 1},
        CHANGE_PLAN,
        _statuses(302, 404, 403, 403, 403, 403, 404, 302),
    ),
    entry("roadmaps:my-tasks", {}, everyone(200)),
    # The review queue is the municipality's: coordinators act on it, inspectors and the region read it.
    entry("roadmaps:report-reviews", {}, _statuses(200, 200, 403, 403, 200, 200, 403, 200)),
    # chemashi reports on its activity (its principal; the administrator for anyone): a report without text is
    # shown back with its errors; the plan's coordinators report for the municipality only.
    entry(
        "roadmaps:activity-report",
        {"pk": "@activity"},
        everyone(405),
        _statuses(403, 404, 200, 403, 403, 403, 404, 200),
        data={"period": "@period", "reporter": "@chemashi"},
    ),
    # The coordinators review chemashi's report; the school answers their questions.
    entry(
        "roadmaps:report-review", {"pk": "@report"}, everyone(405), _statuses(200, 404, 403, 403, 403, 403, 404, 200)
    ),
    entry(
        "roadmaps:report-answer", {"pk": "@report"}, everyone(405), _statuses(403, 404, 200, 403, 403, 403, 404, 200)
    ),
    entry(
        "roadmaps:evidence-delete",
        {"pk": "@evidence"},
        everyone(405),
        _statuses(403, 404, 302, 403, 403, 403, 404, 302),
    ),
]


test_get, test_post = matrix_tests(ENTRIES)
