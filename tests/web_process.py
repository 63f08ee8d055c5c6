"""A web process of its own, for the fault tests: `python -m tests.web_process REQUESTS_JSON` runs the requests
through the portal's real views with the environment it was given (e.g. a broker on a port nothing listens on)
and prints, as JSON, each answer's status, redirect, body and duration."""

import json
import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shnor_portal.settings")


def main(requests: list[dict]) -> list[dict]:
    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import override_settings

    from shnor_portal.celery import app

    # The pages link static files by name; production's manifest needs `collectstatic`, which a test has not run.
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    assert not app.conf.task_always_eager, "the web process must talk to a broker"
    answers = []
    with override_settings(STORAGES=storages, ALLOWED_HOSTS=["testserver"]):
        for request in requests:
            client = Client(raise_request_exception=False)  # a failing view answers 500, as in production
            if request.get("user"):
                client.force_login(get_user_model().objects.get(pk=request["user"]))
            started = time.monotonic()
            method = getattr(client, request.get("method", "get"))
            response = method(request["path"], request.get("data") or {}, headers=request.get("headers") or {})
            answers.append(
                {
                    "status": response.status_code,
                    "location": response.get("Location", ""),
                    "body": response.content.decode(errors="replace"),
                    "seconds": time.monotonic() - started,
                }
            )
    return answers


if __name__ == "__main__":
    print(json.dumps(main(json.loads(sys.argv[1]))))
