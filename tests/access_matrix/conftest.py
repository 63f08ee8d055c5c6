"""One world per test module: built inside a transaction that stays open while the module's tests run (each test
rolls back to it through pytest-django's savepoint) and is rolled back after the module."""

import shutil

import pytest
from django.db import transaction
from django.test import override_settings

from .objects import build_matrix

FAST = {"PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"]}


@pytest.fixture(scope="module")
def matrix_media(tmp_path_factory):
    return tmp_path_factory.mktemp("matrix-media")


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker, matrix_media):
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=matrix_media, **FAST), transaction.atomic():
        yield build_matrix()
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _module_media(_fast_and_eager, settings, matrix_media, tmp_path):
    """Each test gets its own copy of the module's files: a delete allowed in one test (its rows come back with the
    rollback) must not take the file away from the next."""
    settings.MEDIA_ROOT = shutil.copytree(matrix_media, tmp_path / "matrix-media")
