from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.access import CHANGE
from registry.access import municipalities_visible_to, schools_editable_by, schools_visible_to
from registry.models import Pairing
from shnor_portal.htmx import render_page_or_fragment
from shnor_portal.pagination import paginate
from shnor_portal.xlsx import xlsx_response

from ..access import can_change_pairing, get_pairing_for, pairings_visible_to
from ..diagram import network_svg
from ..exports import pairings_workbook
from ..forms import PairingEndForm, PairingFilterForm, PairingForm, PairingRenewForm
from ..services import end_pairing, renew_pairing, save_pairing_form


def _filtered(request):
    form = PairingFilterForm(request.GET or None, municipalities=municipalities_visible_to(request.user))
    pairings = form.filter_qs(
        pairings_visible_to(request.user).select_related("mentor__municipality", "mentee__municipality")
    ).order_by("mentee__municipality__name", "mentee__short_name", "-start")
    return form, pairings


def _subtitle(form) -> str:
    if not form.is_valid():
        return ""
    parts = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if value:
            shown = dict(field.choices).get(value, value) if name == "status" else value
            parts.append(f"{field.label}: {shown}")
    return _("Filters: %(filters)s") % {"filters": "; ".join(parts) or _("none")}


def _linked_schools(user, pairings) -> set[int]:
    """The schools of `pairings` whose pages the reader may open (one query)."""
    shown = {school for pairing in pairings for school in (pairing.mentor_id, pairing.mentee_id)}
    return set(schools_visible_to(user).filter(pk__in=shown).values_list("pk", flat=True))


@login_required
@require_GET
def pairing_list(request):
    form, pairings = _filtered(request)
    if request.GET.get("export") == "xlsx":
        return xlsx_response("pairings.xlsx", pairings_workbook(pairings, _subtitle(form)))
    page, query = paginate(request, pairings, settings.REGISTRY_PAGE_SIZE)
    context = {
        "filter_form": form,
        "page": page,
        # A pairing is seen by both schools, each school's page only by its own readers: the other is named, unlinked.
        "linked_schools": _linked_schools(request.user, page.object_list),
        "query": query,
        "filtered": form.filtered,
        "can_create": schools_editable_by(request.user).exists(),
    }
    return render_page_or_fragment(request, "support/pairing/list.html", "support/pairing/_table.html", context)


@login_required
@require_GET
def pairing_diagram(request):
    form, pairings = _filtered(request)
    pairings = list(pairings[:300])
    svg = network_svg(
        pairings,
        _("Mentoring network: mentor school → supported school"),
        _linked_schools(request.user, pairings),
    )
    return render(
        request, "support/pairing/diagram.html", {"filter_form": form, "svg": svg, "query": request.GET.urlencode()}
    )


@login_required
@require_GET
def pairing_detail(request, pk):
    pairing = get_pairing_for(request.user, pk)
    chain = Pairing.objects.filter(mentor=pairing.mentor, mentee=pairing.mentee).order_by("-start")
    can_change = can_change_pairing(request.user, pairing)
    context = {
        "pairing": pairing,
        "agreements": chain,
        "can_change": can_change,
        "linked_schools": _linked_schools(request.user, [pairing]),
    }
    return render(request, "support/pairing/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def pairing_create(request):
    if not schools_editable_by(request.user).exists():
        raise PermissionDenied
    form = PairingForm(request.POST or None, user=request.user)
    if request.method == "POST":
        pairing = save_pairing_form(form)
        if pairing:
            messages.success(request, _("Pairing «%(pairing)s» saved.") % {"pairing": pairing})
            return redirect(pairing)
    return render(request, "support/pairing/form.html", {"form": form, "pairing": None})


@login_required
@require_http_methods(["GET", "POST"])
def pairing_update(request, pk):
    pairing = get_pairing_for(request.user, pk, CHANGE)
    form = PairingForm(request.POST or None, instance=pairing, user=request.user)
    if request.method == "POST" and save_pairing_form(form):
        messages.success(request, _("Changes saved."))
        return redirect(pairing)
    return render(request, "support/pairing/form.html", {"form": form, "pairing": pairing})


def _apply_errors(form, error: ValidationError, default: str) -> None:
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None if field == "__all__" else default, errors)


@login_required
@require_http_methods(["GET", "POST"])
def pairing_end(request, pk):
    pairing = get_pairing_for(request.user, pk, CHANGE)
    form = PairingEndForm(request.POST or None, initial={"end": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            end_pairing(pairing, form.cleaned_data["end"])
        except ValidationError as error:
            pairing.refresh_from_db()
            _apply_errors(form, error, "end")
        else:
            messages.success(
                request, _("The agreement has ended on %(end)s.") % {"end": pairing.end.strftime("%d.%m.%Y")}
            )
            return redirect(pairing)
    return render(request, "support/pairing/end.html", {"form": form, "pairing": pairing})


@login_required
@require_http_methods(["GET", "POST"])
def pairing_renew(request, pk):
    pairing = get_pairing_for(request.user, pk, CHANGE)
    form = PairingRenewForm(request.POST or None, previous=pairing)
    if request.method == "POST" and form.is_valid():
        try:
            new = renew_pairing(pairing, form.instance)
        except ValidationError as error:
            pairing.refresh_from_db()
            _apply_errors(form, error, "start")
        else:
            messages.success(
                request, _("The agreement is renewed from %(start)s.") % {"start": new.start.strftime("%d.%m.%Y")}
            )
            return redirect(new)
    return render(request, "support/pairing/renew.html", {"form": form, "pairing": pairing})
