"""`verify_pdf PATH`: exit 0 and the registry entry when the file's signature is intact and it is a registered,
unrevoked document of this portal; exit 1 with the reason in Russian otherwise (SPEC §5)."""

import sys
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from reports.signatures import services
from shnor_portal.commands import RussianArgumentsCommand
from shnor_portal.files.limits import too_large_message


class Command(RussianArgumentsCommand):
    help = "Проверяет подпись PDF-файла и находит его в реестре документов."

    def add_arguments(self, parser):
        parser.add_argument("path", help="путь к подписанному PDF")

    def handle(self, *args, **options):
        translation.activate("ru")
        path = Path(options["path"])
        try:
            size = path.stat().st_size
        except OSError:
            self._refuse(_("The file %(path)s cannot be read.") % {"path": path})
        if size > settings.DOCUMENT_VERIFY_MAX_BYTES:
            self._refuse(too_large_message(settings.DOCUMENT_VERIFY_MAX_BYTES))
        result = services.verify(path.read_bytes())
        if result.entry is not None:
            facts = services.describe(result.entry)
            lines = [
                f"{_('Registry number')}: {facts['number']}",
                f"{_('Title')}: {facts['title']}",
                f"{_('Scope')}: {facts['scope']}, {facts['year']}",
                f"{_('Signed at')}: {facts['signed_at']:%d.%m.%Y %H:%M}",
                f"{_('Signed by')}: {facts['signer']}",
                f"{pgettext('signature', 'Certificate')}: {facts['certificate_serial']} ({facts['certificate_owner']})",
            ]
            self.stdout.write("\n".join(lines))
        if result.ok:
            self.stdout.write(result.message)
            return
        self._refuse(result.message)

    def _refuse(self, message: str):
        # Exit 1 with the reason (a signature that does not hold is an answer, not a usage error: argparse's is 2).
        self.stdout.flush()
        self.stderr.write(message)
        sys.exit(1)
