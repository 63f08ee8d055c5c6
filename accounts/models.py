from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    REGIONAL_COORDINATOR = "regional_coordinator", _("Regional coordinator")
    MUNICIPAL_COORDINATOR = "municipal_coordinator", _("Municipal coordinator")
    PRINCIPAL = "principal", _("School principal")
    MENTOR = "mentor", _("Mentor school")
    INSPECTOR = "inspector", _("Inspector")


# Which scope field each role needs: exactly one of them must be set (none for the administrator).
ROLE_SCOPES = {
    Role.ADMIN: set(),
    Role.REGIONAL_COORDINATOR: {"region"},
    Role.MUNICIPAL_COORDINATOR: {"municipality"},
    Role.PRINCIPAL: {"school"},
    Role.MENTOR: {"school"},
    Role.INSPECTOR: {"municipality", "region"},
}


class User(AbstractUser):
    middle_name = models.CharField(_("patronymic"), max_length=150, blank=True)
    position = models.CharField(_("position"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)

    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def get_full_name(self):
        return " ".join(part for part in (self.last_name, self.first_name, self.middle_name) if part).strip()

    def __str__(self):
        return self.get_full_name() or self.username


class RoleAssignment(models.Model):
    """One role of a user within one scope; a user may hold several."""

    user = models.ForeignKey(User, models.CASCADE, related_name="role_assignments", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    region = models.ForeignKey(
        "registry.Region", models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    municipality = models.ForeignKey(
        "registry.Municipality",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    school = models.ForeignKey(
        "registry.School", models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("school")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.CheckConstraint(
                name="role_has_at_most_one_scope",
                condition=(
                    Q(region__isnull=True, municipality__isnull=True)
                    | Q(region__isnull=True, school__isnull=True)
                    | Q(municipality__isnull=True, school__isnull=True)
                ),
            ),
        ]

    def __str__(self):
        scope = self.scope or _("whole installation")
        return f"{self.user}: {self.get_role_display()} — {scope}"

    @property
    def scope(self):
        return self.school or self.municipality or self.region

    def clean(self):
        allowed = ROLE_SCOPES.get(self.role, set())
        given = {name for name in ("region", "municipality", "school") if getattr(self, f"{name}_id")}
        if len(given) > 1:
            raise ValidationError(_("A role has one scope: a region, a municipality or a school."))
        if allowed and not (given & allowed):
            names = {"region": _("region"), "municipality": _("municipality"), "school": _("school")}
            raise ValidationError(
                _("The role «%(role)s» needs a scope: %(scopes)s.")
                % {
                    "role": self.get_role_display(),
                    "scopes": " / ".join(str(names[n]) for n in sorted(allowed)),
                }
            )
        if not allowed and given:
            raise ValidationError(_("The administrator role covers the whole installation and takes no scope."))
