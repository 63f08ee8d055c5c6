"""Pairing rules: two different schools of one municipality (or the cross-municipality flag), dates, no overlap."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from registry.models import Pairing, PairingStatus
from support.services import end_pairing, renew_pairing
from tests.factories import PairingFactory, SchoolFactory

pytestmark = pytest.mark.django_db


def errors_of(pairing) -> dict:
    with pytest.raises(ValidationError) as caught:
        pairing.full_clean()
    return caught.value.message_dict


def test_it_refuses_a_school_mentoring_itself(world):
    pairing = Pairing(mentor=world.school, mentee=world.school, start=dt.date(2021, 1, 1))
    assert "mentee" in errors_of(pairing)


def test_it_refuses_a_mentor_of_another_municipality_without_the_flag(world):
    pairing = Pairing(mentor=world.neighbour_school, mentee=world.second_school, start=dt.date(2021, 1, 1))
    assert "другому муниципалитету" in errors_of(pairing)["mentor"][0]


def test_it_accepts_a_regional_leader_of_another_municipality_with_the_flag(world):
    pairing = Pairing(
        mentor=world.neighbour_school, mentee=world.second_school, start=dt.date(2021, 1, 1), cross_municipality=True
    )
    pairing.full_clean()


def test_it_refuses_a_cross_municipality_mentor_of_another_region(world):
    pairing = Pairing(
        mentor=world.far_school, mentee=world.second_school, start=dt.date(2021, 1, 1), cross_municipality=True
    )
    assert "того же региона" in errors_of(pairing)["mentor"][0]


def test_it_refuses_an_end_before_the_start(world):
    pairing = Pairing(
        mentor=world.mentor_school, mentee=world.second_school, start=dt.date(2021, 1, 1), end=dt.date(2020, 12, 31)
    )
    assert "end" in errors_of(pairing)


def test_it_refuses_an_overlapping_agreement_of_the_same_pair_beside_the_start(world):
    # The world's pair peregrebnoe-1 → chemashi runs from 20.05.2020 without an end.
    pairing = Pairing(mentor=world.mentor_school, mentee=world.school, start=dt.date(2023, 9, 1))
    message = errors_of(pairing)["start"][0]
    assert "пересекающийся период" in message and "20.05.2020" in message


def test_it_accepts_a_later_agreement_once_the_earlier_has_ended(world):
    existing = Pairing.objects.get(mentee=world.school)
    end_pairing(existing, dt.date(2021, 8, 31))
    Pairing(mentor=world.mentor_school, mentee=world.school, start=dt.date(2021, 9, 1)).full_clean()
    overlapping = Pairing(mentor=world.mentor_school, mentee=world.school, start=dt.date(2021, 8, 31))
    assert "start" in errors_of(overlapping)


def test_it_lets_another_mentor_support_the_same_school_at_the_same_time(world):
    Pairing(mentor=world.second_school, mentee=world.school, start=dt.date(2021, 1, 1)).full_clean()


def test_ending_sets_the_end_and_the_status(world):
    pairing = Pairing.objects.get(mentee=world.school)
    end_pairing(pairing, dt.date(2021, 8, 31))
    pairing.refresh_from_db()
    assert (pairing.status, pairing.end) == (PairingStatus.ENDED, dt.date(2021, 8, 31))


def test_ending_before_the_start_is_refused_and_changes_nothing(world):
    pairing = Pairing.objects.get(mentee=world.school)
    with pytest.raises(ValidationError):
        end_pairing(pairing, dt.date(2019, 1, 1))
    pairing.refresh_from_db()
    assert (pairing.status, pairing.end) == (PairingStatus.ACTIVE, None)


def test_renewal_closes_the_old_agreement_the_day_before_and_links_the_new_one(world):
    old = Pairing.objects.get(mentee=world.school)
    new = renew_pairing(
        old, Pairing(agreement_number="7", agreement_date=dt.date(2021, 9, 1), start=dt.date(2021, 9, 1))
    )
    old.refresh_from_db()
    assert (old.status, old.end) == (PairingStatus.RENEWED, dt.date(2021, 8, 31))
    assert (new.mentor, new.mentee, new.renewed_from, new.status) == (
        world.mentor_school,
        world.school,
        old,
        PairingStatus.ACTIVE,
    )


def test_renewal_starting_before_the_old_start_is_refused_and_rolled_back(world):
    old = Pairing.objects.get(mentee=world.school)
    with pytest.raises(ValidationError):
        renew_pairing(old, Pairing(start=dt.date(2019, 1, 1)))
    old.refresh_from_db()
    assert old.status == PairingStatus.ACTIVE and Pairing.objects.count() == 1


def test_an_ended_agreement_cannot_be_renewed(world):
    pairing = PairingFactory(
        mentor=SchoolFactory(municipality=world.municipality),
        mentee=world.second_school,
        end=dt.date(2021, 1, 1),
        status=PairingStatus.ENDED,
    )
    with pytest.raises(ValidationError):
        renew_pairing(pairing, Pairing(start=dt.date(2021, 9, 1)))
