import pytest
from django.core import mail
from django.urls import reverse

from accounts.emails import send_portal_email

pytestmark = pytest.mark.django_db


def test_it_sends_the_reset_letter_through_a_task_after_commit(
    client, coordinator, django_capture_on_commit_callbacks, settings
):
    settings.PORTAL_BASE_URL = "https://portal.example.ru"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("password-reset"), {"email": coordinator.email})
        assert response.status_code == 302
    assert mail.outbox == []  # nothing leaves before the transaction commits
    assert len(callbacks) == 1
    callbacks[0]()  # the commit: the task runs (eagerly here; tests/test_celery_worker.py uses a real worker)
    assert len(mail.outbox) == 1
    letter = mail.outbox[0]
    assert letter.to == [coordinator.email]
    assert letter.subject == "ШНОР-портал: восстановление пароля"
    assert "https://portal.example.ru/accounts/password/reset/" in letter.body
    assert "Ваш логин: coordinator" in letter.body


def test_it_completes_the_reset_with_the_link_from_the_letter(
    client, coordinator, django_capture_on_commit_callbacks, settings
):
    settings.PORTAL_BASE_URL = "http://portal.example.ru"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password-reset"), {"email": coordinator.email})
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/password/reset/" in line)
    path = link.split("portal.example.ru", 1)[1].strip()
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    new_password = "Новый-пароль-2026!"
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password})
    assert done.status_code == 302
    coordinator.refresh_from_db()
    assert coordinator.check_password(new_password)


def test_it_says_the_same_for_an_unknown_address(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password-reset"), {"email": "nobody@example.org"}, follow=True)
    assert "Проверьте почту" in response.content.decode()
    assert mail.outbox == []


def test_it_sends_nothing_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                send_portal_email(["a@example.org"], "Тема", "Текст")
                raise RuntimeError("roll back")
        except RuntimeError:
            pass
    assert callbacks == [] and mail.outbox == []


def test_it_changes_the_password_of_a_signed_in_user(client_for, coordinator):
    client = client_for(coordinator)
    response = client.post(
        reverse("password-change"),
        {
            "old_password": "correct-horse-battery-staple",
            "new_password1": "Другой-пароль-2026!",
            "new_password2": "Другой-пароль-2026!",
        },
    )
    assert response.status_code == 302
    coordinator.refresh_from_db()
    assert coordinator.check_password("Другой-пароль-2026!")


def test_it_shows_password_errors_next_to_the_field(client_for, coordinator):
    response = client_for(coordinator).post(
        reverse("password-change"),
        {
            "old_password": "wrong",
            "new_password1": "123",
            "new_password2": "123",
        },
    )
    assert response.status_code == 200
    assert "Ваш старый пароль введен неправильно" in response.content.decode()


def test_it_sends_one_letter_per_account_in_the_throttle_window_and_answers_the_same(
    client, coordinator, django_capture_on_commit_callbacks, settings
):
    from datetime import timedelta

    from django.utils import timezone

    from shnor_portal.outbox.models import OutboxMessage

    settings.PASSWORD_RESET_THROTTLE_MINUTES = 5
    with django_capture_on_commit_callbacks(execute=True):
        answers = [client.post(reverse("password-reset"), {"email": coordinator.email}) for _ in range(3)]
        unknown = client.post(reverse("password-reset"), {"email": "nobody@example.org"})
    assert {(answer.status_code, answer["Location"]) for answer in [*answers, unknown]} == {
        (302, reverse("password-reset-done"))
    }
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [coordinator.email]
    # Once the window has passed, the next request sends a new letter.
    OutboxMessage.objects.update(created_at=timezone.now() - timedelta(minutes=5, seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password-reset"), {"email": coordinator.email})
    assert len(mail.outbox) == 2
