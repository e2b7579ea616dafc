"""Which counts may be published: small cells, and the cells that would give them away.

**Primary suppression.** A count from 1 up to (not including) the threshold
(``SAMENBIEB["COCKPIT_SUPPRESS_BELOW"]``, default 10) is not published; the pages show
``< 10``. Zero is published: it singles no one out.

**Secondary (complementary) suppression.** Published figures add up: a library's total
is the sum of its age bands, a library the sum of its branches, a province the sum of its
libraries, the network the sum of its provinces, a year the sum of its months. If a
suppressed cell were the only unknown in such a sum, subtracting the published cells
from the published total would give it back. So every sum (a *relation*: the total and
its parts) must have no suppressed cell or at least two. Where a relation has exactly
one, the smallest published part of it (a non-zero one first; the total when nothing
else is left) is suppressed too, and the relations of that cell are checked again, until
no relation has exactly one. That is not always enough: several sums together can still
pin a cell down (a library's branches by month and by age band). So each group of
suppressed cells linked by sums is then solved exactly (linear algebra over the sums,
modulo a large prime); for every cell that comes out determined, one more cell beside
it is suppressed, until none does. Relations are also applied where the parts do not add up
exactly (distinct persons over libraries, themes that overlap): that only hides more.

``tests/cockpit/test_suppression.py`` checks the result with exact linear algebra: from
every published figure and every relation, no suppressed count can be worked out.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings

from samenbieb.cockpit.indicators import ADDITIVE, dimension_of
from samenbieb.cockpit.models import Figure

logger = logging.getLogger("samenbieb.cockpit")

Place = tuple[str, str, int | None, int | None]  # level, province, organisation, branch
Key = tuple[str, dt.date, Place, str, str]  # period kind, period, place, indicator, breakdown


def threshold() -> int:
    return int(str(settings.SAMENBIEB["COCKPIT_SUPPRESS_BELOW"]))


def relations_of(keys: Iterable[Key]) -> list[list[Key]]:
    """Every sum among ``keys``: a list whose first key is the total, the rest its parts."""
    keys = list(keys)
    present = set(keys)
    relations: list[list[Key]] = []
    # 1. A total and its parts along one breakdown dimension.
    parts: dict[tuple[str, dt.date, Place, str, str], list[Key]] = defaultdict(list)
    for key in keys:
        kind, period, place, indicator, breakdown = key
        if breakdown:
            parts[(kind, period, place, indicator, dimension_of(breakdown))].append(key)
    for (kind, period, place, indicator, _dimension), members in parts.items():
        total = (kind, period, place, indicator, "")
        if total in present:
            relations.append([total, *members])
    # 2. A place and the places inside it.
    children: dict[Key, list[Key]] = defaultdict(list)
    for key in keys:
        kind, period, (level, province, organisation, _branch), indicator, breakdown = key
        parent: Place | None
        if level == "branch":
            parent = ("organisation", province, organisation, None)
        elif level == "organisation":
            parent = ("province", province, None, None) if province else None
        elif level == "province":
            parent = ("network", "", None, None)
        else:
            parent = None
        if parent is not None and (kind, period, parent, indicator, breakdown) in present:
            children[(kind, period, parent, indicator, breakdown)].append(key)
    relations.extend([parent, *members] for parent, members in children.items())
    # 3. A year and its months, for the counts that add up over time.
    months: dict[Key, list[Key]] = defaultdict(list)
    for key in keys:
        kind, period, place, indicator, breakdown = key
        if kind == "month" and indicator in ADDITIVE:
            year = ("year", period.replace(month=1), place, indicator, breakdown)
            if year in present:
                months[year].append(key)
    relations.extend([year, *members] for year, members in months.items())
    return relations


def suppress(values: dict[Key, int], below: int) -> set[Key]:
    """The keys not to publish: primary, then complementary until no relation has a
    single suppressed cell and no suppressed cell can be solved from the relations."""
    hidden = {key for key, value in values.items() if 0 < value < below}
    relations = relations_of(values)
    of_key: dict[Key, list[int]] = defaultdict(list)
    for index, relation in enumerate(relations):
        for key in relation:
            of_key[key].append(index)

    def hide_another(relation: list[Key]) -> Key | None:
        """Hide the smallest published part of ``relation`` (non-zero first), else its total."""
        parts = [key for key in relation[1:] if key not in hidden]
        if parts:
            return min(parts, key=lambda key: (values[key] == 0, values[key]))
        return relation[0] if relation[0] not in hidden else None

    def settle(pending: list[int]) -> None:
        while pending:
            relation = relations[pending.pop()]
            if sum(key in hidden for key in relation) != 1:
                continue
            choice = hide_another(relation)
            if choice is not None:
                hidden.add(choice)
                pending.extend(of_key[choice])

    def nearest_published(key: Key) -> Key | None:
        """A published cell to hide beside ``key``: in its relation with the fewest
        hidden cells, else one relation further out (breadth first)."""
        seen_relations: set[int] = set()
        frontier = [key]
        seen_keys = {key}
        while frontier:
            indexes = [i for k in frontier for i in of_key[k] if i not in seen_relations]
            seen_relations.update(indexes)
            ranked = sorted(indexes, key=lambda i: sum(k in hidden for k in relations[i]))
            for index in ranked:
                choice = hide_another(relations[index])
                if choice is not None:
                    return choice
            frontier = [
                k for i in indexes for k in relations[i] if k in hidden and k not in seen_keys
            ]
            seen_keys.update(frontier)
        return None

    settle(list(range(len(relations))))
    # A cell can still be solved from several relations together (a library's branches
    # by month and by age band, say): find those exactly and hide one more cell beside
    # each, until none is left.
    safe: set[frozenset[Key]] = set()  # groups found safe, not to be solved again
    while True:
        solvable = _solvable(hidden, relations, of_key, safe)
        changed = False
        for key in solvable:
            choice = nearest_published(key)
            if choice is not None:
                hidden.add(choice)
                settle(list(of_key[choice]))
                changed = True
        if not changed:
            # Nothing left to solve, or only cells whose every neighbour is hidden too:
            # such a cell comes out of equations without a published figure in them,
            # so it can only be solved as zero, and zero is published anyway.
            return hidden


PRIME = (1 << 61) - 1  # ranks over the rationals, computed modulo a large prime
# Groups of linked suppressed cells larger than this are not solved exactly.
EXACT_LIMIT = 400


def _solvable(
    hidden: set[Key],
    relations: list[list[Key]],
    of_key: dict[Key, list[int]],
    safe: set[frozenset[Key]],
) -> list[Key]:
    """The hidden keys that the relations pin down, given every published key. Groups
    of hidden cells linked by relations are solved apart; a group found safe is added
    to ``safe`` and not solved again while it stays the same."""
    parent: dict[Key, Key] = {key: key for key in hidden}

    def root(key: Key) -> Key:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    touching = [relation for relation in relations if any(key in hidden for key in relation)]
    for relation in touching:
        inside = [key for key in relation if key in hidden]
        for key in inside[1:]:
            parent[root(key)] = root(inside[0])
    groups: dict[Key, list[Key]] = defaultdict(list)
    for key in hidden:
        groups[root(key)].append(key)
    found: list[Key] = []
    for members in groups.values():
        group = frozenset(members)
        if group in safe:
            continue
        if len(members) > EXACT_LIMIT:
            # Too large to solve in reasonable time in Python: only the one-relation
            # rule protects this group (a known limit, see docs/cockpit.md).
            logger.warning("cockpit: %d linked suppressed cells not solved exactly", len(members))
            safe.add(group)
            continue
        columns = {key: index for index, key in enumerate(members)}
        seen: set[int] = set()
        equations = []
        for key in members:
            for index in of_key[key]:
                if index in seen:
                    continue
                seen.add(index)
                total, *parts = relations[index]
                row: dict[int, int] = defaultdict(int)
                if total in columns:
                    row[columns[total]] += 1
                for part in parts:
                    if part in columns:
                        row[columns[part]] -= 1
                equations.append({c: v for c, v in row.items() if v})
        determined = _determined(equations)
        if determined:
            found.extend(members[index] for index in sorted(determined))
        else:
            safe.add(group)
    return found


def _determined(equations: list[dict[int, int]]) -> set[int]:
    """Columns whose unit vector lies in the row space: in the fully reduced echelon
    form, exactly the rows with a single entry. Sparse: an index of which pivot rows
    hold a column keeps the back-substitution to the rows that need it."""
    pivots: dict[int, dict[int, int]] = {}
    holding: dict[int, set[int]] = defaultdict(set)  # column → pivots whose row has it

    def subtract(
        target: dict[int, int], factor: int, source: dict[int, int], owner: int | None
    ) -> None:
        for c, v in source.items():
            value = (target.get(c, 0) - factor * v) % PRIME
            if value:
                if owner is not None and c not in target:
                    holding[c].add(owner)
                target[c] = value
            elif c in target:
                del target[c]
                if owner is not None:
                    holding[c].discard(owner)

    for original in equations:
        row = {c: v % PRIME for c, v in original.items() if v % PRIME}
        for column in [c for c in row if c in pivots]:
            factor = row.get(column, 0)
            if factor:
                subtract(row, factor, pivots[column], None)
        if not row:
            continue
        column = min(row)
        inverse = pow(row[column], PRIME - 2, PRIME)
        row = {c: v * inverse % PRIME for c, v in row.items()}
        for owner in list(holding.get(column, ())):
            other = pivots[owner]
            factor = other.get(column, 0)
            if factor:
                subtract(other, factor, row, owner)
        pivots[column] = row
        for c in row:
            holding[c].add(column)
    return {column for column, row in pivots.items() if len(row) == 1}


def year_publish(year: int) -> int:
    """Decide again which of the year's figures (its months and the year) are suppressed;
    returns how many are."""
    first = dt.date(year, 1, 1)
    rows = Figure.objects.filter(period__gte=first, period__lt=dt.date(year + 1, 1, 1))
    ids: dict[Key, int] = {}
    values: dict[Key, int] = {}
    for (
        pk,
        kind,
        period,
        level,
        province,
        organisation,
        branch,
        indicator,
        breakdown,
        value,
    ) in rows.values_list(
        "id",
        "period_kind",
        "period",
        "level",
        "province",
        "organisation_id",
        "branch_id",
        "indicator",
        "breakdown",
        "value",
    ).iterator(chunk_size=20_000):
        key: Key = (kind, period, (level, province, organisation, branch), indicator, breakdown)
        ids[key] = pk
        values[key] = value
    hidden = suppress(values, threshold())
    rows.filter(suppressed=True).update(suppressed=False)
    hidden_ids = sorted(ids[key] for key in hidden)
    for start in range(0, len(hidden_ids), 5000):
        Figure.objects.filter(id__in=hidden_ids[start : start + 5000]).update(suppressed=True)
    return len(hidden_ids)
