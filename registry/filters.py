import datetime as dt

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Count, DecimalField, F, Max, Min, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce, Least
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shnor_portal.forms import DATE_INPUT
from shnor_portal.params import parse_date, parse_year
from shnor_portal.periods import overlapping
from shnor_portal.widgets import use_long_selects

from .academic_year import AcademicYear
from .access import listings_visible_to, municipalities_visible_to
from .models import SUPPORT_STATUSES, Listing, Pairing, School, SchoolType, Status

ALL_YEARS = "all"


def year_choices(user) -> list[tuple[str, str]]:
    """Academic years from the earliest listing in the user's scope to the current one."""
    return listing_years(user)[1]


def default_year(user) -> int:
    """The latest academic year in which a school of the user's scope was under support (at most the current one).

    «Under support» means listed as ШНОР, ШФНСУ, зона риска or stably low results: the registry a coordinator
    opens the list for. Without such listings, the latest year with any listing; without any, the current year.
    """
    return listing_years(user)[0]


def listing_years(user) -> tuple[int, list[tuple[str, str]]]:
    """`default_year` and `year_choices` of the user from one aggregate over the listings of the scope.

    The dashboard and the registry list need both on every page; asked apart they cost two queries."""
    today = timezone.localdate()
    last_day = Least(Coalesce("end", Value(today)), Value(today))
    begun = Q(start__lte=today)
    found = listings_visible_to(user).aggregate(
        first=Min("start"),
        supported=Max(last_day, filter=begun & Q(status__in=SUPPORT_STATUSES)),
        any=Max(last_day, filter=begun),
    )
    current = AcademicYear.current().start_year
    day = found["supported"] or found["any"]
    default = AcademicYear.containing(day).start_year if day else current
    first_year = AcademicYear.containing(found["first"]).start_year if found["first"] else current
    years = [(str(y), AcademicYear(y).label) for y in range(current, min(first_year, current) - 1, -1)]
    return default, [*years, (ALL_YEARS, _("all years"))]


class DayField(forms.Field):
    """A day read by the project's parameter parser (`parse_date`): «2021-09-01» from the date picker or «01.09.2021»
    typed by hand; anything else is an error shown beside the field, never a 500."""

    widget = DATE_INPUT
    default_error_messages = {
        "invalid": _("Enter a date as ДД.ММ.ГГГГ or ГГГГ-ММ-ДД, for example 01.09.2021."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.date):
            return value
        day = parse_date(value)
        if day is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return day


class DayFilter(django_filters.Filter):
    field_class = DayField


class NullsLastOrderingFilter(django_filters.OrderingFilter):
    """Schools without a value (no ИОР yet) go to the end whichever way the column is sorted."""

    def get_ordering_value(self, param):
        descending = param.startswith("-")
        field = self.param_map[param.lstrip("-")]
        return F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True)


