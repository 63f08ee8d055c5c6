"""docker-compose.yml checked the way `docker compose config` would, without a Docker engine."""

import importlib
import re
import shlex
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yml"
VARIABLE = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)(?:[:?\-][^}]*)?\}")
EXPECTED_SERVICES = {"db", "redis", "web", "worker", "beat"}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def test_it_parses_and_describes_the_production_topology(compose):
    assert set(compose["services"]) == EXPECTED_SERVICES
    for name, service in compose["services"].items():
        assert service.get("image") or service.get("build"), f"{name} has neither image nor build"
    assert (ROOT / "Dockerfile").exists()


def test_every_variable_it_uses_is_documented_in_the_readme(compose):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    used = set(VARIABLE.findall(COMPOSE.read_text(encoding="utf-8")))
    for service in compose["services"].values():
        used |= set((service.get("environment") or {}).keys())
    # Variables the postgres image itself reads are documented with it.
    undocumented = sorted(name for name in used if f"`{name}`" not in readme)
    assert not undocumented, f"not in README's configuration table: {undocumented}"


def _command(service) -> list[str]:
    command = service["command"]
    if isinstance(command, str):
        return shlex.split(command)
    if command[:2] == ["sh", "-c"]:
        return shlex.split(command[2])
    return command


def test_the_commands_it_runs_exist_in_the_project(compose):
    manage_commands = set()
    for name in ("web", "worker", "beat"):
        words = _command(compose["services"][name])
        for index, word in enumerate(words):
            if word == "manage.py":
                manage_commands.add(words[index + 1])
            if word == "gunicorn":
                module, attribute = words[index + 1].split(":")
                assert hasattr(importlib.import_module(module), attribute)
            if word == "-A":
                assert hasattr(importlib.import_module(words[index + 1]), "celery_app")
    from django.core.management import get_commands

    assert manage_commands <= set(get_commands()), manage_commands - set(get_commands())
    dependencies = (ROOT / "pyproject.toml").read_text()
    assert '"gunicorn==' in dependencies and '"celery==' in dependencies


def test_the_web_healthcheck_uses_the_portal_endpoint(compose):
    assert "/healthz" in " ".join(compose["services"]["web"]["healthcheck"]["test"])
