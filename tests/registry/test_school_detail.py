import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def detail(code, tab=None):
    if tab:
        return reverse("registry:school-tab", kwargs={"code": code, "tab": tab})
    return reverse("registry:school-detail", kwargs={"code": code})


@pytest.mark.parametrize("tab", [None, "listings", "mentoring", "history"])
def test_it_shows_every_tab_to_a_coordinator(client_for, coordinator, tab):
    response = client_for(coordinator).get(detail("chemashi", tab))
    assert response.status_code == 200
    body = response.content.decode()
    assert "МКОУ «Чемашинская СОШ»" in body
    assert "Редактировать" in body


def test_it_shows_statuses_with_basis_and_the_mentor(client_for, principal):
    body = client_for(principal).get(detail("chemashi")).content.decode()
    assert "приказ №1576 от 02.12.2019" in body
    assert "02.12.2019 – 31.08.2020" in body
    assert "МКОУ «Перегребинская СОШ №1»" in body
    assert "Редактировать" not in body  # a principal reads the registry card


@pytest.mark.parametrize("persona", ["other_coordinator", "outsider", "principal"])
def test_it_answers_404_outside_the_scope(client_for, request, persona):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(detail("andra")).status_code == 404
    assert client_for(user).get(detail("andra", "history")).status_code == 404


def test_it_answers_404_for_an_unknown_school_or_tab(client_for, coordinator):
    client = client_for(coordinator)
    assert client.get(detail("no-such-school")).status_code == 404
    assert client.get(detail("chemashi", "nonsense")).status_code == 404


def test_it_lets_a_mentor_read_a_mentee(client_for, mentor):
    assert client_for(mentor).get(detail("chemashi")).status_code == 200


def test_it_returns_a_tab_fragment_to_htmx(client_for, coordinator):
    response = client_for(coordinator).get(detail("chemashi", "listings"), headers={"HX-Request": "true"})
    assert "breadcrumb" not in response.content.decode()


def test_it_explains_404_and_403_in_russian(client_for, other_coordinator, inspector):
    not_found = client_for(other_coordinator).get(detail("chemashi"))
    assert "Страница не найдена" in not_found.content.decode()
    forbidden = client_for(inspector).get(reverse("registry:school-update", kwargs={"code": "chemashi"}))
    assert forbidden.status_code == 403
    assert "Доступ запрещён" in forbidden.content.decode()


def test_it_serves_the_full_page_to_an_htmx_history_restore(client_for, coordinator):
    response = client_for(coordinator).get(
        detail("chemashi", "listings"), headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "breadcrumb" in response.content.decode()
    assert "HX-Request" in response["Vary"]


def test_it_renders_the_school_page_and_history_in_a_bounded_number_of_queries(
    client_for, coordinator, world, django_assert_max_num_queries
):
    from tests.factories import ListingFactory

    client = client_for(coordinator)
    for n in range(15):
        ListingFactory(school=world.school, status="risk_zone", start=f"{2000 + n}-01-01", end=f"{2000 + n}-06-30")
    for n in range(10):
        client.post(
            reverse("registry:school-update", kwargs={"code": "chemashi"}),
            {
                "municipality": world.municipality.pk,
                "code": "chemashi",
                "short_name": world.school.short_name,
                "name": world.school.name,
                "type": "sosh",
                "settlement": f"с. Вариант {n}",
                "director": f"Директор {n}",
            },
        )
    with django_assert_max_num_queries(12):
        assert client.get(detail("chemashi")).status_code == 200
    with django_assert_max_num_queries(12):
        response = client.get(detail("chemashi", "history"))
    assert "с. Вариант 9" in response.content.decode()


def test_it_shows_names_not_ids_for_changed_links_in_the_history(client_for, administrator, world):
    client = client_for(administrator)
    client.post(
        reverse("registry:school-update", kwargs={"code": "chemashi"}),
        {
            "municipality": world.neighbour.pk,
            "code": "chemashi",
            "short_name": world.school.short_name,
            "name": world.school.name,
            "type": "sosh",
            "settlement": "с. Тестовое",
            "is_rural": "on",
        },
    )
    history = client.get(detail("chemashi", "history"))
    assert history.context["history"][0].changes == [("муниципалитет", "Октябрьский район", "Берёзовский район")]
