import sys
from pathlib import Path

from django.core.management.base import CommandError

from registry.models import School
from reports.assessments.reader import Supplied, read_results
from reports.assessments.services import import_path
from shnor_portal.commands import RussianArgumentsCommand


class Command(RussianArgumentsCommand):
    help = "Imports an assessment results file (.xlsx or .csv) exactly as the web wizard does."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--procedure")
        parser.add_argument("--year", type=int)
        parser.add_argument("--subject")
        parser.add_argument("--grade", type=int)
        parser.add_argument("--school", help="school code, for a school's protocol without «Код ОО» (ФИС ОКО)")
        parser.add_argument("--dry-run", action="store_true", help="check the file only, write nothing")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Файл не найден: {path}")
        supplied = Supplied(
            options["procedure"], options["year"], options["subject"], options["grade"], options["school"]
        )
        # The command line works for the whole installation: every school of the registry is in scope.
        schools = dict(School.objects.values_list("code", "pk"))
        if options["dry_run"]:
            parsed = read_results(path, allowed_schools=schools, supplied=supplied, max_bytes=None)
            if parsed.ok:
                self._summary(path, parsed)
                self.stdout.write("Проверка прошла успешно; ничего не записано (--dry-run).")
                return
            self._refuse(path, parsed)
        outcome, _record = import_path(path, allowed_schools=schools, supplied=supplied)
        if outcome.summary is None:
            self._refuse(path, outcome.parsed)
        parsed, summary = outcome.parsed, outcome.summary
        self._summary(path, parsed)
        self.stdout.write(
            f"Записано: строк участников — {summary['participant_rows']}, строк статистики — "
            f"{summary['aggregate_rows']}; заменено прежних строк — {summary['replaced_rows']}."
        )
        if summary.get("reference_rows"):
            self.stdout.write(f"Распределения отметок страны, региона, муниципалитета — {summary['reference_rows']}.")

    def _summary(self, path, parsed):
        kind = "протокол участников" if parsed.shape == "protocol" else "статистика по отметкам"
        self.stdout.write(
            f"Файл {path.name}: {kind}, строк с результатами — {parsed.rows}, кампаний — {len(parsed.campaigns)}, "
            f"школ — {len(parsed.schools)}."
        )
        for info in parsed.campaigns.values():
            self.stdout.write(f"  {info['procedure']} {info['year']}. {info['subject']}, {info['grade']} класс")
        if parsed.tasks:
            self.stdout.write("Баллы за задания: " + ", ".join(parsed.tasks))
        if parsed.unknown_columns:
            self.stdout.write("Неизвестные столбцы пропущены: " + ", ".join(parsed.unknown_columns))

    def _refuse(self, path, parsed):
        self.stderr.write(f"Файл {path.name} не загружен: ошибок — {parsed.problem_count}. Ничего не записано.")
        for problem in parsed.problems:
            self.write_problem(self.stderr, problem)
        sys.exit(1)

    @staticmethod
    def write_problem(stream, problem) -> None:
        place = ", ".join(
            part
            for part in (
                f"лист «{problem.sheet}»" if problem.sheet else "",
                f"строка {problem.row}" if problem.row else "",
                f"столбец «{problem.column}»" if problem.column else "",
                f"значение «{problem.value}»" if problem.value else "",
            )
            if part
        )
        stream.write(f"  {place + ': ' if place else ''}{problem.message}")
