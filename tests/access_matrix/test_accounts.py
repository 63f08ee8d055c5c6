"""Accounts and the portal's own routes: the dashboard, the audit trail, signing in and out, passwords, /healthz."""

import pytest

from .cases import LOGIN, NO_POST, SAME_AS_GET, _statuses, entry, everyone, matrix_tests

pytestmark = pytest.mark.django_db

PUBLIC = {"anonymous_get": 200, "anonymous_post": 405}
ENTRIES = [
    # A page that only reads: it answers a POST as a GET, and nobody's POST may write.
    entry("dashboard", {}, everyone(200), SAME_AS_GET, writers=()),
    # The audit trail: everyone with a municipality, a region or a school of their own reads their part of it (the
    # mentor persona is also the principal of its school); a user without any scope gets 403.
    entry("audit-list", {}, _statuses(200, 200, 200, 200, 200, 200, 403, 200)),
    entry("password-change", {}, everyone(200), SAME_AS_GET),
    entry("password-change-done", {}, everyone(200)),
    # Signing in: a signed-in user is sent on to the portal; the form itself is public.
    entry("login", {}, everyone(302), SAME_AS_GET, anonymous_get=200, anonymous_post=200, writers=()),
    # Signing out is a POST only, and lands on the sign-in page.
    entry("logout", {}, NO_POST, everyone(LOGIN), anonymous_get=405, writers=()),
    # The password reset pages are public (a forgotten password is the reason to be there); an empty form only
    # shows its errors, and an unknown link says it is invalid.
    entry("password-reset", {}, everyone(200), SAME_AS_GET, anonymous_get=200, anonymous_post=200, writers=()),
    entry("password-reset-done", {}, everyone(200), **PUBLIC),
    entry(
        "password_reset_confirm",
        {"uidb64": "MQ", "token": "set-password"},
        everyone(200),
        SAME_AS_GET,
        anonymous_get=200,
        anonymous_post=200,
        writers=(),
    ),
    entry("password-reset-complete", {}, everyone(200), **PUBLIC),
    # The health check answers without a login (monitoring has none) and only to GET.
    entry("healthz", {}, everyone(200), **PUBLIC),
]


test_get, test_post = matrix_tests(ENTRIES)
