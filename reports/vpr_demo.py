"""The demo's ВПР analysis data for Октябрьский район (issue 16): ВПР 2025 Математика 5 класс with task scores, its
task table with the mark scale, the same campaign of 2024 for the dynamics, and a ФИС ОКО «Статистика по отметкам»
with the country, region and municipality rows. Demo data, fictional (docs/demo.md).

The files are generated here, deterministically, and kept in fixtures/demo/vpr/ (`python -m reports.vpr_demo`
rewrites them; a test checks that the kept files are what this module writes). `load` imports them through the real
import services, as a coordinator would, once: a second run changes nothing.

Chosen so that every signal of SPEC §2.6 shows: a boundary peak at mark 3 in МКОУ «Чемашинская СОШ» (6 works at 5
points, 3 at 4), its «2» share up by 12.5 points on 2024 («отрицательная динамика»), journal gaps of two marks, tasks
mastered, borderline and not mastered at both levels, and mark groups of 10 or more and under 10.
"""

import csv
import hashlib
import io
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from shnor_portal.demo import FIXTURES, Tally

FOLDER = FIXTURES / "vpr"
PROCEDURE, SUBJECT, GRADE, YEAR = "ВПР", "Математика", 5, 2025
TASKS_FILE = "vpr_2025_math5_tasks.csv"
PROTOCOL_FILE = "vpr_2025_math5_oktyabrsky_protocol.csv"
PREVIOUS_FILE = "vpr_2024_math5_oktyabrsky_protocol.csv"
STATISTICS_FILE = "vpr_2025_math5_oktyabrsky_statistics.csv"
# (label, maximum, level, skills, the municipality's target mastery in %; None: the tasks that take the points the
# targeted ones leave, evenly — they come out mastered)
TASKS = [
    ("1", 1, "Б", "Натуральные числа: сравнение, действия", None),
    ("2", 1, "Б", "Обыкновенные дроби", None),
    ("3", 1, "Б", "Десятичные дроби", 60),  # borderline (57.0–63.0)
    ("4", 1, "Б", "Нахождение части числа и числа по его части", 45),  # not mastered
    ("5", 2, "Б", "Текстовая задача на движение", None),
    ("6", 2, "Б", "Чтение таблиц и диаграмм", None),
    ("7", 1, "П", "Логическая задача", None),  # mastered (above 31.5)
    ("8", 2, "П", "Задача на проценты", 30),  # borderline (28.5–31.5)
    ("9", 2, "П", "Геометрические фигуры, периметр и площадь", 20),  # not mastered
    ("10", 2, "В", "Задача повышенной сложности", 12),
]
SCALE = {3: 5, 4: 9, 5: 12}  # the lowest primary score of marks 3, 4 and 5 (of 15)
MAXIMUM = sum(task[1] for task in TASKS)
# Works by primary score, per school (2025).
HISTOGRAMS_2025 = {
    # 6 works at 5 and 3 at 4: a boundary peak at mark 3 (6 ≥ 3 and 6 ≥ 2 × 3); 6 «2» of 24 (25.0 %).
    "chemashi": {2: 1, 3: 2, 4: 3, 5: 6, 6: 3, 7: 1, 8: 1, 9: 3, 10: 1, 11: 1, 12: 1, 13: 1},
    "oktyabrskoe": {1: 1, 2: 1, 3: 2, 4: 2, 5: 3, 6: 5, 7: 6, 8: 6, 9: 5, 10: 6, 11: 5, 12: 4, 13: 3, 14: 2, 15: 1},
    # 14 works with «3» (a group of 10 or more) and 4 with «5» (under 10).
    "sherkaly": {3: 1, 4: 2, 5: 3, 6: 4, 7: 4, 8: 3, 9: 3, 10: 3, 11: 3, 12: 2, 13: 1, 14: 1},
    "unyugan-1": {2: 1, 4: 2, 5: 2, 6: 2, 7: 2, 8: 1, 9: 2, 10: 1, 12: 1, 14: 1},
}
# 2024: the same schools; Чемашинская had 3 «2» of 24 (12.5 %).
HISTOGRAMS_2024 = {
    "chemashi": {3: 1, 4: 2, 5: 4, 6: 5, 7: 3, 8: 2, 9: 3, 10: 2, 12: 1, 13: 1},
    "oktyabrskoe": {2: 1, 3: 2, 4: 3, 5: 4, 6: 5, 7: 6, 8: 5, 9: 6, 10: 6, 11: 5, 12: 4, 13: 3, 14: 1},
    "sherkaly": {3: 1, 4: 3, 5: 3, 6: 4, 7: 4, 8: 3, 9: 3, 10: 3, 11: 2, 12: 2, 13: 1, 14: 1},
    "unyugan-1": {4: 2, 5: 3, 6: 2, 7: 2, 8: 1, 9: 2, 10: 1, 12: 1, 14: 1},
}
# The country's and the region's rows of the report (fictional, like every demo figure).
RUSSIA = ("Вся выборка", 30512, 1234567, ("11,52", "40,31", "35,12", "13,05"))
REGION = (287, 20433, ("9,80", "41,20", "36,40", "12,60"))


