"""Reads of the cockpit: published figures, reach and the benchmark between libraries.

Everything here reads the aggregate tables (figures, roll-ups) and reference data
(organisations, branches, municipalities); nothing reads a row about a person. The
public functions hide suppressed counts; only :func:`figures_in_detail`, behind the
tenant gate, returns the true counts of a manager's own library.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum

from samenbieb.cockpit.indicators import BY_CODE, INDICATORS
from samenbieb.cockpit.models import Figure, PeriodKind, Rollup
from samenbieb.cockpit.suppression import threshold
from samenbieb.network import tenancy
from samenbieb.network.models import (
    Branch,
    BranchKind,
    Municipality,
    Organisation,
    OrganisationKind,
    Province,
)
from samenbieb.network.roles import Capability


@dataclass(frozen=True)
class Period:
    kind: str  # "month" or "year"
    first: dt.date

    @property
    def slug(self) -> str:
        return f"{self.first:%Y-%m}" if self.kind == PeriodKind.MONTH else f"{self.first:%Y}"

    @classmethod
    def parse(cls, text: str) -> Period | None:
        try:
            if len(text) == 4:
                return cls(PeriodKind.YEAR, dt.date(int(text), 1, 1))
            year, month = text.split("-")
            return cls(PeriodKind.MONTH, dt.date(int(year), int(month), 1))
        except ValueError:
            return None


@dataclass(frozen=True)
class Place:
    """The network, a province, a library or one of its branches."""

    level: str
    province: str = ""
    organisation: Organisation | None = None
    branch: Branch | None = None

    @property
    def name(self) -> str:
        if self.branch is not None:
            return self.branch.name
        if self.organisation is not None:
            return self.organisation.name
        if self.province:
            return str(Province(self.province).label)
        return ""

    def figures(self) -> QuerySet[Figure]:
        rows = Figure.objects.filter(level=self.level)
        if self.level == "province":
            rows = rows.filter(province=self.province)
        if self.organisation is not None:
            rows = rows.filter(organisation=self.organisation)
        if self.branch is not None:
            rows = rows.filter(branch=self.branch)
        return rows


@dataclass(frozen=True)
class Cell:
    """A count as published: ``value`` is None when it is suppressed."""

    value: int | None
    suppressed: bool

    @property
    def shown(self) -> str:
        if self.suppressed:
            return f"< {threshold()}"
        if self.value is None:
            return "–"
        return f"{self.value:,}".replace(",", ".")


MISSING = Cell(None, False)


def periods_computed() -> list[Period]:
    """The periods with figures, newest first: years and months."""
    return [
        Period(kind, first)
        for kind, first in Rollup.objects.order_by("-period", "period_kind").values_list(
            "period_kind", "period"
        )
    ]


def period_latest() -> Period | None:
    rollup = Rollup.objects.filter(period_kind=PeriodKind.MONTH).order_by("-period").first()
    return Period(rollup.period_kind, rollup.period) if rollup else None


def rollup_of(period: Period) -> Rollup | None:
    return Rollup.objects.filter(period_kind=period.kind, period=period.first).first()


def libraries() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=OrganisationKind.LIBRARY, is_active=True).order_by(
        "name"
    )


def library_by_isil(isil: str) -> Organisation | None:
    return libraries().filter(isil=isil).first()


def provinces() -> list[tuple[str, str]]:
    return [(code, str(label)) for code, label in Province.choices]


def _cell(value: int, suppressed: bool, *, detail: bool = False) -> Cell:
    if suppressed and not detail:
        return Cell(None, True)
    return Cell(value, False)


def figures_at(place: Place, period: Period) -> dict[tuple[str, str], Cell]:
    """The published figures of one place and period: (indicator, breakdown) → cell."""
    rows = place.figures().filter(period_kind=period.kind, period=period.first)
    return {
        (indicator, breakdown): _cell(value, suppressed)
        for indicator, breakdown, value, suppressed in rows.values_list(
            "indicator", "breakdown", "value", "suppressed"
        )
    }


def figures_in_detail(user: Any, organisation: Organisation, period: Period) -> QuerySet[Figure]:
    """The true figures of a library and its branches, for its own managers only."""
    tenancy.require(user, organisation.pk, Capability.COCKPIT_VIEW)
    return (
        tenancy.visible(Figure, user, Capability.COCKPIT_VIEW)
        .filter(organisation=organisation, period_kind=period.kind, period=period.first)
        .select_related("branch")
        .order_by("indicator", "branch__name", "breakdown")
    )


def libraries_managed(user: Any) -> QuerySet[Organisation]:
    return tenancy.visible(libraries(), user, Capability.COCKPIT_VIEW)


def trend(place: Place, year: int, indicator: str) -> list[tuple[dt.date, Cell]]:
    """An indicator's total per month of a year, at one place."""
    rows = place.figures().filter(
        period_kind=PeriodKind.MONTH,
        period__year=year,
        indicator=indicator,
        breakdown="",
    )
    found = {
        period: _cell(value, suppressed)
        for period, value, suppressed in rows.values_list("period", "value", "suppressed")
    }
    return [
        (dt.date(year, month, 1), found.get(dt.date(year, month, 1), MISSING))
        for month in range(1, 13)
    ]


