"""SRU at /sru: explain, searchRetrieve with CQL over the catalogue search, diagnostics."""

from __future__ import annotations

import pytest
from lxml import etree

from samenbieb.catalog import services
from tests.catalog.search_factories import indexed_record
from tests.interfaces.oai.schemas import assert_valid

SRW = "http://www.loc.gov/zing/srw/"
NS = {
    "srw": SRW,
    "diag": "http://www.loc.gov/zing/srw/diagnostic/",
    "sru2": "http://docs.oasis-open.org/ns/search-ws/sruResponse",
    "diag2": "http://docs.oasis-open.org/ns/search-ws/diagnostic",
    "zr": "http://explain.z3950.org/dtd/2.0/",
    "m": "http://www.loc.gov/MARC21/slim",
    "dc": "http://purl.org/dc/elements/1.1/",
}

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelf():
    return {
        "fiets": indexed_record(
            "De fiets van oma",
            authors=("Jansen, Anna",),
            subjects=("Familie",),
            isbns=("9789021400013",),
            year=1995,
            isbn="9789021400013",
        ),
        "oma": indexed_record(
            "Oma gaat fietsen", authors=("Pietersen, Piet",), subjects=("Sport",), year=2005
        ),
        "zee": indexed_record(
            "De zee", authors=("Jansen, Anna",), subjects=("Zee", "Strand"), year=2015
        ),
        "kat": indexed_record("Kattenkwaad", authors=("Visser, Mo",), year=None),
    }


def sru(client, **params: str) -> etree._Element:
    params = {"version": "1.2", "operation": "searchRetrieve", **params}
    response = client.get("/sru", params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    return etree.fromstring(response.content)


def titles(root: etree._Element) -> list[str]:
    return [
        text.split(" : ")[0]
        for text in root.xpath("//srw:recordData/*/dc:title/text()", namespaces=NS)
    ]


def found(client, query: str) -> set[str]:
    root = sru(client, query=query, recordSchema="dc", maximumRecords="100")
    assert root.find("srw:diagnostics", NS) is None, etree.tostring(root)
    assert int(root.findtext("srw:numberOfRecords", namespaces=NS)) == len(titles(root))
    return set(titles(root))


def diagnostic(root: etree._Element) -> str:
    return root.findtext("srw:diagnostics/diag:diagnostic/diag:uri", namespaces=NS)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("fietsen", {"De fiets van oma", "Oma gaat fietsen"}),  # as the search box: plurals
        ("cql.anywhere = familie", {"De fiets van oma"}),
        ('dc.title = "fiets van oma"', {"De fiets van oma"}),
        ('dc.title = "oma van fiets"', set()),
        ('dc.title all "oma fietsen"', {"De fiets van oma", "Oma gaat fietsen"}),
        ('dc.title any "zee kattenkwaad"', {"De zee", "Kattenkwaad"}),
        ("dc.creator = jansen", {"De fiets van oma", "De zee"}),
        ('dc.creator = "anna jansen"', set()),  # a phrase: the name is stored surname first
        ("dc.subject = strand", {"De zee"}),
        ("bath.isbn = 90-214-0001-8", {"De fiets van oma"}),
        ("bath.isbn == 9789021400013", {"De fiets van oma"}),
        ("dc.date < 2000", {"De fiets van oma"}),
        ("dc.date >= 2005", {"Oma gaat fietsen", "De zee"}),
        ('dc.date within "2000 2010"', {"Oma gaat fietsen"}),
        ("dc.date <> 2005", {"De fiets van oma", "De zee"}),
        ("dc.creator = jansen and dc.date > 2000", {"De zee"}),
        (
            "dc.creator = jansen or dc.creator = visser",
            {"De fiets van oma", "De zee", "Kattenkwaad"},
        ),
        ("fietsen not dc.creator = jansen", {"Oma gaat fietsen"}),
        ("(zee or kattenkwaad) and dc.creator = visser", {"Kattenkwaad"}),
        ("katten*", {"Kattenkwaad"}),
        ("cql.allRecords = 1", {"De fiets van oma", "Oma gaat fietsen", "De zee", "Kattenkwaad"}),
    ],
)
def test_cql_queries_find_what_they_say(client, shelf, query, expected):
    assert found(client, query) == expected


def test_withdrawn_records_are_not_found(client, shelf):
    services.record_withdraw(actor=None, record_id=shelf["zee"].pk)
    assert found(client, "dc.creator = jansen") == {"De fiets van oma"}


