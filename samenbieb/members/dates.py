"""Date arithmetic for memberships and ages; a leaf module, so every app may import it."""

from __future__ import annotations

import calendar
import datetime as dt


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Age in whole years on ``day`` (someone born on 29 February ages on 1 March)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months``, clamped to the end of a shorter month (31 Jan + 1 → 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
