"""Harvest pages read relations as plain rows, and the MARCXML and Dublin Core they make
are byte for byte what the serialiser made from prefetched model instances before."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from samenbieb.catalog import harvest, metadata
from tests.catalog.harvest_catalogue import FIRST_ID, harvest_catalogue

SERIALISED = Path(__file__).parent / "data" / "harvest_serialised.xml"

pytestmark = pytest.mark.django_db


def test_a_page_serialises_byte_for_byte_as_before_with_every_field_kind():
    ids = harvest_catalogue()
    # The imported records get ids from the database's sequence: before or after ours.
    by_id = {record.pk: (record, rows) for record, rows in harvest.harvest_page(limit=10_000)}
    page = [by_id[pk] for pk in ids]
    parts = []
    for record, relations in page:
        parts.append(etree.tostring(metadata.marcxml(record, relations), encoding="UTF-8"))
        parts.append(etree.tostring(metadata.dublin_core(record, relations), encoding="UTF-8"))
    assert b"\n".join(parts) + b"\n" == SERIALISED.read_bytes()


def test_a_page_reads_each_relation_in_one_query(django_assert_num_queries):
    harvest_catalogue()
    # The records, then contributors, subjects and identifiers: four in all.
    with django_assert_num_queries(4):
        page = harvest.harvest_page(after_id=FIRST_ID - 1, limit=250)
    assert len(page) >= 4
    full = dict(page)
    record = next(r for r in full if r.pk == FIRST_ID)
    assert full[record].contributors[0] == ("Jansen, Anna", "author")
    assert full[record].subjects == ["Familie", "Fietsen", "Grootouders"]


def test_headers_only_read_no_relations(django_assert_num_queries):
    harvest_catalogue()
    with django_assert_num_queries(1):
        page = harvest.harvest_page(limit=250, metadata=False)
    assert all(not relations.contributors for _, relations in page)
