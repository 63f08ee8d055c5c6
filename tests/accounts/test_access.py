"""The access service: each role × in scope / out of scope, for lists and single objects."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.access import CHANGE, VIEW, scope_of
from accounts.models import Role, RoleAssignment
from registry.access import (
    can,
    get_listing_for,
    get_municipality_for,
    get_school_for,
    municipalities_visible_to,
    schools_editable_by,
    schools_visible_to,
)
from registry.models import Pairing

pytestmark = pytest.mark.django_db


def visible_codes(user):
    return set(schools_visible_to(user).values_list("code", flat=True))


def test_it_shows_a_municipal_coordinator_exactly_their_municipality(world, coordinator):
    assert visible_codes(coordinator) == {"chemashi", "peregrebnoe-1", "andra"}
    assert set(schools_editable_by(coordinator).values_list("code", flat=True)) == visible_codes(coordinator)
    assert get_school_for(coordinator, "chemashi", CHANGE) == world.school
    with pytest.raises(Http404):
        get_school_for(coordinator, "novopavshino")
    with pytest.raises(Http404):
        get_school_for(coordinator, "berezovo", CHANGE)


def test_it_lets_a_regional_coordinator_read_the_whole_region_and_change_nothing(world, regional):
    assert visible_codes(regional) == {"chemashi", "peregrebnoe-1", "andra", "berezovo"}
    assert not schools_editable_by(regional).exists()
    assert get_school_for(regional, "berezovo") == world.neighbour_school
    with pytest.raises(PermissionDenied):
        get_school_for(regional, "chemashi", CHANGE)
    with pytest.raises(Http404):
        get_school_for(regional, "novopavshino")
    assert set(municipalities_visible_to(regional).values_list("code", flat=True)) == {
        "oktyabrsky",
        "berezovsky",
    }


def test_it_lets_an_inspector_read_their_municipality_only(world, inspector):
    assert visible_codes(inspector) == {"chemashi", "peregrebnoe-1", "andra"}
    with pytest.raises(PermissionDenied):
        get_school_for(inspector, "andra", CHANGE)
    with pytest.raises(Http404):
        get_school_for(inspector, "berezovo")


def test_it_gives_a_region_wide_inspector_the_region(world):
    from tests.factories import user_with_role

    inspector = user_with_role(Role.INSPECTOR, "region-inspector", region=world.other_region)
    assert visible_codes(inspector) == {"novopavshino"}


def test_it_limits_a_principal_to_their_own_school(world, principal):
    assert visible_codes(principal) == {"chemashi"}
    assert get_school_for(principal, "chemashi") == world.school
    with pytest.raises(PermissionDenied):
        get_school_for(principal, "chemashi", CHANGE)  # the registry card is the coordinator's
    with pytest.raises(Http404):
        get_school_for(principal, "andra")
    assert list(municipalities_visible_to(principal)) == [world.municipality]


def test_it_opens_the_mentees_of_a_mentor_through_active_pairings(world, mentor):
    assert visible_codes(mentor) == {"peregrebnoe-1", "chemashi"}
    assert can(mentor, VIEW, world.school)
    assert not can(mentor, CHANGE, world.school)
    with pytest.raises(Http404):
        get_school_for(mentor, "andra")


def test_it_closes_a_mentee_once_the_pairing_has_ended(world):
    from tests.factories import user_with_role

    Pairing.objects.update(end=dt.date(2021, 8, 31))
    mentor = user_with_role(Role.MENTOR, "ended-mentor", school=world.mentor_school)
    assert visible_codes(mentor) == {"peregrebnoe-1"}
    assert scope_of(mentor, today=dt.date(2021, 1, 10)).mentee_schools == {world.school.pk}


def test_it_gives_an_administrator_everything(world, administrator):
    assert visible_codes(administrator) == {"chemashi", "peregrebnoe-1", "andra", "berezovo", "novopavshino"}
    assert get_school_for(administrator, "novopavshino", CHANGE) == world.far_school


def test_it_gives_a_user_without_roles_nothing(world, outsider):
    assert visible_codes(outsider) == set()
    assert not municipalities_visible_to(outsider).exists()
    with pytest.raises(Http404):
        get_school_for(outsider, "chemashi")
    with pytest.raises(Http404):
        get_municipality_for(outsider, "oktyabrsky")


def test_it_combines_several_roles_of_one_user(world, principal):
    RoleAssignment.objects.create(user=principal, role=Role.INSPECTOR, municipality=world.far)
    principal = type(principal).objects.get(pk=principal.pk)  # a fresh object: the scope is cached per instance
    assert visible_codes(principal) == {"chemashi", "novopavshino"}


def test_it_answers_404_for_listings_outside_the_scope_and_403_for_read_only(world, coordinator, inspector):
    far_listing = world.far_school.listings.get()
    own_listing = world.school.listings.get()
    with pytest.raises(Http404):
        get_listing_for(coordinator, far_listing.pk)
    assert get_listing_for(coordinator, own_listing.pk, CHANGE) == own_listing
    with pytest.raises(PermissionDenied):
        get_listing_for(inspector, own_listing.pk, CHANGE)


def test_it_treats_an_inactive_user_as_anonymous(world, coordinator):
    coordinator.is_active = False
    coordinator.save()
    coordinator = type(coordinator).objects.get(pk=coordinator.pk)
    assert visible_codes(coordinator) == set()


def test_it_computes_the_scope_in_at_most_two_queries(world, mentor, django_assert_max_num_queries):
    mentor = type(mentor).objects.get(pk=mentor.pk)
    with django_assert_max_num_queries(2):
        scope_of(mentor)
        scope_of(mentor)
