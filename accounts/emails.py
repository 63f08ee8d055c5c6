"""E-mail goes out through a Celery task, enqueued only once the surrounding transaction commits."""

from django.db import transaction
from django.template.loader import render_to_string


def send_portal_email(
    to: list[str], subject: str, body: str, html_body: str | None = None, *, using: str | None = None
) -> None:
    from .tasks import send_email

    recipients = [address for address in to if address]
    if not recipients:
        return
    transaction.on_commit(
        lambda: send_email.delay(recipients, " ".join(subject.splitlines()).strip(), body, html_body),
        using=using,
    )


def send_templated_email(to: list[str], template_prefix: str, context: dict) -> None:
    """Render `<prefix>_subject.txt` and `<prefix>.txt` and enqueue the message."""
    subject = render_to_string(f"{template_prefix}_subject.txt", context)
    body = render_to_string(f"{template_prefix}.txt", context)
    send_portal_email(to, subject, body)
