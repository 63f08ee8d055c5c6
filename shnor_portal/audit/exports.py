"""The audit trail as .xlsx: one row per changed field, the entry's columns repeated, exactly the filtered entries."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from shnor_portal.xlsx import Column, build_workbook


def entries_workbook(entries, subtitle: str = "") -> bytes:
    columns = [
        Column(_("When"), 17),
        Column(_("Who"), 26),
        Column(_("Object kind"), 24),
        Column(_("Object"), 36),
        Column(pgettext("audit", "Action"), 12),
        Column(_("Field"), 24),
        Column(_("Before"), 40),
        Column(_("After"), 40),
    ]

    def rows():
        for entry in entries:
            head = [
                timezone.localtime(entry.timestamp).strftime("%d.%m.%Y %H:%M"),
                entry.actor_name,
                entry.kind,
                entry.object_repr,
                entry.get_action_display(),
            ]
            if not entry.changes:
                yield [*head, "", "", ""]
            for change in entry.changes:
                yield [*head, change["label"], change["before"], change["after"]]

    return build_workbook(_("Audit trail"), columns, rows(), subtitle=subtitle)
