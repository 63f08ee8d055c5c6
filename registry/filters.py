import django_filters
from django import forms
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.access import listings_visible_to, municipalities_visible_to

from .academic_year import AcademicYear
from .models import Listing, School, SchoolType, Status
from .querysets import overlapping

ALL_YEARS = "all"


def year_choices(user) -> list[tuple[str, str]]:
    """Academic years from the earliest listing in the user's scope to the current one."""
    current = AcademicYear.current().start_year
    first = listings_visible_to(user).order_by("start").values_list("start", flat=True).first()
    first_year = AcademicYear.containing(first).start_year if first else current
    years = [(str(y), AcademicYear(y).label) for y in range(current, min(first_year, current) - 1, -1)]
    return [*years, (ALL_YEARS, _("all years"))]


def default_year(user) -> int:
    """The last academic year of the latest-starting listing in the user's scope (at most the current one).

    That is the year a department last changed its registry: what a coordinator opens the list for.
    """
    today = timezone.localdate()
    current = AcademicYear.current()
    latest = (
        listings_visible_to(user)
        .filter(start__lte=today)
        .order_by("-start")
        .values_list("start", "end")
        .first()
    )
    if latest is None:
        return current.start_year
    start, end = latest
    open_until = min(end or today, today)
    return min(AcademicYear.containing(max(start, open_until)).start_year, current.start_year)


class SchoolFilter(django_filters.FilterSet):
    """The registry list's filters; the list view paginates and exports exactly `filter.qs`."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    municipality = django_filters.ModelChoiceFilter(
        label=_("Municipality"), queryset=None, to_field_name="code", empty_label=_("all municipalities")
    )
    year = django_filters.ChoiceFilter(label=_("Academic year"), method="filter_year", empty_label=None)
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[("none", _("not listed")), *Status.choices],
        method="filter_status",
        empty_label=_("any status"),
    )
    type = django_filters.ChoiceFilter(label=_("Type"), choices=SchoolType.choices, empty_label=_("any type"))
    is_rural = django_filters.BooleanFilter(
        label=_("Location"),
        widget=forms.Select(
            choices=[("", _("urban and rural")), ("true", _("rural")), ("false", _("urban"))]
        ),
    )

    class Meta:
        model = School
        fields = ["q", "municipality", "year", "status", "type", "is_rural"]

    def __init__(self, data=None, *args, user, **kwargs):
        self.user = user
        data = data.copy() if data is not None else {}
        self.year_default = default_year(user)
        if not data.get("year"):
            data["year"] = str(self.year_default)
        super().__init__(data, *args, **kwargs)
        self.filters["municipality"].queryset = municipalities_visible_to(user)
        self.filters["year"].extra["choices"] = year_choices(user)
        if self.filters["year"].extra["choices"] and data["year"] not in dict(
            self.filters["year"].extra["choices"]
        ):
            # A year outside the offered range is still a valid question: offer it.
            if data["year"].isdigit() and 1990 <= int(data["year"]) <= 2100:
                y = int(data["year"])
                self.filters["year"].extra["choices"].insert(0, (str(y), AcademicYear(y).label))

    @property
    def selected_year(self) -> AcademicYear | None:
        value = self.form.cleaned_data.get("year") if self.form.is_valid() else None
        if value in (None, "", ALL_YEARS):
            return None
        return AcademicYear(int(value))

    def _year_q(self, prefix: str) -> Q:
        year = self.selected_year
        if year is None:
            return Q()
        return overlapping(year.start, year.end, prefix=prefix)

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_year(self, queryset, name, value):
        return queryset  # the year shapes the status filter and the listings shown, not the set of schools

    def filter_status(self, queryset, name, value):
        if value == "none":
            return queryset.exclude(pk__in=Listing.objects.filter(self._year_q("")).values("school_id"))
        return queryset.filter(
            pk__in=Listing.objects.filter(self._year_q(""), status=value).values("school_id")
        )

    @property
    def qs(self):
        from support.models import Pairing

        year = self.selected_year
        listings = Listing.objects.order_by("start", "status")
        pairings = Pairing.objects.select_related("mentor").order_by("start")
        if year is not None:
            listings = listings.in_year(year.start_year)
            pairings = pairings.filter(overlapping(year.start, year.end))
        return (
            super()
            .qs.select_related("municipality")
            .prefetch_related(
                Prefetch("listings", queryset=listings, to_attr="year_listings"),
                Prefetch("mentored_by", queryset=pairings, to_attr="year_mentors"),
            )
            .order_by("municipality__name", "short_name")
        )
