"""The shape of a matrix entry and the two checks every entry gets: a GET and a POST by every persona.

An entry names a route, its URL arguments (a string "@name" stands for the pk of the module world's object of that
name, see objects.py), the GET status per persona and, where the view takes POST, the POST status per persona.
A POST by a persona without the right (403, 404, 405 or the login page) must leave the database as it was; a POST
with empty data by a persona with the right must answer (a form with its errors or a redirect), never fail.
"""

import functools
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

PERSONAS = [
    "coordinator",
    "other_coordinator",
    "principal",
    "mentor",
    "inspector",
    "regional",
    "outsider",
    "administrator",
]
ANONYMOUS = "anonymous"
LOGIN = "login"  # a redirect to the sign-in page
REFUSED = {403, 404, 405, LOGIN}
PORTAL_APPS = ("accounts", "registry", "support", "roadmaps", "reports")


def _statuses(coordinator, other_coordinator, principal, mentor, inspector, regional, outsider, administrator):
    return dict(
        zip(
            PERSONAS,
            (coordinator, other_coordinator, principal, mentor, inspector, regional, outsider, administrator),
            strict=True,
        )
    )


def everyone(status):
    return dict.fromkeys(PERSONAS, status)


NO_POST = everyone(405)
SAME_AS_GET = "same as GET"  # a form page: POST answers as GET does


@dataclass(frozen=True)
class Entry:
    name: str
    kwargs: dict
    get: dict
    post: dict = field(default_factory=lambda: NO_POST)
    anonymous_get: object = LOGIN
    anonymous_post: object = LOGIN
    data: dict = field(default_factory=dict)  # the POST body; "@name" as in kwargs
    # Personas whose POST may write; None: those expected to get a page (200) or a redirect (302). A page that
    # only reads but answers POST too says () so that nobody's POST may write.
    writers: tuple | None = None
    # (method, persona) → why today's answer is suspected to be a leak; the expectation above stays the right one.
    suspected: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.post == SAME_AS_GET:
            object.__setattr__(self, "post", self.get)

    def expected(self, method, persona):
        if persona == ANONYMOUS:
            return self.anonymous_get if method == "GET" else self.anonymous_post
        return (self.get if method == "GET" else self.post)[persona]

    def may_write(self, persona):
        if persona == ANONYMOUS:
            return False
        if self.writers is not None:
            return persona in self.writers
        return self.post[persona] not in REFUSED


def entry(name, kwargs, get, post=NO_POST, **more):
    return Entry(name, kwargs, get, post, **more)


def params(entries, method):
    """One test case per entry with every persona but the suspected ones; each suspected (entry, persona) is a case
    of its own, a strict xfail, so that it shows in every run and fails the run once it is fixed."""
    cases = []
    for number, item in enumerate(entries):
        case_id = f"{item.name}-{number}"
        suspected = {persona: reason for (verb, persona), reason in item.suspected.items() if verb == method}
        plain = [persona for persona in [*PERSONAS, ANONYMOUS] if persona not in suspected]
        cases.append(pytest.param(item, plain, id=case_id))
        for persona, reason in suspected.items():
            mark = pytest.mark.xfail(strict=True, reason=reason)
            cases.append(pytest.param(item, [persona], marks=mark, id=f"{case_id}-{persona}"))
    return cases


def _resolved(values, objects):
    return {
        key: objects[value[1:]].pk if isinstance(value, str) and value.startswith("@") else value
        for key, value in values.items()
    }


def url_of(item, objects):
    return reverse(item.name, kwargs=_resolved(item.kwargs, objects))


@functools.cache
def _tables():
    models = [
        model for label in PORTAL_APPS for model in apps.get_app_config(label).get_models(include_auto_created=True)
    ]
    return sorted({model._meta.db_table for model in models})


def writes():
    """Rows inserted, updated and deleted so far in this transaction, per table of the portal apps. PostgreSQL keeps
    these counts per transaction, rolled-back savepoints included, so any write attempt shows, even one that wrote
    back the same values or was undone: a much cheaper and stricter check than comparing the rows."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_xact_user_tables WHERE relname = ANY(%s)",
            [_tables()],
        )
        return {table: counts for table, *counts in cursor.fetchall()}


def _status(response):
    if response.status_code == 302 and response["Location"].startswith(reverse("login")):
        return LOGIN
    return response.status_code


def _answer(matrix, item, method, persona):
    """(status, tables written) of one request by one persona, undone afterwards so that the next persona finds the
    world as it was."""
    _world, sessions, objects = matrix
    client = Client()
    if persona != ANONYMOUS:
        client.cookies[settings.SESSION_COOKIE_NAME] = sessions[persona]
    url = url_of(item, objects)
    with transaction.atomic():
        if method == "GET":
            response, written = client.get(url), []
        else:
            before = writes()
            response = client.post(url, _resolved(item.data, objects))
            after = writes()
            written = sorted(table for table in after if after[table] != before.get(table))
        transaction.set_rollback(True)
    return _status(response), written


def check(matrix, item, method, personas):
    """Every persona's answer as the entry says; a refused POST, or one to a page that only reads, writes nothing."""
    url = url_of(item, matrix[2])
    failures = []
    for persona in personas:
        status, written = _answer(matrix, item, method, persona)
        expected = item.expected(method, persona)
        if status != expected:
            failures.append(f"{method} {url} as {persona}: {status}, expected {expected}")
        elif method == "POST" and written and not item.may_write(persona):
            failures.append(f"POST {url} as {persona} may not change anything ({status}) but wrote to {written}")
    assert not failures, "\n".join(failures)


def matrix_tests(entries):
    """The GET and the POST test of one module's entries (each module of the matrix builds its own world):
    `test_get, test_post = matrix_tests(ENTRIES)`."""

    @pytest.mark.parametrize(("item", "personas"), params(entries, "GET"))
    def test_get(matrix, item, personas):
        check(matrix, item, "GET", personas)

    @pytest.mark.parametrize(("item", "personas"), params(entries, "POST"))
    def test_post(matrix, item, personas):
        check(matrix, item, "POST", personas)

    return test_get, test_post
