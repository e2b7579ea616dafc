"""A library's OAI set (``org:<id>``) follows its copies, and incremental harvests see it.

Adding, moving or withdrawing a copy changes which libraries' sets its record is in, so
the holdings services give the record a fresh datestamp: a harvester that asks for the
library's set ``from`` its last harvest gets the record again (or, for a full harvest, the
record with its new ``setSpec`` list). OAI-PMH's ``status="deleted"`` is about the record
itself, which is still in the catalogue, so leaving a set is not reported as a deletion.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from lxml import etree

from samenbieb.catalog.models import Record
from samenbieb.holdings import services
from samenbieb.holdings.states import Trigger
from tests.factories import BranchFactory, ItemFactory, ItemTypeFactory, RecordFactory
from tests.interfaces.oai.schemas import assert_valid

NS = {"o": "http://www.openarchives.org/OAI/2.0/"}
LONG_AGO = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)

pytestmark = pytest.mark.django_db


def identifier(record: Record) -> str:
    return f"oai:samenbieb.nl:{record.pk}"


def headers(client, **arguments: str) -> dict[str, list[str]]:
    """The identifiers a ListIdentifiers gives, each with its setSpecs ({} for none)."""
    response = client.get("/oai", {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc",
                                    **arguments})  # fmt: skip
    root = assert_valid(response.content)
    return {
        header.findtext("o:identifier", namespaces=NS): header.xpath(
            "o:setSpec/text()", namespaces=NS
        )
        for header in root.findall("o:ListIdentifiers/o:header", NS)
    }


def harvested_long_ago(*records: Record) -> str:
    """Date the records back, and give the ``from`` of a harvest that follows now."""
    Record.objects.filter(pk__in=[r.pk for r in records]).update(updated_at=LONG_AGO)
    return timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def branch():
    return BranchFactory()


def test_adding_a_copy_brings_the_record_into_the_libraries_set_for_incremental_harvests(
    client, branch
):
    record = RecordFactory()
    since = harvested_long_ago(record)
    library_set = f"org:{branch.organisation_id}"
    assert headers(client, set=library_set, **{"from": since}) == {}

    services.item_add(
        actor=None,
        record=record,
        organisation=branch.organisation,
        home_branch=branch,
        barcode="30000001",
        item_type=ItemTypeFactory(),
    )

    found = headers(client, set=library_set, **{"from": since})
    assert list(found) == [identifier(record)]
    assert library_set in found[identifier(record)]


def test_adding_copies_in_bulk_touches_each_record_once_in_one_update(client, branch):
    records = [RecordFactory() for _ in range(3)]
    since = harvested_long_ago(*records)
    new = [
        services.NewItem(
            record=record,
            organisation=branch.organisation,
            home_branch=branch,
            barcode=f"3000001{n}",
            item_type=ItemTypeFactory(),
        )
        for n, record in enumerate([*records, records[0]])
    ]
    with CaptureQueriesContext(connection) as queries:
        services.items_add(actor=None, items=new)
    touches = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("UPDATE") and "catalog_record" in q["sql"]
    ]
    assert len(touches) == 1
    found = headers(client, set=f"org:{branch.organisation_id}", **{"from": since})
    assert set(found) == {identifier(record) for record in records}


def test_withdrawing_the_last_copy_takes_the_record_out_of_the_libraries_set(client, branch):
    item = ItemFactory(organisation=branch.organisation, home_branch=branch)
    library_set = f"org:{branch.organisation_id}"
    assert list(headers(client, set=library_set)) == [identifier(item.record)]
    since = harvested_long_ago(item.record)

    services.item_transition(actor=None, item=item, trigger=Trigger.WITHDRAW)

    # A full incremental harvest sends the record again, no longer in the library's set.
    assert headers(client, **{"from": since}) == {
        identifier(item.record): [f"format:{item.record.format}"]
    }
    assert headers(client, set=library_set) == {}
    root = etree.fromstring(client.get("/oai", {"verb": "ListSets"}).content)
    assert library_set not in root.xpath("//o:setSpec/text()", namespaces=NS)


def test_withdrawing_one_of_two_copies_keeps_the_record_in_the_set(client, branch):
    first = ItemFactory(organisation=branch.organisation, home_branch=branch)
    ItemFactory(record=first.record, organisation=branch.organisation, home_branch=branch)
    since = harvested_long_ago(first.record)
    services.item_transition(actor=None, item=first, trigger=Trigger.WITHDRAW)
    found = headers(client, set=f"org:{branch.organisation_id}", **{"from": since})
    assert list(found) == [identifier(first.record)]


def test_moving_a_copy_to_another_record_touches_both(client, branch):
    item = ItemFactory(organisation=branch.organisation, home_branch=branch)
    old, new = item.record, RecordFactory()
    since = harvested_long_ago(old, new)

    services.item_update(actor=None, item=item, record=new)

    found = headers(client, **{"from": since})
    library_set = f"org:{branch.organisation_id}"
    assert library_set not in found[identifier(old)]
    assert library_set in found[identifier(new)]


def test_checking_a_copy_out_and_in_leaves_the_datestamp_alone(client, branch):
    item = ItemFactory(organisation=branch.organisation, home_branch=branch)
    since = harvested_long_ago(item.record)
    services.item_transition(actor=None, item=item, trigger=Trigger.CHECKOUT)
    services.item_transition(actor=None, item=item, trigger=Trigger.CHECKIN, branch=branch)
    assert headers(client, **{"from": since}) == {}
