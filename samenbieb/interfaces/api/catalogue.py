"""Public catalogue: search, one record (with ETags) and where its copies are."""

from __future__ import annotations

from enum import StrEnum

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema
from pydantic import Field

from samenbieb.catalog import queries as catalog_queries
from samenbieb.catalog import search
from samenbieb.catalog.models import Format, Record
from samenbieb.core.errors import NotFound
from samenbieb.holdings import queries as holdings_queries
from samenbieb.interfaces.api import conditional, pagination
from samenbieb.interfaces.api.errors import InvalidCursor
from samenbieb.interfaces.api.responses import answers
from samenbieb.interfaces.api.schemas import (
    AvailabilityOut,
    ContributorOut,
    FacetValue,
    RecordDetail,
    RecordSummary,
    SearchPage,
)

router = Router(tags=["catalogue"])

# Search ranks, so its cursor holds a page number; deep pages of a ranked list are
# rarely wanted and cost the most, so they end here.
MAX_SEARCH_PAGE = 100

FormatName = StrEnum("FormatName", {value: value for value in Format.values})  # type: ignore[misc]
AudienceName = StrEnum("AudienceName", {a.value: a.value for a in search.Audience})  # type: ignore[misc]


class SearchParams(Schema):
    q: str = Field(
        "",
        max_length=300,
        description='Words; also titel:, auteur:, onderwerp:, isbn:, "phrases", -not, prefix*.',
    )
    format: list[FormatName] = Field(default_factory=list, max_length=20)
    language: list[str] = Field(default_factory=list, max_length=20)
    audience: list[AudienceName] = Field(default_factory=list, max_length=4)
    year_from: int | None = Field(None, ge=0, le=9999)
    year_to: int | None = Field(None, ge=0, le=9999)
    available_at_branch: int | None = Field(
        None, gt=0, lt=2**63, description="Only titles with a copy on the shelf at this branch."
    )
    available_at_library: int | None = Field(
        None, gt=0, lt=2**63, description="Only titles with a copy on the shelf at this library."
    )
    page_size: int = Field(pagination.DEFAULT_PAGE_SIZE, ge=1, le=pagination.MAX_PAGE_SIZE)
    cursor: str | None = Field(None, max_length=200)


def _summary(record: Record) -> RecordSummary:
    contributors = list(record.contributors.all())
    return RecordSummary(
        id=record.pk,
        title=record.title,
        subtitle=record.subtitle,
        authors=[c.name for c in sorted(contributors, key=lambda c: c.position)],
        year=record.year,
        format=record.format,
        language=record.language,
        isbn=record.isbn,
    )


def _page_of(cursor: str | None) -> int:
    if not cursor:
        return 1
    (number,) = pagination.decode(cursor, 1)
    if not isinstance(number, int) or not 1 < number <= MAX_SEARCH_PAGE:
        raise InvalidCursor()
    return number


@router.get(
    "/records",
    response=answers({200: SearchPage}, 400),
    summary="Search the catalogue of the whole network",
    auth=None,
)
def records_search(request: HttpRequest, params: Query[SearchParams]) -> SearchPage:
    available = None
    if params.available_at_branch is not None:
        available = search.Availability.branch(params.available_at_branch)
    elif params.available_at_library is not None:
        available = search.Availability.organisation(params.available_at_library)
    number = _page_of(params.cursor)
    result = search.search(
        search.SearchQuery(
            text=params.q,
            formats=tuple(str(value) for value in params.format),
            languages=tuple(params.language),
            audiences=tuple(search.Audience(str(value)) for value in params.audience),
            year_from=params.year_from,
            year_to=params.year_to,
            available=available,
            page=number,
            per_page=params.page_size,
        )
    )
    more = result.page.has_next and number < MAX_SEARCH_PAGE
    return SearchPage(
        results=[_summary(record) for record in result.records],
        total=result.total,
        total_is_exact=result.total_is_exact,
        fuzzy=result.fuzzy,
        facets={
            name: [FacetValue(value=str(value), count=count) for value, count in values]
            for name, values in result.facets.items()
        },
        next_cursor=pagination.encode([number + 1]) if more else None,
    )


def _record(record_id: int) -> Record:
    record = catalog_queries.record_for_display(record_id)
    if record is None:
        raise NotFound(_("No title in the catalogue has this number."))
    return record


def _record_tag(record: Record) -> str:
    return conditional.etag("record", record.pk, record.updated_at.isoformat())


@router.get(
    "/records/{record_id}",
    response=answers({200: RecordDetail, 304: None}, 404, 412),
    summary="One title; send If-None-Match with its ETag to get 304 when unchanged",
    auth=None,
)
def record_detail(
    request: HttpRequest, response: HttpResponse, record_id: int = Path(..., gt=0, lt=2**63)
) -> RecordDetail | HttpResponse:
    record = _record(record_id)
    tag = _record_tag(record)
    conditional.require_match(request, tag)
    if conditional.not_modified(request, tag):
        unchanged = HttpResponse(status=304)
        unchanged["ETag"] = tag
        return unchanged
    response["ETag"] = tag
    contributors = list(record.contributors.all())
    return RecordDetail(
        **_summary(record).model_dump(),
        responsibility=record.responsibility,
        publisher=record.publisher,
        publication_place=record.publication_place,
        edition=record.edition,
        series=record.series,
        series_number=record.series_number,
        genre=record.genre,
        summary=record.summary,
        subjects=[subject.term for subject in record.subjects.all()],
        contributors=[ContributorOut(name=c.name, role=c.role) for c in contributors],
        audience_min_age=record.audience_min_age,
        audience_max_age=record.audience_max_age,
        avi_level=record.avi_level,
        updated_at=record.updated_at,
    )


@router.get(
    "/records/{record_id}/availability",
    response=answers({200: list[AvailabilityOut]}, 404),
    summary="Copies of a title per library and branch, across the network",
    auth=None,
)
def record_availability(
    request: HttpRequest, record_id: int = Path(..., gt=0, lt=2**63)
) -> list[AvailabilityOut]:
    record = _record(record_id)
    return [
        AvailabilityOut(
            library_id=row.organisation_id,
            library=row.organisation_name,
            branch_id=row.branch_id,
            branch=row.branch_name,
            copies=row.copies,
            available=row.available,
            on_loan=row.on_loan,
            in_transit=row.in_transit,
            other=row.other,
        )
        for row in holdings_queries.record_availability(record)
    ]
