"""The SRU door (docs/oai-sru.md): explain and searchRetrieve, SRU 1.2 (1.1 accepted) and 2.0.

Parse the parameters and the CQL query, run a boolean search of the catalogue's search
module, render the records as MARCXML or Dublin Core. Whatever a client gets wrong is
answered with an SRU diagnostic (``info:srw/diagnostic/1/N``), never a server error.
SRU 1.x answers with HTTP 200 always; SRU 2.0 with 400 for a fatal diagnostic, as it asks.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from lxml import etree

from samenbieb.catalog import harvest, metadata
from samenbieb.catalog.search.boolean import search_boolean
from samenbieb.interfaces.sru import cql
from samenbieb.interfaces.sru.query import CONTEXT_SETS, expression
from samenbieb.security.ratelimit import rate_limited

DEFAULT_RECORDS = 10
MAX_RECORDS = 100
EXPLAIN_NS = "http://explain.z3950.org/dtd/2.0/"
XCQL_NS = "http://www.loc.gov/zing/cql/xcql/"


@dataclass(frozen=True)
class Dialect:
    """What differs between SRU 1.2 and 2.0 in the documents we write."""

    version: str
    namespace: str
    diagnostic_namespace: str
    packing_element: str


SRU_1 = Dialect(
    "1.2",
    "http://www.loc.gov/zing/srw/",
    "http://www.loc.gov/zing/srw/diagnostic/",
    "recordPacking",
)
SRU_2 = Dialect(
    "2.0",
    "http://docs.oasis-open.org/ns/search-ws/sruResponse",
    "http://docs.oasis-open.org/ns/search-ws/diagnostic",
    "recordXMLEscaping",
)


@dataclass(frozen=True)
class RecordSchema:
    identifier: str
    names: tuple[str, ...]
    title: str
    render: object


SCHEMAS = (
    RecordSchema(
        "info:srw/schema/1/marcxml-v1.1",
        ("marcxml", "marc21", "info:srw/schema/1/marcxml-v1.1"),
        "MARCXML",
        metadata.marcxml,
    ),
    RecordSchema(
        "info:srw/schema/1/dc-v1.1",
        ("dc", "oai_dc", "info:srw/schema/1/dc-v1.1"),
        "Dublin Core",
        metadata.dublin_core,
    ),
)
_SCHEMA_BY_NAME = {name.lower(): schema for schema in SCHEMAS for name in schema.names}
# Parameters of SRU we accept (x-… extension parameters are ignored, as SRU says).
_PARAMETERS = {
    "operation", "version", "query", "startRecord", "maximumRecords", "recordSchema",
    "recordPacking", "recordXMLEscaping", "resultSetTTL", "sortKeys", "stylesheet",
    "recordXPath", "queryType",
}  # fmt: skip


class Diagnostic(Exception):
    def __init__(self, number: int, message: str, details: str = "") -> None:
        super().__init__(message)
        self.number, self.message, self.details = number, message, details


def _sub(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, tag)
    if text is not None:
        element.text = metadata.xml_text(text)
    return element


def _response(root: etree._Element, status: int = 200) -> HttpResponse:
    body = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return HttpResponse(body, content_type="text/xml; charset=utf-8", status=status)


def _diagnostics(parent: etree._Element, dialect: Dialect, error: Diagnostic) -> None:
    d = f"{{{dialect.diagnostic_namespace}}}"
    holder = _sub(parent, f"{{{dialect.namespace}}}diagnostics")
    diagnostic = etree.SubElement(
        holder, f"{d}diagnostic", nsmap={"diag": dialect.diagnostic_namespace}
    )
    _sub(diagnostic, f"{d}uri", f"info:srw/diagnostic/1/{error.number}")
    if error.details:
        _sub(diagnostic, f"{d}details", error.details)
    _sub(diagnostic, f"{d}message", error.message)


def _single(request: HttpRequest) -> dict[str, str]:
    data = request.POST if request.method == "POST" else request.GET
    params: dict[str, str] = {}
    for name in data:
        values = data.getlist(name)
        if name.startswith("x-"):
            continue
        if name not in _PARAMETERS:
            raise Diagnostic(8, "Unsupported parameter", name)
        if len(values) != 1:
            raise Diagnostic(6, "Unsupported parameter value", f"{name} is repeated")
        params[name] = values[0]
    return params


def _dialect(params: dict[str, str]) -> Dialect:
    version = params.get("version", "1.2")
    if version in {"1.1", "1.2"}:
        return SRU_1
    if version == "2.0":
        return SRU_2
    raise Diagnostic(5, "Unsupported version", "1.2")


def _number(params: dict[str, str], name: str, default: int, minimum: int) -> int:
    text = params.get(name)
    if text is None:
        return default
    if not (text.isascii() and text.isdigit()) or len(text) > 9 or int(text) < minimum:
        raise Diagnostic(6, "Unsupported parameter value", name)
    return int(text)


@rate_limited("harvest", status=429, plain=True)
@csrf_exempt  # search clients POST without a session; nothing here changes state
@require_http_methods(["GET", "HEAD", "POST"])
def sru(request: HttpRequest) -> HttpResponse:
    dialect = SRU_1
    data = request.POST if request.method == "POST" else request.GET
    operation = data.get("operation") or ("searchRetrieve" if "query" in data else "explain")
    try:
        params = _single(request)
        dialect = _dialect(params)
        if operation == "explain":
            return _response(_explain(request, dialect))
        if operation != "searchRetrieve":
            raise Diagnostic(4, "Unsupported operation", operation)
        return _response(_search_retrieve(params, dialect))
    except Diagnostic as error:
        s = f"{{{dialect.namespace}}}"
        if operation == "explain":
            # The schemas require the explain record, and it tells the client what we do.
            root = _explain(request, dialect)
        else:
            root = etree.Element(f"{s}searchRetrieveResponse", nsmap={"srw": dialect.namespace})
            _sub(root, f"{s}version", dialect.version)
            _sub(root, f"{s}numberOfRecords", "0")
        _diagnostics(root, dialect, error)
        return _response(root, 400 if dialect is SRU_2 else 200)


def _search_retrieve(params: dict[str, str], dialect: Dialect) -> etree._Element:
    s = f"{{{dialect.namespace}}}"
    if params.get("queryType", "cql") != "cql":
        raise Diagnostic(6, "Unsupported parameter value", "queryType")
    if "query" not in params:
        raise Diagnostic(7, "Mandatory parameter not supplied", "query")
    if "sortKeys" in params:
        raise Diagnostic(80, "Sort not supported", params["sortKeys"])
    if "stylesheet" in params:
        raise Diagnostic(110, "Stylesheets not supported", params["stylesheet"])
    if "recordXPath" in params:
        raise Diagnostic(72, "Server does not support XPath retrieval", params["recordXPath"])
    start = _number(params, "startRecord", 1, 1)
    maximum = _number(params, "maximumRecords", DEFAULT_RECORDS, 0)
    if maximum > MAX_RECORDS:
        raise Diagnostic(6, "Unsupported parameter value", f"maximumRecords: at most {MAX_RECORDS}")
    schema = _SCHEMA_BY_NAME.get(params.get("recordSchema", "marcxml").lower())
    if schema is None:
        raise Diagnostic(66, "Unknown schema for retrieval", params["recordSchema"])
    packing = params.get(dialect.packing_element, "xml")
    if packing not in {"xml", "string"}:
        raise Diagnostic(71, "Unsupported record packing", packing)
    try:
        query = cql.parse(params["query"])
        search = expression(query)
    except cql.CqlError as error:
        raise Diagnostic(error.diagnostic, error.message, error.details) from None
    total, ids = search_boolean(search, offset=start - 1, limit=maximum)
    if total and start > total:
        raise Diagnostic(61, "First record position out of range", str(start))
    root = etree.Element(f"{s}searchRetrieveResponse", nsmap={"srw": dialect.namespace})
    _sub(root, f"{s}version", dialect.version)
    _sub(root, f"{s}numberOfRecords", str(total))
    if ids:
        records = _sub(root, f"{s}records")
        render = schema.render
        harvested = harvest.records_with_metadata(ids)
        for position, (record, relations) in enumerate(harvested, start=start):
            element = _sub(records, f"{s}record")
            _sub(element, f"{s}recordSchema", schema.identifier)
            _sub(element, f"{s}{dialect.packing_element}", packing)
            data = _sub(element, f"{s}recordData")
            rendered = render(record, relations)  # type: ignore[operator]
            if packing == "xml":
                data.append(rendered)
            else:
                data.text = etree.tostring(rendered, encoding="unicode")
            _sub(element, f"{s}recordPosition", str(position))
    if start - 1 + len(ids) < total:
        _sub(root, f"{s}nextRecordPosition", str(start + len(ids)))
    if dialect is SRU_1:
        echo = _sub(root, f"{s}echoedSearchRetrieveRequest")
        _sub(echo, f"{s}version", dialect.version)
        _sub(echo, f"{s}query", params["query"])
        # The SRU 1.1 schema requires the parsed query too, in XCQL.
        _xcql(etree.SubElement(echo, f"{s}xQuery", nsmap={"xcql": XCQL_NS}), query)
        _sub(echo, f"{s}startRecord", str(start))
        _sub(echo, f"{s}maximumRecords", str(maximum))
        _sub(echo, f"{s}recordPacking", packing)
        _sub(echo, f"{s}recordSchema", schema.identifier)
    return root


def _xcql(operand: etree._Element, query: cql.Query) -> None:
    """``query`` as XCQL inside ``operand`` (an element of XCQL's operandType)."""
    x = f"{{{XCQL_NS}}}"
    if query.prefixes:
        prefixes = _sub(operand, f"{x}prefixes")
        for name, identifier in query.prefixes.items():
            prefix = _sub(prefixes, f"{x}prefix")
            _sub(prefix, f"{x}name", name)
            _sub(prefix, f"{x}identifier", identifier)
    _xcql_node(operand, query.root)


def _xcql_node(parent: etree._Element, node: cql.Node) -> None:
    # No modifiers: a query with any is answered with a diagnostic before it is echoed.
    x = f"{{{XCQL_NS}}}"
    if isinstance(node, cql.SearchClause):
        clause = _sub(parent, f"{x}searchClause")
        _sub(clause, f"{x}index", node.index)
        _sub(_sub(clause, f"{x}relation"), f"{x}value", node.relation)
        _sub(clause, f"{x}term", node.term)
        return
    triple = _sub(parent, f"{x}triple")
    _sub(_sub(triple, f"{x}boolean"), f"{x}value", node.operator)
    _xcql_node(_sub(triple, f"{x}leftOperand"), node.left)
    _xcql_node(_sub(triple, f"{x}rightOperand"), node.right)


_INDEXES = (
    ("cql", "serverChoice", "Anywhere: title, authors, subjects, series, summary"),
    ("cql", "anywhere", "Anywhere"),
    ("cql", "allRecords", "Every record"),
    ("dc", "title", "Title"),
    ("dc", "creator", "Author or other contributor"),
    ("dc", "subject", "Subject"),
    ("dc", "date", "Year of publication"),
    ("bath", "isbn", "ISBN"),
)


def _explain(request: HttpRequest, dialect: Dialect) -> etree._Element:
    s = f"{{{dialect.namespace}}}"
    z = f"{{{EXPLAIN_NS}}}"
    root = etree.Element(f"{s}explainResponse", nsmap={"srw": dialect.namespace})
    _sub(root, f"{s}version", dialect.version)
    record = _sub(root, f"{s}record")
    _sub(record, f"{s}recordSchema", "http://explain.z3950.org/dtd/2.0/")
    _sub(record, f"{s}{dialect.packing_element}", "xml")
    data = _sub(record, f"{s}recordData")
    explain = etree.SubElement(data, f"{z}explain", nsmap={"zr": EXPLAIN_NS})
    server = _sub(explain, f"{z}serverInfo")
    server.attrib.update(
        {"protocol": "SRU", "version": dialect.version, "transport": request.scheme or "http",
         "method": "GET POST"}
    )  # fmt: skip
    host, _, port = request.get_host().partition(":")
    _sub(server, f"{z}host", host)
    _sub(server, f"{z}port", port or ("443" if request.is_secure() else "80"))
    _sub(server, f"{z}database", request.path.lstrip("/"))
    database = _sub(explain, f"{z}databaseInfo")
    _sub(database, f"{z}title", "Samenbieb").set("lang", "en")
    _sub(database, f"{z}description", "The shared catalogue of the library network").set(
        "lang", "en"
    )
    index_info = _sub(explain, f"{z}indexInfo")
    for name, identifier in CONTEXT_SETS.items():
        item = _sub(index_info, f"{z}set")
        item.attrib.update({"name": name, "identifier": identifier})
    for context_set, name, title in _INDEXES:
        index = _sub(index_info, f"{z}index")
        _sub(index, f"{z}title", title)
        _sub(_sub(index, f"{z}map"), f"{z}name", name).set("set", context_set)
    schema_info = _sub(explain, f"{z}schemaInfo")
    for schema in SCHEMAS:
        element = _sub(schema_info, f"{z}schema")
        element.attrib.update({"identifier": schema.identifier, "name": schema.names[0]})
        _sub(element, f"{z}title", schema.title)
    config = _sub(explain, f"{z}configInfo")
    _sub(config, f"{z}default", str(DEFAULT_RECORDS)).set("type", "numberOfRecords")
    _sub(config, f"{z}setting", str(MAX_RECORDS)).set("type", "maximumRecords")
    _sub(config, f"{z}default", "dc").set("type", "contextSet")
    for relation in ("=", "adj", "all", "any", "==", "<", ">", "<=", ">=", "<>", "within"):
        _sub(config, f"{z}supports", relation).set("type", "relation")
    _sub(config, f"{z}supports", "*").set("type", "maskingCharacter")
    return root