def parts_of(
    place: Place, period: Period, indicators: list[str]
) -> list[tuple[Place, dict[str, Cell]]]:
    """The places one level down (provinces, libraries or branches) with their totals."""
    if place.level == "network":
        rows = Figure.objects.filter(level="province")
    elif place.level == "province":
        rows = Figure.objects.filter(level="organisation", province=place.province)
    elif place.level == "organisation":
        rows = Figure.objects.filter(level="branch", organisation=place.organisation)
    else:
        return []
    rows = rows.filter(
        period_kind=period.kind, period=period.first, breakdown="", indicator__in=indicators
    )
    cells: dict[tuple[str, int | None, int | None], dict[str, Cell]] = defaultdict(dict)
    for province, organisation, branch, indicator, value, suppressed in rows.values_list(
        "province", "organisation_id", "branch_id", "indicator", "value", "suppressed"
    ):
        cells[(province, organisation, branch)][indicator] = _cell(value, suppressed)
    organisations = Organisation.objects.in_bulk([key[1] for key in cells if key[1]])
    branches = Branch.objects.in_bulk([key[2] for key in cells if key[2]])
    level = {"network": "province", "province": "organisation", "organisation": "branch"}[
        place.level
    ]
    parts = [
        (
            Place(
                level,
                province,
                organisations.get(organisation) if organisation else None,
                branches.get(branch) if branch else None,
            ),
            values,
        )
        for (province, organisation, branch), values in cells.items()
    ]
    return sorted(parts, key=lambda part: part[0].name)


# --- reach --------------------------------------------------------------------------


@dataclass(frozen=True)
class Population:
    inhabitants: int
    years: list[int]
    sources: list[str]


def population_served(place: Place) -> Population | None:
    """The CBS population of the municipalities the place's libraries serve."""
    municipalities = Municipality.objects.all()
    if place.organisation is not None:
        municipalities = municipalities.filter(organisations=place.organisation)
    elif place.level == "province":
        municipalities = municipalities.filter(province=place.province)
    elif place.level != "network":
        return None
    facts = municipalities.aggregate(total=Sum("population"))
    if not facts["total"]:
        return None
    years = sorted(set(municipalities.values_list("population_year", flat=True)))
    sources = sorted(set(municipalities.values_list("source", flat=True)))
    return Population(int(facts["total"]), years, sources)


def share(part: Cell, whole: int | None) -> float | None:
    if part.value is None or not whole:
        return None
    return 100 * part.value / whole


def national_target() -> int:
    return int(str(settings.SAMENBIEB["COCKPIT_NATIONAL_TARGET"]))


# --- benchmark ----------------------------------------------------------------------

# Size classes: inhabitants served (lower bounds) and branches open to the public.
POPULATION_CLASSES = (0, 50_000, 100_000, 200_000)
BRANCH_CLASSES = (1, 4, 9)
MIN_PEERS = 5


@dataclass(frozen=True)
class Measure:
    code: str
    indicator: str
    per: str  # "share" (per 100 inhabitants) or "thousand" (per 1,000)


MEASURES = (
    Measure("members_share", "members", "share"),
    Measure("active_share", "active_users", "share"),
    Measure("loans_per_1000", "loans", "thousand"),
    Measure("digital_loans_per_1000", "digital_loans", "thousand"),
    Measure("participants_per_1000", "participants", "thousand"),
    Measure("consultations_per_1000", "consultations", "thousand"),
)


