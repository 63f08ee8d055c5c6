from django.db import transaction

from ..models import Listing, School


def save_listing_form(form) -> Listing | None:
    """Validate and save a listing form while holding a lock on its school.

    The overlap rule of `Listing.clean` reads other listings of the school; the lock makes two concurrent saves
    take turns, so they cannot both pass it. Returns None when the form is invalid.
    """
    with transaction.atomic():
        School.objects.select_for_update().filter(pk=form.instance.school_id).exists()
        if not form.is_valid():
            return None
        return form.save()
