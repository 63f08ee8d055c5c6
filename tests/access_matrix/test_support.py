"""Support: pairings, events with their participants and materials, teachers and their development."""

import pytest

from .cases import SAME_AS_GET, _statuses, entry, everyone, matrix_tests

pytestmark = pytest.mark.django_db

# Support: readers in scope see pairings and events of chemashi; its municipality's coordinators change them;
# a mentor school records events for the schools it mentors.
READ_CHEMASHI = _statuses(200, 404, 200, 200, 200, 200, 404, 200)
CHANGE_CHEMASHI = _statuses(200, 404, 403, 403, 403, 403, 404, 200)
DONE_BY_COORDINATORS = _statuses(302, 404, 403, 403, 403, 403, 404, 302)
# Teachers are personal data: the school itself and its coordinators; nobody else even learns that one exists.
KEEP_TEACHERS = _statuses(200, 404, 200, 404, 404, 404, 404, 200)
ENTRIES = [
    entry("support:pairing-list", {}, everyone(200)),
    entry("support:pairing-diagram", {}, everyone(200)),
    entry("support:pairing-create", {}, _statuses(200, 200, 403, 403, 403, 403, 403, 200), SAME_AS_GET),
    entry("support:pairing-detail", {"pk": "@pairing"}, READ_CHEMASHI),
    # The school page's mentoring tab, served here as a fragment: read like the school page itself.
    entry("support:school-mentoring-tab", {"code": "chemashi"}, READ_CHEMASHI),
    entry("support:pairing-update", {"pk": "@pairing"}, CHANGE_CHEMASHI, SAME_AS_GET),
    entry("support:pairing-end", {"pk": "@pairing"}, CHANGE_CHEMASHI, SAME_AS_GET),
    entry("support:pairing-renew", {"pk": "@pairing"}, CHANGE_CHEMASHI, SAME_AS_GET),
    entry("support:event-list", {}, everyone(200)),
    entry("support:event-calendar", {}, everyone(200)),
    entry("support:consultation-journal", {}, everyone(200)),
    entry("support:event-create", {}, _statuses(200, 200, 403, 200, 403, 403, 403, 200), SAME_AS_GET),
    entry("support:event-detail", {"pk": "@event"}, READ_CHEMASHI),
    entry("support:event-edit", {"pk": "@event"}, CHANGE_CHEMASHI, SAME_AS_GET),
    entry(
        "support:event-edit",
        {"pk": "@mentor_event"},
        _statuses(200, 404, 403, 200, 403, 403, 404, 200),
        SAME_AS_GET,
    ),
    entry("support:event-delete", {"pk": "@event"}, everyone(405), DONE_BY_COORDINATORS),
    entry("support:event-counts", {"pk": "@event"}, everyone(405), DONE_BY_COORDINATORS),
    entry("support:participant-add", {"pk": "@event"}, everyone(405), DONE_BY_COORDINATORS),
    entry(
        "support:participant-delete",
        {"pk": "@event", "participant_pk": "@participant"},
        everyone(405),
        DONE_BY_COORDINATORS,
    ),
    # A participant of another event named under the mentor school's event: refused even to those who change both.
    entry(
        "support:participant-delete",
        {"pk": "@mentor_event", "participant_pk": "@participant"},
        everyone(405),
        _statuses(403, 404, 403, 403, 403, 403, 404, 403),
    ),
    # Named participants are personal data: the export is the school's and its coordinators'.
    entry("support:participants-export", {"pk": "@event"}, _statuses(200, 404, 200, 403, 403, 403, 404, 200)),
    entry("support:material-upload", {"pk": "@event"}, everyone(405), CHANGE_CHEMASHI),
    entry("support:material-download", {"pk": "@material"}, READ_CHEMASHI),
    entry("support:material-delete", {"pk": "@material"}, everyone(405), DONE_BY_COORDINATORS),
    entry("support:export-log", {}, _statuses(200, 200, 403, 403, 403, 403, 403, 200)),
    # Teachers are personal data: the school itself and its coordinators; readers of the school see the summary.
    entry("support:teacher-list", {"code": "chemashi"}, _statuses(200, 404, 200, 403, 403, 403, 404, 200)),
    entry(
        "support:teacher-create",
        {"code": "chemashi"},
        _statuses(200, 404, 200, 403, 403, 403, 404, 200),
        SAME_AS_GET,
    ),
    entry("support:school-competencies", {"code": "chemashi"}, READ_CHEMASHI),
    entry("support:teacher-detail", {"pk": "@teacher"}, KEEP_TEACHERS),
    entry("support:teacher-update", {"pk": "@teacher"}, KEEP_TEACHERS, SAME_AS_GET),
    entry("support:diagnostic-create", {"pk": "@teacher"}, KEEP_TEACHERS, SAME_AS_GET),
    entry("support:development-add", {"pk": "@teacher"}, everyone(405), KEEP_TEACHERS),
    entry(
        "support:development-update",
        {"pk": "@teacher", "record_pk": "@development"},
        KEEP_TEACHERS,
        SAME_AS_GET,
    ),
    entry("support:certificate-download", {"pk": "@teacher", "record_pk": "@development"}, KEEP_TEACHERS),
    # Rows of andra's teacher named under chemashi's: not found, even for those who keep both.
    entry(
        "support:development-update",
        {"pk": "@teacher", "record_pk": "@other_development"},
        everyone(404),
        SAME_AS_GET,
    ),
    entry(
        "support:certificate-download",
        {"pk": "@teacher", "record_pk": "@other_development"},
        everyone(404),
    ),
    entry(
        "support:route-done",
        {"pk": "@teacher", "step_pk": "@other_route_step"},
        everyone(405),
        everyone(404),
    ),
    entry("support:route-add", {"pk": "@teacher"}, everyone(405), _statuses(302, 404, 302, 404, 404, 404, 404, 302)),
    entry(
        "support:route-done",
        {"pk": "@teacher", "step_pk": "@route_step"},
        everyone(405),
        _statuses(302, 404, 302, 404, 404, 404, 404, 302),
    ),
]


test_get, test_post = matrix_tests(ENTRIES)
