import os
import tempfile
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from registry.models import Municipality, Region
from reports.documents import KINDS, DocumentUnavailable, document_for
from reports.signatures.services import sign as sign_document
from reports.signing import SigningUnavailable
from roadmaps.models import Plan
from shnor_portal.commands import RussianArgumentsCommand, indicator_year

FORMATS = ("pdf", "xlsx")


def write_atomically(path: Path, content: bytes) -> None:
    """The whole file or none: a reader (a cron job's next step) never sees half a PDF."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class Command(RussianArgumentsCommand):
    help = (
        "Renders an official document (SPEC §2.5) of a municipality or a region for a year as PDF or .xlsx; a plan "
        "annex is of the scope's approved plan of the highest level covering the year unless --plan names one."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=list(KINDS), help="plan, indicators, …")
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--municipality", help="municipality code")
        scope.add_argument("--region", help="region code")
        parser.add_argument("--year", type=indicator_year, required=True)
        parser.add_argument("--format", choices=FORMATS, required=True, dest="output_format")
        parser.add_argument("--out", required=True, help="the file to write")
        parser.add_argument("--plan", type=int, help="the plan's id (a plan annex)")
        parser.add_argument(
            "--sign",
            action="store_true",
            help="sign the PDF with the department's certificate and enter it in the document registry",
        )
        parser.add_argument("--user", help="the signer's login (the registry names «система» without it)")

    def handle(self, *args, **options):
        unit = self.unit(options)
        plan = None
        if options["plan"] is not None:
            plan = Plan.objects.filter(pk=options["plan"]).first()
            if plan is None:
                raise CommandError(f"Нет плана №{options['plan']}.")
        signer = self.signer(options)
        out = Path(options["out"])
        if out.is_dir():
            example = out / f"{options['kind']}.{options['output_format']}"
            raise CommandError(f"--out указывает на папку, а не на файл: {out}. Укажите имя файла, например {example}.")
        if not out.parent.is_dir():
            raise CommandError(f"Папка для --out не существует: {out.parent}. Создайте её или укажите другую.")
        try:
            document = document_for(options["kind"], unit, options["year"], plan)
            if options["sign"]:
                entry = sign_document(document, signer)
                with entry.file.open("rb") as handle:
                    content = handle.read()
            else:
                content = document.pdf() if options["output_format"] == "pdf" else document.xlsx()
        except (DocumentUnavailable, SigningUnavailable) as exc:
            raise CommandError(str(exc)) from exc
        try:
            write_atomically(out, content)
        except OSError as exc:
            raise CommandError(f"Не удалось записать «{out}»: {exc.strerror or exc}.") from exc
        self.stdout.write(f"{out}: {document.kind_label} — «{document.title}», {unit.name}, {options['year']}")
        if options["sign"]:
            self.stdout.write(f"Подписан и внесён в реестр документов под номером {entry.number}.")

    def signer(self, options):
        if not options["sign"]:
            if options["user"]:
                raise CommandError("--user нужен только вместе с --sign.")
            return None
        if options["output_format"] != "pdf":
            raise CommandError("Подписать можно только PDF: укажите --format pdf.")
        if not options["user"]:
            return None
        user = get_user_model().objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"Нет активного пользователя «{options['user']}».")
        return user

    def unit(self, options):
        if options["municipality"]:
            code = options["municipality"].strip().lower()
            unit = Municipality.objects.select_related("region").filter(code=code).first()
            if unit is None:
                raise CommandError(f"Неизвестный код муниципалитета «{options['municipality']}».")
            return unit
        unit = Region.objects.filter(code=options["region"].strip().lower()).first()
        if unit is None:
            raise CommandError(f"Неизвестный код региона «{options['region']}».")
        return unit
