from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Listing, Municipality, Pairing, Region, School


@admin.register(Region)
class RegionAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Municipality)
class MunicipalityAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "region"]
    list_filter = ["region"]
    search_fields = ["name", "code"]


class ListingInline(admin.TabularInline):
    model = Listing
    extra = 0


@admin.register(School)
class SchoolAdmin(SimpleHistoryAdmin):
    list_display = ["short_name", "code", "municipality", "type", "is_rural"]
    list_filter = ["municipality", "type", "is_rural"]
    search_fields = ["name", "short_name", "code"]
    inlines = [ListingInline]


@admin.register(Listing)
class ListingAdmin(SimpleHistoryAdmin):
    list_display = ["school", "status", "start", "end", "basis"]
    list_filter = ["status", "school__municipality"]
    search_fields = ["school__short_name", "basis"]
    autocomplete_fields = ["school"]


@admin.register(Pairing)
class PairingAdmin(SimpleHistoryAdmin):
    list_display = ["mentee", "mentor", "agreement_number", "agreement_date", "start", "end", "status"]
    list_filter = ["status", "mentee__municipality"]
    autocomplete_fields = ["mentor", "mentee"]
