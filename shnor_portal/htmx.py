"""Full page or fragment: one decision for every view that serves both."""

from django.shortcuts import render
from django.utils.cache import patch_vary_headers


def wants_fragment(request) -> bool:
    # A history-restore request rebuilds a whole page from the server, so it needs the full layout.
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


def render_page_or_fragment(request, page_template: str, fragment_template: str, context: dict):
    template = fragment_template if wants_fragment(request) else page_template
    response = render(request, template, context)
    # Caches (the browser's included) must not hand a fragment back for a full page load.
    patch_vary_headers(response, ["HX-Request"])
    return response
