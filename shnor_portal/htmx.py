"""Full page or fragment: one decision for every view that serves both; an htmx request sent to the login page."""

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.http import HttpResponse, QueryDict
from django.shortcuts import render, resolve_url
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme


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


class HtmxLoginRedirectMiddleware:
    """An htmx request whose session has expired: `login_required` answers with a redirect to the login page, htmx
    would follow it and swap the whole login page into a table row. Instead the browser is sent to the login page
    (204 with HX-Redirect), with `next` the page the user was on (HX-Current-URL when it is of this site, else the
    requested path), so that after signing in they come back to it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.headers.get("HX-Request") != "true" or response.status_code not in (301, 302, 303, 307, 308):
            return response
        login = urlsplit(resolve_url(settings.LOGIN_URL))
        target = urlsplit(response.get("Location", ""))
        if target.path != login.path or (target.netloc and target.netloc != (login.netloc or request.get_host())):
            return response
        redirect = HttpResponse(status=204)
        query = QueryDict(mutable=True)
        query["next"] = _current_page(request)
        redirect["HX-Redirect"] = urlunsplit(("", "", login.path, query.urlencode(safe="/"), ""))
        return redirect


def _current_page(request) -> str:
    """The path (with its query) of the page htmx was sent from, if it is a page of this site; the request's own
    path otherwise."""
    current = request.headers.get("HX-Current-URL", "")
    if current and url_has_allowed_host_and_scheme(
        current, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(current)
        if parts.path.startswith("/"):
            return urlunsplit(("", "", parts.path, parts.query, ""))
    return request.get_full_path()
