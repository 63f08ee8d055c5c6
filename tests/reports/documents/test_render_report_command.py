"""`render_report KIND --municipality CODE | --region CODE --year Y --format {pdf,xlsx} --out PATH [--plan ID]`
(SPEC §5): the file, or one Russian sentence and exit code 1 (2 for wrong arguments), never a traceback."""

import io

import pytest
from django.core.management import call_command
from django.utils import translation
from openpyxl import load_workbook

from roadmaps.models import PlanStatus

from .builders import make_plan, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _russian():
    with translation.override("ru"):
        yield


def run(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("render_report", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    except Exception as exc:  # CommandError: what manage.py prints, with exit code 1
        from django.core.management.base import CommandError

        assert isinstance(exc, CommandError)
        return exc.returncode, out.getvalue(), str(exc)
    return code, out.getvalue(), err.getvalue()


def test_it_renders_the_plan_annex_of_the_highest_approved_plan(world, tmp_path):
    make_plan(world.municipality, title="Черновик", status=PlanStatus.DRAFT)
    plan = make_plan(world.municipality)
    target = tmp_path / "plan.pdf"
    code, out, _ = run("plan", "--municipality", "oktyabrsky", "--year", "2021", "--format", "pdf", "--out", target)
    assert code == 0 and str(target) in out and plan.title in out
    text = pdf_text(target.read_bytes())
    assert "1.1" in text and "Раздел 1: поддержка школ" in text


def test_it_renders_a_named_plan_as_xlsx(world, tmp_path):
    make_plan(world.municipality)
    draft = make_plan(world.municipality, title="Черновик плана", status=PlanStatus.DRAFT)
    target = tmp_path / "plan.xlsx"
    code, _, _ = run(
        "plan",
        "--municipality",
        "oktyabrsky",
        "--year",
        "2020",
        "--format",
        "xlsx",
        "--out",
        target,
        "--plan",
        str(draft.pk),
    )
    assert code == 0
    values = [cell for row in load_workbook(target).active.iter_rows(values_only=True) for cell in row if cell]
    assert "Черновик плана" in values and "ПРОЕКТ" in values


def test_a_region_gets_its_indicators(world, tmp_path):
    target = tmp_path / "indicators.pdf"
    code, _, _ = run("indicators", "--region", "hmao", "--year", "2021", "--format", "pdf", "--out", target)
    assert code == 0 and target.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["plan", "--municipality", "nowhere"], "Неизвестный код муниципалитета «nowhere»."),
        (["plan", "--region", "nowhere"], "Неизвестный код региона «nowhere»."),
        (["plan", "--municipality", "oktyabrsky", "--plan", "999999"], "Нет плана №999999."),
        (["plan", "--municipality", "oktyabrsky"], "нет утверждённого плана, действующего в 2021 году"),
    ],
    ids=["municipality", "region", "plan", "no-plan"],
)
def test_it_refuses_in_russian_with_exit_code_1(world, tmp_path, args, message):
    target = tmp_path / "out.pdf"
    code, _, err = run(*args, "--year", "2021", "--format", "pdf", "--out", target)
    assert code == 1 and message in err
    assert not target.exists()


def test_a_plan_of_another_municipality_is_refused(world, tmp_path):
    plan = make_plan(world.far)
    code, _, err = run(
        "plan",
        "--municipality",
        "oktyabrsky",
        "--year",
        "2021",
        "--format",
        "pdf",
        "--out",
        tmp_path / "x.pdf",
        "--plan",
        str(plan.pk),
    )
    assert code == 1 and "не относится к территории «Октябрьский район»" in err


def test_a_wrong_out_is_refused_before_rendering(world, tmp_path):
    make_plan(world.municipality)
    base = ["plan", "--municipality", "oktyabrsky", "--year", "2021", "--format", "pdf", "--out"]
    code, _, err = run(*base, tmp_path)
    assert code == 1 and "--out указывает на папку, а не на файл" in err
    code, _, err = run(*base, tmp_path / "missing" / "plan.pdf")
    assert code == 1 and "Папка для --out не существует" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["poster", "--municipality", "oktyabrsky"], "аргумент kind: «poster» — не одно из значений"),
        (["plan"], "нужен один из аргументов: --municipality --region"),
        (["plan", "--municipality", "oktyabrsky", "--region", "hmao"], "аргумент --region нельзя указать вместе с"),
    ],
    ids=["kind", "no-scope", "both-scopes"],
)
def test_wrong_arguments_are_refused_in_russian_with_exit_code_2(world, tmp_path, args, message):
    with pytest.raises(Exception) as raised:
        call_command("render_report", *args, "--year", "2021", "--format", "pdf", "--out", str(tmp_path / "x.pdf"))
    assert message in str(raised.value)
