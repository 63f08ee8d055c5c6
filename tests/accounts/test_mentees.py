"""accounts asks which schools a mentor supports through a hook that registry answers (accounts/mentees.py)."""

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured

from accounts import mentees
from registry.pairings import active_mentee_ids


def test_registry_answers_the_question_once_the_apps_are_ready():
    assert mentees._source is active_mentee_ids


@pytest.mark.django_db
def test_it_asks_registry_for_the_schools_of_active_pairings_only(world):
    mentor = world.mentor_school.pk
    assert mentees.active_mentee_ids([mentor], dt.date(2024, 1, 10)) == {world.school.pk}
    assert mentees.active_mentee_ids([mentor], dt.date(2000, 1, 10)) == set()
    assert mentees.active_mentee_ids([world.second_school.pk], dt.date(2024, 1, 10)) == set()


def test_a_second_different_answer_is_refused(monkeypatch):
    monkeypatch.setattr(mentees, "_source", active_mentee_ids)
    mentees.register_mentee_source(active_mentee_ids)  # the same answer again (ready() run twice) is fine
    with pytest.raises(ImproperlyConfigured):
        mentees.register_mentee_source(lambda mentor_ids, day: set())


def test_without_an_answer_the_scope_fails_loudly_rather_than_empty(monkeypatch):
    monkeypatch.setattr(mentees, "_source", None)
    with pytest.raises(ImproperlyConfigured):
        mentees.active_mentee_ids([1], dt.date(2024, 1, 10))
