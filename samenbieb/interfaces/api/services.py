"""State changes of staff API tokens: made by staff for their own organisation, revoked,
and their last use noted. Audit details hold the token's prefix, never the token."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samenbieb.core.audit import audit_record
from samenbieb.core.errors import NotPermitted
from samenbieb.interfaces.api.errors import InvalidApiToken
from samenbieb.interfaces.api.models import ApiToken
from samenbieb.network import tenancy
from samenbieb.network.models import Organisation, StaffUser
from samenbieb.network.roles import Capability

TOKEN_PREFIX = "sbk_"  # noqa: S105 - how tokens start, not a secret
MAX_DAYS = 366
# A token's last use is written at most this often: not a write on every call.
LAST_USED_PRECISION = dt.timedelta(minutes=5)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    # Shown once: only its hash is stored.
    secret: str


@transaction.atomic
def api_token_create(
    *,
    actor: StaffUser,
    organisation: Organisation,
    name: str,
    capabilities: Sequence[str],
    days: int = 90,
    now: dt.datetime | None = None,
) -> IssuedToken:
    """Make a staff API token for ``organisation`` acting as ``actor``, with capabilities
    ``actor`` holds there (no token can do more than its maker)."""
    now = now or timezone.now()
    wanted = sorted(set(capabilities))
    unknown = [name for name in wanted if name not in Capability.values]
    if unknown or not wanted:
        raise InvalidApiToken(
            _("Unknown capabilities: %(names)s.") % {"names": ", ".join(unknown)}
            if unknown
            else _("Give the token at least one capability.")
        )
    if not 1 <= days <= MAX_DAYS:
        raise InvalidApiToken(_("A token is valid for 1 to %(max)s days.") % {"max": MAX_DAYS})
    name = " ".join(name.split())[:100]
    if not name:
        raise InvalidApiToken(_("Give the token a name."))
    for capability in wanted:
        if not tenancy.staff_scope(actor, capability).allows(organisation.pk):
            raise NotPermitted(
                _("You cannot give a token what you may not do yourself: %(capability)s.")
                % {"capability": capability}
            )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        organisation=organisation,
        name=name,
        prefix=secret[:12],
        token_hash=token_hash(secret),
        capabilities=" ".join(wanted),
        created_by=actor,
        expires_at=now + dt.timedelta(days=days),
    )
    audit_record(
        actor=actor,
        event_type="api.token.created",
        organisation_id=organisation.pk,
        target=token,
        details={"prefix": token.prefix, "capabilities": wanted, "days": days},
    )
    return IssuedToken(token, secret)


@transaction.atomic
def api_token_revoke(
    *, actor: StaffUser | None, token: ApiToken, now: dt.datetime | None = None
) -> ApiToken:
    """Stop a token at once; revoking twice changes nothing."""
    if actor is not None:
        tenancy.require(actor, token.organisation_id, Capability.NETWORK_MANAGE)
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is None:
        locked.revoked_at = now or timezone.now()
        locked.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            event_type="api.token.revoked",
            organisation_id=locked.organisation_id,
            target=locked,
            details={"prefix": locked.prefix},
        )
    return locked


def api_token_used(*, token: ApiToken, now: dt.datetime | None = None) -> None:
    """Note that ``token`` was used now (to within :data:`LAST_USED_PRECISION`)."""
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
