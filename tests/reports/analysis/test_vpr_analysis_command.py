"""`vpr_analysis --json`: SPEC §5's shape, only JSON on standard output, Russian errors."""

import json

import pytest
from django.core.management import CommandError, call_command

from .campaign import build

pytestmark = pytest.mark.django_db

FIGURES = {
    "school",
    "participants",
    "sample",
    "marks_pct",
    "marks_2_pct_prev",
    "marks_2_dynamics_pp",
    "negative_dynamics",
    "journal_gap_2",
    "boundary_peaks",
    "tasks",
}


def run(*args):
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command("vpr_analysis", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_prints_only_the_json_of_spec_section_5(world):
    build(world)
    out, _ = run("--municipality", "oktyabrsky", "--year", "2025", "--subject", "математика", "--grade", "5", "--json")
    document = json.loads(out)
    assert set(document) == {"scale", "reference", "schools", "total"}
    assert document["scale"] == {"3": 6, "4": 11, "5": 16}
    assert [row["school"] for row in document["schools"]] == ["andra", "chemashi"]
    for row in [*document["schools"], document["total"]]:
        assert set(row) == FIGURES
        assert set(row["marks_pct"]) == {"2", "3", "4", "5"}
    assert document["total"]["school"] is None
    b = document["schools"][0]
    assert (b["marks_2_dynamics_pp"], b["negative_dynamics"], b["sample"]) == (10.0, True, "limited")
    assert document["schools"][1]["boundary_peaks"] == [{"mark": 3, "score": 6, "at": 4, "below": 2}]


def test_it_refuses_an_unknown_campaign_in_russian(world):
    build(world)
    with pytest.raises(CommandError, match="Нет оценочной процедуры ВПР 2025 года"):
        run("--municipality", "oktyabrsky", "--year", "2025", "--subject", "Математика", "--grade", "6", "--json")
    with pytest.raises(CommandError, match="Неизвестный код муниципалитета"):
        run("--municipality", "nowhere", "--year", "2025", "--subject", "Математика", "--grade", "5")