def mark_of(score: int) -> int:
    return 5 if score >= SCALE[5] else 4 if score >= SCALE[4] else 3 if score >= SCALE[3] else 2


def _works(histograms: dict) -> list[tuple[str, int, int]]:
    """(school, number within the school, primary score), schools in a fixed order, scores interleaved so that
    classes get a mix."""
    works = []
    for school, histogram in histograms.items():
        scores = [score for score, count in sorted(histogram.items()) for _n in range(count)]
        # A fixed shuffle: every third score first, then the rest, so that «5а» and «5б» both get the whole range.
        order = scores[::3] + scores[1::3] + scores[2::3]
        works += [(school, n, score) for n, score in enumerate(order, start=1)]
    return works


def _journal(mark: int, n: int) -> int:
    """The term mark: mostly the ВПР mark, one above or below now and then, and two apart for a few works."""
    if n % 11 == 3 and mark <= 3:
        return mark + 2  # a «2» or «3» against a journal «4» or «5»
    if n % 13 == 5 and mark == 5:
        return 3
    if n % 5 == 1:
        return min(5, mark + 1)
    if n % 7 == 2:
        return max(2, mark - 1)
    return mark


def _task_points(works) -> list[list[int]]:
    """Each work's primary score spread over the tasks so that the municipality's mastery of every task comes close
    to its target: a point goes to the task furthest below its target share, within the task's maximum."""
    fixed = {t: Decimal(task[4]) / 100 * task[1] * len(works) for t, task in enumerate(TASKS) if task[4] is not None}
    left = sum(work[2] for work in works) - sum(fixed.values())
    free = sum(task[1] for t, task in enumerate(TASKS) if t not in fixed)
    targets = [fixed.get(t, left * task[1] / free) for t, task in enumerate(TASKS)]
    given = [0] * len(TASKS)
    # Strong works first: they fill the hard tasks, as real ones do.
    ranked = sorted(range(len(works)), key=lambda i: (-works[i][2], i))
    result = [None] * len(works)
    for index in ranked:
        points = [0] * len(TASKS)
        for _point in range(works[index][2]):
            best = max(
                (t for t in range(len(TASKS)) if points[t] < TASKS[t][1]),
                key=lambda t: ((targets[t] - given[t]) / targets[t], -t),
            )
            points[best] += 1
            given[best] += 1
        result[index] = points
    return result


def protocol_text(histograms: dict, year: int, with_tasks: bool) -> str:
    """A municipal protocol in the shape-1 layout; with task columns «З1» … and a «Макс. балл» row."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    task_headers = [f"З{label}" for label, *_rest in TASKS] if with_tasks else []
    head = ["Год", "Процедура", "Предмет", "Параллель", "Код ОО", "Класс", "Код участника"]
    writer.writerow([*head, *task_headers, "Первичный балл", "Отметка", "Отметка по журналу"])
    if with_tasks:
        writer.writerow(["Макс. балл", "", "", "", "", "", "", *(task[1] for task in TASKS), MAXIMUM, "", ""])
    works = _works(histograms)
    points = _task_points(works) if with_tasks else [[] for _w in works]
    for (school, n, score), row_points in zip(works, points, strict=True):
        mark = mark_of(score)
        cells = ["Х" if p == 0 and (n + t) % 4 == 0 else p for t, p in enumerate(row_points)]
        code = f"{school[:3].upper()}{year}-{n:03d}"
        place = [year, PROCEDURE, SUBJECT, GRADE, school, f"{GRADE}{'аб'[n % 2]}", code]
        writer.writerow([*place, *cells, score, mark, _journal(mark, n)])
    return out.getvalue()


def tasks_text() -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Номер задания", "Максимальный балл", "Уровень сложности", "Проверяемые умения"])
    for label, maximum, level, skills, _target in TASKS:
        writer.writerow([label, maximum, level, skills])
    writer.writerow([])
    for mark, score in SCALE.items():
        writer.writerow([f"Отметка {mark} от", score])
    return out.getvalue()


def _pct(count: int, total: int) -> str:
    return str((Decimal(100 * count) / total).quantize(Decimal("0.01"), ROUND_HALF_UP)).replace(".", ",")


def statistics_text(region_name: str, municipality_name: str) -> str:
    """ФИС ОКО «Статистика по отметкам» as downloaded: title rows, the two-row header, the country, region and
    municipality rows (the municipality's from the protocol's own marks). No school rows: they would replace the
    schools' protocols (the replacement rule)."""
    marks = [0, 0, 0, 0]
    for _school, _n, score in _works(HISTOGRAMS_2025):
        marks[mark_of(score) - 2] += 1
    total = sum(marks)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([f"Всероссийские проверочные работы {YEAR} ({GRADE} класс)"])
    writer.writerow([f"Предмет: {SUBJECT}"])
    writer.writerow(["Дата: 15.04.2025"])
    writer.writerow(["Статистика по отметкам"])
    writer.writerow([f"Максимальный первичный балл: {MAXIMUM}"])
    writer.writerow(["Группы участников", "Кол-во ОО", "Кол-во уч.", "Распределение групп баллов в %", "", "", ""])
    writer.writerow(["", "", "", "2", "3", "4", "5"])
    writer.writerow([RUSSIA[0], RUSSIA[1], RUSSIA[2], *RUSSIA[3]])
    writer.writerow([region_name, *REGION[:2], *REGION[2]])
    writer.writerow([municipality_name, len(HISTOGRAMS_2025), total, *(_pct(count, total) for count in marks)])
    return out.getvalue()


