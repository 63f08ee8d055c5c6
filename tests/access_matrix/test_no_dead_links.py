"""No link leads a reader to a page that refuses them: every persona's pages are followed, link by link, from the home
page through the access matrix's world, and no link (href or hx-get) shown to a persona answers 403 or 404 for it."""

import re
from collections import deque

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client

from .cases import PERSONAS

pytestmark = pytest.mark.django_db

LINK = re.compile(r'(?:href|hx-get)="(/[^"#]*)"')
# Not pages: downloads and exports answer files, logout ends the session, the admin has its own permission screens.
SKIPPED = ("/accounts/logout", "/static/", "/media/", "/admin/", "export=", "download", "/healthz")
PAGES_PER_PERSONA = 120


def _pattern(url: str) -> str:
    """A page kind: numbers, codes and query values vary between the links of one list."""
    path, _sep, query = url.partition("?")
    path = re.sub(r"/\d+/", "/N/", path)
    keys = sorted(part.split("=")[0] for part in query.split("&") if part)
    return f"{path}?{'&'.join(keys)}"


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "outsider"])
def test_no_link_shown_to_a_persona_is_refused_to_it(matrix, persona):
    _world, sessions, _objects = matrix
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = sessions[persona]
    queue, seen_urls, seen_kinds, refused = deque([("/", "")]), set(), {}, []
    with transaction.atomic():
        while queue and len(seen_urls) < PAGES_PER_PERSONA:
            url, parent = queue.popleft()
            url = url.replace("&amp;", "&")
            kind = _pattern(url)
            if url in seen_urls or any(part in url for part in SKIPPED) or seen_kinds.get(kind, 0) >= 3:
                continue
            seen_urls.add(url)
            seen_kinds[kind] = seen_kinds.get(kind, 0) + 1
            response = client.get(url)
            if response.status_code in (403, 404):
                refused.append(f"{url} ({response.status_code}), linked from {parent}")
            if response.status_code == 200 and "html" in response.get("Content-Type", ""):
                queue.extend((link, url) for link in LINK.findall(response.content.decode()))
        transaction.set_rollback(True)
    assert len(seen_urls) > 10, seen_urls
    assert not refused, "\n".join(refused)
