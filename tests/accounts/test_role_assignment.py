import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from accounts.models import Role, RoleAssignment
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_it_requires_the_scope_kind_that_the_role_needs(world):
    user = UserFactory()
    with pytest.raises(ValidationError, match="нужна область действия"):
        RoleAssignment(user=user, role=Role.PRINCIPAL, municipality=world.municipality).full_clean()
    RoleAssignment(user=user, role=Role.PRINCIPAL, school=world.school).full_clean()
    RoleAssignment(user=user, role=Role.INSPECTOR, region=world.region).full_clean()


def test_it_refuses_a_scope_for_the_administrator(world):
    with pytest.raises(ValidationError):
        RoleAssignment(user=UserFactory(), role=Role.ADMIN, school=world.school).full_clean()


def test_it_refuses_two_scopes_at_the_database_level(world):
    with pytest.raises(IntegrityError):
        RoleAssignment.objects.create(
            user=UserFactory(), role=Role.INSPECTOR, region=world.region, municipality=world.municipality
        )
