"""iCalendar (RFC 5545) files: one per registration (a VEVENT per session), and a feed per
library with the sessions of its published activities. Written with the ``icalendar``
package, so escaping, line folding and time zones follow the standard."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from samenbieb.network.models import Organisation
from samenbieb.programmes.models import (
    Activity,
    ActivityStatus,
    Registration,
    RegistrationStatus,
    Session,
)

PRODID = "-//Samenbieb//Activiteiten//NL"
# UIDs are stable per session, so a calendar that imports a file again updates the event.
UID_DOMAIN = "activiteiten.samenbieb"


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    return calendar


def _location(activity: Activity) -> str:
    branch = activity.branch
    if branch is None:
        return activity.online_url or _("Online")
    address = f"{branch.street} {branch.house_number}".strip()
    return ", ".join(
        part for part in (branch.name, address, f"{branch.postcode} {branch.city}".strip()) if part
    )


def _event(session: Session, *, stamp: dt.datetime, cancelled: bool, url: str) -> Event:
    activity = session.activity
    event = Event()
    event.add("uid", f"session-{session.pk}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    event.add("summary", activity.title)
    event.add("location", _location(activity))
    if activity.description:
        event.add("description", activity.description)
    if url:
        event.add("url", url)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def _serialise(calendar: Calendar) -> bytes:
    return bytes(calendar.to_ical())


def registration_ical(
    registration: Registration, *, url: str = "", now: dt.datetime | None = None
) -> bytes:
    """The calendar file of one registration: a VEVENT per session of its activity,
    cancelled ones marked so (a calendar that imported them drops them)."""
    now = now or timezone.now()
    activity = registration.activity
    cancelled = (
        registration.status == RegistrationStatus.CANCELLED
        or activity.status == ActivityStatus.CANCELLED
    )
    calendar = _calendar(activity.title)
    for session in activity.sessions.select_related("activity__branch").order_by("starts_at"):
        calendar.add_component(_event(session, stamp=now, cancelled=cancelled, url=url))
    return _serialise(calendar)


def organisation_feed_ical(
    organisation: Organisation,
    sessions: Iterable[Session],
    *,
    url_of: dict[int, str] | None = None,
    now: dt.datetime | None = None,
) -> bytes:
    """The feed of a library: every session of its published activities."""
    now = now or timezone.now()
    calendar = _calendar(_("Activities of %(library)s") % {"library": organisation.name})
    for session in sessions:
        url = (url_of or {}).get(session.activity_id, "")
        calendar.add_component(_event(session, stamp=now, cancelled=False, url=url))
    return _serialise(calendar)
