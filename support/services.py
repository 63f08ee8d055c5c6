"""Use cases of pairings and events that touch several rows: each runs in one transaction."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from registry.models import Pairing, PairingStatus, School
from shnor_portal.audit.recording import record_bulk

from .models import EventSchool


def _lock_pair(mentee_id: int) -> None:
    # The overlap rule reads the pair's other agreements; a lock on the supported school makes two saves take turns.
    School.objects.select_for_update().filter(pk=mentee_id).exists()


def save_pairing_form(form) -> Pairing | None:
    """Validate and save a pairing form under the pair's lock; None when the form is invalid."""
    with transaction.atomic():
        mentee = form.data.get(form.add_prefix("mentee")) if form.is_bound else None
        if form.instance.mentee_id or mentee:
            _lock_pair(form.instance.mentee_id or _int(mentee))
        if not form.is_valid():
            return None
        return form.save()


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def end_pairing(pairing: Pairing, end: dt.date) -> Pairing:
    """End an active agreement on `end` (raises ValidationError, e.g. when `end` is before the start)."""
    with transaction.atomic():
        _lock_pair(pairing.mentee_id)
        pairing.refresh_from_db()
        if pairing.status != PairingStatus.ACTIVE:
            raise ValidationError({"end": _("Only an active agreement can be ended.")})
        pairing.end = end
        pairing.status = PairingStatus.ENDED
        pairing.full_clean()
        pairing.save(update_fields=["end", "status"])
    return pairing


def renew_pairing(pairing: Pairing, new: Pairing) -> Pairing:
    """Close `pairing` the day before `new.start` (status «renewed») and save `new` as its successor."""
    with transaction.atomic():
        _lock_pair(pairing.mentee_id)
        pairing.refresh_from_db()
        if pairing.status != PairingStatus.ACTIVE:
            raise ValidationError({"start": _("Only an active agreement can be renewed.")})
        if new.start <= pairing.start:
            raise ValidationError({"start": _("The renewed agreement must start after the current one starts.")})
        old_end = pairing.end
        pairing.end = min(old_end, new.start - dt.timedelta(days=1)) if old_end else new.start - dt.timedelta(days=1)
        pairing.status = PairingStatus.RENEWED
        pairing.full_clean()
        pairing.save(update_fields=["end", "status"])
        new.mentor_id, new.mentee_id = pairing.mentor_id, pairing.mentee_id
        new.cross_municipality = pairing.cross_municipality
        new.renewed_from = pairing
        new.status = PairingStatus.ACTIVE
        new.full_clean()
        new.save()
    return new


def set_event_schools(event, schools) -> None:
    """Make the event's target schools exactly `schools`, keeping participant counts of schools that stay."""
    wanted = {school.pk for school in schools}
    EventSchool.objects.filter(event=event).exclude(school_id__in=wanted).delete()
    have = set(EventSchool.objects.filter(event=event).values_list("school_id", flat=True))
    added = [EventSchool(event=event, school_id=pk) for pk in sorted(wanted - have)]
    # bulk_create_with_history sends no signal: the audit trail is told of the new rows itself.
    bulk_create_with_history(added, EventSchool)
    record_bulk(EventSchool, added)
