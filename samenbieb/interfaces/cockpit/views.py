"""The public cockpit (no login), its downloads and open-data API, and the managers' view.

Thin: parse the filters, call :mod:`samenbieb.cockpit.queries`, render. Every page reads
aggregate tables only.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from samenbieb.cockpit import queries
from samenbieb.cockpit.indicators import BY_CODE, DIMENSION_LABELS, INDICATORS, dimension_of
from samenbieb.cockpit.models import Figure
from samenbieb.cockpit.queries import Cell, Period, Place
from samenbieb.core.errors import NotPermitted

KEY_INDICATORS = ["members", "active_users", "loans", "digital_loans", "activities", "participants"]


@dataclass(frozen=True)
class Filters:
    period: Period | None
    place: Place
    periods: list[Period]

    def query(self, **changes: str) -> str:
        values = {"periode": self.period.slug if self.period else ""}
        if self.place.organisation is not None:
            values["bibliotheek"] = self.place.organisation.isil
        elif self.place.province:
            values["provincie"] = self.place.province
        values.update(changes)
        return "&".join(f"{key}={value}" for key, value in values.items() if value)


def _filters(request: HttpRequest) -> Filters:
    periods = queries.periods_computed()
    text = request.GET.get("periode", "")
    period = Period.parse(text) if text else queries.period_latest()
    if text and (period is None or period not in periods):
        raise Http404(_("There are no figures for this period."))
    isil = request.GET.get("bibliotheek", "")
    province = request.GET.get("provincie", "")
    if isil:
        organisation = queries.library_by_isil(isil)
        if organisation is None:
            raise Http404(_("There is no library with this code."))
        place = Place("organisation", organisation.province, organisation)
    elif province:
        if province not in dict(queries.provinces()):
            raise Http404(_("There is no province with this code."))
        place = Place("province", province)
    else:
        place = Place("network")
    return Filters(period, place, periods)


def _chart(rows: list[tuple[str, Cell]]) -> dict[str, Any]:
    """A bar chart as SVG coordinates: each label with its cell, bar length and place."""
    highest = max((cell.value or 0 for _label, cell in rows), default=0)
    bars = []
    for index, (label, cell) in enumerate(rows):
        length = round(300 * (cell.value or 0) / highest) if highest else 0
        bars.append(
            {
                "label": label,
                "cell": cell,
                "y": index * 28 + 4,
                "text_y": index * 28 + 19,
                "px": length,
                "value_x": 208 + length,
            }
        )
    return {"bars": bars, "height": len(rows) * 28 + 8}


def _breakdown_label(breakdown: str) -> str:
    value = breakdown.partition(":")[2]
    return value.replace("_", " ")


@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    context: dict[str, Any] = {
        "filters": filters,
        "provinces": queries.provinces(),
        "libraries": queries.libraries(),
        "threshold": queries.threshold(),
    }
    period = filters.period
    if period is None:
        return render(request, "cockpit/dashboard.html", context)
    figures = queries.figures_at(filters.place, period)
    population = queries.population_served(filters.place)
    inhabitants = population.inhabitants if population else None
    key = [
        {
            "indicator": BY_CODE[code],
            "cell": figures.get((code, ""), queries.MISSING),
            "share": queries.share(figures.get((code, ""), queries.MISSING), inhabitants)
            if code in ("members", "active_users")
            else None,
        }
        for code in KEY_INDICATORS
    ]
    others = [
        {"indicator": indicator, "cell": figures.get((indicator.code, ""), queries.MISSING)}
        for indicator in INDICATORS
        if indicator.code not in KEY_INDICATORS
    ]
    breakdowns = []
    for indicator in INDICATORS:
        for dimension in indicator.dimensions:
            rows = sorted(
                (_breakdown_label(breakdown), cell)
                for (code, breakdown), cell in figures.items()
                if code == indicator.code and breakdown and dimension_of(breakdown) == dimension
            )
            if rows:
                breakdowns.append(
                    {
                        "id": f"{indicator.code}-{dimension}",
                        "title": f"{indicator.label}: {DIMENSION_LABELS[dimension]}",
                        "chart": _chart(rows),
                    }
                )
    trend = queries.trend(filters.place, period.first.year, "loans")
    target = queries.national_target()
    members = figures.get(("members", ""), queries.MISSING)
    target_share = queries.share(members, target) if filters.place.level == "network" else None
    context.update(
        {
            "key": key,
            "others": others,
            "breakdowns": breakdowns,
            "trend": _chart([(f"{month:%m-%Y}", cell) for month, cell in trend]),
            "parts": queries.parts_of(filters.place, period, KEY_INDICATORS[:3]),
            "population": population,
            "rollup": queries.rollup_of(period),
            "target": target,
            "target_share": target_share,
            "target_value": f"{min(target_share or 0, 100):.3f}",
        }
    )
    return render(request, "cockpit/dashboard.html", context)


@require_safe
def compare(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    organisation = filters.place.organisation
    context: dict[str, Any] = {
        "filters": filters,
        "libraries": queries.libraries(),
        "provinces": queries.provinces(),
    }
    if organisation is not None and filters.period is not None:
        peers, basis, distributions = queries.benchmark(organisation, filters.period)
        context.update(
            {
                "organisation": organisation,
                "peers": peers,
                "basis": basis,
                "distributions": [_distribution(d, organisation.pk) for d in distributions],
            }
        )
    return render(request, "cockpit/compare.html", context)


MEASURE_LABELS = {
    "members_share": gettext_lazy("Members per 100 inhabitants"),
    "active_share": gettext_lazy("Active users per 100 inhabitants"),
    "loans_per_1000": gettext_lazy("Loans per 1,000 inhabitants"),
    "digital_loans_per_1000": gettext_lazy("Digital loans per 1,000 inhabitants"),
    "participants_per_1000": gettext_lazy("Participants per 1,000 inhabitants"),
    "consultations_per_1000": gettext_lazy("Consultation contacts per 1,000 inhabitants"),
}


def _distribution(distribution: queries.Distribution, own_id: int) -> dict[str, Any]:
    highest = distribution.highest or 0
    quartiles = distribution.quartiles

    def x(value: float) -> int:
        """Pixels from the left of a 600 wide chart; the highest value at the right."""
        return round(600 * value / highest) if highest else 0

    points = sorted(
        (
            {"x": x(value), "own": size.organisation.pk == own_id}
            for size, value in distribution.values
            if value is not None
        ),
        key=lambda point: point["own"],  # the own library drawn last, on top
    )
    return {
        "code": distribution.measure.code,
        "label": MEASURE_LABELS[distribution.measure.code],
        "own": distribution.own,
        "rank": distribution.rank,
        "count": len(distribution.known),
        "lowest": distribution.lowest,
        "highest": distribution.highest,
        "quartiles": quartiles,
        "box": {
            "x": x(quartiles[0]),
            "width": max(x(quartiles[2]) - x(quartiles[0]), 1),
            "median": x(quartiles[1]),
        }
        if quartiles
        else None,
        "points": points,
    }


# --- downloads and the open-data API ------------------------------------------------


def _open_data(filters: Filters) -> list[dict[str, Any]]:
    """The published figures of the filtered place and the places one level down."""
    if filters.period is None:
        return []
    place = filters.place
    rows = Figure.objects.filter(period_kind=filters.period.kind, period=filters.period.first)
    if place.level == "network":
        rows = rows.filter(level__in=["network", "province"])
    elif place.level == "province":
        rows = rows.filter(province=place.province, level__in=["province", "organisation"])
    else:
        rows = rows.filter(organisation=place.organisation)
    rows = rows.select_related("organisation", "branch").order_by(
        "level", "province", "organisation__name", "branch__name", "indicator", "breakdown"
    )
    shown = f"< {queries.threshold()}"
    return [
        {
            "period": filters.period.slug,
            "level": figure.level,
            "province": figure.province,
            "library": figure.organisation.isil if figure.organisation else "",
            "library_name": figure.organisation.name if figure.organisation else "",
            "branch": figure.branch.code if figure.branch else "",
            "branch_name": figure.branch.name if figure.branch else "",
            "indicator": figure.indicator,
            "breakdown": figure.breakdown,
            "value": None if figure.suppressed else figure.value,
            "suppressed": figure.suppressed,
            "shown": shown if figure.suppressed else str(figure.value),
        }
        for figure in rows
    ]


COLUMNS = [
    "period", "level", "province", "library", "library_name", "branch", "branch_name",
    "indicator", "breakdown", "value", "suppressed",
]  # fmt: skip


def _filename(filters: Filters, extension: str) -> str:
    where = (
        filters.place.organisation.isil
        if filters.place.organisation
        else filters.place.province or "nl"
    )
    return (
        f"samenbieb-cockpit-{where}-{filters.period.slug if filters.period else 'leeg'}.{extension}"
    )


@require_safe
def download_csv(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(filters, "csv")}"'
    writer = csv.writer(response)
    writer.writerow(COLUMNS)
    for row in _open_data(filters):
        writer.writerow([row["shown"] if column == "value" else row[column] for column in COLUMNS])
    return response


def _json_document(filters: Filters) -> dict[str, Any]:
    return {
        "source": "Samenbieb cockpit",
        "licence": "CC0-1.0",
        "suppressed_below": queries.threshold(),
        "period": filters.period.slug if filters.period else None,
        "indicators": {indicator.code: str(indicator.label) for indicator in INDICATORS},
        "figures": _open_data(filters),
    }


@require_safe
def download_json(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    response = HttpResponse(
        json.dumps(_json_document(filters), ensure_ascii=False, indent=1),
        content_type="application/json",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(filters, "json")}"'
    return response


@require_safe
def api_figures(request: HttpRequest) -> JsonResponse:
    """GET /cockpit/api/figures?periode=2026-10[&provincie=UT|&bibliotheek=ISIL]"""
    filters = _filters(request)
    response = JsonResponse(_json_document(filters), json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def api_periods(request: HttpRequest) -> JsonResponse:
    periods = [
        {"period": period.slug, "kind": period.kind} for period in queries.periods_computed()
    ]
    response = JsonResponse({"periods": periods})
    response["Access-Control-Allow-Origin"] = "*"
    return response


# --- managers -----------------------------------------------------------------------


@login_required
@require_safe
def manage(request: HttpRequest) -> HttpResponse:
    """A manager's own library in full: true counts, every branch and breakdown."""
    managed = queries.libraries_managed(request.user)
    filters = _filters(request)
    organisation = filters.place.organisation or managed.first()
    context: dict[str, Any] = {"filters": filters, "managed": managed, "organisation": organisation}
    if organisation is not None and filters.period is not None:
        try:
            rows = list(queries.figures_in_detail(request.user, organisation, filters.period))
        except NotPermitted:
            raise Http404(_("There is no library with this code.")) from None
        context["rows"] = [
            {
                "indicator": queries.indicator_label(row.indicator),
                "branch": row.branch.name if row.branch else _("Whole library"),
                "breakdown": _breakdown_label(row.breakdown) if row.breakdown else _("Total"),
                "dimension": DIMENSION_LABELS.get(dimension_of(row.breakdown), ""),
                "value": row.value,
                "suppressed": row.suppressed,
            }
            for row in rows
        ]
    return render(request, "cockpit/manage.html", context)
