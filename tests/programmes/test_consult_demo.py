"""The demo's IDO consultation hours: weekly hours, slots, and "help near me" finds them."""

from __future__ import annotations

import pytest
from django.utils import timezone

from samenbieb.network.demo.loader import demo_load
from samenbieb.programmes import nearby
from samenbieb.programmes.demo_consult import IDO_TITLE, demo_consult_load
from samenbieb.programmes.models import Activity, Slot, WalkInContact

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    demo_load(today=timezone.localdate())
    return demo_consult_load(today=timezone.localdate())


def test_the_demo_has_ido_hours_in_utrecht_and_arnhem_with_slots(demo):
    assert sorted(a.organisation.isil for a in demo) == ["NL-ArBR", "NL-UtBU"]
    centrale = Slot.objects.filter(branch__code="centrale", activity__title=IDO_TITLE)
    tuesdays = {timezone.localtime(slot.starts_at).weekday() for slot in centrale}
    assert tuesdays == {1}
    assert {timezone.localtime(slot.starts_at).hour for slot in centrale} == {10, 11}
    assert WalkInContact.objects.count() == 5


def test_loading_the_demo_again_changes_nothing(demo):
    slots = Slot.objects.count()
    assert demo_consult_load(today=timezone.localdate()) == demo
    assert Activity.objects.filter(title=IDO_TITLE).count() == 2
    assert Slot.objects.count() == slots


def test_help_near_me_for_a_utrecht_postcode_shows_the_next_ido_slot(demo):
    found = nearby.help_near(where="3511", theme="digital_government")
    first = found.results[0]
    assert first.branch.organisation.isil == "NL-UtBU"
    assert first.slots[0].activity.title == IDO_TITLE
    next_slot = (
        Slot.objects.filter(branch=first.branch, starts_at__gt=timezone.now())
        .order_by("starts_at")
        .first()
    )
    assert first.slots[0] == next_slot
