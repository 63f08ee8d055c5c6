from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Competency,
    Criterion,
    DevelopmentRecord,
    EventMaterial,
    EventParticipant,
    EventSchool,
    ExportLog,
    RouteStep,
    SupportEvent,
    Teacher,
)


class EventSchoolInline(admin.TabularInline):
    model = EventSchool
    autocomplete_fields = ["school"]
    extra = 0


class EventParticipantInline(admin.TabularInline):
    model = EventParticipant
    autocomplete_fields = ["school"]
    extra = 0


class EventMaterialInline(admin.TabularInline):
    model = EventMaterial
    fields = ["name", "kind", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(SupportEvent)
class SupportEventAdmin(SimpleHistoryAdmin):
    list_display = ["start", "type", "topic", "municipality", "is_targeted", "format"]
    list_filter = ["type", "is_targeted", "format", "municipality"]
    search_fields = ["topic"]
    autocomplete_fields = ["organiser_school"]
    inlines = [EventSchoolInline, EventParticipantInline, EventMaterialInline]


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


@admin.register(Competency)
class CompetencyAdmin(admin.ModelAdmin):
    list_display = ["number", "name"]
    inlines = [CriterionInline]


class DevelopmentInline(admin.TabularInline):
    model = DevelopmentRecord
    # Certificates are served only by the permission-checked view of the teacher's page, never by a media URL.
    fields = ["programme", "hours", "provider", "start", "end", "completed", "certificate_name", "certificate_kind"]
    readonly_fields = ["certificate_name", "certificate_kind"]
    extra = 0


class RouteInline(admin.TabularInline):
    model = RouteStep
    extra = 0


@admin.register(Teacher)
class TeacherAdmin(SimpleHistoryAdmin):
    list_display = ["full_name", "school", "position", "category", "is_active"]
    list_filter = ["school__municipality", "category", "is_active"]
    search_fields = ["full_name"]
    autocomplete_fields = ["school"]
    inlines = [DevelopmentInline, RouteInline]


@admin.register(ExportLog)
class ExportLogAdmin(admin.ModelAdmin):
    """The log of named exports is evidence: it is read here, never written or changed by hand."""

    list_display = ["created_at", "username", "kind", "description", "rows", "municipality", "school"]
    list_filter = ["kind", "municipality"]
    search_fields = ["username", "description"]
    date_hierarchy = "created_at"
    list_select_related = ["municipality", "school"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