def files(region_name: str, municipality_name: str) -> dict[str, str]:
    return {
        TASKS_FILE: tasks_text(),
        PREVIOUS_FILE: protocol_text(HISTOGRAMS_2024, YEAR - 1, with_tasks=False),
        PROTOCOL_FILE: protocol_text(HISTOGRAMS_2025, YEAR, with_tasks=True),
        STATISTICS_FILE: statistics_text(region_name, municipality_name),
    }


def demo_names() -> tuple[str, str]:
    """The region's and the municipality's names as the demo registry writes them (fixtures/demo/registry.yaml)."""
    from shnor_portal.demo import read_fixture

    data = read_fixture("registry.yaml")
    municipality = next(item for item in data["municipalities"] if item["code"] == "oktyabrsky")
    region = next(item for item in data["regions"] if item["code"] == municipality["region"])
    return region["name"], municipality["name"]


def write_files(folder: Path = FOLDER) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files(*demo_names()).items():
        (folder / name).write_bytes(text.encode("utf-8"))


def load(tally: Tally) -> None:
    """Import the kept files through the real services (task table, then the protocols, then the report)."""
    from registry.models import School

    from .assessments.models import Campaign, ResultImport, Subject
    from .assessments.services import import_path
    from .assessments.task_table import import_task_table

    subject = Subject.objects.get(name=SUBJECT)
    campaign = Campaign.objects.filter(procedure=PROCEDURE, year=YEAR, subject=subject, grade=GRADE).first()
    wanted = [(label, maximum, level, skills) for label, maximum, level, skills, _t in TASKS]
    stored = list(campaign.tasks.values_list("label", "max_points", "level", "skills")) if campaign else []
    label = Campaign._meta.verbose_name_plural
    if stored != wanted or campaign.scale_5 != SCALE[5]:
        table, done = import_task_table(
            FOLDER / TASKS_FILE, procedure=PROCEDURE, year=YEAR, subject_name=SUBJECT, grade=GRADE, max_bytes=None
        )
        if done is None:
            raise RuntimeError(f"demo task table does not import: {[p.message for p in table.problems]}")
        tally.note(label, campaign is None, campaign is not None)
    else:
        tally.note(label, False, False)
    schools = dict(School.objects.filter(municipality__code="oktyabrsky").values_list("code", "pk"))
    for name in (PREVIOUS_FILE, PROTOCOL_FILE, STATISTICS_FILE):
        path = FOLDER / name
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        records = ResultImport._meta.verbose_name_plural
        if ResultImport.objects.filter(state=ResultImport.State.COMMITTED, summary__sha256=digest).exists():
            tally.note(records, False, False)
            continue
        outcome, _record = import_path(path, allowed_schools=schools, summary={"sha256": digest, "demo": True})
        if outcome.summary is None:
            problems = "; ".join(problem.message for problem in outcome.parsed.problems[:5])
            raise RuntimeError(f"demo ВПР file {name} does not import: {problems}")
        tally.note(records, True, False)


if __name__ == "__main__":
    import django

    django.setup()
    write_files()
