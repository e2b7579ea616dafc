""" "Help near me": by postcode or place and theme, the nearest locations with their next
dates and free slots."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from samenbieb.programmes import nearby, services
from samenbieb.programmes.errors_consult import LocationUnknown, ThemeUnknown
from samenbieb.programmes.models import ActivityKind, ActivityStatus, Session, Slot
from tests.programmes.factories_consult import (
    NEXT_TUESDAY,
    NOW,
    TODAY,
    ConsultationFactory,
    at,
    consult_world,
    topic,
)

pytestmark = pytest.mark.django_db


def test_a_four_digit_postcode_is_the_centre_of_its_area():
    location = nearby.location_find("3511")
    assert location.pc4 == "3511"
    assert location.label == "3511 Utrecht"
    assert location.latitude == pytest.approx(52.09, abs=0.02)


@pytest.mark.parametrize("typed", ["3511 AB", "3511ab", " 3511  AB "])
def test_a_full_postcode_is_found_by_its_four_digits(typed):
    assert nearby.location_find(typed).pc4 == "3511"


@pytest.mark.parametrize(
    "typed",
    ["Utrecht", "utrecht", "den haag", "'s-Gravenhage", "\u2019s-Gravenhage", "sudwest fryslan"],
)
def test_a_place_is_found_however_it_is_written(typed):
    location = nearby.location_find(typed)
    assert location.pc4 == ""
    assert 50.7 < location.latitude < 53.6


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("0999", "postcode_invalid"),
        ("1000", "location_unknown"),
        ("35", "postcode_invalid"),
        ("Atlantis", "location_unknown"),
        ("", "location_missing"),
    ],
)
def test_unknown_postcodes_and_places_get_a_clear_message(typed, code):
    with translation.override("en"), pytest.raises(LocationUnknown) as refused:
        nearby.location_find(typed)
    assert refused.value.code == code
    assert str(refused.value.message)


def test_the_message_names_the_unknown_postcode():
    with translation.override("en"), pytest.raises(LocationUnknown, match="1000"):
        nearby.location_find("1000 AA")


def test_distances_are_great_circle_kilometres():
    # Utrecht Neude to Arnhem centre: about 57 km as the crow flies.
    assert nearby.distance_km(52.0883, 5.1160, 51.9817, 5.9108) == pytest.approx(55.6, abs=1.5)


@pytest.fixture
def world():
    world = consult_world()
    services.schedule_set(
        actor=None,
        activity=world.ido,
        branch=world.centrum,
        weekday=1,
        starts=dt.time(10),
        ends=dt.time(12),
        valid_from=TODAY,
        now=NOW,
    )
    # Arnhem runs a course on safe online banking.
    course = ConsultationFactory(
        organisation=world.arnhem,
        kind=ActivityKind.EVENT,
        title="Veilig bankieren",
        branch=world.arnhem_centrum,
        walk_in=False,
        themes=["digital_safety"],
    )
    Session.objects.create(
        activity=course, starts_at=at(NEXT_TUESDAY, 14), ends_at=at(NEXT_TUESDAY, 16)
    )
    world.course = course
    return world


def test_nearest_locations_for_a_postcode_with_their_next_free_slots(world):
    found = nearby.help_near(where="3511", now=NOW)
    assert [r.branch for r in found.results] == [world.centrum, world.arnhem_centrum]
    first = found.results[0]
    assert first.distance_km < 2
    assert [a.title for a in first.activities] == ["Informatiepunt Digitale Overheid"]
    assert [slot.starts_at for slot in first.slots] == [
        at(NEXT_TUESDAY, 10),
        at(NEXT_TUESDAY, 10, 30),
        at(NEXT_TUESDAY, 11),
    ]
    assert first.walk_in
    assert [s.activity.title for s in found.results[1].sessions] == ["Veilig bankieren"]


def test_booked_slots_are_not_offered(world):
    services.appointment_book(
        actor=None,
        slot=Slot.objects.get(starts_at=at(NEXT_TUESDAY, 10)),
        topic=topic("digid"),
        name="Ans",
        phone="0612345678",
        now=NOW,
    )
    first = nearby.help_near(where="3511", now=NOW).results[0]
    assert first.slots[0].starts_at == at(NEXT_TUESDAY, 10, 30)


def test_the_theme_narrows_the_locations(world):
    safety = nearby.help_near(where="3511", theme="digital_safety", now=NOW)
    assert [r.branch for r in safety.results] == [world.arnhem_centrum]
    assert safety.results[0].slots == []
    government = nearby.help_near(where="Arnhem", theme="digital_government", now=NOW)
    assert [r.branch for r in government.results] == [world.centrum]


def test_from_arnhem_by_place_the_arnhem_location_comes_first(world):
    found = nearby.help_near(where="Arnhem", now=NOW)
    assert [r.branch for r in found.results] == [world.arnhem_centrum, world.centrum]


def test_unpublished_and_past_help_is_not_shown(world):
    world.ido.status = ActivityStatus.DRAFT
    world.ido.save()
    assert [r.branch for r in nearby.help_near(where="3511", now=NOW).results] == [
        world.arnhem_centrum
    ]
    after_the_course = at(NEXT_TUESDAY, 17)
    assert nearby.help_near(where="3511", now=after_the_course).results == []


def test_an_unknown_theme_is_refused(world):
    with pytest.raises(ThemeUnknown):
        nearby.help_near(where="3511", theme="astrology", now=NOW)


def test_the_national_overview_lists_which_location_offers_which_help(world):
    assert nearby.help_offered(now=NOW) == {
        world.centrum.pk: {"digital_government"},
        world.arnhem_centrum.pk: {"digital_safety"},
    }


def test_the_search_takes_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for n in range(5):
        other = ConsultationFactory(organisation=world.utrecht, title=f"Spreekuur {n}")
        services.schedule_set(
            actor=None,
            activity=other,
            branch=world.centrum,
            weekday=n,
            starts=dt.time(14),
            ends=dt.time(15),
            valid_from=TODAY,
            now=NOW,
        )
    with django_assert_max_num_queries(8):
        found = nearby.help_near(where="3511", now=NOW)
    assert len(found.results[0].activities) == 6
