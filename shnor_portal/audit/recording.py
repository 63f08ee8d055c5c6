"""Historical records → audit entries: the before → after of each changed field, as text, at write time.

Values are rendered when the change happens (foreign keys by their str, choices by their label, dates as dates), so
the trail reads the same after the related objects change or go, and the page needs no per-row lookups.
"""

import datetime as dt

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import DatabaseError, models, transaction
from django.db.models import prefetch_related_objects
from django.urls import NoReverseMatch
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import get_m2m_reverse_field_name

from .models import ACTION_OF_HISTORY_TYPE, Action, AuditEntry
from .registry import Registration, registered, registration_for

_MISSING = object()


def on_historical_record(sender, instance, history_instance, history_user=None, **kwargs):
    """simple-history's post_create_historical_record: runs inside the saving transaction, so the entry and the
    change are committed (or rolled back) together."""
    # The sender is the historical model; the registry knows the model itself.
    registration = registration_for(instance._meta.concrete_model)
    if registration is not None:
        write_entry(registration, instance, history_instance, history_user)


def write_entry(
    registration: Registration, instance, record, actor, previous=_MISSING, cache: dict | None = None
) -> AuditEntry | None:
    """The entry of one historical record, saved; None for a save that changed nothing."""
    entry = build_entry(registration, instance, record, actor, previous, cache)
    if entry is not None:
        entry.save()
        if entry.action == Action.DELETED:
            _unlink([entry])
    return entry


def build_entry(
    registration: Registration, instance, record, actor, previous=_MISSING, cache: dict | None = None, fields=None
) -> AuditEntry | None:
    """The entry of one historical record, not saved yet; None for a save that changed nothing.

    `previous` is the object's record before this one when the caller has it (the backfills do), else it is read;
    `cache` keeps the names of related objects across the entries of one batch; `fields` narrows the diff to the
    fields a bulk update wrote.
    """
    cache = {} if cache is None else cache
    _seed(cache, instance)
    with translation.override(settings.LANGUAGE_CODE):
        action = ACTION_OF_HISTORY_TYPE[record.history_type]
        model = registration.model
        if action == Action.CHANGED:
            if previous is _MISSING:
                previous = record.prev_record
            if previous is None:
                changes = _snapshot(model, record, after=True, cache=cache)
            else:
                changes = _diff(model, record, previous, cache, fields)
            if not changes:
                return None
        else:
            changes = _snapshot(model, record, after=action == Action.CREATED, cache=cache)
        ct = ContentType.objects.get_for_model(model)
        object_id = str(record.id)
        municipality_id, school_id = _place(registration, instance, ct, object_id)
        return AuditEntry(
            content_type=ct,
            object_id=object_id,
            object_repr=_repr(instance)[:300],
            history_id=record.history_id,
            municipality_id=municipality_id,
            school_id=school_id,
            personal=registration.personal,
            actor=actor,
            actor_name=_person(actor)[:300],
            timestamp=record.history_date,
            action=action,
            changes=changes,
            url="" if action == Action.DELETED else _url(registration, instance),
            reason=(record.history_change_reason or "")[:300],
        )


def _unlink(deleted_entries) -> None:
    """Deleted objects no longer open: no entry links to them."""
    by_kind: dict = {}
    for entry in deleted_entries:
        by_kind.setdefault(entry.content_type_id, set()).add(entry.object_id)
    for ct_id, object_ids in by_kind.items():
        AuditEntry.objects.filter(content_type_id=ct_id, object_id__in=object_ids).exclude(url="").update(url="")


def _seed(cache: dict, instance) -> None:
    """The related objects the instance already holds name themselves without a query."""
    for field in instance._meta.concrete_fields:
        if field.is_relation and field.is_cached(instance):
            related = field.get_cached_value(instance)
            if related is not None and (field.related_model, related.pk) not in cache:
                try:
                    cache[(field.related_model, related.pk)] = str(related)
                except (ObjectDoesNotExist, AttributeError, TypeError, ValueError):
                    continue


def _person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _repr(instance) -> str:
    """The object's name; a __str__ that cannot run on this instance (a related row gone, a value not yet typed as
    the field's type, as code creating rows with date strings does) never makes the save itself fail."""
    try:
        return str(instance)
    except (ObjectDoesNotExist, AttributeError, TypeError, ValueError):
        return f"{instance._meta.verbose_name} #{instance.pk}"


def _place(registration, instance, ct, object_id):
    try:
        return registration.place(instance)
    except ObjectDoesNotExist:
        # A row deleted together with its parent: it stays where its earlier entries were.
        last = (
            AuditEntry.objects.filter(content_type=ct, object_id=object_id)
            .order_by("-timestamp", "-pk")
            .values_list("municipality_id", "school_id")
            .first()
        )
        return last or (None, None)


def _url(registration, instance) -> str:
    if registration.url is None:
        return ""
    try:
        return (registration.url(instance) or "")[:300]
    except (ObjectDoesNotExist, NoReverseMatch):
        return ""


def _tracked_fields(model, record):
    for field in model._meta.concrete_fields:
        if field.primary_key or not hasattr(record, field.attname):
            continue
        yield field


