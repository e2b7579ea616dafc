"""The audit trail service that every state-changing service writes to."""

from __future__ import annotations

import re
from typing import Any

from django.db import models

from samenbieb.core.models import AuditEvent

EVENT_TYPE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*){2,}$")
SYSTEM_ACTOR = "system"


def audit_record(
    *,
    actor: Any,
    event_type: str,
    organisation_id: int | None,
    target: models.Model | None = None,
    details: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    """Write one audit event; ``event_type`` is dotted: ``app.entity.verb``.

    ``actor`` is a staff user, or None for the system itself (jobs, the demo loader).
    Call it inside the service's transaction so the record and the change commit together.
    """
    if not EVENT_TYPE.match(event_type):
        raise ValueError(f"audit event type must look like 'app.entity.verb', got {event_type!r}")
    is_person = actor is not None and getattr(actor, "pk", None) is not None
    return AuditEvent.objects.create(
        event_type=event_type,
        actor=actor if is_person else None,
        actor_label=actor.get_username() if is_person else SYSTEM_ACTOR,
        organisation_id=organisation_id,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        details=details or {},
        reason=reason[:300],
    )
