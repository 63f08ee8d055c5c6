"""The web import of a plan table: upload (with owner, period, title) → preview of exactly what was read → confirm.

The checks are the command line's (roadmaps/imports.py: the kind of file by its content, sizes packed and unpacked,
encryption, XML entities; roadmaps/services.py: the owner). The upload is kept between the steps in the media folder
(outside the web root, never served), under a random name that only the uploader's session knows; the preview and
the confirmation read that same file with the same owner and period, and the preview is built with the same reading
(Activity.apply_reading against the plan's period, a stage's deadline for an activity without its own) as the plan
that confirm creates. Confirm first claims the kept file by renaming it (an atomic rename: of two confirmations at
the same moment, from a double click or two tabs, only one finds the file), so one upload makes one plan.
"""

import datetime as dt
import os
import re
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import scope_of

from ..forms_lifecycle import PlanImportForm, import_owner_choices
from ..imports import UPLOADS_FOLDER, PlanFileRefused, ReadPlan, read_plan_file, remove_stale_uploads
from ..models import Level
from ..previews import build_preview
from ..services import Owner, PlanError, create_plan_from_table, resolve_owner

SESSION_KEY = "roadmaps_plan_imports"
KEEP_AT_MOST = 5
FOLDER = UPLOADS_FOLDER
TOKEN = re.compile(r"^[0-9a-f]{32}$")


# --- The kept upload -----------------------------------------------------------------------------------------------


def _kept(request) -> dict:
    return request.session.get(SESSION_KEY, {})


def _sweep() -> None:
    """Uploads of sessions that never came back: gone once older than a session can live (and every night after
    IMPORT_UPLOAD_RETENTION_DAYS, reports/maintenance.py, when nobody uploads)."""
    remove_stale_uploads(timezone.now() - dt.timedelta(seconds=settings.SESSION_COOKIE_AGE))


def _keep(request, content: bytes, name: str) -> str:
    """Store the upload under a random name; the session remembers it (at most a few: the oldest go)."""
    _sweep()
    token = uuid.uuid4().hex
    stored = default_storage.save(f"{FOLDER}/{token}.xlsx", ContentFile(content))
    kept = dict(_kept(request))
    kept[token] = {"file": stored, "name": name[:200], "at": timezone.now().isoformat()}
    for old in sorted(kept, key=lambda key: kept[key].get("at", ""))[:-KEEP_AT_MOST]:
        _discard_file(kept.pop(old))
    request.session[SESSION_KEY] = kept
    return token


def _discard_file(entry: dict) -> None:
    if entry.get("file"):
        default_storage.delete(entry["file"])


def _forget(request, token: str) -> None:
    kept = dict(_kept(request))
    entry = kept.pop(token, None)
    if entry is not None:
        _discard_file(entry)
        request.session[SESSION_KEY] = kept


def _entry(request, token: str) -> dict:
    entry = _kept(request).get(token) if TOKEN.match(token or "") else None
    if entry is None:
        raise Http404
    return entry


def _read_kept(entry: dict, name: str | None = None) -> ReadPlan:
    try:
        with default_storage.open(name or entry["file"], "rb") as handle:
            return read_plan_file(handle)
    except FileNotFoundError as exc:
        raise Http404 from exc


class AlreadyClaimed(Exception):
    """Another request has claimed (and is turning into a plan, or has turned) this upload."""


CLAIMED = ".claimed"


def _claim(entry: dict) -> str:
    """Rename the kept file to its «claimed» name and return that name. The rename is atomic: when two requests
    confirm the same upload at once, the second finds no file and gets AlreadyClaimed."""
    kept = entry["file"]
    claimed = kept + CLAIMED
    try:
        os.replace(default_storage.path(kept), default_storage.path(claimed))
    except FileNotFoundError as exc:
        raise AlreadyClaimed from exc
    return claimed


def _unclaim(claimed: str, entry: dict) -> None:
    """Give the file back (the plan could not be created): the user may confirm again."""
    try:
        os.replace(default_storage.path(claimed), default_storage.path(entry["file"]))
    except FileNotFoundError:
        pass


# --- Who may import for whom ---------------------------------------------------------------------------------------


def _importer(user) -> None:
    if not import_owner_choices(user):
        raise PermissionDenied


def _may_own(user, owner: Owner) -> bool:
    """Coordinators import for their municipality (any level); a principal only a school plan of their own school."""
    scope = scope_of(user)
    if scope.is_admin or owner.municipality.pk in scope.municipalities_edit:
        return True
    return owner.level == Level.SCHOOL and owner.school is not None and owner.school.pk in scope.principal_schools


