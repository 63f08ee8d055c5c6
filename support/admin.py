from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Pairing


@admin.register(Pairing)
class PairingAdmin(SimpleHistoryAdmin):
    list_display = ["mentee", "mentor", "agreement_number", "agreement_date", "start", "end"]
    list_filter = ["mentee__municipality"]
    autocomplete_fields = ["mentor", "mentee"]
