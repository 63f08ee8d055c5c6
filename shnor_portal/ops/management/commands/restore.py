from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _

from shnor_portal.backup import BackupError, newest_backup, restore_backup
from shnor_portal.commands import RussianArgumentsCommand


class Command(RussianArgumentsCommand):
    help = "Restores a backup folder over the database and MEDIA_ROOT after checking every checksum."

    def add_arguments(self, parser):
        parser.add_argument(
            "folder", nargs="?", help="a folder written by `manage.py backup` (default the newest in BACKUP_ROOT)"
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args, **options):
        connection = connections[options["database"]]
        folder = Path(options["folder"]) if options["folder"] else newest_backup(settings.BACKUP_ROOT)
        if folder is None:
            raise CommandError(
                _("There is no backup in %(path)s: name the folder to restore.") % {"path": settings.BACKUP_ROOT}
            )
        # Migrations this code knows: a backup of a newer portal would leave tables this code cannot use.
        known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
        # Our own connection must not hold the tables the restore drops and recreates.
        connection.close()
        try:
            outcome = restore_backup(
                folder,
                db=connection.settings_dict,
                media_root=Path(settings.MEDIA_ROOT),
                known_migrations=known,
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _("Restored from %(path)s (made %(created)s): %(tables)s tables, %(rows)s rows, %(files)s media files.")
            % {
                "path": outcome.folder,
                "created": outcome.manifest["created"],
                "tables": len(outcome.row_counts),
                "rows": sum(outcome.row_counts.values()),
                "files": len(outcome.manifest["media"]),
            }
        )
        applied = {(app, name) for app, names in outcome.manifest["migrations"].items() for name in names}
        if pending := len(known - applied):
            self.stdout.write(
                _("This code has %(count)s migrations the backup has not: run `manage.py migrate` before the services.")
                % {"count": pending}
            )
