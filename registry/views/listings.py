from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import CHANGE

from ..access import get_listing_for, get_school_for
from ..forms import ExcludeForm, ListingForm
from ..services.listings import exclude_listing, save_listing_form


def _listings_url(school):
    return reverse("registry:school-tab", kwargs={"code": school.code, "tab": "listings"})


@login_required
@require_http_methods(["GET", "POST"])
def listing_create(request, code):
    school = get_school_for(request.user, code, CHANGE)
    form = ListingForm(request.POST or None, school=school)
    if request.method == "POST" and save_listing_form(form):
        messages.success(request, _("Listing added."))
        return redirect(_listings_url(school))
    return render(request, "registry/listing/form.html", {"form": form, "school": school, "listing": None})


@login_required
@require_http_methods(["GET", "POST"])
def listing_update(request, pk):
    listing = get_listing_for(request.user, pk, CHANGE)
    form = ListingForm(request.POST or None, instance=listing, school=listing.school)
    if request.method == "POST" and save_listing_form(form):
        messages.success(request, _("Listing saved."))
        return redirect(_listings_url(listing.school))
    return render(request, "registry/listing/form.html", {"form": form, "school": listing.school, "listing": listing})


@login_required
@require_POST
def listing_delete(request, pk):
    listing = get_listing_for(request.user, pk, CHANGE)
    school = listing.school
    listing.delete()
    messages.success(request, _("Listing deleted; it stays in the history of changes."))
    return redirect(_listings_url(school))


@login_required
@require_http_methods(["GET", "POST"])
def listing_exclude(request, pk):
    listing = get_listing_for(request.user, pk, CHANGE)
    form = ExcludeForm(request.POST or None, listing=listing)
    if request.method == "POST" and form.is_valid():
        try:
            exclude_listing(listing, form.cleaned_data["end"], form.cleaned_data["end_basis"])
        except ValidationError as error:
            listing.refresh_from_db()
            for field, errors in error.message_dict.items():
                form.add_error("end" if field in ("start", "end", "__all__") else field, errors)
            return render(
                request, "registry/listing/exclude.html", {"form": form, "school": listing.school, "listing": listing}
            )
        messages.success(
            request,
            _("«%(school)s» is excluded: %(status)s until %(end)s.")
            % {
                "school": listing.school,
                "status": listing.get_status_display(),
                "end": listing.end.strftime("%d.%m.%Y"),
            },
        )
        return redirect(_listings_url(listing.school))
    return render(
        request, "registry/listing/exclude.html", {"form": form, "school": listing.school, "listing": listing}
    )
