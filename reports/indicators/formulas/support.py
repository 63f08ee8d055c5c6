"""Formulas of support: methodological events, targeted help, pairings and agreements, competitions.

An event «in Y» takes place on at least one day of Y (an event without an end date lasts its start day); a pairing
«in Y» is active on at least one day of Y (a pairing without an end date still runs). A school «in a pairing» is on
either side of it, mentor or supported school.
"""

from django.db.models import Q, QuerySet

from registry.models import Pairing
from shnor_portal.periods import overlapping
from support.models import METHODOLOGICAL_TYPES, EventParticipant, EventSchool, EventType

from ..base import COUNT, SCHOOL, SHARE, Count, Period, formula
from ..sets import all_schools, grouped, low_schools, registry_schools, school_count, school_share
from .teachers import profile_teachers

CONSULTATION_TYPES = (EventType.CONSULTATION, EventType.SEMINAR, EventType.WEBINAR)


def event_in_year(period: Period, prefix: str = "event__") -> Q:
    return overlapping(period.first_day, period.last_day, prefix, open_ended=False)


def targeted_schools(period: Period, **event_conditions) -> QuerySet:
    """Ids of the schools that are a target school of an event in Y matching `event_conditions`."""
    conditions = {f"event__{name}": value for name, value in event_conditions.items()}
    return EventSchool.objects.filter(event_in_year(period), **conditions).values("school_id")


def paired_schools(period: Period, pairings: QuerySet | None = None) -> set[int]:
    """Ids of the schools on either side of a pairing active on some day of Y (one query)."""
    pairings = (pairings if pairings is not None else Pairing.objects.all()).filter(
        overlapping(period.first_day, period.last_day),
        Q(mentor__municipality_id__in=period.municipality_ids) | Q(mentee__municipality_id__in=period.municipality_ids),
    )
    found: set[int] = set()
    for mentor_id, mentee_id in pairings.values_list("mentor_id", "mentee_id"):
        found.update((mentor_id, mentee_id))
    return found


@formula("METH_SUPPORT_SHARE", shape=SHARE, members=SCHOOL)
def meth_support_share(period: Period) -> dict[int, Count]:
    """Schools of R(Y) targeted by at least one methodological event in Y, over |R(Y)|."""
    reached = targeted_schools(period, type__in=METHODOLOGICAL_TYPES)
    return school_share(registry_schools(period), reached, period)


@formula("NETWORK_SHARE", shape=SHARE, members=SCHOOL)
def network_share(period: Period) -> dict[int, Count]:
    """Schools of R(Y) in a pairing active on some day of Y, over |R(Y)|."""
    return school_share(registry_schools(period), sorted(paired_schools(period)), period)


@formula("NETWORK_ALL_SHARE", shape=SHARE, members=SCHOOL)
def network_all_share(period: Period) -> dict[int, Count]:
    """Schools of the municipality in a pairing active on some day of Y (either side), over all its schools."""
    return school_share(all_schools(period), sorted(paired_schools(period)), period)


@formula("AGREEMENTS_SHARE", shape=SHARE, members=SCHOOL)
def agreements_share(period: Period) -> dict[int, Count]:
    """Schools of R_low(Y) in a pairing active in Y that has an agreement number and an agreement dated on or before
    31 December of Y, over |R_low(Y)|."""
    with_agreement = Pairing.objects.exclude(agreement_number="").filter(
        agreement_date__isnull=False, agreement_date__lte=period.last_day
    )
    return school_share(low_schools(period), sorted(paired_schools(period, with_agreement)), period)


@formula("METH_COVERED_COUNT", shape=COUNT, members=SCHOOL)
def meth_covered_count(period: Period) -> dict[int, Count]:
    """Schools of R_low(Y) targeted by at least one methodological event in Y."""
    reached = targeted_schools(period, type__in=METHODOLOGICAL_TYPES)
    return school_count(low_schools(period).filter(pk__in=reached), period)


@formula("TARGETED_HELP_COUNT", shape=COUNT, members=SCHOOL)
def targeted_help_count(period: Period) -> dict[int, Count]:
    """Schools of R_low(Y) targeted by at least one event marked «адресная» in Y."""
    return school_count(low_schools(period).filter(pk__in=targeted_schools(period, is_targeted=True)), period)


@formula("CONSULT_SEMINAR_COUNT", shape=COUNT, members=SCHOOL)
def consult_seminar_count(period: Period) -> dict[int, Count]:
    """Schools of R_low(Y) with at least one participant in a консультация, семинар or вебинар in Y: a named
    participant of the school, or the school as a target school with a number of participants above zero."""
    named = EventParticipant.objects.filter(event_in_year(period), event__type__in=CONSULTATION_TYPES)
    counted = EventSchool.objects.filter(event_in_year(period), event__type__in=CONSULTATION_TYPES, participants__gt=0)
    schools = low_schools(period).filter(Q(pk__in=named.values("school_id")) | Q(pk__in=counted.values("school_id")))
    return school_count(schools, period)


@formula("COMPETITION_TEACHERS_SHARE", shape=SHARE)
def competition_teachers_share(period: Period) -> dict[int, Count]:
    """Teachers of R_low(Y) schools taking part in a contest (event type «конкурс») in Y — named participants,
    each person once per school — over the teachers of those schools' staff profiles for Y."""
    schools = low_schools(period)
    participants = (
        EventParticipant.objects.filter(event_in_year(period), event__type=EventType.CONTEST, school__in=schools)
        .values_list("school__municipality_id", "school_id", "full_name", "event_id")
        .order_by()
    )
    people: dict[int, set] = {municipality_id: set() for municipality_id in period.municipality_ids}
    events = []
    for municipality_id, school_id, full_name, event_id in participants:
        people[municipality_id].add((school_id, " ".join(full_name.lower().split())))
        events.append((municipality_id, event_id))
    events_by_municipality = grouped(events, period)
    staff = profile_teachers(schools, period)
    return {
        municipality_id: Count(
            numerator=len(people[municipality_id]),
            denominator=staff[municipality_id],
            details={"events": events_by_municipality[municipality_id]},
        )
        for municipality_id in period.municipality_ids
    }
