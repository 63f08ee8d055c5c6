"""The registry on any date: `?on=2021-09-01` on the registry list shows the listings active on that day."""

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from openpyxl import load_workbook

from registry.models import Status
from shnor_portal.params import parse_date
from tests.factories import ListingFactory, SchoolFactory

pytestmark = pytest.mark.django_db
URL = reverse("registry:school-list")
DAY = "2021-09-01"


@pytest.fixture
def around_the_day(world):
    """Four schools whose listings end the day before, end on the day, start the day after, start on the day."""
    schools = {}
    for code, start, end in (
        ("ended-before", dt.date(2020, 9, 1), dt.date(2021, 8, 31)),
        ("ends-on-day", dt.date(2020, 9, 1), dt.date(2021, 9, 1)),
        ("starts-after", dt.date(2021, 9, 2), None),
        ("starts-on-day", dt.date(2021, 9, 1), None),
    ):
        schools[code] = SchoolFactory(code=code, municipality=world.municipality)
        ListingFactory(school=schools[code], status=Status.SHFNSU, start=start, end=end, basis=f"приказ {code}")
    return schools


def codes_on(response):
    return [school.code for school in response.context["page"].object_list]


def test_it_shows_the_statuses_active_on_the_day(client_for, coordinator, around_the_day):
    client = client_for(coordinator)
    response = client.get(URL, {"on": DAY, "status": Status.SHFNSU})
    assert set(codes_on(response)) == {"ends-on-day", "starts-on-day"}
    everyone = client.get(URL, {"on": DAY})
    listed = {school.code: [item.status for item in school.year_listings] for school in everyone.context["page"]}
    assert listed["ended-before"] == [] and listed["starts-after"] == []
    assert listed["ends-on-day"] == [Status.SHFNSU] and listed["starts-on-day"] == [Status.SHFNSU]
    body = everyone.content.decode()
    assert "приказ ends-on-day" in body and "приказ ended-before" not in body
    # The count line names the day; the year select shows the day's academic year (2021/2022).
    assert "на 01.09.2021" in body and "Статусы на дату" in body
    assert everyone.context["filter"].selected_year.start_year == 2021
    # The same day typed by hand, as people write dates.
    assert set(codes_on(client.get(URL, {"on": "01.09.2021", "status": Status.SHFNSU}))) == {
        "ends-on-day",
        "starts-on-day",
    }


def test_without_a_day_the_academic_year_counts_as_before(client_for, coordinator, around_the_day):
    response = client_for(coordinator).get(URL, {"year": "2020", "status": Status.SHFNSU})
    # 2020/2021 runs to 31.08.2021: the listings ending that day and on 01.09.2021 both count; the others start later.
    assert set(codes_on(response)) == {"ended-before", "ends-on-day"}
    assert response.context["filter"].selected_day is None


def test_the_day_moves_the_mentors_with_it(client_for, coordinator, world):
    # The pairing of the world starts 20.05.2020 (the factory's default) and runs on.
    client = client_for(coordinator)
    before = client.get(URL, {"on": "2020-01-01", "q": "чемаш"})
    after = client.get(URL, {"on": "2021-01-01", "q": "чемаш"})
    (school_before,), (school_after,) = before.context["page"].object_list, after.context["page"].object_list
    assert school_before.year_mentors == [] and [p.mentor.code for p in school_after.year_mentors] == ["peregrebnoe-1"]
    # The ШНОР listing of 02.12.2019–31.08.2020: on 01.01.2020 yes, on 01.01.2021 no.
    assert [item.status for item in school_before.year_listings] == [Status.SHNOR]
    assert school_after.year_listings == []


@pytest.mark.parametrize("value", ["2021-02-30", "01/09/2021", "вчера", "2021-9-1", "<b>1</b>", "２０２１-09-01"])
def test_a_bad_day_is_a_message_beside_the_field_not_an_error(client_for, coordinator, value):
    response = client_for(coordinator).get(URL, {"on": value})
    assert response.status_code == 200
    errors = response.context["filter"].form.errors["on"]
    assert errors == ["Введите дату в виде ДД.ММ.ГГГГ или ГГГГ-ММ-ДД, например 01.09.2021."]
    body = response.content.decode()
    assert 'id="id_on_error"' in body and escape(errors[0]) in body
    assert "<b>1</b>" not in body
    # The list still answers, for the default year.
    assert response.context["filter"].selected_day is None and response.context["page"].object_list


def test_the_export_holds_the_registry_of_the_day(client_for, coordinator, around_the_day):
    response = client_for(coordinator).get(URL, {"on": DAY, "status": Status.SHFNSU, "export": "xlsx"})
    assert response["Content-Disposition"].endswith('registry-2021-09-01.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert "на 01.09.2021" in sheet["A1"].value
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=5)]
    assert sorted(row[0] for row in rows) == ["ends-on-day", "starts-on-day"]
    assert all(row[5].startswith("ШФНСУ") for row in rows)


def test_page_links_keep_the_day(client_for, coordinator, around_the_day, settings):
    settings.REGISTRY_PAGE_SIZE = 2
    response = client_for(coordinator).get(URL, {"on": DAY})
    assert response.context["page"].paginator.num_pages > 1
    assert f"on={DAY}" in response.context["query"]
    assert f'href="?on={DAY}&amp;page=2"' in response.content.decode()
    second = client_for(coordinator).get(URL, {"on": DAY, "page": 2})
    assert second.context["filter"].selected_day == dt.date(2021, 9, 1)


def test_the_date_field_is_in_the_filter_form(client_for, coordinator):
    body = client_for(coordinator).get(URL, {"on": DAY}).content.decode()
    assert 'type="date" name="on" value="2021-09-01"' in body and "На дату" in body


def test_the_day_costs_no_more_queries_than_the_year(client_for, coordinator, around_the_day):
    client = client_for(coordinator)
    client.get(URL, {"year": "2021"})  # warm the session and the user's scope

    def count(params):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL, params).status_code == 200
        return len(captured)

    assert count({"on": DAY, "status": "supported"}) == count({"year": "2021", "status": "supported"})
    assert count({"on": DAY, "export": "xlsx"}) == count({"year": "2021", "export": "xlsx"})


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2021-09-01", dt.date(2021, 9, 1)),
        ("01.09.2021", dt.date(2021, 9, 1)),
        ("2024-02-29", dt.date(2024, 2, 29)),
        ("2023-02-29", None),
        ("2021-13-01", None),
        ("1899-12-31", None),
        (" 2021-09-01", None),
        ("2021-09-01\x00", None),
        ("٢٠٢١-09-01", None),
        ("", None),
        (None, None),
        (20210901, None),
    ],
)
def test_the_parameter_parser_reads_days(value, expected):
    assert parse_date(value) == expected
