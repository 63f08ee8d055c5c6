import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connections
from django.utils.translation import gettext as _

from shnor_portal.backup import BackupError, make_backup
from shnor_portal.commands import RussianArgumentsCommand


def default_folder() -> Path:
    return Path(settings.BACKUP_ROOT) / dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


class Command(RussianArgumentsCommand):
    help = "Backs up the database and MEDIA_ROOT into a new folder with a manifest of checksums."

    def add_arguments(self, parser):
        parser.add_argument("--out", help="new or empty folder (default BACKUP_ROOT/<UTC time>)")
        parser.add_argument("--database", default="default")

    def handle(self, *args, **options):
        folder = Path(options["out"]) if options["out"] else default_folder()
        try:
            outcome = make_backup(
                folder, db=connections[options["database"]].settings_dict, media_root=Path(settings.MEDIA_ROOT)
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if options["verbosity"] < 1:
            return  # quiet for cron: errors still go to stderr with a non-zero exit
        manifest = outcome.manifest
        self.stdout.write(
            _("Backup written to %(path)s: %(tables)s tables, %(rows)s rows, %(files)s media files.")
            % {
                "path": folder,
                "tables": len(manifest["row_counts"]),
                "rows": sum(manifest["row_counts"].values()),
                "files": len(manifest["media"]),
            }
        )
        self.stdout.write(_("It holds personal data: keep it encrypted and off this host."))
