"""No internal words on screen: the schools' Latin codes are not printed under their names (they stay in the URL, the
school page's details and the exports), notes cite their documents by title instead of «seed 004», risk factors are
named by their names instead of «RF01…», the admin's sections are Russian, the registry's sort options too."""

import glob
import io
import re
from html import unescape
from pathlib import Path

import pytest
import yaml
from django.urls import reverse
from openpyxl import load_workbook

from registry.models import RiskAssessment, RiskFactor
from shnor_portal.sources import SOURCES, cite, source_text

ROOT = Path(__file__).resolve().parent.parent


def visible_text(html: str) -> str:
    """What a reader sees: the page without its tags, attributes, scripts and hidden inputs."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", html))


@pytest.mark.django_db
def test_the_registry_list_does_not_print_school_codes_but_links_and_exports_keep_them(client_for, coordinator, world):
    client = client_for(coordinator)
    url = reverse("registry:school-list")
    html = client.get(url, {"year": "all"}).content.decode()
    text = visible_text(html)
    assert world.school.short_name in text
    for code in ("chemashi", "peregrebnoe-1", "andra"):
        assert not re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", text), code
    assert f'href="{world.school.get_absolute_url()}"' in html  # the code stays in the URL
    export = client.get(url, {"year": "all", "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert "chemashi" in {cell.value for row in sheet.iter_rows() for cell in row}
    details = client.get(world.school.get_absolute_url()).content.decode()
    assert "<code>chemashi</code>" in details  # the school page's details keep it


@pytest.mark.django_db
def test_risk_factors_are_named_not_coded(client_for, coordinator, world):
    factor = RiskFactor.objects.valid_in(2020).get(code="RF03")
    RiskAssessment.objects.create(school=world.school, year=2020, factor=factor, level="high")
    client = client_for(coordinator)
    tab = client.get(reverse("registry:school-tab", args=[world.school.code, "risks"]), {"year": "2020"})
    text = visible_text(tab.content.decode())
    assert factor.name in text and not re.search(r"\bRF\d\d\b", text)
    assert str(factor) == factor.name
    years = client.get(reverse("registry:school-tab", args=[world.school.code, "years"]))
    assert not re.search(r"\bRF\d\d\b", visible_text(years.content.decode()))


def _strings(value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str):
        yield value


def test_the_demo_data_cites_documents_by_title_not_as_seeds():
    """Every text of the demo fixtures a page may show (notes, bases, goals, descriptions, sources): comments in the
    files may say «seed 004», the values may not."""
    found = []
    for path in sorted(glob.glob(str(ROOT / "fixtures" / "demo" / "*.yaml"))):
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
        found += [(Path(path).name, text[:80]) for text in _strings(data) if re.search(r"\bseed\b", text, re.I)]
    assert found == []
    registry = (ROOT / "fixtures" / "demo" / "registry.yaml").read_text(encoding="utf-8")
    assert "(по данным приказа управления образования Октябрьского района № 448-од от 25.05.2020, стр. 528)" in registry


def test_a_seed_note_becomes_a_citation():
    assert cite("Таблица 2: «зона риска» (seed 004, стр. 530)") == (
        "Таблица 2: «зона риска» (по данным приказа управления образования Октябрьского района № 448-од от "
        "25.05.2020, стр. 530)"
    )
    assert cite("seed 002, стр. 25").startswith("По данным муниципальной программы Дубенского района на 2024 год")
    assert cite("приказ на 2020/2021 в seed 001 не приводится") == (
        "приказ на 2020/2021 в приказе управления образования Городецкого района № 400а/п от 04.09.2020 не приводится"
    )
    assert cite("дата начала условная, в seed не указана") == "дата начала условная, в источнике не указана"
    assert source_text("000: 90; 004: 85") == (
        f"по данным {SOURCES['000'][0]} (значение в источнике: 90); по данным {SOURCES['004'][0]} "
        "(значение в источнике: 85)"
    )
    assert source_text("портал") == "расчёт портала по его данным" and source_text("") == ""


@pytest.mark.django_db
def test_the_indicator_page_names_its_source_document(client_for, coordinator, world):
    url = reverse("reports:indicator-detail", args=["MGMT_TECH_SHARE"])  # its source: «004: 85»
    response = client_for(coordinator).get(url, {"municipality": world.municipality.code})
    assert response.status_code == 200
    text = visible_text(response.content.decode())
    assert (
        "по данным приказа управления образования Октябрьского района № 448-од от 25.05.2020 (значение в источнике: 85)"
        in text
    )
    assert "источник: 004" not in text and not re.search(r"(?<![\d.,№-])004(?![\d.,])", text)


@pytest.mark.django_db
def test_the_admins_sections_are_russian(admin_client):
    response = admin_client.get(reverse("admin:index"))
    names = [app["name"] for app in response.context["app_list"]]
    assert names and all(re.search("[а-яА-Я]", str(name)) for name in names), names
    assert not any(re.search(r"\b(Axes|Operations|outbox)\b", str(name)) for name in names), names
    assert "Защита входа" in names and "Очередь задач" in names
