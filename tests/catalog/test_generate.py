"""The synthetic catalogue: real records as templates, deterministic, replaceable, searchable."""

from __future__ import annotations

import datetime as dt

import pytest

from samenbieb.catalog.generate import (
    GENERATED_MATCH_KEY_PREFIX,
    generated_records,
    isbn13,
    synthetic_isbn,
)
from samenbieb.catalog.isbn import normalise_isbn
from samenbieb.catalog.models import Identifier, Record
from samenbieb.catalog.search import SearchQuery, search
from samenbieb.holdings.models import Item, ItemStatus
from samenbieb.network.generate import (
    GENERATED_ISIL_PREFIX,
    network_generate,
    scale_catalogue,
    synthetic_network_delete,
)
from tests.factories import RecordFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)


def catalogue() -> list[tuple[object, ...]]:
    return list(
        generated_records()
        .order_by("match_key")
        .values_list("match_key", "title", "isbn", "language", "year", "format")
    )


def test_the_same_seed_generates_the_same_catalogue_and_copies():
    network_generate(scale="tiny", seed=4, today=TODAY, records=200, items=400)
    first = catalogue()
    first_items = sorted(Item.objects.values_list("barcode", "record__match_key", "status"))

    network_generate(scale="tiny", seed=4, today=TODAY, records=200, items=400)

    assert catalogue() == first
    assert sorted(Item.objects.values_list("barcode", "record__match_key", "status")) == first_items
    assert len(first) == 200
    assert len(first_items) == 400


def test_synthetic_isbns_are_valid_and_unique():
    isbns = [synthetic_isbn(i) for i in range(20_000)]

    assert len(set(isbns)) == len(isbns)
    assert all(normalise_isbn(isbn) == isbn for isbn in isbns[:2000])
    assert isbn13(0) == "9789000000005"


def test_records_follow_their_templates_and_carry_their_isbn_as_identifier():
    network_generate(scale="tiny", today=TODAY, records=300, items=0)

    records = list(generated_records().prefetch_related("identifiers"))
    assert len(records) == 300
    assert all(r.match_key.startswith(GENERATED_MATCH_KEY_PREFIX) for r in records)
    assert len({r.language for r in records}) > 2
    with_isbn = [r for r in records if r.isbn]
    assert with_isbn
    assert all([i.value for i in r.identifiers.all()] == [r.isbn] for r in with_isbn)


def test_generating_again_replaces_only_synthetic_records():
    imported = RecordFactory(title="Een echt boek")
    network_generate(scale="tiny", today=TODAY, records=100, items=200)

    network_generate(scale="tiny", today=TODAY, records=50, items=100)
    assert generated_records().count() == 50
    assert Item.objects.count() == 100

    synthetic_network_delete()
    assert list(Record.objects.all()) == [imported]
    assert not Identifier.objects.filter(value__startswith="97890").exists()


def test_synthetic_records_are_searchable_and_copies_sit_at_synthetic_branches():
    network_generate(scale="tiny", today=TODAY, records=200, items=600)
    record = generated_records().exclude(isbn="").first()
    assert record is not None

    assert [r.pk for r in search(SearchQuery(text=record.isbn)).records] == [record.pk]
    items = Item.objects.select_related("home_branch__organisation")
    assert all(i.home_branch.organisation.isil.startswith(GENERATED_ISIL_PREFIX) for i in items)
    statuses = [i.status for i in items]
    assert statuses.count(ItemStatus.AVAILABLE) > len(statuses) / 2
    assert ItemStatus.ON_LOAN in statuses


def test_only_the_national_scale_comes_with_a_catalogue_of_a_million():
    assert scale_catalogue("small") == (0, 0)
    assert scale_catalogue("network") == (0, 0)
    assert scale_catalogue("national") == (1_000_000, 2_000_000)
    assert scale_catalogue("tiny", records=10) == (10, 20)
    with pytest.raises(ValueError, match="items need records"):
        scale_catalogue("tiny", records=0, items=5)