def _owner_for(user, params: dict) -> tuple[Owner, dt.date, dt.date]:
    start, end = dt.date(params["first_year"], 1, 1), dt.date(params["last_year"], 12, 31)
    owner = resolve_owner(params["owner"], params.get("level") or None, start, end)
    if not _may_own(user, owner):
        raise PlanError(_("You may not import a plan for this owner."))
    return owner, start, end


# --- Views ---------------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def plan_import(request):
    _importer(request.user)
    kept_token = request.POST.get("upload", "") if request.method == "POST" else ""
    kept = _kept(request).get(kept_token) if TOKEN.match(kept_token) else None
    form = PlanImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        user=request.user,
        kept_name=kept["name"] if kept else "",
    )
    if request.method == "POST":
        valid = form.is_valid()
        token = kept_token if kept else ""
        if form.content is not None:
            # A newly chosen good file is kept at once, so that a mistake in the other fields does not lose it.
            if kept:
                _forget(request, kept_token)
            token = _keep(request, form.content, form.cleaned_data["file"].name)
            form.show_kept(form.cleaned_data["file"].name)
        if valid and token:
            params = {name: form.cleaned_data[name] for name in ("owner", "level", "first_year", "last_year", "title")}
            try:
                _owner_for(request.user, params)
            except PlanError as error:
                form.add_error("owner", str(error))
            else:
                entry = dict(_kept(request)[token])
                entry["params"] = params
                request.session[SESSION_KEY] = {**_kept(request), token: entry}
                return redirect("roadmaps:plan-import-preview", token=token)
        if token:
            form.data = form.data.copy()
            form.data["upload"] = token
    return render(request, "roadmaps/import/upload.html", {"form": form})


def _prepared(request, token: str):
    entry = _entry(request, token)
    params = entry.get("params")
    if not params:
        raise Http404
    try:
        owner, start, end = _owner_for(request.user, params)
    except PlanError as error:
        raise PermissionDenied(str(error)) from error
    return entry, params, owner, start, end


@login_required
@require_GET
def plan_import_preview(request, token: str):
    _importer(request.user)
    entry, params, owner, start, end = _prepared(request, token)
    try:
        read = _read_kept(entry)
    except PlanFileRefused as refused:  # the same checks passed at upload: only a damaged store gets here
        _forget(request, token)
        for error in refused.errors:
            messages.error(request, error)
        return redirect("roadmaps:plan-import")
    preview = build_preview(read, start, end, params.get("title", ""))
    context = {
        "token": token,
        "entry": entry,
        "owner": owner,
        "level_label": Level(owner.level).label,
        "start": start,
        "end": end,
        "preview": preview,
    }
    return render(request, "roadmaps/import/preview.html", context)


@login_required
@require_POST
def plan_import_confirm(request, token: str):
    _importer(request.user)
    entry, params, owner, start, end = _prepared(request, token)
    try:
        claimed = _claim(entry)
    except AlreadyClaimed:
        messages.warning(
            request,
            _("This import has already been confirmed (perhaps in another tab): it makes one plan only."),
        )
        return redirect("roadmaps:plan-list")
    try:
        read = _read_kept(entry, claimed)
        plan = create_plan_from_table(read, owner, start, end, params.get("title", ""))
    except PlanFileRefused as refused:  # the same checks passed at upload: only a damaged store gets here
        default_storage.delete(claimed)
        _forget(request, token)
        for error in refused.errors:
            messages.error(request, error)
        return redirect("roadmaps:plan-import")
    except PlanError as error:
        _unclaim(claimed, entry)
        messages.error(request, str(error))
        return redirect("roadmaps:plan-import-preview", token=token)
    except Exception:
        _unclaim(claimed, entry)
        raise
    default_storage.delete(claimed)
    _forget(request, token)
    messages.success(
        request,
        _("Created the draft plan «%(title)s»: %(activities)s activities.")
        % {"title": plan.title, "activities": read.activity_count},
    )
    return redirect(plan)


@login_required
@require_POST
def plan_import_cancel(request, token: str):
    _importer(request.user)
    _entry(request, token)
    _forget(request, token)
    messages.info(request, _("The import was cancelled: nothing was written."))
    return redirect("roadmaps:plan-import")


urlpatterns = [
    path("import/", plan_import, name="plan-import"),
    path("import/<str:token>/", plan_import_preview, name="plan-import-preview"),
    path("import/<str:token>/confirm/", plan_import_confirm, name="plan-import-confirm"),
    path("import/<str:token>/cancel/", plan_import_cancel, name="plan-import-cancel"),
]
