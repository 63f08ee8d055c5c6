# ШНОР-портал — the README's contract: make setup | demo | test | lint | bench
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Debian's own Python 3.11 first: what municipal servers run, and built with PGO (a fifth faster on the results
# import than a plain build found earlier on PATH). PYTHON=/path/to/python3.11 overrides it.
PYTHON ?= $(shell test -x /usr/bin/python3.11 && echo /usr/bin/python3.11 || command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# One stamp per interpreter: choosing another one rebuilds the venv.
STAMP := $(VENV)/.installed-$(subst /,_,$(PYTHON))

# Tests run against the real local services; override to point elsewhere.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/shnor_portal
TEST_BROKER_URL ?= redis://127.0.0.1:6379/0
TEST_ENV := DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL) \
	DJANGO_SECRET_KEY=tests-only-secret-key-not-used-anywhere-else-0123456789abcdef DJANGO_SECURE_SSL_REDIRECT=0

# Backups (docs/operations.md): the database of DATABASE_URL and the media folder, with a manifest of checksums.
# BACKUP_DIR=folder to write (default var/backups/<UTC time>, or under DJANGO_BACKUP_ROOT);
# BACKUP=folder to restore (default the newest complete backup there).
BACKUP_DIR ?=
BACKUP ?=
# Without DATABASE_URL the database is the embedded demo's SQLite file; backup and restore need no secret key of
# their own there, so they run with debug on.
EMBEDDED := $(if $(DATABASE_URL)$(DATABASE_URL_FILE),,DJANGO_DEBUG=1)

# `make demo` runs like production: debug off, so a wrong address gets the portal's own Russian error pages and
# static files are the collected ones served by WhiteNoise. Its secret key is made once in var/ (never in the
# repository) and reused by later runs, so sessions survive a restart; plain HTTP on loopback needs no HTTPS
# redirect, secure cookies or HSTS. `DJANGO_DEBUG=1 make demo` still gives the debug pages for development.
DEMO_SECRET ?= var/demo-secret-key
DEMO_ENV := DJANGO_SECRET_KEY_FILE=$(DEMO_SECRET) DJANGO_SECURE_SSL_REDIRECT=0 DJANGO_SECURE_COOKIES=0 \
	DJANGO_HSTS_SECONDS=0

.PHONY: help setup debian-packages demo test lint format bench bench-load messages services lock clean backup restore

help:
	@echo "make setup  — Debian packages (as root), .venv with the pinned packages, compiled translations"
	@echo "make demo   — embedded demo: SQLite, eager Celery, load_demo, http://127.0.0.1:8000"
	@echo "make test   — PostgreSQL + Redis, lint, migrations check, the whole test suite"
	@echo "make lint   — ruff and djhtml"
	@echo "make bench  — benchmarks of bench/ (results go to README)"
	@echo "make backup — database of DATABASE_URL + media into BACKUP_DIR (default var/backups/<UTC time>)"
	@echo "make restore — restore BACKUP=folder (default the newest in var/backups) after checking its checksums"
	@echo "make clean  — remove .venv, db.sqlite3 and var/ (media, static, mail); var/backups is kept"
	@echo "make bench-load — 50 users against gunicorn, per page median, p95, failures, CPU ms (README)"

setup: debian-packages $(STAMP) messages

# Checking is quick (dpkg-query), so it runs every time: a package removed later is noticed.
debian-packages:
	@bash scripts/debian-packages.sh

# Debian packages first (order-only: they do not make the venv stale), python3-venv among them.
$(STAMP): pyproject.toml requirements.lock | debian-packages
	@$(PYTHON) scripts/check_python.py
	@if [ ! -x $(BIN)/pip ] || [ "$$(cat $(VENV)/.python 2>/dev/null)" != "$(PYTHON)" ]; then \
		rm -rf $(VENV) && $(PYTHON) -m venv $(VENV) && echo "$(PYTHON)" > $(VENV)/.python; fi
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade "pip>=24"
	$(BIN)/pip install --quiet --disable-pip-version-check -c requirements.lock -e ".[dev]"
	@touch $@

messages: $(STAMP)
	@env -u DJANGO_SETTINGS_MODULE $(BIN)/django-admin compilemessages --ignore=.venv -v 0

demo: setup $(DEMO_SECRET)
	$(DEMO_ENV) $(BIN)/python manage.py migrate --no-input -v 1
	$(DEMO_ENV) $(BIN)/python manage.py collectstatic --no-input -v 0
	$(DEMO_ENV) $(BIN)/python manage.py load_demo
	@echo "ШНОР-портал: http://127.0.0.1:8000  (логины и пароль — README.md, раздел «Демо»)"
	$(DEMO_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

# Made only when missing (a file target with no prerequisites): later runs keep the same key. Readable by the owner only.
$(DEMO_SECRET):
	@mkdir -p $(@D)
	@umask 077 && $(PYTHON) -c "import secrets; print(secrets.token_urlsafe(64))" > $@.tmp && mv $@.tmp $@

services:
	@bash scripts/services.sh "$(TEST_DATABASE_URL)"

# .pre-commit-config.yaml runs these same commands before each commit (`pre-commit install`); a test keeps them equal.
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djhtml --check templates
	$(BIN)/lint-imports --no-logo

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djhtml templates

test: setup services lint
	$(TEST_ENV) DATABASE_URL=sqlite:///:memory: $(BIN)/python manage.py makemigrations --check --dry-run -v 1
	$(TEST_ENV) $(BIN)/pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

bench: setup services
	$(TEST_ENV) $(BIN)/python -m bench

# 50 locust users against gunicorn with production settings on loopback (bench/load.py; its own database).
bench-load: setup services
	$(TEST_ENV) $(BIN)/python -m bench load $(BENCH_LOAD_ARGS)

# Re-pin every transitive dependency after changing pyproject.toml: make lock (then commit requirements.lock).
lock: $(STAMP)
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[dev]"
	$(BIN)/pip freeze --exclude-editable | grep -v '^-e' > requirements.lock

backup: setup
	$(if $(EMBEDDED),@test -e db.sqlite3 || $(EMBEDDED) $(BIN)/python manage.py migrate --no-input -v 0)
	$(EMBEDDED) $(BIN)/python manage.py backup $(if $(BACKUP_DIR),--out "$(BACKUP_DIR)")

restore: setup
	$(EMBEDDED) $(BIN)/python manage.py restore $(if $(BACKUP),"$(BACKUP)")

# var/ holds what a local run makes: var/media (uploads), var/static (collectstatic), var/mail; all of it goes.
# var/backups stays on purpose, as the help says: clean must never destroy a backup (delete it yourself).
clean:
	rm -rf $(VENV) db.sqlite3
	@if [ -d var ]; then find var -mindepth 1 -maxdepth 1 ! -name backups -exec rm -rf {} +; fi
