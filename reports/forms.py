from django.utils.translation import gettext_lazy as _

from registry.forms import ListingForm
from registry.models import Status


class FlagListingForm(ListingForm):
    """The registry's listing form, opened from the flag page: «стабильно низкие результаты» is proposed, and a
    listing given on the strength of the flags needs the order that gives it (number and date)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("status", Status.STABLE_LOW)
        super().__init__(*args, **kwargs)
        for name in ("basis_number", "basis_date"):
            self.fields[name].required = True
            self.fields[name].error_messages["required"] = _("State the order that gives the status: number and date.")
