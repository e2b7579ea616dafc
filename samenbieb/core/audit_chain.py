"""The audit trail's hash chain: append, verify, redact and prune, tamper-evidently.

Each organisation's events form one chain (events without an organisation form chain 0).
An event's ``row_hash`` is SHA-256 over the canonical JSON of its non-personal fields, the
``personal_digest`` and the previous event's hash, so changing, inserting or removing a
row in the middle breaks every later link. The personal fields enter only through the
salted ``personal_digest``: redacting them for an erasure (blank fields, no salt) leaves
the digest and so the chain intact, and the blanked fields cannot be guessed back from it.

On PostgreSQL writers of one chain take a transaction-level advisory lock, so two
transactions never read the same chain head; the unique (chain, chain_seq) constraint
backs this up on every database. A trigger (migration core 0004) refuses UPDATE and DELETE
except the two sanctioned paths below, which set a transaction-local flag.

What a chain cannot show by itself: rows cut off at its *end*. ``audit verify`` prints the
heads; keep them elsewhere (a daily log line, a ticket) to detect that too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Q

from samenbieb.core.models import AuditEvent

GENESIS = "0" * 64
# First key of PostgreSQL's two-key advisory locks, so ours never meet another user's.
LOCK_CLASS = 0x5A3B
REDACTED_EVENT = "core.audit.redacted"
PRUNED_EVENT = "core.audit.pruned"


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def json_normalised(value: dict[str, Any]) -> dict[str, Any]:
    """``value`` as it comes back from the database's JSON column (tuples become lists)."""
    result: dict[str, Any] = json.loads(canonical(value))
    return result


def _moment(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def personal_digest_of(event: AuditEvent) -> str:
    payload = {
        "salt": event.salt,
        "object_id": event.object_id,
        "details": event.details,
        "reason": event.reason,
        "subject_person_id": event.subject_person_id,
        "actor_person_id": event.actor_person_id,
    }
    return hashlib.sha256(canonical(payload).encode()).hexdigest()


def row_hash_of(event: AuditEvent) -> str:
    payload = {
        "chain": event.chain,
        "chain_seq": event.chain_seq,
        "occurred_at": _moment(event.occurred_at),
        "event_type": event.event_type,
        "actor_label": event.actor_label,
        "organisation_id": event.organisation_id,
        "object_type": event.object_type,
        "personal_digest": event.personal_digest,
        "prev_hash": event.prev_hash,
    }
    return hashlib.sha256(canonical(payload).encode()).hexdigest()


def _lock_chain(chain: int) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_CLASS, chain % 2_147_483_647]
            )


def append(event: AuditEvent) -> AuditEvent:
    """Seal ``event`` as the next link of its organisation's chain and insert it."""
    # No savepoint: inside a service's transaction a failure here fails the whole change
    # anyway, and two extra round trips per event are a tenth of a checkout's statements.
    with transaction.atomic(savepoint=False):
        event.chain = event.organisation_id or 0
        _lock_chain(event.chain)
        head = (
            AuditEvent.objects.filter(chain=event.chain)
            .order_by("-chain_seq")
            .values_list("chain_seq", "row_hash")
            .first()
        )
        event.chain_seq, event.prev_hash = (head[0] + 1, head[1]) if head else (1, GENESIS)
        event.details = json_normalised(event.details)
        event.salt = secrets.token_hex(16)
        event.personal_digest = personal_digest_of(event)
        event.row_hash = row_hash_of(event)
        event.save()
    return event


@dataclass(frozen=True)
class ChainBreak:
    """The first place where a chain does not verify."""

    chain: int
    chain_seq: int
    event_id: int
    problem: str

    def __str__(self) -> str:
        return (
            f"chain {self.chain}, position {self.chain_seq} (event id {self.event_id}): "
            f"{self.problem}"
        )


@dataclass(frozen=True)
class ChainHead:
    chain: int
    chain_seq: int
    row_hash: str
    events: int


@dataclass(frozen=True)
class Verification:
    breaks: list[ChainBreak]
    heads: list[ChainHead]

    @property
    def ok(self) -> bool:
        return not self.breaks


def _sanctioned() -> tuple[set[int], dict[int, tuple[int, str]]]:
    """Ids of events redacted through :func:`redact`, and the anchors left by :func:`prune`."""
    redacted: set[int] = set()
    anchors: dict[int, tuple[int, str]] = {}
    for event_type, details in AuditEvent.objects.filter(
        event_type__in=[REDACTED_EVENT, PRUNED_EVENT]
    ).values_list("event_type", "details"):
        if event_type == REDACTED_EVENT:
            redacted.update(int(pk) for pk in details.get("events", []))
        else:
            anchor = (int(details["through_seq"]), str(details["last_hash"]))
            chain = int(details["chain"])
            # Pruned more than once: the rest of the chain starts after the latest cut.
            if chain not in anchors or anchors[chain][0] < anchor[0]:
                anchors[chain] = anchor
    return redacted, anchors


def _rows() -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("chain", "chain_seq").iterator(chunk_size=2000)