@dataclass
class LibrarySize:
    organisation: Organisation
    population: int
    branches: int

    @property
    def size_class(self) -> tuple[int, int]:
        return (
            _class_of(self.population, POPULATION_CLASSES),
            _class_of(self.branches, BRANCH_CLASSES),
        )


def _class_of(value: int, bounds: tuple[int, ...]) -> int:
    return max(index for index, bound in enumerate(bounds) if value >= bound or index == 0)


def library_sizes() -> dict[int, LibrarySize]:
    population = dict(
        libraries().annotate(total=Sum("municipalities__population")).values_list("id", "total")
    )
    branches = dict(
        libraries()
        .annotate(
            open=Count(
                "branches",
                filter=Q(branches__is_active=True) & ~Q(branches__kind=BranchKind.OFFICE),
            )
        )
        .values_list("id", "open")
    )
    return {
        organisation.pk: LibrarySize(
            organisation,
            int(population.get(organisation.pk) or 0),
            int(branches.get(organisation.pk) or 0),
        )
        for organisation in libraries()
    }


def peer_group(
    organisation: Organisation, sizes: dict[int, LibrarySize]
) -> tuple[list[LibrarySize], str]:
    """Libraries of similar size: the same class of inhabitants served and of branches;
    with fewer than five, the same class of inhabitants; with still fewer, all libraries."""
    own = sizes[organisation.pk]
    population_class = own.size_class[0]
    same = [size for size in sizes.values() if size.size_class == own.size_class]
    if len(same) >= MIN_PEERS:
        return same, "population_and_branches"
    similar = [size for size in sizes.values() if size.size_class[0] == population_class]
    if len(similar) >= MIN_PEERS:
        return similar, "population"
    return list(sizes.values()), "all"


@dataclass
class Distribution:
    measure: Measure
    own: float | None
    values: list[tuple[LibrarySize, float | None]] = field(default_factory=list)

    @property
    def known(self) -> list[float]:
        return sorted(value for _size, value in self.values if value is not None)

    @property
    def quartiles(self) -> tuple[float, float, float] | None:
        known = self.known
        if len(known) < 2:
            return None
        q1, median, q3 = statistics.quantiles(known, n=4, method="inclusive")
        return q1, median, q3

    @property
    def lowest(self) -> float | None:
        return self.known[0] if self.known else None

    @property
    def highest(self) -> float | None:
        return self.known[-1] if self.known else None

    @property
    def rank(self) -> int | None:
        """The own library's place from the top (1 = highest)."""
        if self.own is None:
            return None
        return 1 + sum(value > self.own for value in self.known)


def benchmark(
    organisation: Organisation, period: Period
) -> tuple[list[LibrarySize], str, list[Distribution]]:
    """Each measure for the library and its peers, from published counts only: a peer
    whose count is suppressed is left out, so no quartile hides a small count."""
    sizes = library_sizes()
    peers, basis = peer_group(organisation, sizes)
    indicators = sorted({measure.indicator for measure in MEASURES})
    rows = Figure.objects.filter(
        period_kind=period.kind,
        period=period.first,
        level="organisation",
        breakdown="",
        indicator__in=indicators,
        organisation__in=[size.organisation.pk for size in peers],
    ).values_list("organisation_id", "indicator", "value", "suppressed")
    counts: dict[tuple[int, str], int | None] = {
        (organisation_id, indicator): None if suppressed else value
        for organisation_id, indicator, value, suppressed in rows
    }
    distributions = []
    for measure in MEASURES:
        distribution = Distribution(measure, None)
        for size in peers:
            count = counts.get((size.organisation.pk, measure.indicator))
            value = _rate(count, size.population, measure.per)
            distribution.values.append((size, value))
            if size.organisation.pk == organisation.pk:
                distribution.own = value
        distributions.append(distribution)
    return sorted(peers, key=lambda size: size.organisation.name), basis, distributions


def _rate(count: int | None, population: int, per: str) -> float | None:
    if count is None or not population:
        return None
    return count * (100 if per == "share" else 1000) / population


def indicator_codes() -> list[str]:
    return [indicator.code for indicator in INDICATORS]


def indicator_label(code: str) -> str:
    return str(BY_CODE[code].label) if code in BY_CODE else code
