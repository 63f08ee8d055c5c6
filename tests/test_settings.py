"""Settings come only from the environment: run a fresh interpreter per case and read what it made."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from shnor_portal.env import env_bool, env_list, env_str

ROOT = Path(__file__).resolve().parent.parent
PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "db = settings.DATABASES['default']; "
    "print(json.dumps({'engine': db['ENGINE'], 'name': str(db['NAME']), 'host': db.get('HOST'), "
    "'eager': settings.CELERY_TASK_ALWAYS_EAGER, 'debug': settings.DEBUG, 'hosts': settings.ALLOWED_HOSTS, "
    "'email': settings.EMAIL_BACKEND}))"
)
PORTAL_VARIABLES = ("DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_")


def run_settings(env: dict, code: str = PROBE) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(PORTAL_VARIABLES)}
    clean["DJANGO_SETTINGS_MODULE"] = "shnor_portal.settings"
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def probe(env: dict) -> dict:
    result = run_settings(env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_it_defaults_to_sqlite_in_the_project_folder_and_eager_tasks():
    values = probe({"DJANGO_DEBUG": "1"})
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"] == str(ROOT / "db.sqlite3")
    assert values["eager"] is True and values["debug"] is True
    assert values["email"] == "django.core.mail.backends.console.EmailBackend"


def test_it_reads_postgres_and_sqlite_urls_and_a_broker():
    values = probe(
        {
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": "postgres://u:p@db.example:5433/portal",
            "CELERY_BROKER_URL": "redis://r:6379/1",
        }
    )
    assert values["engine"] == "django.db.backends.postgresql"
    assert (values["name"], values["host"]) == ("portal", "db.example")
    assert values["eager"] is False
    values = probe({"DJANGO_DEBUG": "1", "DATABASE_URL": "sqlite:////tmp/elsewhere.sqlite3"})
    assert values["name"] == "/tmp/elsewhere.sqlite3"


def test_it_is_off_by_default_and_then_requires_a_secret_key():
    result = run_settings({})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_it_reads_the_secret_key_from_a_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("x" * 60 + "\n")
    values = probe({"DJANGO_SECRET_KEY_FILE": str(secret), "DJANGO_ALLOWED_HOSTS": "portal.example, 10.0.0.1"})
    assert values["debug"] is False
    assert values["hosts"] == ["portal.example", "10.0.0.1"]


def test_the_production_profile_passes_check_deploy_without_warnings():
    env = {
        "DJANGO_SECRET_KEY": "p6v!x0#production-like-secret-key-with-enough-entropy-8f3k2l9q",
        "DJANGO_ALLOWED_HOSTS": "portal.example",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    }
    clean = {k: v for k, v in os.environ.items() if not k.startswith(PORTAL_VARIABLES)}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env={**clean, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("true", True), ("да", True), ("0", False), ("", False)])
def test_env_bool_reads_yes_and_no(monkeypatch, raw, expected):
    monkeypatch.setenv("SHNOR_TEST_FLAG", raw)
    assert env_bool("SHNOR_TEST_FLAG") is expected


def test_env_bool_refuses_nonsense(monkeypatch):
    monkeypatch.setenv("SHNOR_TEST_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured):
        env_bool("SHNOR_TEST_FLAG")


def test_env_str_and_list(monkeypatch, tmp_path):
    monkeypatch.delenv("SHNOR_TEST_VALUE", raising=False)
    assert env_str("SHNOR_TEST_VALUE", "default") == "default"
    with pytest.raises(ImproperlyConfigured):
        env_str("SHNOR_TEST_VALUE", required=True)
    monkeypatch.setenv("SHNOR_TEST_VALUE_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="cannot be read"):
        env_str("SHNOR_TEST_VALUE")
    monkeypatch.delenv("SHNOR_TEST_VALUE_FILE")
    monkeypatch.setenv("SHNOR_TEST_VALUE", "a, b,,c")
    assert env_list("SHNOR_TEST_VALUE") == ["a", "b", "c"]
