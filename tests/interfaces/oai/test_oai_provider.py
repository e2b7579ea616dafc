"""The OAI-PMH 2.0 provider at /oai: every verb, both formats, sets, deletions, errors.

Every response is validated against the official schemas (OAI-PMH.xsd with oai_dc.xsd and
MARC21slim.xsd for the records inside), errors included.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from lxml import etree

import samenbieb.catalog
from samenbieb.catalog import services
from samenbieb.catalog.importer import import_marc_files
from samenbieb.catalog.models import Contributor, Format, Record, Subject
from samenbieb.interfaces.oai import views
from tests.factories import ItemFactory, OrganisationFactory, RecordFactory, staff_login
from tests.interfaces.oai.schemas import assert_valid

DEMO = Path(samenbieb.catalog.__file__).parent / "data" / "demo-records.mrc"
NS = {
    "o": "http://www.openarchives.org/OAI/2.0/",
    "m": "http://www.loc.gov/MARC21/slim",
    "dc": "http://purl.org/dc/elements/1.1/",
    "oai_dc": "http://www.openarchives.org/OAI/2.0/oai_dc/",
}

pytestmark = pytest.mark.django_db


def oai(client, **arguments: str) -> etree._Element:
    response = client.get("/oai", arguments)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    return assert_valid(response.content)


def error_code(root: etree._Element) -> str:
    return str(root.xpath("string(o:error/@code)", namespaces=NS))


def identifier(record: Record) -> str:
    return f"oai:samenbieb.nl:{record.pk}"


def harvest(client, **arguments: str) -> list[etree._Element]:
    """Every record or header of a list, following resumption tokens."""
    verb = arguments.get("verb", "ListRecords")
    found: list[etree._Element] = []
    root = oai(client, **arguments)
    while True:
        listing = root.find(f"o:{verb}", NS)
        assert listing is not None, etree.tostring(root)
        found += listing.findall("o:record" if verb == "ListRecords" else "o:header", NS)
        token = listing.findtext("o:resumptionToken", namespaces=NS)
        if not token:
            return found
        root = oai(client, verb=verb, resumptionToken=token)


def header_ids(elements: list[etree._Element]) -> list[str]:
    return [e.findtext(".//o:header/o:identifier", namespaces=NS) or
            e.findtext("o:identifier", namespaces=NS) for e in elements]  # fmt: skip


def test_identify_says_persistent_deletion_and_seconds_granularity(client):
    RecordFactory()
    root = oai(client, verb="Identify")
    identify = root.find("o:Identify", NS)
    assert identify.findtext("o:protocolVersion", namespaces=NS) == "2.0"
    assert identify.findtext("o:deletedRecord", namespaces=NS) == "persistent"
    assert identify.findtext("o:granularity", namespaces=NS) == "YYYY-MM-DDThh:mm:ssZ"
    assert identify.findtext("o:baseURL", namespaces=NS) == "http://testserver/oai"
    assert identify.findtext("o:earliestDatestamp", namespaces=NS).endswith("Z")


def test_list_metadata_formats_offers_dublin_core_and_marcxml(client):
    record = RecordFactory()
    for arguments in ({}, {"identifier": identifier(record)}):
        root = oai(client, verb="ListMetadataFormats", **arguments)
        prefixes = root.xpath("//o:metadataPrefix/text()", namespaces=NS)
        assert prefixes == ["oai_dc", "marc21"]


def test_list_sets_has_each_format_and_each_organisation_that_owns_items(client):
    owner = OrganisationFactory(name="Bibliotheek Aan Zee")
    OrganisationFactory(name="Zonder Boeken")
    ItemFactory(organisation=owner)
    root = oai(client, verb="ListSets")
    specs = dict(
        zip(
            root.xpath("//o:setSpec/text()", namespaces=NS),
            root.xpath("//o:setName/text()", namespaces=NS),
            strict=True,
        )
    )
    assert {"format", "org", "format:book", "format:dvd", f"org:{owner.pk}"} <= set(specs)
    assert specs[f"org:{owner.pk}"].startswith("Bibliotheek Aan Zee")
    assert not any(name.startswith("Zonder Boeken") for name in specs.values())


def test_imported_records_come_out_as_their_source_marc_and_valid_dublin_core(client):
    import_marc_files([DEMO])
    record = Record.objects.exclude(isbn="").order_by("pk").first()
    marc = oai(client, verb="GetRecord", identifier=identifier(record), metadataPrefix="marc21")
    fields = marc.find(".//m:record", NS)
    control = fields.findtext("m:controlfield[@tag='001']", namespaces=NS)
    assert control.strip() == record.control_number  # kept as stored, padding and all
    title = fields.findtext("m:datafield[@tag='245']/m:subfield[@code='a']", namespaces=NS)
    assert record.title.split(" ")[0] in title
    dc = oai(client, verb="GetRecord", identifier=identifier(record), metadataPrefix="oai_dc")
    assert dc.findtext(".//dc:title", namespaces=NS).startswith(record.title)
    assert f"urn:isbn:{record.isbn}" in dc.xpath(".//dc:identifier/text()", namespaces=NS)


def test_a_whole_harvest_of_the_demo_catalogue_is_valid_in_both_formats(client, monkeypatch):
    import_marc_files([DEMO])
    monkeypatch.setattr(views, "RECORDS_PER_PAGE", 120)
    for prefix in ("marc21", "oai_dc"):
        records = harvest(client, verb="ListRecords", metadataPrefix=prefix)
        assert len(records) == Record.objects.count() == 500, prefix


def test_a_record_without_source_marc_gets_marcxml_made_from_its_fields(client):
    record = RecordFactory(title="Zelf gemaakt", subtitle="een verhaal", isbn="9789021400013",
                           format=Format.DVD, year=2024, publisher="Uitgeverij Noord")  # fmt: skip
    Contributor.objects.create(record=record, name="Jansen, Anna", position=0)
    Subject.objects.create(record=record, term="Zee", position=0)
    root = oai(client, verb="GetRecord", identifier=identifier(record), metadataPrefix="marc21")
    marc = root.find(".//m:record", NS)
    assert marc.findtext("m:leader", namespaces=NS)[6] == "g"  # a video recording
    value = lambda tag, code: marc.findtext(  # noqa: E731
        f"m:datafield[@tag='{tag}']/m:subfield[@code='{code}']", namespaces=NS
    )
    assert (value("245", "a"), value("245", "b")) == ("Zelf gemaakt", "een verhaal")
    assert (value("100", "a"), value("650", "a"), value("020", "a")) == (
        "Jansen, Anna", "Zee", "9789021400013",
    )  # fmt: skip
    assert value("264", "b") == "Uitgeverij Noord"


def test_a_withdrawn_record_is_reported_deleted_for_good(client):
    kept, withdrawn = RecordFactory(), RecordFactory()
    services.record_withdraw(actor=None, record_id=withdrawn.pk)
    root = oai(client, verb="GetRecord", identifier=identifier(withdrawn), metadataPrefix="oai_dc")
    header = root.find(".//o:header", NS)
    assert header.get("status") == "deleted"
    assert root.find(".//o:metadata", NS) is None
    records = harvest(client, verb="ListRecords", metadataPrefix="marc21")
    statuses = {
        r.findtext("o:header/o:identifier", namespaces=NS): r.find("o:header", NS).get("status")
        for r in records
    }
    assert statuses == {identifier(kept): None, identifier(withdrawn): "deleted"}


def test_withdrawing_gives_the_record_a_new_datestamp_so_incremental_harvests_see_it(client):
    record = RecordFactory()
    Record.objects.filter(pk=record.pk).update(updated_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    since = timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ")
    before = oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc", **{"from": since})
    assert error_code(before) == "noRecordsMatch"
    services.record_withdraw(actor=None, record_id=record.pk)
    after = harvest(client, verb="ListIdentifiers", metadataPrefix="oai_dc", **{"from": since})
    assert [h.get("status") for h in after] == ["deleted"]


def test_from_and_until_select_by_datestamp_inclusive_at_either_granularity(client):
    old, middle, new = RecordFactory(), RecordFactory(), RecordFactory()
    for record, moment in (
        (old, dt.datetime(2024, 1, 1, 10, 0, 0, tzinfo=dt.UTC)),
        (middle, dt.datetime(2024, 6, 1, 12, 30, 5, 500_000, tzinfo=dt.UTC)),
        (new, dt.datetime(2025, 1, 1, 0, 0, 0, tzinfo=dt.UTC)),
    ):
        Record.objects.filter(pk=record.pk).update(updated_at=moment)

    def ids(**arguments: str) -> list[str]:
        return header_ids(harvest(client, verb="ListIdentifiers", metadataPrefix="oai_dc",
                                  **arguments))  # fmt: skip

    assert ids(**{"from": "2024-06-01T12:30:05Z", "until": "2024-06-01T12:30:05Z"}) == [
        identifier(middle)
    ]
    assert ids(**{"from": "2024-01-02", "until": "2024-12-31"}) == [identifier(middle)]
    assert ids(until="2024-06-01") == [identifier(old), identifier(middle)]
    assert ids(**{"from": "2024-06-02"}) == [identifier(new)]
    shown = harvest(client, verb="ListIdentifiers", metadataPrefix="oai_dc", until="2024-01-01")
    assert shown[0].findtext("o:datestamp", namespaces=NS) == "2024-01-01T10:00:00Z"


def test_sets_select_by_format_and_by_owning_organisation(client):
    library = OrganisationFactory()
    book, dvd, elsewhere = RecordFactory(), RecordFactory(format=Format.DVD), RecordFactory()
    ItemFactory(record=book, organisation=library)
    ItemFactory(record=dvd, organisation=library)
    ItemFactory(record=elsewhere)

    def ids(spec: str) -> set[str]:
        return set(header_ids(harvest(client, verb="ListIdentifiers", metadataPrefix="oai_dc",
                                      set=spec)))  # fmt: skip

    assert ids(f"org:{library.pk}") == {identifier(book), identifier(dvd)}
    assert ids("format:dvd") == {identifier(dvd)}
    assert ids("org") == {identifier(book), identifier(dvd), identifier(elsewhere)}
    root = oai(client, verb="GetRecord", identifier=identifier(dvd), metadataPrefix="oai_dc")
    assert root.xpath("//o:setSpec/text()", namespaces=NS) == ["format:dvd", f"org:{library.pk}"]


def test_a_harvest_resumes_without_skipping_or_repeating_records_changed_meanwhile(
    client, monkeypatch
):
    monkeypatch.setattr(views, "HEADERS_PER_PAGE", 3)
    records = [RecordFactory() for _ in range(9)]
    first = oai(client, verb="ListIdentifiers", metadataPrefix="marc21")
    seen = header_ids(first.findall("o:ListIdentifiers/o:header", NS))
    token = first.findtext("o:ListIdentifiers/o:resumptionToken", namespaces=NS)
    # Mid-harvest: a record already sent and one still to come get a newer datestamp, one
    # still to come is withdrawn, and a new record arrives.
    later = timezone.now() + dt.timedelta(minutes=5)
    Record.objects.filter(pk__in=[records[1].pk, records[6].pk]).update(updated_at=later)
    services.record_withdraw(actor=None, record_id=records[4].pk)
    added = RecordFactory()
    while token:
        root = oai(client, verb="ListIdentifiers", resumptionToken=token)
        seen += header_ids(root.findall("o:ListIdentifiers/o:header", NS))
        token = root.findtext("o:ListIdentifiers/o:resumptionToken", namespaces=NS)
    assert seen == [identifier(r) for r in [*records, added]]


def test_the_last_page_of_a_resumed_list_has_an_empty_token_and_the_cursor(client, monkeypatch):
    monkeypatch.setattr(views, "RECORDS_PER_PAGE", 2)
    for _ in range(3):
        RecordFactory()
    first = oai(client, verb="ListRecords", metadataPrefix="oai_dc")
    token = first.find("o:ListRecords/o:resumptionToken", NS)
    assert token.get("cursor") == "0"
    assert token.text
    last = oai(client, verb="ListRecords", resumptionToken=token.text)
    end = last.find("o:ListRecords/o:resumptionToken", NS)
    assert (end.text, end.get("cursor")) == (None, "2")


@pytest.mark.parametrize(
    ("arguments", "code"),
    [
        ({}, "badVerb"),
        ({"verb": "Harvest"}, "badVerb"),
        ({"verb": "Identify", "metadataPrefix": "oai_dc"}, "badArgument"),
        ({"verb": "ListRecords"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "mods"}, "cannotDisseminateFormat"),
        ({"verb": "ListRecords", "metadataPrefix": "bad prefix!"}, "cannotDisseminateFormat"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "yesterday"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2024-13-45"}, "badArgument"),
        (
            {
                "verb": "ListRecords",
                "metadataPrefix": "oai_dc",
                "from": "2024-01-01",
                "until": "2024-01-01T00:00:00Z",
            },
            "badArgument",
        ),
        (
            {
                "verb": "ListRecords",
                "metadataPrefix": "oai_dc",
                "from": "2025-01-01",
                "until": "2024-01-01",
            },
            "badArgument",
        ),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "colour:red"}, "badArgument"),
        ({"verb": "ListRecords", "resumptionToken": "not-a-token"}, "badResumptionToken"),
        (
            {"verb": "ListRecords", "resumptionToken": "MXxMaXN0UmVjb3Jkc3x8fHx8eHx5"},
            "badResumptionToken",
        ),
        (
            {"verb": "ListRecords", "resumptionToken": "x", "metadataPrefix": "oai_dc"},
            "badArgument",
        ),
        ({"verb": "ListSets", "resumptionToken": "x"}, "badResumptionToken"),
        (
            {"verb": "GetRecord", "identifier": "oai:elders:1", "metadataPrefix": "oai_dc"},
            "idDoesNotExist",
        ),
        (
            {
                "verb": "GetRecord",
                "identifier": "oai:samenbieb.nl:99999999999999999999999",
                "metadataPrefix": "oai_dc",
            },
            "idDoesNotExist",
        ),
        ({"verb": "ListMetadataFormats", "identifier": "oai:samenbieb.nl:0"}, "idDoesNotExist"),
        ({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}, "noRecordsMatch"),
    ],
)
def test_bad_requests_get_the_protocols_error_never_a_server_error(client, arguments, code):
    root = oai(client, **arguments)
    assert error_code(root) == code
    echoed = root.find("o:request", NS)
    if code in {"badVerb", "badArgument"}:
        assert dict(echoed.attrib) == {}  # the protocol says: echo the base URL only


def test_a_repeated_argument_is_a_bad_argument(client):
    response = client.get("/oai?verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=marc21")
    assert error_code(assert_valid(response.content)) == "badArgument"


def test_harvesters_may_post_their_requests(client):
    RecordFactory()
    response = client.post("/oai", {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"})
    root = assert_valid(response.content)
    assert len(root.findall("o:ListIdentifiers/o:header", NS)) == 1


def test_the_admin_delete_withdraws_the_record_instead(client, staff_with_role):
    record = RecordFactory()
    staff_login(client, staff_with_role(OrganisationFactory(), "cataloguer"))
    response = client.post(
        f"/beheer/catalog/record/{record.pk}/delete/", {"post": "yes"}, follow=True
    )
    assert response.status_code == 200
    record.refresh_from_db()
    assert record.deleted_at is not None
    root = oai(client, verb="GetRecord", identifier=identifier(record), metadataPrefix="oai_dc")
    assert root.find(".//o:header", NS).get("status") == "deleted"
