"""An independent SRU client (sruthi) against our server on a live server."""

from __future__ import annotations

import pytest
import sruthi

from samenbieb.catalog import search
from samenbieb.catalog.models import Record
from tests.catalog.search_factories import indexed_record


@pytest.fixture
def shelf(transactional_db):
    # The search tables are not Django's, so the flush after a transactional test leaves
    # their rows behind: start from, and leave, an empty index.
    search.rebuild_index()
    for number in range(25):
        indexed_record(f"Zeeverhaal {number}", authors=("Jansen, Anna",), year=2000 + number)
    indexed_record("Bergverhaal", authors=("Visser, Mo",), year=1990)
    yield Record.objects.count()
    Record.objects.all().delete()
    search.rebuild_index()


def test_sruthi_pages_through_every_match(live_server, shelf):
    records = sruthi.searchretrieve(
        f"{live_server.url}/sru", query="dc.creator = jansen", maximum_records=10
    )
    assert records.count == 25
    fetched = list(records)  # sruthi follows nextRecordPosition: three requests
    assert len(fetched) == 25
    assert {r["schema"] for r in fetched} == {"info:srw/schema/1/marcxml-v1.1"}


def test_sruthi_reads_dublin_core_and_our_explain(live_server, shelf):
    records = sruthi.searchretrieve(
        f"{live_server.url}/sru", query='dc.date < 1995 and dc.title = "bergverhaal"',
        record_schema="dc",
    )  # fmt: skip
    assert records.count == 1
    assert records[0]["title"] == "Bergverhaal"
    info = sruthi.explain(f"{live_server.url}/sru")
    assert info.database["title"] == "Samenbieb"
    assert "title" in info.index["dc"]


def test_sruthi_raises_our_diagnostics(live_server, shelf):
    with pytest.raises(sruthi.SruError, match="info:srw/diagnostic/1/10"):
        sruthi.searchretrieve(f"{live_server.url}/sru", query="harry potter")
