import csv
import random
from pathlib import Path

from django.core.management.base import CommandError
from django.db import transaction

from registry.models import Municipality, Region, School
from shnor_portal.commands import RussianArgumentsCommand

SUBJECTS = ("Русский язык", "Математика")
GRADES = (4, 5, 6, 7, 8)
# Maximum primary scores of ВПР by subject and grade (2024 editions), for plausible synthetic scores.
MAXIMUM = {
    ("Русский язык", 4): 38,
    ("Русский язык", 5): 45,
    ("Русский язык", 6): 51,
    ("Русский язык", 7): 47,
    ("Русский язык", 8): 51,
    ("Математика", 4): 20,
    ("Математика", 5): 20,
    ("Математика", 6): 16,
    ("Математика", 7): 19,
    ("Математика", 8): 25,
}
HEADER = [
    "Год",
    "Процедура",
    "Предмет",
    "Параллель",
    "Код ОО",
    "Класс",
    "Код участника",
    "Первичный балл",
    "Максимальный балл",
    "Отметка",
    "Отметка по журналу",
]


def mark_for(score: int, maximum: int) -> int:
    share = score / maximum
    return 2 if share < 0.3 else 3 if share < 0.55 else 4 if share < 0.8 else 5


def writable_file(out: str) -> Path:
    """The path `--out` names, or a Russian CommandError (exit code 1, no traceback) when no file can be written
    there: a folder, or a file in a folder that does not exist."""
    path = Path(out)
    if path.is_dir():
        raise CommandError(
            f"--out указывает на папку, а не на файл: {path}. Укажите имя файла, например {path / 'region.csv'}."
        )
    if not path.parent.is_dir():
        raise CommandError(f"Папка для --out не существует: {path.parent}. Создайте её или укажите другую.")
    return path


class Command(RussianArgumentsCommand):
    help = "Creates the municipality «synthetic» with N schools and writes M ВПР protocol rows to a CSV (benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--schools", type=int, required=True)
        parser.add_argument("--participants", type=int, required=True)
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--out", required=True)
        parser.add_argument("--seed", type=int, default=2024)
        parser.add_argument("--tasks", type=int, default=0, help="task columns «1» … «N» whose scores add up")

    def handle(self, *args, schools, participants, year, out, seed, tasks=0, **options):
        if schools < 1 or participants < 0:
            raise CommandError("--schools must be at least 1 and --participants 0 or more.")
        if not 0 <= tasks <= min(MAXIMUM.values()):
            raise CommandError(f"--tasks: от 0 до {min(MAXIMUM.values())}.")
        target = writable_file(out)  # before anything is created: a wrong --out leaves the database as it was
        with transaction.atomic():
            region, _ = Region.objects.get_or_create(code="synthetic", defaults={"name": "Синтетический регион"})
            municipality, _ = Municipality.objects.get_or_create(
                code="synthetic", defaults={"name": "Синтетический район", "region": region}
            )
            existing = set(School.objects.filter(code__startswith="syn-").values_list("code", flat=True))
            School.objects.bulk_create(
                [
                    School(
                        municipality=municipality,
                        code=code,
                        short_name=f"МБОУ «Синтетическая СОШ №{n}»",
                        name=f"Муниципальное бюджетное общеобразовательное учреждение «Синтетическая СОШ №{n}»",
                    )
                    for n in range(1, schools + 1)
                    if (code := f"syn-{n:05d}") not in existing
                ],
                batch_size=2000,
            )
        rng = random.Random(seed)  # noqa: S311 — synthetic scores, not secrets
        works = [(subject, grade) for subject in SUBJECTS for grade in GRADES]
        try:
            handle = open(target, "w", encoding="utf-8", newline="")
        except OSError as exc:
            raise CommandError(f"Не удалось записать файл {target}: {exc.strerror or exc}") from exc
        with handle:
            writer = csv.writer(handle, delimiter=";")
            writer.writerow([*HEADER, *(str(n) for n in range(1, tasks + 1))])
            # Each work's maximum split over the tasks as evenly as it goes: their maxima add up to it.
            capacities = {
                work: [maximum // tasks + (1 if n < maximum % tasks else 0) for n in range(tasks)] if tasks else []
                for work, maximum in MAXIMUM.items()
            }
            order = list(range(tasks))
            for index in range(participants):
                subject, grade = works[index % len(works)]
                school = (index // len(works)) % schools + 1
                maximum = MAXIMUM[(subject, grade)]
                score = min(maximum, max(0, round(rng.gauss(maximum * 0.55, maximum * 0.2))))
                mark = mark_for(score, maximum)
                journal = min(5, max(2, mark + rng.choice((-1, 0, 0, 0, 1))))
                letter = "абв"[index % 3]
                points = [0] * tasks
                if tasks:
                    # The score spread over the tasks in a random order, each up to its maximum.
                    left = score
                    rng.shuffle(order)
                    capacity = capacities[(subject, grade)]
                    for n in order:
                        points[n] = taken = min(capacity[n], left)
                        left -= taken
                writer.writerow(
                    [
                        year,
                        "ВПР",
                        subject,
                        grade,
                        f"syn-{school:05d}",
                        f"{grade}{letter}",
                        f"S{year}-{index + 1:08d}",
                        score,
                        maximum,
                        mark,
                        journal,
                        *points,
                    ]
                )
        self.stdout.write(f"Муниципалитет synthetic: школ — {schools}; в {out} записано строк — {participants}.")
