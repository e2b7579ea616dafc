"""The audit trail service that every state-changing service writes to."""

from __future__ import annotations

import re
from typing import Any

from django.db import models
from django.utils import timezone

from samenbieb.core import audit_chain
from samenbieb.core.models import AuditEvent

EVENT_TYPE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*){2,}$")
SYSTEM_ACTOR = "system"
# The label of an event a member did themselves: never their name or card number.
MEMBER_ACTOR = "member"
PERSON_MODEL = "members.person"


def _subject(
    person: Any, target: models.Model | None, details: dict[str, Any], member: Any
) -> int | None:
    """The member an event is about: given, the target itself, ``details["person"]``, or
    the member who acted."""
    if person is not None:
        return int(getattr(person, "pk", person))
    if target is not None and target._meta.label_lower == PERSON_MODEL:
        return int(target.pk)
    value = details.get("person")
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return int(member.pk) if member is not None else None


def audit_record(
    *,
    actor: Any,
    event_type: str,
    organisation_id: int | None,
    target: models.Model | None = None,
    details: dict[str, Any] | None = None,
    reason: str = "",
    member: Any = None,
    person: Any = None,
) -> AuditEvent:
    """Write one audit event; ``event_type`` is dotted: ``app.entity.verb``.

    ``actor`` is a staff user, or None for the system itself (jobs, the demo loader).
    ``member`` is the member who acted, when a member did it themselves (portal, kiosk):
    kept as an id, labelled "member". ``person`` is the member the event is about, when
    neither ``target`` nor ``details["person"]`` says so already.
    Call it inside the service's transaction so the record and the change commit together.
    """
    if not EVENT_TYPE.match(event_type):
        raise ValueError(f"audit event type must look like 'app.entity.verb', got {event_type!r}")
    details = details or {}
    is_staff = actor is not None and getattr(actor, "pk", None) is not None
    if is_staff:
        label = actor.get_username()
    elif member is not None:
        label = MEMBER_ACTOR
    else:
        label = SYSTEM_ACTOR
    return audit_chain.append(
        AuditEvent(
            occurred_at=timezone.now(),
            event_type=event_type,
            actor=actor if is_staff else None,
            actor_label=label,
            organisation_id=organisation_id,
            object_type=target._meta.label_lower if target is not None else "",
            object_id=str(target.pk) if target is not None else "",
            details=details,
            reason=reason[:300],
            subject_person_id=_subject(person, target, details, member),
            actor_person_id=int(member.pk) if member is not None else None,
        )
    )
