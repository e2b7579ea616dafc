"""State changes of self-service machine accounts, and their login (SIP2 93)."""

from __future__ import annotations

import ipaddress
import logging

from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from samenbieb.core.audit import audit_record
from samenbieb.network import tenancy
from samenbieb.network.models import Branch, StaffUser
from samenbieb.network.roles import Capability
from samenbieb.selfservice.errors import InvalidKiosk, InvalidKioskLogin, KioskAddressNotAllowed
from samenbieb.selfservice.models import Kiosk, KioskEncoding, KioskLanguage

logger = logging.getLogger(__name__)

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def _require(actor: StaffUser | None, organisation_id: int) -> None:
    if actor is not None:
        tenancy.require(actor, organisation_id, Capability.NETWORK_MANAGE)


def kiosk_networks(text: str) -> list[IPNetwork]:
    """The networks in an allow-list (one address or CIDR per line); raises InvalidKiosk."""
    networks = []
    for line in text.splitlines():
        entry = line.split("#", 1)[0].strip()
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError as exc:
            raise InvalidKiosk(
                _("“%(entry)s” is not an IP address or network.") % {"entry": entry[:60]},
                field="allowed_networks",
            ) from exc
    return networks


def kiosk_address_allowed(kiosk: Kiosk, peer_ip: str) -> bool:
    """Whether ``peer_ip`` is on the machine's allow-list (an empty list allows any)."""
    networks = kiosk_networks(kiosk.allowed_networks)
    if not networks:
        return True
    try:
        address = ipaddress.ip_address(peer_ip)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address in network for network in networks)


def _password_check(password: str, message_field: str = "password") -> None:
    try:
        validate_password(password)
    except ValidationError as exc:
        raise InvalidKiosk(" ".join(exc.messages), field=message_field) from exc


@transaction.atomic
def kiosk_add(
    *,
    actor: StaffUser | None,
    branch: Branch,
    username: str,
    password: str,
    allowed_networks: str = "",
    encoding: KioskEncoding | str = KioskEncoding.UTF8,
    language: KioskLanguage | str = KioskLanguage.DUTCH,
) -> Kiosk:
    """Give a self-service machine at ``branch`` its own SIP2 account."""
    _require(actor, branch.organisation_id)
    username = username.strip()
    if not username or "|" in username or len(username) > 64:
        raise InvalidKiosk(
            _("Choose a login name of 1 to 64 characters without “|”."), field="username"
        )
    if Kiosk.objects.filter(username=username).exists():
        raise InvalidKiosk(_("This login name is taken."), field="username")
    if encoding not in KioskEncoding.values:
        raise InvalidKiosk(_("Unknown character encoding."), field="encoding")
    if language not in KioskLanguage.values:
        raise InvalidKiosk(_("Unknown language."), field="language")
    kiosk_networks(allowed_networks)
    _password_check(password)
    kiosk = Kiosk.objects.create(
        username=username,
        password=make_password(password),
        branch=branch,
        allowed_networks=allowed_networks.strip(),
        encoding=str(encoding),
        language=str(language),
    )
    audit_record(
        actor=actor,
        event_type="selfservice.kiosk.created",
        organisation_id=branch.organisation_id,
        target=kiosk,
        details={"username": username, "branch": branch.pk},
    )
    return kiosk


@transaction.atomic
def kiosk_password_set(*, actor: StaffUser | None, kiosk: Kiosk, password: str) -> Kiosk:
    """Give the machine a new password; the old one stops working at its next login."""
    _require(actor, kiosk.branch.organisation_id)
    _password_check(password)
    kiosk.password = make_password(password)
    kiosk.save(update_fields=["password"])
    audit_record(
        actor=actor,
        event_type="selfservice.kiosk.password_set",
        organisation_id=kiosk.branch.organisation_id,
        target=kiosk,
    )
    return kiosk


def kiosk_authenticate(*, username: str, password: str, peer_ip: str) -> Kiosk:
    """The active machine account with this name and password, connecting from ``peer_ip``.

    Raises InvalidKioskLogin (unknown name, wrong password, switched off: one answer) or
    KioskAddressNotAllowed. Refusals are audited without the password.
    """
    kiosk = (
        Kiosk.objects.select_related("branch__organisation")
        .filter(username=username, is_active=True, branch__is_active=True)
        .first()
        if username and password
        else None
    )
    if kiosk is None:
        # Hash anyway so an unknown name takes as long as a wrong password.
        make_password(password)
        logger.info("kiosk login refused: unknown or inactive account")
        raise InvalidKioskLogin()

    def upgrade(raw: str) -> None:
        Kiosk.objects.filter(pk=kiosk.pk).update(password=make_password(raw))

    if not check_password(password, kiosk.password, upgrade):
        _refusal_record(kiosk, "wrong_password", peer_ip)
        raise InvalidKioskLogin()
    if not kiosk_address_allowed(kiosk, peer_ip):
        _refusal_record(kiosk, "address_not_allowed", peer_ip)
        raise KioskAddressNotAllowed()
    audit_record(
        actor=None,
        event_type="selfservice.kiosk.logged_in",
        organisation_id=kiosk.branch.organisation_id,
        target=kiosk,
        details={"address": peer_ip},
    )
    return kiosk


def _refusal_record(kiosk: Kiosk, reason: str, peer_ip: str) -> None:
    logger.warning("kiosk %s login refused: %s from %s", kiosk.username, reason, peer_ip)
    audit_record(
        actor=None,
        event_type="selfservice.kiosk.login_refused",
        organisation_id=kiosk.branch.organisation_id,
        target=kiosk,
        details={"reason": reason, "address": peer_ip},
    )
