"""The demo loads the shared result samples like a coordinator's import; a second load imports nothing."""

import io
import json

import pytest
from django.core.management import call_command

from registry.models import Municipality
from reports.assessments.aggregates import results_rows
from reports.assessments.models import ParticipantResult, ResultImport
from reports.demo import RESULTS

pytestmark = pytest.mark.django_db


def test_the_demo_holds_the_sample_results_with_their_numbers_and_loads_them_once():
    call_command("load_demo", stdout=io.StringIO())
    expected = json.loads((RESULTS / "expected.json").read_text(encoding="utf-8"))
    for case in expected.values():
        options = dict(zip(case["results"].split()[1::2], case["results"].split()[2::2], strict=False))
        municipality = Municipality.objects.get(code=options["--municipality"])
        rows = results_rows(municipality=municipality, year=int(options["--year"]), procedure=options["--procedure"])
        assert rows == case["rows"]
    imports, participants = ResultImport.objects.count(), ParticipantResult.objects.count()
    # The three samples and the three ВПР analysis files of Октябрьский район (reports/vpr_demo.py).
    assert imports == 6 and all(record.summary["demo"] for record in ResultImport.objects.all())
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert (ResultImport.objects.count(), ParticipantResult.objects.count()) == (imports, participants)
    # The demo's files are imports of the system, with who ran them, in «Мои загрузки» of the municipality's
    # coordinators (Городецкий: its ВПР and ЕГЭ; not Дубенский's statistics).
    from django.contrib.auth import get_user_model

    from reports.assessments.services import imports_listed_for

    assert all(
        record.user_id is None and record.summary["ran_by"]["command"] == "load_demo"
        for record in ResultImport.objects.all()
    )
    gorodets = get_user_model().objects.get(username="coord-gorodets")
    assert sorted(record.original_name for record in imports_listed_for(gorodets)) == [
        "ege_2021_gorodets_protocol.csv",
        "vpr_2021_gorodets_protocol.xlsx",
    ]
    # Октябрьский: only its own ВПР analysis files (reports/vpr_demo.py), none of Городецкий's.
    oktyabrsky = get_user_model().objects.get(username="coord-oktyabrsky")
    listed = sorted(record.original_name for record in imports_listed_for(oktyabrsky))
    assert listed and all("oktyabrsky" in name for name in listed), listed
