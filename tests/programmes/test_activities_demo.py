"""The demo network gets national programmes run locally, with sessions still to come."""

from __future__ import annotations

import pytest
from django.utils import timezone

from samenbieb.network.demo.loader import demo_load
from samenbieb.programmes.demo import programmes_demo_load
from samenbieb.programmes.models import Activity, Programme
from samenbieb.programmes.queries_activities import activities_upcoming

pytestmark = pytest.mark.django_db


def test_the_demo_runs_digisterker_in_utrecht_with_eight_places_and_loads_once():
    demo_load(today=timezone.localdate())
    created = programmes_demo_load()
    assert created >= 4
    assert set(Programme.objects.values_list("code", "publisher__isil")) == {
        ("digisterker", "NL-HaKB"),
        ("digiveiliger", "NL-HaKB"),
        ("klik-en-tik", "NL-UtPOI"),
    }
    digisterker = Activity.objects.get(programme__code="digisterker", organisation__isil="NL-UtBU")
    assert (digisterker.capacity, digisterker.sessions.count()) == (8, 4)
    assert activities_upcoming().count() == created
    assert programmes_demo_load() == 0
