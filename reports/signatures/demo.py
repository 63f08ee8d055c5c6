"""Signed documents of the demo (docs/demo.md): the «ЦЕЛЕВЫЕ ПОКАЗАТЕЛИ» annex of Октябрьский район and the plan annex
of Городецкий район, each signed once by the municipality's coordinator with the demo certificate, so that the
inspector finds something in the document registry. Idempotent: an existing entry of the same kind, municipality and
year is kept (a signed document is never re-made). Nothing is signed with a certificate other than the demo one."""

import logging
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model

from registry.models import Municipality

from .. import signing
from ..documents.base import DocumentUnavailable
from ..documents.kinds import document_for
from . import services
from .models import SignedDocument

logger = logging.getLogger(__name__)

# (kind, municipality, year, signer's login)
DEMO_DOCUMENTS = [
    ("indicators", "oktyabrsky", 2022, "coord-oktyabrsky"),
    ("plan", "gorodets", 2021, "coord-gorodets"),
]


def load(tally) -> None:
    if Path(settings.DOCUMENT_SIGNING_P12) != Path(settings.DOCUMENT_SIGNING_DEMO_P12):
        return  # a real certificate is installed: the demo signs nothing with it
    signing.ensure_demo_certificate()
    users = get_user_model().objects
    for kind, code, year, login in DEMO_DOCUMENTS:
        municipality = Municipality.objects.filter(code=code).first()
        if municipality is None:
            continue
        if SignedDocument.objects.filter(kind=kind, municipality=municipality, year=year).exists():
            continue
        try:
            document = document_for(kind, municipality, year)
            services.sign(document, users.filter(username=login).first())
        except (DocumentUnavailable, signing.SigningUnavailable) as error:
            logger.warning("The demo document %s of %s for %s was not signed: %s", kind, code, year, error)
            continue
        tally.note(str(SignedDocument._meta.verbose_name_plural), True, False)