def test_records_come_as_valid_marcxml_by_default_and_as_dublin_core(client, shelf):
    root = sru(client, query="dc.creator = jansen")
    records = root.findall("srw:records/srw:record", NS)
    assert len(records) == 2
    for record in records:
        assert (
            record.findtext("srw:recordSchema", namespaces=NS) == "info:srw/schema/1/marcxml-v1.1"
        )
        assert_valid(record.find("srw:recordData/m:record", NS))
    dc = sru(client, query="dc.creator = jansen", recordSchema="info:srw/schema/1/dc-v1.1")
    for record in dc.findall("srw:records/srw:record", NS):
        assert_valid(record.find("srw:recordData/*", NS))
    packed = sru(client, query="zee", recordPacking="string", recordSchema="dc")
    text = packed.findtext("srw:records/srw:record/srw:recordData", namespaces=NS)
    assert "<dc:title>De zee</dc:title>" in text


def test_pages_follow_start_record_and_maximum_records(client, shelf):
    first = sru(client, query="cql.allRecords = 1", maximumRecords="3")
    assert first.findtext("srw:numberOfRecords", namespaces=NS) == "4"
    assert first.xpath("//srw:recordPosition/text()", namespaces=NS) == ["1", "2", "3"]
    assert first.findtext("srw:nextRecordPosition", namespaces=NS) == "4"
    last = sru(client, query="cql.allRecords = 1", maximumRecords="3", startRecord="4")
    assert last.xpath("//srw:recordPosition/text()", namespaces=NS) == ["4"]
    assert last.find("srw:nextRecordPosition", NS) is None
    count_only = sru(client, query="fietsen", maximumRecords="0")
    assert count_only.findtext("srw:numberOfRecords", namespaces=NS) == "2"
    assert count_only.find("srw:records", NS) is None


@pytest.mark.parametrize(
    ("params", "number"),
    [
        ({"query": "harry potter"}, 10),
        ({"query": "(fiets"}, 13),
        ({"query": '"fiets'}, 14),
        ({"query": "dc.publisher = noord"}, 16),
        ({"query": "dc.title within fiets"}, 19),
        ({"query": "fiets prox oma"}, 37),
        ({"query": "fiets sortBy dc.date"}, 80),
        ({"query": "fiets", "maximumRecords": "1000"}, 6),
        ({"query": "fiets", "maximumRecords": "veel"}, 6),
        ({"query": "fiets", "startRecord": "0"}, 6),
        ({"query": "fiets", "startRecord": "99"}, 61),
        ({"query": "fiets", "recordSchema": "mods"}, 66),
        ({"query": "fiets", "recordPacking": "json"}, 71),
        ({"query": "fiets", "sortKeys": "title"}, 80),
        ({"query": "fiets", "stylesheet": "/x.xsl"}, 110),
        ({"query": "fiets", "colour": "red"}, 8),
        ({"operation": "scan", "scanClause": "fiets"}, 8),
        ({"operation": "scan"}, 4),
        ({"operation": "searchRetrieve"}, 7),
        ({"query": "fiets", "version": "3.0"}, 5),
    ],
)
def test_bad_requests_get_an_sru_diagnostic_never_a_server_error(client, shelf, params, number):
    root = sru(client, **params)
    assert diagnostic(root) == f"info:srw/diagnostic/1/{number}"
    assert root.findtext("srw:diagnostics/diag:diagnostic/diag:message", namespaces=NS)


def test_extension_parameters_are_ignored(client, shelf):
    assert diagnostic(sru(client, query="zee", **{"x-info-debug": "1"})) is None


def test_explain_describes_indexes_schemas_and_limits(client):
    for params in ({}, {"operation": "explain", "version": "1.2"}):
        root = etree.fromstring(client.get("/sru", params).content)
        assert root.tag == f"{{{SRW}}}explainResponse"
        explain = root.find("srw:record/srw:recordData/zr:explain", NS)
        names = explain.xpath("zr:indexInfo/zr:index/zr:map/zr:name/text()", namespaces=NS)
        assert {"title", "creator", "subject", "date", "isbn", "serverChoice"} <= set(names)
        schemas = explain.xpath("zr:schemaInfo/zr:schema/@identifier", namespaces=NS)
        assert schemas == ["info:srw/schema/1/marcxml-v1.1", "info:srw/schema/1/dc-v1.1"]
        maximum = explain.findtext(
            "zr:configInfo/zr:setting[@type='maximumRecords']", namespaces=NS
        )
        assert maximum == "100"


def test_sru_2_answers_in_its_own_namespace_and_with_400_for_a_fatal_diagnostic(client, shelf):
    response = client.get("/sru", {"version": "2.0", "query": "dc.creator = visser"})
    root = etree.fromstring(response.content)
    assert response.status_code == 200
    assert root.findtext("sru2:numberOfRecords", namespaces=NS) == "1"
    assert root.findtext("sru2:records/sru2:record/sru2:recordXMLEscaping", namespaces=NS) == "xml"
    bad = client.get("/sru", {"version": "2.0", "query": "(fiets"})
    assert bad.status_code == 400
    uri = etree.fromstring(bad.content).findtext(
        "sru2:diagnostics/diag2:diagnostic/diag2:uri", namespaces=NS
    )
    assert uri == "info:srw/diagnostic/1/13"
