"""The OAI-PMH 2.0 door (docs/oai-sru.md): parse the request, read the catalogue, render XML.

Every answer is HTTP 200 with an OAI-PMH document; a bad request gets the protocol's own
error element. Metadata formats: ``oai_dc`` (Dublin Core) and ``marc21`` (MARCXML).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from lxml import etree

from samenbieb.catalog import harvest, metadata
from samenbieb.catalog.metadata import Relations
from samenbieb.catalog.models import Record
from samenbieb.interfaces.oai.protocol import (
    OaiError,
    OaiRequest,
    datestamp,
    parse_request,
    resumption_token,
)
from samenbieb.security.ratelimit import rate_limited

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
OAI_SCHEMA = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
_O = f"{{{OAI_NS}}}"
_XSI_LOCATION = f"{{{metadata.XSI_NS}}}schemaLocation"

_PREFIX = re.compile(r"[A-Za-z0-9\-_.!~*'()]+")
# Records per page of ListRecords, headers per page of ListIdentifiers.
RECORDS_PER_PAGE = 250
HEADERS_PER_PAGE = 1000


class MetadataFormat:
    def __init__(
        self,
        prefix: str,
        schema: str,
        namespace: str,
        render: Callable[[Record, Relations], etree._Element],
    ) -> None:
        self.prefix, self.schema, self.namespace, self.render = prefix, schema, namespace, render


FORMATS = {
    "oai_dc": MetadataFormat(
        "oai_dc", metadata.OAI_DC_SCHEMA, metadata.OAI_DC_NS, metadata.dublin_core
    ),
    "marc21": MetadataFormat("marc21", metadata.MARC_SCHEMA, metadata.MARC_NS, metadata.marcxml),
}


def _sub(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, f"{_O}{name}")
    if text is not None:
        element.text = metadata.xml_text(text)
    return element


def _identifier(pk: int) -> str:
    return f"oai:{settings.OAI_REPOSITORY_IDENTIFIER}:{pk}"


def _record_id(identifier: str) -> int | None:
    prefix = f"oai:{settings.OAI_REPOSITORY_IDENTIFIER}:"
    rest = identifier.removeprefix(prefix)
    if rest == identifier or not (rest.isascii() and rest.isdigit()) or len(rest) > 18:
        return None
    return int(rest)


def _document(
    request: HttpRequest, query: OaiRequest | None
) -> tuple[etree._Element, etree._Element]:
    root = etree.Element(f"{_O}OAI-PMH", nsmap={None: OAI_NS, "xsi": metadata.XSI_NS})
    root.set(_XSI_LOCATION, f"{OAI_NS} {OAI_SCHEMA}")
    _sub(root, "responseDate", datestamp(timezone.now()))
    echo = _sub(root, "request", request.build_absolute_uri(request.path))
    if query is not None:  # after badVerb or badArgument the request is echoed bare
        echo.set("verb", query.verb)
        for name, value in query.arguments.items():
            if name != "metadataPrefix" or _PREFIX.fullmatch(value):  # the schema's pattern
                echo.set(name, metadata.xml_text(value))
    return root, echo


def _response(root: etree._Element) -> HttpResponse:
    body = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return HttpResponse(body, content_type="text/xml; charset=utf-8")


def _header(parent: etree._Element, record: Record, sets: list[str]) -> None:
    header = _sub(parent, "header")
    if record.deleted_at is not None:
        header.set("status", "deleted")
    _sub(header, "identifier", _identifier(record.pk))
    _sub(header, "datestamp", datestamp(record.updated_at))
    for spec in sets:
        _sub(header, "setSpec", spec)


def _record(
    parent: etree._Element,
    harvested: tuple[Record, Relations],
    sets: list[str],
    fmt: MetadataFormat,
) -> None:
    record, relations = harvested
    element = _sub(parent, "record")
    _header(element, record, sets)
    if record.deleted_at is None:  # a deleted record has a header only
        _sub(element, "metadata").append(fmt.render(record, relations))


def _format(prefix: str | None) -> MetadataFormat:
    fmt = FORMATS.get(prefix or "")
    if fmt is None:
        raise OaiError(
            "cannotDisseminateFormat", f"Metadata formats offered: {', '.join(FORMATS)}."
        )
    return fmt


def _identify(request: HttpRequest, body: etree._Element, query: OaiRequest) -> None:
    identify = _sub(body, "Identify")
    _sub(identify, "repositoryName", "Samenbieb")
    _sub(identify, "baseURL", request.build_absolute_uri(request.path))
    _sub(identify, "protocolVersion", "2.0")
    _sub(identify, "adminEmail", settings.OAI_ADMIN_EMAIL)
    earliest = harvest.earliest_datestamp() or timezone.now()
    _sub(identify, "earliestDatestamp", datestamp(earliest))
    _sub(identify, "deletedRecord", "persistent")
    _sub(identify, "granularity", "YYYY-MM-DDThh:mm:ssZ")


def _list_metadata_formats(body: etree._Element, query: OaiRequest) -> None:
    if query.identifier is not None:
        pk = _record_id(query.identifier)
        if pk is None or harvest.harvest_record(pk, metadata=False) is None:
            raise OaiError("idDoesNotExist", "No record has this identifier.")
    formats = _sub(body, "ListMetadataFormats")
    for fmt in FORMATS.values():
        element = _sub(formats, "metadataFormat")
        _sub(element, "metadataPrefix", fmt.prefix)
        _sub(element, "schema", fmt.schema)
        _sub(element, "metadataNamespace", fmt.namespace)


def _list_sets(body: etree._Element, query: OaiRequest) -> None:
    sets = _sub(body, "ListSets")
    for item in harvest.harvest_sets():
        element = _sub(sets, "set")
        _sub(element, "setSpec", item.spec)
        _sub(element, "setName", item.name)


def _get_record(body: etree._Element, query: OaiRequest) -> None:
    pk = _record_id(query.identifier or "")
    harvested = harvest.harvest_record(pk) if pk is not None else None
    if harvested is None:
        raise OaiError("idDoesNotExist", "No record has this identifier.")
    fmt = _format(query.prefix)
    record = harvested[0]
    _record(_sub(body, "GetRecord"), harvested, harvest.set_specs([record])[record.pk], fmt)


def _list(body: etree._Element, query: OaiRequest) -> None:
    fmt = _format(query.prefix)
    selection = None
    if query.set_spec is not None:
        selection = harvest.set_filter(query.set_spec)
        if selection is None:
            raise OaiError("badArgument", "There is no such set; ListSets names them.")
    with_records = query.verb == "ListRecords"
    per_page = RECORDS_PER_PAGE if with_records else HEADERS_PER_PAGE
    page = harvest.harvest_page(
        selection=selection,
        since=query.since,
        before=query.before,
        after_id=query.after_id,
        limit=per_page + 1,
        metadata=with_records,
    )
    more, page = len(page) > per_page, page[:per_page]
    if not page and not query.resumed:
        raise OaiError("noRecordsMatch", "No records match these arguments.")
    records = [record for record, _ in page]
    sets = harvest.set_specs(records)
    listing = _sub(body, query.verb)
    for harvested in page:
        record = harvested[0]
        if with_records:
            _record(listing, harvested, sets[record.pk], fmt)
        else:
            _header(listing, record, sets[record.pk])
    if more or query.resumed:
        token = _sub(listing, "resumptionToken")
        token.set("cursor", str(query.cursor))
        if more:
            token.text = resumption_token(
                query, after_id=records[-1].pk, cursor=query.cursor + len(records)
            )


@rate_limited("harvest", status=503, plain=True)
@csrf_exempt  # harvesters POST without a session; nothing here changes state
@require_http_methods(["GET", "HEAD", "POST"])
def oai(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    query: OaiRequest | None = None
    try:
        query = parse_request({name: data.getlist(name) for name in data})
        root, _ = _document(request, query)
        handlers: dict[str, Callable[[etree._Element, OaiRequest], None]] = {
            "ListMetadataFormats": _list_metadata_formats,
            "ListSets": _list_sets,
            "GetRecord": _get_record,
            "ListIdentifiers": _list,
            "ListRecords": _list,
        }
        if query.verb == "Identify":
            _identify(request, root, query)
        else:
            handlers[query.verb](root, query)
    except OaiError as error:
        bare = error.code in {"badVerb", "badArgument"}
        root, _ = _document(request, None if bare else query)
        element = _sub(root, "error", error.message)
        element.set("code", error.code)
    return _response(root)
