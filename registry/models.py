from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from shnor_portal.periods import overlapping

from .querysets import ListingQuerySet, SchoolQuerySet

code_validator = RegexValidator(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
    _("Use lowercase Latin letters, digits and single hyphens, e.g. «sherkaly» or «sh-18»."),
)
# Words that are parts of the portal's URLs (/registry/schools/new/) and so cannot be codes.
RESERVED_CODES = frozenset({"new", "edit", "export", "import"})


# ФИС ОКО names an organisation by its login «sch» + six digits (e.g. sch860125); its reports write it so.
fis_oko_login_validator = RegexValidator(
    r"^sch[0-9]{6}$", _("A ФИС ОКО login is «sch» followed by six digits, e.g. «sch860125».")
)


def not_reserved(value: str) -> None:
    if value in RESERVED_CODES:
        raise ValidationError(_("«%(code)s» is reserved by the portal; choose another code."), params={"code": value})


class Region(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return self.name


class Municipality(models.Model):
    region = models.ForeignKey(Region, models.PROTECT, related_name="municipalities", verbose_name=_("region"))
    code = models.SlugField(_("code"), max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self):
        return self.name


class SchoolType(models.TextChoices):
    SOSH = "sosh", _("secondary school (СОШ)")
    OOSH = "oosh", _("basic school (ООШ)")
    NOSH = "nosh", _("primary school (НОШ)")
    EVENING = "evening", _("evening (shift) school")
    SCHOOL_KINDERGARTEN = "school_kindergarten", _("school-kindergarten")
    GYMNASIUM = "gymnasium", _("gymnasium")
    LYCEUM = "lyceum", _("lyceum")
    BOARDING = "boarding", _("boarding school")
    OTHER = "other", _("other")


class School(models.Model):
    municipality = models.ForeignKey(
        Municipality, models.PROTECT, related_name="schools", verbose_name=_("municipality")
    )
    code = models.SlugField(_("code"), max_length=40, unique=True, validators=[code_validator, not_reserved])
    name = models.CharField(_("full name"), max_length=400)
    short_name = models.CharField(_("short name"), max_length=200)
    type = models.CharField(_("type"), max_length=24, choices=SchoolType.choices, default=SchoolType.SOSH)
    settlement = models.CharField(_("settlement"), max_length=200, blank=True)
    is_rural = models.BooleanField(_("rural school"), default=False)
    address = models.CharField(_("address"), max_length=400, blank=True)
    director = models.CharField(_("director"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    fis_oko_login = models.CharField(
        _("ФИС ОКО login"),
        max_length=16,
        null=True,
        blank=True,
        unique=True,
        validators=[fis_oko_login_validator],
        help_text=_("«sch» and six digits, as ФИС ОКО reports write the school: (sch860125) …"),
    )

    objects = SchoolQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["municipality__name", "short_name"]
        verbose_name = _("school")
        verbose_name_plural = _("schools")

    def __str__(self):
        return self.short_name

    def get_absolute_url(self):
        return reverse("registry:school-detail", kwargs={"code": self.code})


class Status(models.TextChoices):
    SHNOR = "shnor", _("ШНОР (low educational results)")
    SHFNSU = "shfnsu", _("ШФНСУ (adverse social conditions)")
    RISK_ZONE = "risk_zone", _("risk zone")
    STABLE_LOW = "stable_low", _("stably low results")
    LEADER = "leader", _("leader school")
    MENTOR = "mentor", _("mentor school")
    CONSULTING = "consulting", _("consulting centre")
    EFFECTIVE = "effective", _("moved to effective mode")


# Statuses that mean the school itself receives support (the others describe helpers and outcomes).
SUPPORT_STATUSES = (Status.SHNOR, Status.SHFNSU, Status.RISK_ZONE, Status.STABLE_LOW)


class SupportModel(models.TextChoices):
    PRACTICE = "practice", _("practice-oriented")
    BASIC = "basic", _("basic")
    TARGETED = "targeted", _("targeted")
    NETWORK = "network", _("network")


class Listing(models.Model):
    """A school's status over a period, with its basis. The registry of a year is a query over these."""

    school = models.ForeignKey(School, models.CASCADE, related_name="listings", verbose_name=_("school"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    start = models.DateField(_("listed from"))
    end = models.DateField(_("listed until"), null=True, blank=True, help_text=_("Empty while the listing is open."))
    basis = models.CharField(
        _("basis"),
        max_length=500,
        blank=True,
        help_text=_("As written in the order, e.g. «приказ №1576 от 02.12.2019»."),
    )
    basis_number = models.CharField(_("order number"), max_length=50, blank=True)
    basis_date = models.DateField(_("order date"), null=True, blank=True)
    support_model = models.CharField(_("support model"), max_length=16, choices=SupportModel.choices, blank=True)
    end_basis = models.CharField(
        _("basis of exclusion"),
        max_length=500,
        blank=True,
        help_text=_("The order that ended the listing, e.g. «приказ №210 от 31.08.2021»."),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    objects = ListingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["school", "-start", "status"]
        verbose_name = _("registry listing")
        verbose_name_plural = _("registry listings")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="listing_end_not_before_start",
                violation_error_message=_("The listing cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.school} — {self.get_status_display()} ({self.period_label})"

    @property
    def municipality_id(self):
        return self.school.municipality_id

    @property
    def period_label(self) -> str:
        start = self.start.strftime("%d.%m.%Y")
        if self.end:
            return f"{start} – {self.end.strftime('%d.%m.%Y')}"
        return _("since %(date)s") % {"date": start}

    @property
    def basis_label(self) -> str:
        if self.basis:
            return self.basis
        parts = []
        if self.basis_number:
            parts.append(f"№{self.basis_number}")
        if self.basis_date:
            parts.append(_("of %(date)s") % {"date": self.basis_date.strftime("%d.%m.%Y")})
        return " ".join(parts)

    @property
    def basis_short(self) -> str:
        """«приказ №1576 от 02.12.2019» for narrow columns; the full text stays in `basis`."""
        if self.basis_number and self.basis_date:
            return _("order №%(number)s of %(date)s") % {
                "number": self.basis_number,
                "date": self.basis_date.strftime("%d.%m.%Y"),
            }
        return self.basis_label

    def clean(self):
        if self.end and self.start and self.end < self.start:
            raise ValidationError({"end": _("The listing cannot end before it starts.")})
        if not (self.basis or self.basis_number):
            raise ValidationError({"basis": _("State the basis: the order text or at least its number.")})
        if self.school_id and self.start and self.status:
            clash = (
                Listing.objects.filter(school_id=self.school_id, status=self.status)
                .exclude(pk=self.pk)
                .filter(overlapping(self.start, self.end))
            )
            if clash.exists():
                raise ValidationError(
                    {
                        "start": _("The school already has this status for an overlapping period: %(period)s.")
                        % {"period": clash.first().period_label}
                    }
                )


# Yearly profiles, the registry import and the mentor pairs live in their own modules; importing them here
# registers the models with the app.
from .imports.records import RegistryImport  # noqa: E402
from .pairings import Pairing, PairingStatus  # noqa: E402
from .profiles import LevelResult, RiskAssessment, RiskFactor, SchoolYearProfile, SwotItem  # noqa: E402

__all__ = [
    "SUPPORT_STATUSES",
    "LevelResult",
    "Listing",
    "Municipality",
    "Pairing",
    "PairingStatus",
    "Region",
    "RegistryImport",
    "RiskAssessment",
    "RiskFactor",
    "School",
    "SchoolType",
    "SchoolYearProfile",
    "Status",
    "SupportModel",
    "SwotItem",
]