def _snapshot(model, record, *, after: bool, cache=None) -> list[dict]:
    """A created object's filled fields (as «after») or a deleted one's (as «before»)."""
    changes = []
    for field in _tracked_fields(model, record):
        value = getattr(record, field.attname)
        if value in (None, ""):
            continue
        text = render_value(field, value, cache)
        changes.append(_change(field, "", text) if after else _change(field, text, ""))
    return changes


def _diff(model, record, previous, cache=None, fields=None) -> list[dict]:
    options = {"included_fields": list(fields)} if fields else {}
    delta = record.diff_against(previous, foreign_keys_are_objs=False, **options)
    changes = []
    for change in delta.changes:
        try:
            field = model._meta.get_field(change.field)
        except FieldDoesNotExist:
            continue
        before, after = render_value(field, change.old, cache), render_value(field, change.new, cache)
        if before != after:
            changes.append(_change(field, before, after))
    return changes


def _change(field, before: str, after: str) -> dict:
    return {"field": field.name, "label": str(field.verbose_name), "before": before, "after": after}


def render_value(field, value, cache: dict | None = None) -> str:
    """A field's value as the trail shows it; `cache` ((model, pk) → name) spares repeated lookups in a batch."""
    if value in (None, ""):
        return ""
    if field.many_to_many:
        # simple-history gives the through rows as dicts; the related object's id is under the reverse field name.
        key = get_m2m_reverse_field_name(field)
        ids = [row[key] for row in value if row.get(key) is not None]
        found = field.related_model._default_manager.in_bulk(ids)
        return ", ".join(str(found[pk]) if pk in found else _("deleted object #%(id)s") % {"id": pk} for pk in ids)
    if field.is_relation:
        key = (field.related_model, value)
        if cache is not None and key in cache:
            return cache[key]
        related = field.related_model._default_manager.filter(pk=value).first()
        text = str(related) if related is not None else _("deleted object #%(id)s") % {"id": value}
        if cache is not None:
            cache[key] = text
        return text
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dt.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return local.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(field, models.FileField):
        return str(value).rsplit("/", 1)[-1]
    return str(value)


# --- Backfill: history written before the trail existed (or by bulk writes that send no signal).


def backfill(registrations=None, *, records=None) -> int:
    """Entries for every historical record of the registered models that has none yet; returns how many were made.

    Safe to run twice. `records` narrows one registration to a queryset of its historical records.
    """
    made = 0
    for registration in registrations or registered():
        model = registration.model
        ct = ContentType.objects.get_for_model(model)
        done = set(AuditEntry.objects.filter(content_type=ct).values_list("history_id", flat=True))
        queryset = records if records is not None else model.history.all()
        object_ids = queryset.values("id")
        # The whole history of the objects concerned: each record is diffed against its predecessor.
        history = (
            model.history.filter(id__in=object_ids)
            .select_related("history_user")
            .order_by("id", "history_date", "history_id")
        )
        previous_of: dict = {}
        cache: dict = {}
        for record in history.iterator(chunk_size=500):
            previous = previous_of.get(record.id)
            previous_of[record.id] = record
            if record.history_id in done:
                continue
            with transaction.atomic():
                if write_entry(registration, record.instance, record, record.history_user, previous, cache):
                    made += 1
    return made


def record_bulk(model, objs, fields=None) -> None:
    """Entries for rows just written with simple-history's bulk_create_with_history or bulk_update_with_history, which
    send no signal: each object's newest record (the one the bulk write made), diffed against the one before on
    `fields` (those a bulk update wrote), inserted in one statement. The objects themselves, with the related rows
    they hold, give the place and the page."""
    registration = registration_for(model)
    if registration is None or not objs:
        return
    if registration.related:
        prefetch_related_objects(list(objs), *registration.related)
    by_pk = {obj.pk: obj for obj in objs}
    history = model.history.filter(id__in=list(by_pk)).select_related("history_user")
    newest, before = {}, {}
    for record in history.order_by("id", "history_date", "history_id"):
        if record.id in newest:
            before[record.id] = newest[record.id]
        newest[record.id] = record
    cache: dict = {}
    entries = []
    for pk, record in newest.items():
        entry = build_entry(registration, by_pk[pk], record, record.history_user, before.get(pk), cache, fields)
        if entry is not None:
            entries.append(entry)
    AuditEntry.objects.bulk_create(entries, batch_size=500)


def backfill_after_migrate(**kwargs):
    """After `migrate`: models with history but no entries yet (a fresh trail, or a model newly followed) get theirs.

    Cheap when there is nothing to do: two existence checks per model.
    """
    pending = []
    try:
        with transaction.atomic():
            for registration in registered():
                ct = ContentType.objects.get_for_model(registration.model)
                if registration.model.history.exists() and not AuditEntry.objects.filter(content_type=ct).exists():
                    pending.append(registration)
    except DatabaseError:
        # A partial migrate (to an older state) may lack the tables: nothing to backfill then.
        return
    if pending:
        backfill(pending)
