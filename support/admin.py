from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Competency,
    Criterion,
    DevelopmentRecord,
    EventMaterial,
    EventParticipant,
    EventSchool,
    Pairing,
    RouteStep,
    SupportEvent,
    Teacher,
)


@admin.register(Pairing)
class PairingAdmin(SimpleHistoryAdmin):
    list_display = ["mentee", "mentor", "agreement_number", "agreement_date", "start", "end", "status"]
    list_filter = ["status", "mentee__municipality"]
    autocomplete_fields = ["mentor", "mentee"]


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
