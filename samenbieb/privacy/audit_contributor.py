"""The audit trail's contribution to the registry: shown to the member, redacted on erasure."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from samenbieb.core import audit_chain
from samenbieb.network.models import Organisation
from samenbieb.privacy.registry import Contributor, Processing, register


def _by(actor_label: str, actor_person_id: int | None, person_id: int) -> str:
    if actor_person_id == person_id:
        return "you"
    return "system" if actor_label == "system" else "library staff"


def export(person: Any) -> list[dict[str, Any]]:
    """What happened to the member's data, when and at which library; staff stay unnamed."""
    events = list(
        audit_chain.person_events(person.pk)
        .order_by("occurred_at", "id")
        .values(
            "occurred_at",
            "event_type",
            "organisation_id",
            "actor_label",
            "actor_person_id",
            "reason",
        )
    )
    names: dict[int | None, str] = dict(
        Organisation.objects.filter(
            pk__in={event["organisation_id"] for event in events}
        ).values_list("pk", "name")
    )
    return [
        {
            "occurred_at": event["occurred_at"].isoformat(),
            "event": event["event_type"],
            "library": names.get(event["organisation_id"]),
            "by": _by(event["actor_label"], event["actor_person_id"], person.pk),
            "reason": event["reason"],
        }
        for event in events
    ]


def anonymise(person: Any, now: dt.datetime) -> int:
    return audit_chain.redact(person_id=person.pk, now=now)


def _retention() -> str:
    return str(
        _(
            "%(days)s days, then removed by the nightly job; on erasure the link to the "
            "member is removed at once and the event itself stays."
        )
        % {"days": settings.PRIVACY["AUDIT_DAYS"]}
    )


register(
    Contributor(
        key="audit",
        label=_("Who looked at or changed your data"),
        models=("core.auditevent",),
        export=export,
        anonymise=anonymise,
        # Last: the erasure's own steps write events about the member, redacted here too.
        order=90,
        processing=(
            Processing(
                name=_("Audit trail"),
                purpose=_(
                    "Show who read or changed a member's data, when and why, so misuse is "
                    "found and the member can see it."
                ),
                legal_basis=_("Legal obligation to secure personal data, GDPR article 32"),
                categories=(_("which staff member or service, when, what, and why"),),
                retention=_retention,
                recipients=_("The privacy officer; the member sees which library and when."),
            ),
        ),
    )
)
