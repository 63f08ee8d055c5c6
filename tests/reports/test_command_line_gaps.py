"""The command lines answer a wrong path or a wrong file with one Russian sentence and exit code 1, never a traceback
or a message about something else (issue 12, «Command-line gaps»)."""

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from registry.models import School
from reports.assessments.models import ResultImport
from reports.assessments.reader import read_results
from tests.commands import run
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db
PROTOCOL = (
    "Год;Процедура;Предмет;Параллель;Код ОО;Класс;Код участника;Первичный балл;Максимальный балл;Отметка;"
    "Отметка по журналу\n2024;ВПР;Русский язык;5;osh-16;5а;A-1;30;45;4;4\n"
)
NOT_EXCEL = "Файл не является файлом Excel (.xlsx)"
KOI8 = "Кодировка файла не поддерживается: KOI8-R; сохраните файл в UTF-8 или Windows-1251"


@pytest.fixture(autouse=True)
def _russian():
    with translation.override("ru"):
        yield


def manage(*args) -> subprocess.CompletedProcess:
    """The command as an operator runs it; --out is checked before the database is opened."""
    return subprocess.run(
        [sys.executable, str(settings.BASE_DIR / "manage.py"), *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=settings.BASE_DIR,
        env={**os.environ, "PYTHONPATH": str(settings.BASE_DIR)},
    )


GENERATE = ["generate_region", "--schools", "2", "--participants", "5", "--year", "2024", "--out"]


@pytest.mark.parametrize(
    ("where", "message"),
    [
        (lambda tmp: tmp / "missing" / "region.csv", "Папка для --out не существует"),
        (lambda tmp: tmp, "--out указывает на папку, а не на файл"),
    ],
    ids=["missing-folder", "onto-a-folder"],
)
def test_it_refuses_an_out_it_cannot_write_before_creating_anything(tmp_path, where, message):
    out = where(tmp_path)
    with pytest.raises(CommandError, match=message):
        call_command(*GENERATE, str(out))
    assert not School.objects.filter(municipality__code="synthetic").exists()
    assert not (tmp_path / "missing").exists()
    completed = manage(*GENERATE, str(out))
    assert completed.returncode == 1, completed.stderr
    assert message in completed.stderr and "Traceback" not in completed.stderr, completed.stderr


def test_random_bytes_named_xlsx_are_said_to_be_no_excel_file(tmp_path):
    SchoolFactory(code="osh-16")
    path = tmp_path / "results.xlsx"
    path.write_bytes(random.Random(12).randbytes(200_000))
    code, _out, err = run("import_results", str(path))
    assert code == 1 and NOT_EXCEL in err and "Ничего не записано" in err, err
    assert "кодировк" not in err  # not «mixed encodings», as before
    assert not ResultImport.objects.exists()


def test_random_bytes_named_csv_are_a_binary_file():
    parsed = read_results(random.Random(13).randbytes(50_000), allowed_schools={})
    assert [problem.message for problem in parsed.problems] == [
        "Это двоичный файл, а не таблица: сохраните результаты как .xlsx или .csv."
    ]


def test_a_koi8_r_file_is_refused_for_its_encoding(tmp_path):
    SchoolFactory(code="osh-16")
    path = tmp_path / "results.csv"
    path.write_bytes(PROTOCOL.encode("koi8_r"))
    code, _out, err = run("import_results", str(path))
    assert code == 1 and KOI8 in err, err
    assert "не найден столбец" not in err
    assert not ResultImport.objects.exists()


@pytest.mark.parametrize("encoding", ["cp1251", "utf-8"])
def test_windows_1251_and_utf8_files_are_still_read(tmp_path, encoding):
    """The KOI8-R check does not take a Windows-1251 header written in capitals for KOI8-R."""
    code = SchoolFactory(code="osh-16").code
    upper = PROTOCOL.split("\n", 1)[0].upper() + "\n" + PROTOCOL.split("\n", 1)[1]
    for text in (PROTOCOL, upper):
        parsed = read_results(text.encode(encoding), allowed_schools={code: 1})
        assert parsed.ok, [problem.message for problem in parsed.problems]


def test_the_plan_import_says_the_same_of_random_bytes(tmp_path, world, capsys):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(random.Random(14).randbytes(20_000))
    code, _out, _err = run("import_plan", str(path), "--owner", "oktyabrsky", "--period", "2020-2021")
    err = capsys.readouterr().err  # the plan command writes its refusal to the process's stderr
    assert code == 1 and "Traceback" not in err and ".xlsx" in err, err


def test_the_plan_import_says_a_folder_is_no_file(tmp_path: Path, world, capsys):
    code, _out, _err = run("import_plan", str(tmp_path), "--owner", "oktyabrsky", "--period", "2020-2021")
    err = capsys.readouterr().err
    assert code == 1 and "папка, а не файл" in err, err
