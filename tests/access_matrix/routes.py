"""The named routes of the URL configuration, walked recursively with their namespaces."""

from django.urls import URLResolver, get_resolver

# Not portal pages: the Django admin has its own staff-only permission tests (tests/test_admin_site.py) and its
# routes are Django's, not ours.
OUTSIDE_THE_MATRIX = ("admin:",)


def named_routes(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            names |= named_routes(pattern, f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix)
        elif pattern.name:
            names.add(prefix + pattern.name)
    return names


def portal_routes():
    return {name for name in named_routes() if not name.startswith(OUTSIDE_THE_MATRIX)}
