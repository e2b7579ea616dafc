"""The members' privacy rights as services: access (export), erasure, retention.

Each app's contribution comes from the registry (:mod:`samenbieb.privacy.registry`); these
services only order the calls, check access and record what happened.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from samenbieb.core import audit_chain
from samenbieb.core.audit import audit_record
from samenbieb.members.models import Person
from samenbieb.network import tenancy
from samenbieb.network.models import StaffUser
from samenbieb.network.roles import Capability
from samenbieb.privacy import registry
from samenbieb.privacy.errors import AlreadyErased, ErasureBlocked
from samenbieb.privacy.registry import Blocker

EXPORT_FORMAT = "samenbieb.person-export/1"


def _require_staff(actor: StaffUser | None, person: Person) -> None:
    if actor is not None:
        tenancy.require(actor, person.home_organisation_id, Capability.PRIVACY_REQUESTS)


def person_export(
    *,
    actor: StaffUser | None,
    person: Person,
    member: Person | None = None,
    reason: str = "",
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Everything Samenbieb holds about ``person``, per app, JSON-ready; the request is
    audited (the member themselves: ``member``; staff on request: ``actor`` and ``reason``)."""
    _require_staff(actor, person)
    if person.erased_at is not None:
        raise AlreadyErased()
    now = now or timezone.now()
    sections = [
        {
            "key": contributor.key,
            "label": str(contributor.label),
            "data": contributor.export(person),
        }
        for contributor in registry.contributors()
    ]
    audit_record(
        actor=actor,
        member=member,
        event_type="privacy.person.exported",
        organisation_id=person.home_organisation_id,
        target=person,
        reason=reason,
    )
    return {"format": EXPORT_FORMAT, "generated_at": now.isoformat(), "sections": sections}


def person_erasure_blockers(person: Person) -> list[Blocker]:
    """What must be settled first; empty when the member can be erased now."""
    return [blocker for c in registry.contributors() for blocker in c.blockers(person)]


@transaction.atomic
def person_erase(
    *,
    actor: StaffUser | None,
    person: Person,
    member: Person | None = None,
    now: dt.datetime | None = None,
) -> dict[str, int]:
    """Erase ``person`` at once: every app anonymises, the audit trail is redacted.

    Refused with :class:`ErasureBlocked` (naming every blocker) while loans or charges are
    open; holds, places and appointments still to come are cancelled as part of it.
    Returns how many rows each app changed (no personal data).
    """
    _require_staff(actor, person)
    now = now or timezone.now()
    locked = Person.objects.select_for_update().get(pk=person.pk)
    if locked.erased_at is not None:
        raise AlreadyErased()
    blockers = person_erasure_blockers(locked)
    if blockers:
        raise ErasureBlocked(blockers)
    organisation_id = locked.home_organisation_id
    counts = {c.key: c.anonymise(locked, now) for c in registry.contributors()}
    # No link back to the person: the event would otherwise undo the redaction.
    audit_record(
        actor=actor,
        event_type="privacy.person.erased",
        organisation_id=organisation_id,
        details={"by_member": member is not None, "rows": counts},
    )
    return counts


@dataclass(frozen=True)
class RetentionResult:
    erased: int
    blocked: int


def lapsed_cutoff(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(days=int(settings.PRIVACY["LAPSED_MEMBER_DAYS"]))


def persons_lapsed(now: dt.datetime) -> Any:
    """Members whose last membership ended before the cutoff, or who never had one and
    registered before it."""
    cutoff = lapsed_cutoff(now)
    return (
        Person.objects.filter(erased_at__isnull=True)
        .annotate(last_end=Max("memberships__ends_on"))
        .filter(
            Q(last_end__lt=timezone.localdate(cutoff))
            | Q(last_end__isnull=True, created_at__lt=cutoff)
        )
    )


def persons_erase_lapsed(*, now: dt.datetime | None = None, limit: int = 500) -> RetentionResult:
    """Retention (a nightly job): erase lapsed members, each in its own transaction; one
    with something outstanding is skipped (and counted) until it is settled."""
    now = now or timezone.now()
    erased = blocked = 0
    for person in persons_lapsed(now).order_by("pk")[:limit]:
        try:
            person_erase(actor=None, person=person, now=now)
        except ErasureBlocked:
            blocked += 1
        except AlreadyErased:
            continue
        else:
            erased += 1
    if erased or blocked:
        audit_record(
            actor=None,
            event_type="privacy.retention.applied",
            organisation_id=None,
            details={"erased": erased, "blocked": blocked, "rule": "lapsed_members"},
        )
    return RetentionResult(erased, blocked)


def audit_prune(*, now: dt.datetime | None = None) -> int:
    """Retention (a nightly job): remove audit events older than ``AUDIT_DAYS``, keeping
    every chain verifiable."""
    now = now or timezone.now()
    before = now - dt.timedelta(days=int(settings.PRIVACY["AUDIT_DAYS"]))
    return audit_chain.prune(before=before, now=now)


def person_read_record(*, actor: StaffUser, person: Person, view: str, reason: str = "") -> None:
    """Record that staff read a member's data (``view``: what they saw, ``reason``: why)."""
    audit_record(
        actor=actor,
        event_type="members.person.details_viewed" if reason else "members.person.viewed",
        organisation_id=person.home_organisation_id,
        target=person,
        details={"view": view},
        reason=reason,
    )
