"""The demo network has a real catalogue with copies in every library, ready to search."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db.models import Count

from samenbieb.catalog import search
from samenbieb.catalog.models import Record
from samenbieb.catalog.search import SearchQuery
from samenbieb.holdings.models import Item
from samenbieb.network.models import Organisation, OrganisationKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db) -> None:
    call_command("demo", "--quiet")


def test_the_demo_catalogue_holds_real_dutch_and_other_records(demo):
    assert Record.objects.count() == 500
    assert Record.objects.filter(language="dut").count() == 400
    assert Record.objects.filter(title="Zwarte avonden in Arnhem 1942-1944").exists()


def test_every_demo_library_owns_copies_and_every_title_has_one(demo):
    per_library = dict(
        Item.objects.values_list("organisation__isil").annotate(n=Count("id")).order_by()
    )
    libraries = Organisation.objects.filter(kind=OrganisationKind.LIBRARY)
    assert set(per_library) == set(libraries.values_list("isil", flat=True))
    assert not Record.objects.filter(items__isnull=True).exists()


def test_the_demo_catalogue_is_searchable_with_dutch_stemming(demo):
    # "avond" is in none of the titles; "avonden" is, and stemming joins them.
    result = search.search(SearchQuery(text="avond arnhem"))
    assert [record.title for record in result.records] == ["Zwarte avonden in Arnhem 1942-1944"]


def test_building_the_demo_twice_adds_no_second_collection(demo):
    items = Item.objects.count()
    call_command("demo", "--quiet")
    assert Item.objects.count() == items
    assert Record.objects.count() == 500


def test_the_demo_gives_copies_only_to_its_own_records(db):
    from tests.factories import RecordFactory

    already_there = RecordFactory(title="Een titel van een eigen import", language="dut")
    call_command("demo", "--quiet")

    assert not Item.objects.filter(record=already_there).exists()
    assert not already_there.digital_resources.exists()
    assert Record.objects.filter(items__isnull=True).count() == 1
