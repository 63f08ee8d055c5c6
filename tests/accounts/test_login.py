"""Signing in lands on the dashboard (the dashboard itself is tested in tests/reports)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_it_sends_anonymous_visitors_to_the_login_page(client):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_it_logs_in_through_the_real_form_and_lands_on_the_dashboard(client, coordinator):
    page = client.get(reverse("login"))
    assert "Вход в портал" in page.content.decode()
    response = client.post(
        reverse("login"), {"username": "coordinator", "password": "correct-horse-battery-staple"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/"
    body = response.content.decode()
    assert "Муниципальный координатор" in body and "Школы на сопровождении" in body


def test_it_shows_a_wrong_password_error_in_russian(client, coordinator):
    response = client.post(reverse("login"), {"username": "coordinator", "password": "wrong"})
    assert response.status_code == 200
    assert "Пожалуйста, введите правильные имя пользователя и пароль" in response.content.decode()
