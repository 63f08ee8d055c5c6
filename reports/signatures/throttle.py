"""How often one client may ask the public verification page (see models.VerificationAttempt)."""

import datetime as dt
import hashlib

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.utils import timezone

from .models import VerificationAttempt


def client_key(request) -> str:
    # The address as django-axes reads it (the same proxy settings as the login lockout), salted and hashed.
    address = get_client_ip_address(request) or "unknown"
    return hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()


def allow(request) -> bool:
    """Record one attempt of the request's client unless it used up the window's allowance; False when it did."""
    now = timezone.now()
    since = now - dt.timedelta(minutes=settings.DOCUMENT_VERIFY_WINDOW_MINUTES)
    key = client_key(request)
    # Attempts that left the window are of no use to anyone (an indexed delete of a few rows at most).
    VerificationAttempt.objects.filter(at__lt=since).delete()
    if VerificationAttempt.objects.filter(client=key, at__gte=since).count() >= settings.DOCUMENT_VERIFY_ATTEMPTS:
        return False
    VerificationAttempt.objects.create(client=key, at=now)
    return True
