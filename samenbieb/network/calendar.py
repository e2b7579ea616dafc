"""When a branch is open: weekly opening hours minus closures.

Used for due dates (a loan falls due on an open day of the lending branch) and for
appointment slots. A :class:`BranchCalendar` loads everything it needs for a window of
days in two queries, so asking about many days costs no more than asking about one.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q

from samenbieb.network.errors import NoOpenDay
from samenbieb.network.models import Branch, Closure, OpeningHours

Period = tuple[dt.time, dt.time]


@dataclass(frozen=True)
class Day:
    date: dt.date
    periods: tuple[Period, ...]
    closure_reason: str = ""

    @property
    def is_open(self) -> bool:
        return bool(self.periods) and not self.closure_reason


class BranchCalendar:
    """Opening days of one branch between ``first`` and ``last`` (inclusive)."""

    def __init__(self, branch: Branch, first: dt.date, last: dt.date) -> None:
        if last < first:
            raise ValueError("last must not be before first")
        self.branch = branch
        self.first = first
        self.last = last
        self._weekly: dict[int, list[Period]] = defaultdict(list)
        for weekday, opens, closes in (
            OpeningHours.objects.filter(branch=branch)
            .order_by("weekday", "opens")
            .values_list("weekday", "opens", "closes")
        ):
            self._weekly[weekday].append((opens, closes))
        for periods in self._weekly.values():
            periods.sort()
        self._closures = list(
            Closure.objects.filter(
                Q(branch__isnull=True) | Q(branch=branch),
                organisation_id=branch.organisation_id,
                start_date__lte=last,
                end_date__gte=first,
            )
            .order_by("start_date")
            .values_list("start_date", "end_date", "reason")
        )

    def day(self, date: dt.date) -> Day:
        if not self.first <= date <= self.last:
            raise ValueError(f"{date} is outside this calendar ({self.first}–{self.last})")
        periods = tuple(self._weekly.get(date.weekday(), ()))
        for start, end, reason in self._closures:
            if start <= date <= end:
                return Day(date, periods, closure_reason=reason)
        return Day(date, periods)

    def days(self) -> Iterator[Day]:
        date = self.first
        while date <= self.last:
            yield self.day(date)
            date += dt.timedelta(days=1)

    def first_open_day(self) -> dt.date | None:
        if not self._weekly:
            return None
        return next((day.date for day in self.days() if day.is_open), None)


def horizon_days() -> int:
    return int(str(settings.SAMENBIEB["CALENDAR_HORIZON_DAYS"]))


def next_open_day(branch: Branch, on_or_after: dt.date) -> dt.date:
    """The first day on or after ``on_or_after`` when ``branch`` is open.

    Raises :class:`NoOpenDay` when the branch has no opening hours or is closed for the
    whole horizon (a year by default), so a caller never loops for ever.
    """
    calendar = BranchCalendar(branch, on_or_after, on_or_after + dt.timedelta(days=horizon_days()))
    found = calendar.first_open_day()
    if found is None:
        raise NoOpenDay()
    return found


def week_ahead(branch: Branch, today: dt.date) -> list[Day]:
    """Seven days from ``today``, for the desk and the portal."""
    return list(BranchCalendar(branch, today, today + dt.timedelta(days=6)).days())
