"""No suppressed count can be worked out from the published ones.

The check is exact linear algebra, independent of how the suppression chooses cells:
every sum the published tables obey (a total and its parts, a library and its branches,
a province and its libraries, the network and its provinces, a year and its months) is
an equation; with the published counts filled in, the suppressed counts are the
unknowns. A suppressed count can be recovered exactly when its unit vector lies in the
row space of the equations (rank does not grow when it is added).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

import pytest

from samenbieb.cockpit import services
from samenbieb.cockpit.models import Figure
from samenbieb.cockpit.suppression import Key, relations_of, suppress
from tests.cockpit.network import OCTOBER, hand_network

PRIME = (1 << 61) - 1  # ranks over the rationals, computed modulo a large prime


def _rank(rows: list[dict[int, int]]) -> int:
    """The rank of sparse integer rows (column → coefficient), modulo PRIME."""
    pivots: dict[int, dict[int, int]] = {}
    rank = 0
    for original in rows:
        row = {column: value % PRIME for column, value in original.items() if value % PRIME}
        while row:
            column = min(row)
            if column not in pivots:
                inverse = pow(row[column], PRIME - 2, PRIME)
                pivots[column] = {c: v * inverse % PRIME for c, v in row.items()}
                rank += 1
                break
            factor = row[column]
            for c, v in pivots[column].items():
                row[c] = (row.get(c, 0) - factor * v) % PRIME
                if not row[c]:
                    del row[c]
    return rank


def recoverable(hidden: set[Key], relations: list[list[Key]]) -> set[Key]:
    """The hidden keys that the relations pin down exactly, given every other key."""
    unknowns = {key: index for index, key in enumerate(sorted(hidden, key=repr))}
    equations = []
    for total, *parts in relations:
        row: dict[int, int] = defaultdict(int)
        if total in unknowns:
            row[unknowns[total]] += 1
        for part in parts:
            if part in unknowns:
                row[unknowns[part]] -= 1
        row = {column: value for column, value in row.items() if value}
        if row:
            equations.append(row)
    base = _rank(equations)
    return {key for key, index in unknowns.items() if _rank([*equations, {index: 1}]) == base}


def test_a_single_small_part_takes_another_part_with_it():
    month = ("month", OCTOBER, ("organisation", "UT", 1, None), "loans")
    values = {
        (*month, ""): 125,
        (*month, "age_band:child"): 4,
        (*month, "age_band:adult"): 100,
        (*month, "age_band:senior"): 21,
    }
    hidden = suppress(values, 10)
    assert hidden == {(*month, "age_band:child"), (*month, "age_band:senior")}
    assert recoverable(hidden, relations_of(values)) == set()


def _synthetic(rng: random.Random) -> dict[Key, int]:
    """A network whose figures add up exactly: 2 provinces x 2 libraries x 2 branches,
    three age bands, three months and their year; many small counts."""
    leaves: dict[tuple[str, int, int, dt.date, str], int] = {}
    for p_index, province in enumerate(("UT", "GE")):
        for o_index in range(2):
            organisation = p_index * 10 + o_index + 1
            for b_index in range(2):
                branch = organisation * 100 + b_index
                for month in (1, 2, 3):
                    for band in ("child", "adult", "senior"):
                        value = rng.choice([0, 1, 2, 3, 5, 8, 9, 12, 15, 30, 60, 200])
                        leaves[(province, organisation, branch, dt.date(2026, month, 1), band)] = (
                            value
                        )
    values: dict[Key, int] = defaultdict(int)
    for (province, organisation, branch, month, band), value in leaves.items():
        places = [
            ("branch", province, organisation, branch),
            ("organisation", province, organisation, None),
            ("province", province, None, None),
            ("network", "", None, None),
        ]
        for place in places:
            for kind, period in (("month", month), ("year", dt.date(2026, 1, 1))):
                for breakdown in ("", f"age_band:{band}"):
                    values[(kind, period, place, "loans", breakdown)] += value
    return dict(values)


@pytest.mark.parametrize("seed", range(12))
def test_no_suppressed_count_can_be_recovered_by_subtracting_published_totals(seed):
    values = _synthetic(random.Random(seed))
    hidden = suppress(values, 10)
    assert any(0 < values[key] < 10 for key in values), "the network should have small counts"
    assert all(key in hidden for key, value in values.items() if 0 < value < 10)
    assert recoverable(hidden, relations_of(values)) == set()


def test_without_complementary_suppression_small_counts_would_be_recovered():
    """The check above can fail: with primary suppression only, it finds small counts."""
    values = _synthetic(random.Random(3))
    primary = {key for key, value in values.items() if 0 < value < 10}
    assert recoverable(primary, relations_of(values))


@pytest.mark.django_db
def test_the_published_figures_of_the_hand_built_network_hide_every_small_count():
    hand_network()
    services.cockpit_rollup(actor=None, month=OCTOBER)
    rows = list(Figure.objects.filter(period__year=2026))
    values = {
        (
            row.period_kind,
            row.period,
            (row.level, row.province, row.organisation_id, row.branch_id),
            row.indicator,
            row.breakdown,
        ): row.value
        for row in rows
    }
    hidden = {key for key, row in zip(values, rows, strict=True) if row.suppressed}
    assert all(key in hidden for key, value in values.items() if 0 < value < 10)
    assert recoverable(hidden, relations_of(values)) == set()
