"""Reads of connected services and of what a member has agreed to share with them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from samenbieb.identity.errors import AccountNotUsable, MembershipNotValid, ServiceRefused
from samenbieb.identity.models import ConnectedService, ServiceConsent
from samenbieb.members.models import Person
from samenbieb.members.queries import membership_valid
from samenbieb.network import tenancy
from samenbieb.network.models import Organisation, OrganisationKind
from samenbieb.network.roles import Capability


def may_manage_services(user: Any) -> bool:
    """Connected services are network-wide, so only the network may register them: platform
    operators, and administrators (NETWORK_MANAGE) at the national organisation."""
    scope = tenancy.staff_scope(user, Capability.NETWORK_MANAGE)
    if scope.organisation_ids is None:
        return True
    return Organisation.objects.filter(
        pk__in=scope.organisation_ids, kind=OrganisationKind.NATIONAL
    ).exists()


def member_refusal(person: Person, *, on: dt.date | None = None) -> ServiceRefused | None:
    """Why ``person`` may not log in to connected services today, or None if they may.

    A connected service acts for the member's library membership (the e-book platform
    lends on it), so a lapsed membership refuses, as does a switched-off account.
    """
    if not person.is_active:
        return AccountNotUsable()
    if membership_valid(person, on or timezone.localdate()) is None:
        return MembershipNotValid()
    return None


def consent_covers(person: Person, service: ConnectedService, scopes: list[str]) -> bool:
    """Whether the member agreed earlier that ``service`` may receive ``scopes``."""
    consent = ServiceConsent.objects.filter(person=person, service=service).first()
    return consent is not None and consent.covers(scopes)
