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


def exclude_listing(listing: Listing, end, end_basis: str) -> Listing:
    """End a listing on `end` by the order `end_basis`; the history records who did it."""
    with transaction.atomic():
        School.objects.select_for_update().filter(pk=listing.school_id).exists()
        listing.end = end
        listing.end_basis = end_basis.strip()
        listing.full_clean()
        listing.save(update_fields=["end", "end_basis"])
    return listing
