"""Results as seed 004 publishes them: loaded by the demo as written and shown on the school's results tab."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from reports.assessments.models import PublishedResult

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=io.StringIO())


def test_the_demo_holds_the_seed_tables_as_written(demo):
    unyugan = PublishedResult.objects.filter(school__code="unyugan-1")
    assert unyugan.count() == 24
    fifth_b = unyugan.get(year=2019, subject__name="Русский язык", grade=5, class_name="б")
    assert (fifth_b.participants, fifth_b.mean_primary, fifth_b.mean_mark) == (16, Decimal("16.18"), Decimal("2.59"))
    parallel = unyugan.get(year=2017, subject__name="Математика", grade=5, class_name="")
    assert (parallel.max_score, parallel.quality_pct, parallel.success_pct) == (20, 60, 90)
    sherkaly = PublishedResult.objects.get(school__code="sherkaly", year=2018, subject__name="Математика", grade=6)
    assert (sherkaly.confirmed_pct, sherkaly.raised_pct, sherkaly.lowered_pct) == (6, 0, 94)
    chemashi = PublishedResult.objects.get(school__code="chemashi", year=2018, subject__name="Русский язык")
    assert (chemashi.procedure, chemashi.participants, chemashi.mean_score, chemashi.best_score) == ("ЕГЭ", 2, 71, 72)


def test_the_results_tab_shows_them_with_their_source_and_only_their_columns(demo, client):
    client.force_login(User.objects.get(username="coord-oktyabrsky"))
    page = client.get(reverse("reports:school-results-tab", args=["sherkaly"])).content.decode()
    assert "Результаты по данным источника" in page and "Таблицы 9 и 10" in page
    assert "подтвердили, %" in page and '<td class="text-end">94.0</td>' in page.replace("94,0", "94.0")
    published = page[page.index("Результаты по данным источника") :]  # the portal's own tables come before it
    assert "средний первичный балл" not in published  # Шеркальская's published tables have no such column
    outsider = User.objects.get(username="coord-gorodets")
    client.force_login(outsider)
    assert client.get(reverse("reports:school-results-tab", args=["sherkaly"])).status_code == 404
