"""The portal's admin site: Django's own, with one guard every model admin gets.

An admin add form takes initial values from the query string (`/admin/registry/listing/add/?school=7`). Django
hands them to the form as they are, and an autocomplete or raw-id widget then looks the value up in the database:
`?school=abc` answered 500. Every model admin registered here drops an initial value of a relation that is not a
valid key of the related model, so a hostile or mistyped link opens an empty form instead.
"""

from axes.apps import AppConfig as AxesAppConfig
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.utils.translation import gettext_lazy as _


class ValidInitialDataMixin:
    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        for name in list(initial):
            try:
                field = self.opts.get_field(name)
            except FieldDoesNotExist:
                continue
            if not field.is_relation or field.related_model is None:
                continue
            target = field.target_field
            values = initial[name] if isinstance(initial[name], list) else [initial[name]]
            try:
                for value in values:
                    target.get_prep_value(target.to_python(value))
            except (ValidationError, ValueError, TypeError):
                del initial[name]
        return initial


class PortalAdminSite(admin.AdminSite):
    site_header = "ШНОР-портал"
    site_title = "ШНОР-портал"

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, ValidInitialDataMixin):
            admin_class = type(
                admin_class.__name__, (ValidInitialDataMixin, admin_class), {"__module__": admin_class.__module__}
            )
        return super().register(model_or_iterable, admin_class, **options)


class PortalAdminConfig(AdminConfig):
    default_site = "shnor_portal.admin_site.PortalAdminSite"


class PortalAxesConfig(AxesAppConfig):
    """django-axes under a Russian section name in the admin (its own is «Axes»)."""

    verbose_name = _("Login protection")
