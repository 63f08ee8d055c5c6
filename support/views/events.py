import calendar
import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS, WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import CHANGE, scope_of
from registry.access import schools_visible_to
from registry.models import School
from shnor_portal.files.uploads import shortened_name
from shnor_portal.htmx import render_page_or_fragment
from shnor_portal.pagination import paginate
from shnor_portal.xlsx import xlsx_response

from ..access import (
    can_change_event,
    can_record_events,
    events_visible_to,
    get_event_for,
    get_material_for,
    named_participants_visible_to,
)
from ..export_log import log_named_export
from ..exports import events_workbook, participants_workbook
from ..forms import EventFilterForm, EventForm, MaterialForm, ParticipantCountsForm, ParticipantForm
from ..models import EventMaterial, EventSchool, EventType, ExportKind
from ..services import set_event_schools


def _events(request, fixed_type=None):
    form = EventFilterForm(
        request.GET or None,
        # What the filter's options and its validation need: a region offers 1,000 of them.
        schools=schools_visible_to(request.user).order_by("short_name").only("pk", "code", "short_name"),
        fixed_type=fixed_type,
    )
    events = form.filter_qs(events_visible_to(request.user))
    events = events.select_related("organiser_school", "organiser_municipality").prefetch_related(
        Prefetch("event_schools", queryset=EventSchool.objects.select_related("school"))
    )
    return form, events


def _subtitle(form) -> str:
    return _("Filters: %(filters)s") % {"filters": form.describe() or _("none")}


@login_required
@require_GET
def event_list(request):
    form, events = _events(request)
    events = events.order_by("-start", "topic")
    if request.GET.get("export") == "xlsx":
        return xlsx_response("support-events.xlsx", events_workbook(events, _("Support events"), _subtitle(form)))
    page, query = paginate(request, events, settings.REGISTRY_PAGE_SIZE)
    context = {
        "filter_form": form,
        "page": page,
        "query": query,
        "filtered": form.filtered,
        "can_create": can_record_events(request.user),
    }
    return render_page_or_fragment(request, "support/event/list.html", "support/event/_table.html", context)


@login_required
@require_GET
def consultation_journal(request):
    """The consultation journal: the filtered list of consultations, on a page that prints as the journal."""
    form, events = _events(request, fixed_type=EventType.CONSULTATION)
    events = events.order_by("start", "topic")
    if request.GET.get("export") == "xlsx":
        title = _("Consultation journal")
        return xlsx_response("consultations.xlsx", events_workbook(events, title, _subtitle(form)))
    context = {
        "filter_form": form,
        "events": events[:1000],
        "query": request.GET.urlencode(),
        "filtered": form.filtered,
    }
    return render(request, "support/event/journal.html", context)


def _month(value: str | None) -> dt.date:
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return dt.date(year, month, 1) if 1900 <= year <= 2199 else timezone.localdate().replace(day=1)
    except ValueError:
        return timezone.localdate().replace(day=1)


@login_required
@require_GET
def event_calendar(request):
    first = _month(request.GET.get("month"))
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    form, events = _events(request)
    events = list(events.overlapping(first, last).order_by("start", "topic"))
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
        weeks.append(
            [
                {
                    "day": day,
                    "in_month": day.month == first.month,
                    "events": [e for e in events if e.start <= day <= e.last_day],
                }
                for day in week
            ]
        )
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    following = last + dt.timedelta(days=1)
    params = request.GET.copy()
    params.pop("month", None)
    context = {
        "filter_form": form,
        "weeks": weeks,
        "month_label": f"{MONTHS[first.month]} {first.year}",
        "month": first,
        "previous": previous.strftime("%Y-%m"),
        "following": following.strftime("%Y-%m"),
        "query": params.urlencode(),
        "count": len(events),
        "weekdays": [WEEKDAYS_ABBR[day] for day in range(7)],
    }
    return render(request, "support/event/calendar.html", context)


def _name_schools(user, schools):
    """Target schools whose participants' names the user may see and keep (the personal data rule)."""
    scope = scope_of(user)
    return [
        s
        for s in schools
        if scope.is_admin or s.municipality_id in scope.municipalities_edit or s.pk in scope.principal_schools
    ]


def _participant_form(user, event, schools, data=None):
    allowed = _name_schools(user, schools)
    if not allowed:
        return None
    form = ParticipantForm(data, schools=School.objects.filter(pk__in=[s.pk for s in allowed]))
    form.helper.form_action = reverse("support:participant-add", kwargs={"pk": event.pk})
    return form


def _detail_context(request, event, material_form=None) -> dict:
    event_schools = list(event.event_schools.select_related("school"))
    schools = [row.school for row in event_schools]
    changeable = can_change_event(request.user, event)
    return {
        "event": event,
        "event_schools": event_schools,
        "total": sum(row.participants or 0 for row in event_schools),
        "participants": named_participants_visible_to(request.user).filter(event=event).select_related("school"),
        "names_allowed": bool(_name_schools(request.user, schools)),
        "can_change": changeable,
        "materials": event.materials.all(),
        "material_form": (material_form or MaterialForm()) if changeable else None,
        "counts_form": ParticipantCountsForm(event_schools=event_schools) if changeable else None,
        "participant_form": _participant_form(request.user, event, schools) if changeable else None,
    }


