from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 1
    autocomplete_fields = ["region", "municipality", "school"]


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, BaseUserAdmin):
    inlines = [RoleAssignmentInline]
    list_display = ["username", "last_name", "first_name", "email", "is_active", "roles"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Position"), {"fields": ("middle_name", "position", "phone")}),
    )

    @admin.display(description=_("roles"))
    def roles(self, user):
        return ", ".join(str(a) for a in user.role_assignments.all())

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("role_assignments__region", "role_assignments__municipality", "role_assignments__school")
        )