class SchoolFilter(django_filters.FilterSet):
    """The registry list's filters; the list view paginates and exports exactly `filter.qs`."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    municipality = django_filters.ModelChoiceFilter(
        label=_("Municipality"), queryset=None, to_field_name="code", empty_label=_("all municipalities")
    )
    year = django_filters.ChoiceFilter(label=_("Academic year"), method="filter_year", empty_label=None)
    on = DayFilter(
        label=_("On the date"),
        method="filter_on",
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[
            ("registry", _("in the registry: ШНОР or ШФНСУ")),
            ("supported", _("under support: ШНОР, ШФНСУ, risk zone or stably low")),
            ("listed", _("any status")),
            ("none", _("not listed")),
            *Status.choices,
        ],
        method="filter_status",
        empty_label=_("all schools"),
    )
    type = django_filters.ChoiceFilter(label=_("Type"), choices=SchoolType.choices, empty_label=_("any type"))
    sort = NullsLastOrderingFilter(
        label=_("Sort by"),
        fields=(("short_name", "name"), ("municipality__name", "municipality"), ("ior", "ior")),
        # Keyed by the model field, as django-filter looks them up (a label keyed by the parameter is never used).
        field_labels={"short_name": _("Name"), "municipality__name": _("Municipality"), "ior": _("ИОР")},
        empty_label=_("municipality and name"),
    )
    is_rural = django_filters.BooleanFilter(
        label=_("Location"),
        widget=forms.Select(choices=[("", _("urban and rural")), ("true", _("rural")), ("false", _("urban"))]),
    )

    class Meta:
        model = School
        fields = ["q", "municipality", "year", "on", "status", "type", "is_rural", "sort"]

    def __init__(self, data=None, *args, user, **kwargs):
        self.user = user
        data = data.copy() if data is not None else {}
        asked = parse_year(data.get("year"))
        default, choices = listing_years(user)
        day = parse_date(data.get("on"))
        if day is not None:
            # The registry on a day: the day's academic year gives the ИОР and the year shown in the select.
            asked = AcademicYear.containing(day).start_year
            data["year"] = str(asked)
        elif data.get("year") != ALL_YEARS and asked is None:
            # No year, or one that is not a year at all: show the default rather than an error.
            asked = default
            data["year"] = str(asked)
        super().__init__(data, *args, **kwargs)
        self.filters["municipality"].queryset = municipalities_visible_to(user)
        if asked is not None and str(asked) not in dict(choices):
            # A year outside the offered range is still a valid question: offer it.
            choices.insert(0, (str(asked), AcademicYear(asked).label))
        self.filters["year"].extra["choices"] = choices
        # Annotated before filtering so that sorting by ИОР works on the same figures the table shows.
        self.queryset = with_profile_figures(self.queryset, AcademicYear(asked) if asked is not None else None)

    @property
    def form(self):
        if not hasattr(self, "_form"):
            # Seven selects of a few dozen options on every registry page: rendered in one pass each.
            use_long_selects(super().form)
        return self._form

    @property
    def selected_year(self) -> AcademicYear | None:
        self.form.is_valid()  # other fields may be invalid; the year is cleaned on its own
        year = parse_year(self.form.cleaned_data.get("year"))
        return AcademicYear(year) if year is not None else None

    @property
    def selected_day(self) -> dt.date | None:
        """The day of `?on=` when it is a date: listings and mentors are those active on it (none: the year's)."""
        self.form.is_valid()
        return self.form.cleaned_data.get("on")

    def _year_q(self, prefix: str) -> Q:
        day = self.selected_day
        if day is not None:
            return overlapping(day, day, prefix=prefix)
        year = self.selected_year
        if year is None:
            return Q()
        return overlapping(year.start, year.end, prefix=prefix)

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_year(self, queryset, name, value):
        return queryset  # the year shapes the status filter and the listings shown, not the set of schools

    def filter_on(self, queryset, name, value):
        return queryset  # the day, too, shapes the status filter and the listings shown

    STATUS_GROUPS = {
        "registry": (Status.SHNOR, Status.SHFNSU),
        "supported": SUPPORT_STATUSES,
        "listed": tuple(Status.values),
    }

    def filter_status(self, queryset, name, value):
        listings = Listing.objects.filter(self._year_q(""))
        if value == "none":
            return queryset.exclude(pk__in=listings.values("school_id"))
        statuses = self.STATUS_GROUPS.get(value, (value,))
        return queryset.filter(pk__in=listings.filter(status__in=statuses).values("school_id"))

    @property
    def qs(self):
        schools = super().qs
        # Ties (and schools without ИОР) keep a stable, readable order.
        schools = schools.order_by(*schools.query.order_by, "municipality__name", "short_name")
        return with_year(schools, self.selected_year, day=self.selected_day)


def with_year(schools, year: AcademicYear | None, *, day: dt.date | None = None):
    """Schools with `year_listings` and `year_mentors` of `year` (all years if None) prefetched: three queries.

    With `day`, those active on that day instead (a listing counts when start ≤ day and its end is unknown or ≥ day)."""
    listings = Listing.objects.order_by("start", "status")
    pairings = Pairing.objects.select_related("mentor").order_by("start")
    if day is not None:
        listings = listings.active_on(day)
        pairings = pairings.filter(overlapping(day, day))
    elif year is not None:
        listings = listings.in_year(year.start_year)
        pairings = pairings.filter(overlapping(year.start, year.end))
    return schools.select_related("municipality").prefetch_related(
        Prefetch("listings", queryset=listings, to_attr="year_listings"),
        Prefetch("mentored_by", queryset=pairings, to_attr="year_mentors"),
    )


def with_profile_figures(schools, year: AcademicYear | None):
    """Annotate `ior`, `ior_previous` (the year before) and `risks_high` / `risks_medium` of `year`, in SQL."""
    from .profiles import RiskAssessment, RiskLevel, SchoolYearProfile

    if year is None:
        none = Value(None, output_field=DecimalField(max_digits=4, decimal_places=3))
        return schools.annotate(ior=none, ior_previous=none, risks_high=Value(0), risks_medium=Value(0))

    def ior_of(y):
        return Subquery(SchoolYearProfile.objects.filter(school=OuterRef("pk"), year=y).values("ior")[:1])

    def risks(level):
        counted = (
            RiskAssessment.objects.filter(school=OuterRef("pk"), year=year.start_year, level=level)
            .order_by()
            .values("school")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(counted[:1]), Value(0))

    return schools.annotate(
        ior=ior_of(year.start_year),
        ior_previous=ior_of(year.start_year - 1),
        risks_high=risks(RiskLevel.HIGH),
        risks_medium=risks(RiskLevel.MEDIUM),
    )
