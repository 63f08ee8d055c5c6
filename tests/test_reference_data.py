"""Reference rows of the data migrations come back after a flush (what transactional tests end with)."""

import pytest
from django.core.management import call_command

from registry.models import RiskFactor
from reports.assessments.models import Subject
from reports.assessments.rules import FlagRule
from support.models import Competency

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("broker")]


def test_a_flush_is_followed_by_the_reference_rows_again_and_edits_are_kept():
    before = (RiskFactor.objects.count(), Subject.objects.count(), FlagRule.objects.count(), Competency.objects.count())
    assert all(before)
    call_command("flush", interactive=False, verbosity=0)
    after = (RiskFactor.objects.count(), Subject.objects.count(), FlagRule.objects.count(), Competency.objects.count())
    assert after == before
    FlagRule.objects.filter(code="R2").update(enabled=True)  # an administrator's edit
    call_command("migrate", verbosity=0)  # post_migrate again, on tables that have rows: nothing is reloaded
    assert FlagRule.objects.get(code="R2").enabled is True
