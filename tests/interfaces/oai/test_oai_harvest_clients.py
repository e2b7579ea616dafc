"""Independent OAI-PMH harvesters (Sickle) against our provider on a live server."""

from __future__ import annotations

from pathlib import Path

import pytest
from sickle import Sickle
from sickle.oaiexceptions import BadResumptionToken, CannotDisseminateFormat

import samenbieb.catalog
from samenbieb.catalog import search, services
from samenbieb.catalog.importer import import_marc_files
from samenbieb.catalog.models import Record
from samenbieb.interfaces.oai import views

DEMO = Path(samenbieb.catalog.__file__).parent / "data" / "demo-records.mrc"


@pytest.fixture
def catalogue(transactional_db):
    import_marc_files([DEMO])
    yield Record.objects.count()
    # The flush after a transactional test leaves the search tables (not Django's) behind.
    Record.objects.all().delete()
    search.rebuild_index()


def test_sickle_harvests_exactly_as_many_records_as_the_catalogue_holds(
    live_server, catalogue, monkeypatch
):
    monkeypatch.setattr(views, "RECORDS_PER_PAGE", 150)  # four pages, three tokens
    sickle = Sickle(f"{live_server.url}/oai")
    records = list(sickle.ListRecords(metadataPrefix="marc21"))
    assert len(records) == catalogue == 500
    assert len({record.header.identifier for record in records}) == 500
    assert all(not record.deleted for record in records)


def test_sickle_reads_dublin_core_identifiers_sets_and_deletions(live_server, catalogue):
    withdrawn = Record.objects.order_by("pk").first()
    services.record_withdraw(actor=None, record_id=withdrawn.pk)
    sickle = Sickle(f"{live_server.url}/oai")
    assert sickle.Identify().deletedRecord == "persistent"
    assert [f.metadataPrefix for f in sickle.ListMetadataFormats()] == ["oai_dc", "marc21"]
    assert "format:book" in {s.setSpec for s in sickle.ListSets()}
    headers = list(sickle.ListIdentifiers(metadataPrefix="oai_dc"))
    assert len(headers) == catalogue
    assert [h.identifier for h in headers if h.deleted] == [f"oai:samenbieb.nl:{withdrawn.pk}"]
    kept = Record.objects.filter(deleted_at__isnull=True).order_by("pk").first()
    record = sickle.GetRecord(identifier=f"oai:samenbieb.nl:{kept.pk}", metadataPrefix="oai_dc")
    assert record.metadata["title"][0].startswith(kept.title)


def test_sickle_sees_the_protocol_errors(live_server, catalogue):
    sickle = Sickle(f"{live_server.url}/oai")
    with pytest.raises(CannotDisseminateFormat):
        next(iter(sickle.ListRecords(metadataPrefix="mods")))
    with pytest.raises(BadResumptionToken):
        next(iter(sickle.ListRecords(resumptionToken="stale")))
