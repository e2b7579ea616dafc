"""SRU 1.x responses are valid against the official schemas (srw-types, diagnostics, xcql),
with the MARCXML and Dublin Core records inside them valid against theirs."""

from __future__ import annotations

import pytest

from tests.catalog.search_factories import indexed_record
from tests.interfaces.sru.schemas import assert_valid

SRW = "http://www.loc.gov/zing/srw/"
NS = {
    "srw": SRW,
    "diag": "http://www.loc.gov/zing/srw/diagnostic/",
    "xcql": "http://www.loc.gov/zing/cql/xcql/",
    "m": "http://www.loc.gov/MARC21/slim",
    "oai_dc": "http://www.openarchives.org/OAI/2.0/oai_dc/",
}

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelf():
    return [
        indexed_record(
            "De fiets van oma",
            authors=("Jansen, Anna", "Visser, Mo"),
            subjects=("Familie", "Fietsen"),
            isbns=("9789021400013",),
            year=1995,
            isbn="9789021400013",
        ),
        indexed_record("De zee & het strand <1>", authors=("Jansen, Anna",), year=2015),
    ]


def searched(client, **params: str):
    response = client.get("/sru", {"version": "1.2", "operation": "searchRetrieve", **params})
    assert response.status_code == 200
    return assert_valid(response.content)


@pytest.mark.parametrize("schema", ["marcxml", "dc"])
@pytest.mark.parametrize("packing", ["xml", "string"])
def test_search_retrieve_with_records_is_valid(client, shelf, schema, packing):
    root = searched(client, query="dc.creator = jansen", recordSchema=schema, recordPacking=packing)
    assert len(root.findall("srw:records/srw:record", NS)) == 2
    if packing == "xml":
        inside = "m:record" if schema == "marcxml" else "oai_dc:dc"
        assert len(root.findall(f"srw:records/srw:record/srw:recordData/{inside}", NS)) == 2


@pytest.mark.parametrize(
    "query",
    [
        "fiets",
        'dc.title = "fiets van oma" and dc.date < 2000',
        "(zee or fiets) not dc.creator = visser",
        '> dc = "info:srw/cql-context-set/1/dc-v1.1" dc.title any "zee fiets"',
    ],
)
def test_the_echoed_request_carries_the_query_as_xcql(client, shelf, query):
    root = searched(client, query=query, maximumRecords="1")
    echo = root.find("srw:echoedSearchRetrieveRequest", NS)
    assert echo.findtext("srw:query", namespaces=NS) == query
    assert echo.find("srw:xQuery", NS) is not None


def test_xcql_names_index_relation_and_term_and_the_booleans(client, shelf):
    root = searched(client, query="fiets and dc.date < 2000")
    triple = root.find("srw:echoedSearchRetrieveRequest/srw:xQuery/xcql:triple", NS)
    assert triple.findtext("xcql:boolean/xcql:value", namespaces=NS) == "and"
    left = triple.find("xcql:leftOperand/xcql:searchClause", NS)
    right = triple.find("xcql:rightOperand/xcql:searchClause", NS)
    assert [left.findtext(f"xcql:{name}", namespaces=NS) for name in ("index", "term")] == [
        "cql.serverchoice",
        "fiets",
    ]
    assert right.findtext("xcql:relation/xcql:value", namespaces=NS) == "<"


def test_zero_hits_is_valid(client, shelf):
    root = searched(client, query="harry potter")
    assert root.findtext("srw:numberOfRecords", namespaces=NS) == "0"
    assert root.find("srw:records", NS) is None


def test_a_count_only_search_is_valid(client, shelf):
    root = searched(client, query="jansen", maximumRecords="0")
    assert root.findtext("srw:numberOfRecords", namespaces=NS) == "2"


@pytest.mark.parametrize(
    "params",
    [
        {"query": "(fiets"},
        {"query": "dc.publisher = noord"},
        {"query": "fiets", "startRecord": "99"},
        {"query": "fiets", "recordSchema": "mods"},
        {"query": "fiets", "colour": "red"},
        {"operation": "scan"},
        {"operation": "searchRetrieve"},
        {"query": "fiets", "version": "3.0"},
    ],
)
def test_responses_with_diagnostics_are_valid(client, shelf, params):
    root = searched(client, **params)
    assert root.find("srw:diagnostics/diag:diagnostic/diag:uri", NS) is not None


@pytest.mark.parametrize(
    "params", [{}, {"operation": "explain"}, {"operation": "explain", "version": "1.1"}]
)
def test_explain_is_valid(client, params):
    response = client.get("/sru", params)
    assert_valid(response.content)


def test_explain_with_a_diagnostic_still_carries_the_explain_record(client):
    response = client.get("/sru", {"operation": "explain", "version": "3.0"})
    root = assert_valid(response.content)
    assert root.find("srw:record/srw:recordData", NS) is not None
    assert root.findtext("srw:diagnostics/diag:diagnostic/diag:uri", namespaces=NS) == (
        "info:srw/diagnostic/1/5"
    )
