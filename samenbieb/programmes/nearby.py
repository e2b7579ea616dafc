""" "Help near me": the nearest library locations that offer help with a theme, with their
next dates and free consultation slots, found by postcode or place.

Where a postcode or place is comes from ``data/postcodes_pc4.csv``: the centre of each of
the 4,067 four-digit postcode areas (CBS "Kerncijfers per postcode" PC4 2020, CC BY 4.0,
"Bron: CBS"; copied unchanged from ``shared/data/nl``, whose README lists the sources).

Why a data file read once and kept in memory, not a ``PostcodeArea`` model with a data
migration: the table is small (4k rows, 300 kB, about 1 MB in memory), read-only reference
data that changes once a year with a new file, and only ever looked up by key or by place
name, never joined in SQL (distances to a few thousand branches are computed in Python).
A file needs no migration, no reload after tests that empty every table, and no query per
search; updating it is replacing the file. Should searches ever need SQL (distance in the
database, PostGIS), a model with a data migration is the way.

The national overview of which library offers which help (:func:`help_offered`) reads the
same data as the search: published activities, their themes and where they take place.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import math
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db.models import F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from samenbieb.network.models import Branch
from samenbieb.programmes import queries_consultations
from samenbieb.programmes.errors_consult import LocationUnknown, ThemeUnknown
from samenbieb.programmes.models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    ConsultationSchedule,
    Session,
    Slot,
    Theme,
)

POSTCODES_CSV = Path(__file__).resolve().parent / "data" / "postcodes_pc4.csv"
# Four digits, optionally followed by the two letters of a full postcode ("3511 AB").
POSTCODE = re.compile(r"^\s*([1-9][0-9]{3})\s*([A-Za-z]{2})?\s*$")
EARTH_RADIUS_KM = 6371.0088
# How far ahead "next dates" and "free slots" look.
LOOK_AHEAD_DAYS = 60


@dataclass(frozen=True)
class PostcodeArea:
    pc4: str
    place: str
    municipality: str
    province: str
    latitude: float
    longitude: float
    population: int


@dataclass(frozen=True)
class Location:
    """Where someone looks for help from: a postcode area or a place."""

    label: str
    latitude: float
    longitude: float
    pc4: str = ""


def _key(name: str) -> str:
    """A place name as people may type it: any case, accents, hyphens or apostrophes."""
    # Curly apostrophes and accents go with the non-ASCII characters.
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[-'`.]", " ", plain).casefold().split())


@functools.cache
def postcode_areas() -> dict[str, PostcodeArea]:
    """Every PC4 area by its four digits; read from the file once per process."""
    with POSTCODES_CSV.open(newline="", encoding="utf-8") as handle:
        return {
            row["pc4"]: PostcodeArea(
                pc4=row["pc4"],
                place=row["place"],
                municipality=row["municipality"],
                province=row["province"],
                latitude=float(row["latitude"]),
                longitude=float(row["longitude"]),
                population=int(row["population"] or 0),
            )
            for row in csv.DictReader(handle)
        }


@functools.cache
def _places() -> dict[str, list[PostcodeArea]]:
    by_place: dict[str, list[PostcodeArea]] = defaultdict(list)
    by_municipality: dict[str, list[PostcodeArea]] = defaultdict(list)
    for area in postcode_areas().values():
        if area.place:
            by_place[_key(area.place)].append(area)
        by_municipality[_key(area.municipality)].append(area)
    # A place name wins over a municipality of the same name.
    return {**by_municipality, **by_place}


def _centre(areas: list[PostcodeArea]) -> tuple[float, float]:
    """The population-weighted centre of some postcode areas (plain mean when empty)."""
    weights = [max(area.population, 1) for area in areas]
    total = sum(weights)
    latitude = sum(a.latitude * w for a, w in zip(areas, weights, strict=True)) / total
    longitude = sum(a.longitude * w for a, w in zip(areas, weights, strict=True)) / total
    return latitude, longitude


def location_find(text: str) -> Location:
    """The location a postcode ("3511", "3511 AB", "3511ab") or a place name ("Utrecht",
    "den haag") stands for; raises :class:`LocationUnknown` with a message to act on."""
    text = " ".join((text or "").split())
    if not text:
        raise LocationUnknown(_("Type a postcode or the name of a place."), code="location_missing")
    match = POSTCODE.match(text)
    if match:
        area = postcode_areas().get(match.group(1))
        if area is None:
            raise LocationUnknown(
                _(
                    "We do not know the postcode %(postcode)s. Check the four digits, "
                    "or type the name of your place."
                )
                % {"postcode": match.group(1)}
            )
        label = f"{area.pc4} {area.place}".strip()
        return Location(label, area.latitude, area.longitude, pc4=area.pc4)
    if re.fullmatch(r"[\d\s]+[A-Za-z]{0,2}", text):
        raise LocationUnknown(
            _("A postcode has four digits, and maybe two letters, such as 3511 or 3511 AB."),
            code="postcode_invalid",
        )
    areas = _places().get(_key(text))
    if not areas:
        raise LocationUnknown(
            _("We do not know the place “%(place)s”. Check the spelling, or type your postcode.")
            % {"place": text[:60]}
        )
    latitude, longitude = _centre(areas)
    return Location(areas[0].place or areas[0].municipality, latitude, longitude)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle (haversine) distance in kilometres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def themes() -> list[Theme]:
    return list(Theme.objects.order_by("name"))


def theme_find(code: str) -> Theme | None:
    """The theme with ``code``; None for "any theme" (an empty code)."""
    if not code:
        return None
    theme = Theme.objects.filter(code=code).first()
    if theme is None:
        raise ThemeUnknown(_("We do not know this kind of help. Choose one from the list."))
    return theme


# --- The search ----------------------------------------------------------------------


@dataclass
class BranchHelp:
    """One location in the answer: how far, what it offers, when next."""

    branch: Branch
    distance_km: float
    activities: list[Activity] = field(default_factory=list)
    sessions: list[Session] = field(default_factory=list)
    slots: list[Slot] = field(default_factory=list)

    @property
    def walk_in(self) -> bool:
        return any(activity.walk_in for activity in self.activities)


@dataclass
class HelpNearby:
    location: Location
    theme: Theme | None
    results: list[BranchHelp]


def _published(theme: Theme | None) -> QuerySet[Activity]:
    activities = Activity.objects.filter(status=ActivityStatus.PUBLISHED)
    if theme is not None:
        activities = activities.filter(themes=theme)
    return activities


def _offers(theme: Theme | None, today: dt.date, now: dt.datetime) -> dict[int, set[int]]:
    """Branch id → ids of published activities (of ``theme``) that take place there: a
    course or event with a coming session, a consultation hour with current weekly hours
    or walk-in at the branch."""
    activities = _published(theme)
    offers: dict[int, set[int]] = defaultdict(set)
    sessions = Session.objects.filter(
        starts_at__gte=now,
        activity__in=activities.filter(branch__isnull=False),
    ).values_list("activity__branch_id", "activity_id")
    schedules = ConsultationSchedule.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today),
        activity__in=activities.filter(kind=ActivityKind.CONSULTATION),
    ).values_list("branch_id", "activity_id")
    walk_in = activities.filter(
        kind=ActivityKind.CONSULTATION, walk_in=True, branch__isnull=False
    ).values_list("branch_id", "pk")
    for rows in (sessions.distinct(), schedules.distinct(), walk_in):
        for branch_id, activity_id in rows:
            offers[branch_id].add(activity_id)
    return offers


def _first_per_branch(queryset: QuerySet, branch_field: str, order: str, limit: int) -> list:
    ranked = queryset.annotate(
        rank=Window(RowNumber(), partition_by=F(branch_field), order_by=F(order).asc())
    ).filter(rank__lte=limit)
    return list(ranked.order_by(order, "pk"))


def help_near(
    *,
    where: str,
    theme: str = "",
    now: dt.datetime | None = None,
    limit: int = 5,
    per_branch: int = 3,
) -> HelpNearby:
    """The ``limit`` nearest locations offering help (with ``theme``, or any) to the
    postcode or place ``where``, each with its next ``per_branch`` dates and free slots.

    A fixed number of queries, however many branches the network has.
    """
    location = location_find(where)
    chosen_theme = theme_find(theme)
    now = now or timezone.now()
    today = timezone.localdate(now)
    offers = _offers(chosen_theme, today, now)
    branches = Branch.objects.filter(
        pk__in=list(offers), is_active=True, latitude__isnull=False, longitude__isnull=False
    ).select_related("organisation")
    ranked = sorted(
        (
            (
                distance_km(
                    location.latitude,
                    location.longitude,
                    float(branch.latitude or Decimal(0)),
                    float(branch.longitude or Decimal(0)),
                ),
                branch.name,
                branch,
            )
            for branch in branches
        ),
        key=lambda row: (row[0], row[1]),
    )[:limit]
    results = [BranchHelp(branch=branch, distance_km=km) for km, _name, branch in ranked]
    if not results:
        return HelpNearby(location, chosen_theme, [])
    by_branch = {result.branch.pk: result for result in results}
    activity_ids = set().union(*(offers[pk] for pk in by_branch))
    activities = Activity.objects.prefetch_related("themes").in_bulk(list(activity_ids))
    for result in results:
        result.activities = sorted(
            (activities[pk] for pk in offers[result.branch.pk]), key=lambda a: (a.title, a.pk)
        )
    until = now + dt.timedelta(days=LOOK_AHEAD_DAYS)
    sessions = Session.objects.filter(
        starts_at__gte=now,
        starts_at__lt=until,
        activity__in=_published(chosen_theme),
        activity__branch_id__in=list(by_branch),
    ).select_related("activity")
    for session in _first_per_branch(sessions, "activity__branch_id", "starts_at", per_branch):
        by_branch[session.activity.branch_id].sessions.append(session)
    slots = queries_consultations.slots_free(
        start=now, end=until, branch_ids=list(by_branch)
    ).filter(activity__in=_published(chosen_theme))
    for slot in _first_per_branch(slots, "branch_id", "starts_at", per_branch):
        by_branch[slot.branch_id].slots.append(slot)
    return HelpNearby(location, chosen_theme, results)


def help_offered(*, now: dt.datetime | None = None) -> dict[int, set[str]]:
    """The national overview: branch id → codes of the themes it offers help with now."""
    now = now or timezone.now()
    offers = _offers(None, timezone.localdate(now), now)
    themes: dict[int, set[str]] = defaultdict(set)
    codes: dict[int, set[str]] = defaultdict(set)
    for activity_id, code in Activity.themes.through.objects.filter(
        activity_id__in={pk for ids in offers.values() for pk in ids}
    ).values_list("activity_id", "theme__code"):
        codes[activity_id].add(code)
    for branch_id, activity_ids in offers.items():
        for activity_id in activity_ids:
            themes[branch_id] |= codes[activity_id]
    return dict(themes)
