"""E-mail goes out through a Celery task recorded in the outbox: sent once the surrounding transaction commits,
or later by the outbox sweep when the broker was away."""

from datetime import timedelta

from django.template.loader import render_to_string

from shnor_portal.outbox import services as outbox

SEND_EMAIL_TASK = "accounts.tasks.send_email"


def send_portal_email(
    to: list[str],
    subject: str,
    body: str,
    html_body: str | None = None,
    *,
    using: str | None = None,
    dedupe_key: str = "",
    not_within: timedelta | None = None,
) -> bool:
    """Record the letter; False when nothing was recorded (no recipient, or a letter with the same `dedupe_key`
    was recorded less than `not_within` ago)."""
    recipients = [address for address in to if address]
    if not recipients:
        return False
    args = [recipients, " ".join(subject.splitlines()).strip(), body, html_body]
    message = outbox.enqueue(SEND_EMAIL_TASK, args, dedupe_key=dedupe_key, not_within=not_within, using=using)
    return message is not None


def send_templated_email(to: list[str], template_prefix: str, context: dict) -> None:
    """Render `<prefix>_subject.txt` and `<prefix>.txt` and enqueue the message."""
    subject = render_to_string(f"{template_prefix}_subject.txt", context)
    body = render_to_string(f"{template_prefix}.txt", context)
    send_portal_email(to, subject, body)
