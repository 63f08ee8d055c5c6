import sys
from pathlib import Path

from django.core.management.base import CommandError

from reports.assessments.task_table import import_task_table
from shnor_portal.commands import RussianArgumentsCommand

from .import_results import Command as ResultsCommand


class Command(RussianArgumentsCommand):
    help = "Imports the task table of a work (tasks, maxima, levels, skills and the mark scale) from .xlsx or .csv."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--procedure", required=True)
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--subject", required=True)
        parser.add_argument("--grade", type=int, required=True)

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Файл не найден: {path}")
        table, campaign = import_task_table(
            path,
            procedure=options["procedure"].strip().upper(),
            year=options["year"],
            subject_name=options["subject"],
            grade=options["grade"],
            max_bytes=None,
        )
        if campaign is None:
            self.stderr.write(f"Таблица заданий {path.name} не загружена: ошибок — {len(table.problems)}.")
            for problem in table.problems:
                ResultsCommand.write_problem(self.stderr, problem)
            sys.exit(1)
        levels = {level: sum(1 for task in table.tasks if task["level"] == level) for level in ("Б", "П", "В")}
        self.stdout.write(
            f"{campaign}: заданий — {len(table.tasks)} (Б — {levels['Б']}, П — {levels['П']}, В — {levels['В']}), "
            f"сумма максимумов — {sum(task['max_points'] for task in table.tasks)}."
        )
        if table.scale:
            self.stdout.write(f"Шкала: «3» от {table.scale[3]}, «4» от {table.scale[4]}, «5» от {table.scale[5]}.")