def verify() -> Verification:
    """Check every chain from its first row to its head; report each chain's first break."""
    redacted, anchors = _sanctioned()
    breaks: list[ChainBreak] = []
    heads: list[ChainHead] = []
    current: int | None = None
    broken = False
    previous: AuditEvent | None = None
    count = 0

    def close() -> None:
        if previous is not None:
            heads.append(ChainHead(previous.chain, previous.chain_seq, previous.row_hash, count))

    for event in _rows():
        if event.chain != current:
            close()
            current, broken, previous, count = event.chain, False, None, 0
        count += 1
        if broken:
            previous = event
            continue
        problem = _problem(event, previous, redacted, anchors)
        if problem:
            breaks.append(ChainBreak(event.chain, event.chain_seq, event.pk, problem))
            broken = True
        previous = event
    close()
    return Verification(breaks, heads)


def _problem(
    event: AuditEvent,
    previous: AuditEvent | None,
    redacted: set[int],
    anchors: dict[int, tuple[int, str]],
) -> str:
    if previous is None:
        expected_seq, expected_prev = anchors.get(event.chain, (0, GENESIS))
        expected_seq += 1
    else:
        expected_seq, expected_prev = previous.chain_seq + 1, previous.row_hash
    if event.chain_seq != expected_seq:
        return f"expected position {expected_seq}: events are missing before this one"
    if event.prev_hash != expected_prev:
        return "the link to the previous event does not match (an event was removed or changed)"
    if event.redacted_at is not None:
        if event.pk not in redacted:
            return "marked as redacted without a redaction record"
    elif personal_digest_of(event) != event.personal_digest:
        return "details, reason, object or member were changed after writing"
    if row_hash_of(event) != event.row_hash:
        return "the event was changed after writing (its hash does not match)"
    return ""


class _Sanctioned:
    """Open the trigger's door for one kind of change, in this transaction only."""

    def __init__(self, flag: str) -> None:
        self.flag = flag

    def __enter__(self) -> None:
        self._set("on")

    def __exit__(self, *exc: object) -> None:
        self._set("off")

    def _set(self, value: str) -> None:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, %s, true)", [self.flag, value])


def person_events(person_id: int) -> models.QuerySet[AuditEvent]:
    """Events that concern or were done by the member, found by their own fields only."""
    return AuditEvent.objects.filter(
        Q(subject_person_id=person_id)
        | Q(actor_person_id=person_id)
        | Q(object_type="members.person", object_id=str(person_id))
    )


@transaction.atomic
def redact(*, person_id: int, now: dt.datetime) -> int:
    """Blank the personal fields of every event about or by the member (an erasure).

    The events stay (who did what, when, where); their link to the person goes. Writes one
    ``core.audit.redacted`` event naming the redacted events, which ``verify`` requires.
    """
    ids = list(
        person_events(person_id).filter(redacted_at__isnull=True).values_list("pk", flat=True)
    )
    if not ids:
        return 0
    with _Sanctioned("samenbieb.audit_redact"):
        # The plain QuerySet: AuditEventQuerySet refuses every other update on purpose.
        models.QuerySet(AuditEvent).filter(pk__in=ids).update(
            details={},
            reason="",
            object_id="",
            subject_person_id=None,
            actor_person_id=None,
            salt="",
            redacted_at=now,
        )
    append(
        AuditEvent(
            event_type=REDACTED_EVENT,
            actor_label="system",
            occurred_at=now,
            details={"events": ids},
        )
    )
    return len(ids)


@transaction.atomic
def prune(*, before: dt.datetime, now: dt.datetime) -> int:
    """Remove events older than ``before`` from the start of each chain (retention).

    Only a chain's *prefix* goes; a ``core.audit.pruned`` event keeps the last removed
    position and hash, so ``verify`` anchors the rest of the chain there.
    """
    removed = 0
    chains = (
        AuditEvent.objects.filter(occurred_at__lt=before)
        .exclude(event_type__in=[PRUNED_EVENT, REDACTED_EVENT])
        .values_list("chain", flat=True)
        .distinct()
    )
    for chain in list(chains):
        _lock_chain(chain)
        # The prefix ends before the first event that must stay.
        keep = (
            AuditEvent.objects.filter(chain=chain)
            .filter(Q(occurred_at__gte=before) | Q(event_type__in=[PRUNED_EVENT, REDACTED_EVENT]))
            .order_by("chain_seq")
            .values_list("chain_seq", flat=True)
            .first()
        )
        prefix = AuditEvent.objects.filter(chain=chain)
        if keep is not None:
            prefix = prefix.filter(chain_seq__lt=keep)
        last = prefix.order_by("-chain_seq").values_list("chain_seq", "row_hash").first()
        if last is None:
            continue
        with _Sanctioned("samenbieb.audit_prune"):
            count, _ = (
                models.QuerySet(AuditEvent).filter(chain=chain, chain_seq__lte=last[0]).delete()
            )
        removed += count
        append(
            AuditEvent(
                event_type=PRUNED_EVENT,
                actor_label="system",
                occurred_at=now,
                details={"chain": chain, "through_seq": last[0], "last_hash": last[1]},
            )
        )
    return removed
