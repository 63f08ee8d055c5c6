from django.contrib import admin

from .models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ("task", "dedupe_key", "state", "attempts", "created_at", "sent_at", "last_attempt_at")
    list_filter = ("state", "task")
    search_fields = ("task", "dedupe_key")
    # The arguments may hold a password-reset link: shown to superusers only as stored, never edited.
    readonly_fields = [field.name for field in OutboxMessage._meta.fields]

    def has_add_permission(self, request):
        return False
