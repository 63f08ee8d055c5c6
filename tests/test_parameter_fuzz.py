"""Every page a user can open × every parameter it reads × hostile values: never a 500.

The pages come from the URL conf (every named route without required arguments that answers 200 to a coordinator
or an administrator) and from the access matrix (the pages with arguments, with the personas that open them). The
parameter names are the fields of the page's filter forms plus the names list pages commonly read.
"""

from types import SimpleNamespace

import pytest
from django import forms
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .access_matrix.cases import PERSONAS, url_of
from .access_matrix.objects import build_objects
from .access_matrix.test_every_route_has_an_entry import ENTRIES

pytestmark = pytest.mark.django_db
OBJECTS = pytest.StashKey[dict]()

COMMON = [
    "q",
    "page",
    "sort",
    "o",
    "year",
    "municipality",
    "school",
    "status",
    "on",
    "procedure",
    "subject",
    "grade",
    "kind",
    "state",
    "type",
    "level",
    "plan",
    "export",
    "with",
]
VALUES = ["\x00", "a\x00b", "я" + "x" * 9_999]
# Not UTF-8 at all: percent-escaped bytes, and raw bytes as a WSGI server hands them over (latin-1 in a str).
RAW_QUERIES = ["%FF%FE", "\xff\xfe"]
SKIPPED = {"logout", "admin:logout", "login", "admin:login"}  # signing in and out are not list pages


def _routes_without_arguments(patterns=None, namespace=None):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace])) or None
            yield from _routes_without_arguments(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name and not pattern.pattern.regex.groups:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            # The admin's add forms are in too: they take initial values from the query string
            # (shnor_portal/admin_site.py drops those that are no key of the related model).
            if name not in SKIPPED:
                yield name


MATRIX_PAGES = {(item.name, tuple(sorted(item.kwargs.items()))): item.get for item in ENTRIES}
PAGES = sorted(
    {(name, ()) for name in _routes_without_arguments()}
    | {key for key, expected in MATRIX_PAGES.items() if key[1] and 200 in expected.values()},
    key=str,
)


def _parameter_names(response) -> list[str]:
    """The fields of every form (or filter set) the page rendered, and the common names."""
    names = set(COMMON)
    for context in response.context or []:
        for value in context.flatten().values() if hasattr(context, "flatten") else []:
            form = getattr(value, "form", value)  # a django-filter FilterSet carries its form
            if isinstance(form, forms.BaseForm):
                names.update(form.fields)
    return sorted(names)


class _MatrixObjects(dict):
    """The access matrix's objects on this test's world, made on first use (most pages need none)."""

    def __init__(self, request, world):
        super().__init__()
        self.request, self.world = request, world

    def __missing__(self, key):
        self.update(build_objects(self.world, self.request.getfixturevalue("coordinator")))
        return self[key]


def resolve(request, world, name, kwargs):
    objects = request.node.stash.setdefault(OBJECTS, _MatrixObjects(request, world))
    return url_of(SimpleNamespace(name=name, kwargs=kwargs), objects)


def _openers(request, client, world, name, kwargs):
    """(persona, url) for every persona that opens the page."""
    expected = MATRIX_PAGES.get((name, kwargs))
    candidates = PERSONAS if expected else ["coordinator", "administrator"]
    found = []
    for persona in candidates:
        if expected and expected[persona] != 200:
            continue
        client.force_login(request.getfixturevalue(persona))
        url = resolve(request, world, name, dict(kwargs))
        if client.get(url).status_code == 200:
            found.append((persona, url))
    return found


@pytest.mark.parametrize(("name", "kwargs"), PAGES, ids=[f"{name}{dict(kwargs) or ''}" for name, kwargs in PAGES])
def test_no_hostile_parameter_breaks_a_page(client, request, world, name, kwargs):
    openers = _openers(request, client, world, name, kwargs)
    if not openers:
        pytest.skip("no persona opens this page without arguments")  # e.g. a POST-only action
    client.raise_request_exception = False  # a failure is counted as the 500 a visitor would see
    failures = []
    for index, (persona, url) in enumerate(openers):
        client.force_login(request.getfixturevalue(persona))
        names = _parameter_names(client.get(url))
        # Each value goes into every name at once (the cleaning happens before any view reads a name, so one name
        # cannot hide another); every persona sends a NUL, the first one every other value too.
        values = VALUES if index == 0 else VALUES[1:2]
        for value in values:
            status = client.get(url, dict.fromkeys(names, value)).status_code
            if status >= 500:
                failures.append((persona, url, value[:8], status))
        for raw in RAW_QUERIES if index == 0 else []:
            status = client.get(url, QUERY_STRING="&".join(f"{name}={raw}" for name in names)).status_code
            if status >= 500:
                failures.append((persona, url, raw, status))
    assert not failures, failures


def test_the_pages_come_from_the_url_conf():
    """The fuzz above covers the list pages of every app, not a hand-kept subset."""
    names = {name for name, _ in PAGES}
    assert {"roadmaps:plan-list", "registry:school-list", "support:event-list", "reports:results-list"} <= names
    assert "admin:registry_school_changelist" in names
    assert ("registry:school-detail", (("code", "chemashi"),)) in PAGES
    assert reverse("roadmaps:plan-list") == "/roadmaps/"


def test_a_nul_in_the_plan_list_municipality_is_no_500(client_for, coordinator):
    """The issue's own example: «/roadmaps/?municipality=%00» raised «A string literal cannot contain NUL»."""
    response = client_for(coordinator).get("/roadmaps/", QUERY_STRING="municipality=%00")
    assert response.status_code == 200
    assert response.context["chosen"]["municipality"] == ""


def test_the_query_string_is_read_as_free_text():
    from django.http import QueryDict

    from shnor_portal.params import MAX_NAME, MAX_TEXT, clean_query, parse_text

    assert parse_text("a\x00b\x1f\x7fc\td") == "abc\td"
    assert parse_text("я" * (MAX_TEXT + 5)) == "я" * MAX_TEXT
    assert parse_text(None) == parse_text(["x"]) == ""
    query = QueryDict(f"q=a%00b&q=ok&{'n' * (MAX_NAME + 1)}=1&page=%FF")
    cleaned = clean_query(query)
    assert cleaned.getlist("q") == ["ab", "ok"]
    assert cleaned["n" * MAX_NAME] == "1" and cleaned["page"] == "\ufffd"
    assert not cleaned._mutable
    clean = QueryDict("q=%D0%B0&page=2")
    assert clean_query(clean) is clean