@login_required
@require_GET
def event_detail(request, pk):
    event = get_event_for(request.user, pk)
    return render(request, "support/event/detail.html", _detail_context(request, event))


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request):
    if not can_record_events(request.user):
        raise PermissionDenied
    form = EventForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            event = form.save(commit=False)
            event.created_by = request.user
            event.save()
            set_event_schools(event, form.cleaned_data["target_schools"])
        messages.success(request, _("Event saved."))
        return redirect(event)
    return render(request, "support/event/form.html", {"form": form, "event": None})


@login_required
@require_http_methods(["GET", "POST"])
def event_update(request, pk):
    event = get_event_for(request.user, pk, CHANGE)
    form = EventForm(request.POST or None, instance=event, user=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            event = form.save()
            set_event_schools(event, form.cleaned_data["target_schools"])
        messages.success(request, _("Changes saved."))
        return redirect(event)
    return render(request, "support/event/form.html", {"form": form, "event": event})


@login_required
@require_POST
def event_delete(request, pk):
    event = get_event_for(request.user, pk, CHANGE)
    for material in event.materials.all():
        material.file.delete(save=False)
    event.delete()
    messages.success(request, _("Event deleted; it stays in the history of changes."))
    return redirect("support:event-list")


@login_required
@require_POST
def event_counts(request, pk):
    event = get_event_for(request.user, pk, CHANGE)
    form = ParticipantCountsForm(request.POST, event_schools=event.event_schools.select_related("school"))
    if form.is_valid():
        form.save()
        messages.success(request, _("Participant numbers saved."))
    else:
        messages.error(request, _("Participant numbers are whole numbers from 0 to 10 000."))
    return redirect(event)


@login_required
@require_POST
def participant_add(request, pk):
    event = get_event_for(request.user, pk, CHANGE)
    schools = [row.school for row in event.event_schools.select_related("school")]
    form = _participant_form(request.user, event, schools, data=request.POST)
    if form is None:
        raise PermissionDenied
    if form.is_valid():
        participant = form.save(commit=False)
        participant.event = event
        participant.save()
        messages.success(request, _("Participant added."))
    else:
        messages.error(request, _("Choose the school and give the participant's name."))
    return redirect(event)


@login_required
@require_GET
def participants_export(request, pk):
    """The event's named participants the user may see, as .xlsx; personal data, so the export is logged."""
    event = get_event_for(request.user, pk)
    participants = list(
        named_participants_visible_to(request.user)
        .filter(event=event)
        .select_related("school__municipality")
        .order_by("school__short_name", "full_name")
    )
    schools = [row.school for row in event.event_schools.select_related("school")]
    if not participants and not _name_schools(request.user, schools):
        raise PermissionDenied
    # One log row per municipality of the participants' schools (the people exported are theirs, whoever organised
    # the event), with that municipality's rows; an empty list is logged under the event's municipality.
    groups: dict[int, list] = {}
    for participant in participants:
        groups.setdefault(participant.school.municipality_id, []).append(participant)
    description = _("Participants · %(event)s") % {"event": str(event)[:400]}
    for rows in groups.values() or [[]]:
        exported_schools = {row.school for row in rows} or set(schools)
        log_named_export(
            request,
            kind=ExportKind.PARTICIPANTS,
            description=description,
            rows=len(rows),
            municipality=rows[0].school.municipality if rows else event.municipality,
            school=exported_schools.pop() if len(exported_schools) == 1 else None,
            params={"event": event.pk},
        )
    return xlsx_response(f"participants-{event.pk}.xlsx", participants_workbook(event, participants))


@login_required
@require_POST
def participant_delete(request, pk, participant_pk):
    event = get_event_for(request.user, pk, CHANGE)
    participant = named_participants_visible_to(request.user).filter(event=event, pk=participant_pk).first()
    if participant is None:
        raise PermissionDenied
    participant.delete()
    messages.success(request, _("Participant removed."))
    return redirect(event)


@login_required
@require_POST
def material_upload(request, pk):
    event = get_event_for(request.user, pk, CHANGE)
    form = MaterialForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        EventMaterial.objects.create(
            event=event,
            file=upload,
            name=shortened_name(upload.name),
            kind=form.kind,
            size=upload.size,
            uploaded_by=request.user,
        )
        messages.success(request, _("Material «%(name)s» uploaded.") % {"name": upload.name})
        return redirect(event)
    # An invalid file: the page again, with the error beside the file field (status 200, habit 10).
    context = _detail_context(request, event, material_form=form)
    return render(request, "support/event/detail.html", context, status=200)


@login_required
@require_POST
def material_delete(request, pk):
    material = get_material_for(request.user, pk)
    event = get_event_for(request.user, material.event_id, CHANGE)
    material.delete()  # its file is removed once the deletion commits (support/signals.py)
    messages.success(request, _("Material deleted."))
    return redirect(event)


@login_required
@require_GET
def material_download(request, pk):
    material = get_material_for(request.user, pk)
    try:
        return material.download()
    except FileNotFoundError:
        raise Http404 from None  # the material names a file no longer in the storage
