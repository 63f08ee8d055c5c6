from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.template import loader

from .emails import send_portal_email


class LoginForm(AuthenticationForm):
    pass


class QueuedPasswordResetForm(PasswordResetForm):
    """Password reset whose letter is sent by a Celery task (through the outbox) after the request commits.

    The view answers the same for any address, the broker up or down; an account gets at most one letter per
    PASSWORD_RESET_THROTTLE_MINUTES, so the form cannot be used to flood a mailbox.
    """

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        # Links point at the portal's public address, not at whatever Host header the request carried.
        base = urlsplit(settings.PORTAL_BASE_URL)
        context = {**context, "protocol": base.scheme, "domain": base.netloc}
        subject = loader.render_to_string(subject_template_name, context)
        body = loader.render_to_string(email_template_name, context)
        html = loader.render_to_string(html_email_template_name, context) if html_email_template_name else None
        send_portal_email(
            [to_email],
            subject,
            body,
            html,
            dedupe_key=f"password-reset:{context['user'].pk}",
            not_within=timedelta(minutes=settings.PASSWORD_RESET_THROTTLE_MINUTES),
        )


__all__ = ["LoginForm", "PasswordChangeForm", "QueuedPasswordResetForm", "SetPasswordForm"]
