"""Formulas that count the registry: listings of Y, exits to the effective mode, shares of the municipality."""

from registry.models import Listing, Status
from shnor_portal.periods import overlapping

from ..base import COUNT, SCHOOL, SHARE, Count, Period, formula
from ..sets import all_schools, listed_schools, low_schools, registry_schools, school_count, school_share


@formula("REG_COUNT", shape=COUNT, members=SCHOOL)
def reg_count(period: Period) -> dict[int, Count]:
    """|R(Y)|: schools with a ШНОР or ШФНСУ listing active on some day of Y."""
    return school_count(registry_schools(period), period)


@formula("EXITED_SHARE", shape=SHARE, members=SCHOOL)
def exited_share(period: Period) -> dict[int, Count]:
    """Schools of R_low(Y−1) with no ШНОР listing active on 31 December of Y, or listed «перешла в эффективный
    режим» on some day of Y, over |R_low(Y−1)|."""
    still_low_on_last_day = Listing.objects.filter(overlapping(period.last_day, period.last_day), status=Status.SHNOR)
    effective = Listing.objects.filter(overlapping(period.first_day, period.last_day), status=Status.EFFECTIVE)
    before = low_schools(period.previous())
    exited = before.exclude(pk__in=still_low_on_last_day.values("school_id")) | before.filter(
        pk__in=effective.values("school_id")
    )
    return school_share(before, exited.values("pk"), period)


@formula("LOW_RESULTS_SHARE", shape=SHARE, members=SCHOOL)
def low_results_share(period: Period) -> dict[int, Count]:
    """|R_low(Y)| over all schools of the municipality."""
    return school_share(all_schools(period), low_schools(period).values("pk"), period)


@formula("ADVERSE_SHARE", shape=SHARE, members=SCHOOL)
def adverse_share(period: Period) -> dict[int, Count]:
    """Schools with a ШФНСУ listing active on some day of Y over all schools of the municipality."""
    return school_share(all_schools(period), listed_schools(period, (Status.SHFNSU,)).values("pk"), period)
