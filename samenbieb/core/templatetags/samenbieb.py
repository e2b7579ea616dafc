from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import template
from django.utils.translation import gettext as _

from samenbieb.network.models import Weekday

register = template.Library()


@register.filter
def weekday_name(value: int) -> str:
    return str(Weekday(value).label)


@register.filter
def day_hours(day: Any) -> str:
    """A day's hours for a table cell: 'closed: Eerste kerstdag', or its opening periods."""
    if day.closure_reason:
        return _("closed: %(reason)s") % {"reason": day.closure_reason}
    return periods(day.periods)


@register.filter
def periods(value: Sequence[tuple[dt.time, dt.time]]) -> str:
    """'10:00–12:00, 13:00–17:00', or 'closed'."""
    if not value:
        return _("closed")
    return ", ".join(f"{opens:%H:%M}–{closes:%H:%M}" for opens, closes in value)
