"""Reads of the privacy app: the member's view of their audit trail, the officer's search."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from samenbieb.core.audit import MEMBER_ACTOR, SYSTEM_ACTOR
from samenbieb.core.models import AuditEvent
from samenbieb.members.models import Person
from samenbieb.network import tenancy
from samenbieb.network.models import Organisation
from samenbieb.network.roles import Capability

READ_EVENTS = ("members.person.viewed", "members.person.details_viewed")
EXPORT_EVENT = "privacy.person.exported"


@dataclass(frozen=True)
class AccessLine:
    occurred_at: dt.datetime
    library: str
    what: Any


def _what(event_type: str) -> Any:
    if event_type in READ_EVENTS:
        return _("looked at your details")
    if event_type == EXPORT_EVENT:
        return _("made a copy of all your data, at your request")
    return _("changed or recorded something for you")


def person_staff_access(person: Person, limit: int = 200) -> list[AccessLine]:
    """Which library's staff read or changed the member's data, and when; never who."""
    events = list(
        AuditEvent.objects.filter(subject_person_id=person.pk)
        .exclude(actor_label__in=[SYSTEM_ACTOR, MEMBER_ACTOR])
        .order_by("-occurred_at", "-id")
        .values("occurred_at", "organisation_id", "event_type")[:limit]
    )
    names: dict[int | None, str] = dict(
        Organisation.objects.filter(pk__in={e["organisation_id"] for e in events}).values_list(
            "pk", "name"
        )
    )
    return [
        AccessLine(e["occurred_at"], names.get(e["organisation_id"], "—"), _what(e["event_type"]))
        for e in events
    ]


def audit_events_for_officer(
    user: Any,
    *,
    person_id: int | None = None,
    actor: str = "",
    event_type: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    """Audit events of the organisations where ``user`` may read the trail, filtered."""
    events = tenancy.visible(AuditEvent, user, Capability.AUDIT_VIEW)
    if person_id is not None:
        events = events.filter(subject_person_id=person_id)
    if actor:
        events = events.filter(actor_label=actor)
    if event_type:
        events = events.filter(event_type__startswith=event_type)
    if since is not None:
        events = events.filter(occurred_at__date__gte=since)
    if until is not None:
        events = events.filter(occurred_at__date__lte=until)
    return events.order_by("-occurred_at", "-id")
