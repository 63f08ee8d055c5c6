import logging
import smtplib

from celery import shared_task
from django.core.mail import EmailMultiAlternatives

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    autoretry_for=(smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, ConnectionError, TimeoutError),
    retry_backoff=30,
    max_retries=5,
)
def send_email(self, to: list[str], subject: str, body: str, html_body: str | None = None) -> int:
    """Send one message; only transient transport errors are retried, with growing countdowns."""
    message = EmailMultiAlternatives(subject=subject, body=body, to=to)
    if html_body:
        message.attach_alternative(html_body, "text/html")
    sent = message.send()
    logger.info("e-mail %r sent to %d recipient(s)", subject, len(to))
    return sent
