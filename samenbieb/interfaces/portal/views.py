from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from samenbieb.catalog import queries as catalog_queries
from samenbieb.catalog import search
from samenbieb.catalog.models import Format, Record
from samenbieb.digital import queries as digital_queries
from samenbieb.holdings import queries as holdings_queries
from samenbieb.interfaces.portal.circulation_forms import hold_section
from samenbieb.interfaces.portal.forms import AUDIENCE_LABELS, LANGUAGE_LABELS, SearchForm
from samenbieb.interfaces.portal.jsonld import record_jsonld
from samenbieb.members.auth import current_member
from samenbieb.network import queries

# The parameters a search keeps when a member pages through results.
PAGED = ("q", "formaat", "taal", "doelgroep", "van", "tot", "vestiging")


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")


@require_safe
def libraries(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/libraries.html", {"libraries": queries.public_libraries()})


@require_safe
def library(request: HttpRequest, isil: str) -> HttpResponse:
    organisation = queries.public_library(isil)
    if organisation is None:
        raise Http404
    today = timezone.localdate()
    branches = queries.branches_today(
        organisation.branches.filter(is_active=True).exclude(kind="office"), today
    )
    return render(
        request,
        "portal/library.html",
        {"library": organisation, "branches": branches, "today": today},
    )


@require_safe
def catalogue_search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None, branches=queries.public_branch_choices())
    result = None
    if form.is_bound and form.is_valid() and _asks_something(form):
        query = form.to_query()
        if query.page == 1 and not _filters_chosen(form):
            # A scanned or typed ISBN of one title goes straight to that title.
            found = search.isbn_lookup(query.text)
            if found is not None and len(found) == 1:
                return redirect("portal:record", pk=found[0])
        result = search.search(query)
    paging = request.GET.copy()
    for key in list(paging):
        if key not in PAGED:
            del paging[key]
    return render(
        request,
        "portal/search.html",
        {
            "form": form,
            "result": result,
            "paging": paging.urlencode(),
            "facets": _facet_groups(result, request) if result else [],
            "available": dict(result.facets.get("availability", [])) if result else {},
            "first_number": (result.page.number - 1) * result.page.per_page + 1 if result else 1,
        },
    )


@require_safe
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = catalog_queries.record_for_display(pk)
    if record is None:
        raise Http404
    return render(request, "portal/record.html", record_context(request, record))


def record_context(
    request: HttpRequest, record: Record, hold: dict[str, Any] | None = None
) -> dict[str, Any]:
    """What the record page shows; ``hold`` is a hold form that came back refused."""
    return {
        "record": record,
        "availability": holdings_queries.record_availability(record),
        "online_access": digital_queries.online_access_for_record(record, timezone.now()),
        "language_name": LANGUAGE_LABELS.get(record.language, record.language),
        "jsonld": record_jsonld(record, request.build_absolute_uri()),
        "hold": hold or hold_section(current_member(request), record),
    }


def _asks_something(form: SearchForm) -> bool:
    return bool(form.cleaned_data.get("q")) or _filters_chosen(form)


def _filters_chosen(form: SearchForm) -> bool:
    data = form.cleaned_data
    return any(data.get(name) for name in ("formaat", "taal", "doelgroep", "van", "tot"))


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    checked: bool


@dataclass(frozen=True)
class FacetGroup:
    parameter: str
    legend: str
    options: list[FacetOption]


def _facet_groups(result: search.SearchResult, request: HttpRequest) -> list[FacetGroup]:
    """Checkbox groups for the facets, with the member's current choices ticked."""
    groups = [
        ("formaat", "format", _("Format"), {v: str(label) for v, label in Format.choices}),
        ("taal", "language", _("Language"), {k: str(v) for k, v in LANGUAGE_LABELS.items()}),
        (
            "doelgroep",
            "audience",
            _("Age group"),
            {str(k): str(v) for k, v in AUDIENCE_LABELS.items()},
        ),
    ]
    facets = []
    for parameter, name, legend, labels in groups:
        chosen = set(request.GET.getlist(parameter))
        options = [
            FacetOption(value, labels.get(value, value), count, value in chosen)
            for value, count in result.facets.get(name, [])
        ]
        if options:
            facets.append(FacetGroup(parameter, str(legend), options))
    return facets
