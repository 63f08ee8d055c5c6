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
