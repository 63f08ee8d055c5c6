from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Activity, Plan, Section


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0
    fields = ["order", "number", "title", "parent", "responsible", "deadline_text"]


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ["title", "level", "municipality", "school", "period_start", "period_end", "status"]
    list_filter = ["level", "status", "municipality"]
    search_fields = ["title", "approval_number"]
    raw_id_fields = ["school", "pairing"]
    inlines = [SectionInline]


@admin.register(Section)
class SectionAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "plan", "order"]
    list_filter = ["plan__municipality"]
    search_fields = ["title", "number"]
    raw_id_fields = ["plan", "parent"]


@admin.register(Activity)
class ActivityAdmin(SimpleHistoryAdmin):
    list_display = ["number", "name", "deadline_text", "deadline_kind", "outside_period", "section"]
    list_filter = ["deadline_kind", "outside_period", "section__plan__municipality"]
    search_fields = ["name", "number", "deadline_text", "responsible"]
    raw_id_fields = ["section"]
    filter_horizontal = ["executors"]
    readonly_fields = ["deadline_kind", "deadline_periods", "outside_period"]
