"""Reads of partners and referrals for library staff, through the tenant gate.

Partner logins read through :mod:`samenbieb.programmes.partner_access` instead; they hold
no library role, so everything here returns nothing for them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from samenbieb.network import tenancy
from samenbieb.network.roles import Capability
from samenbieb.programmes.models import (
    Activity,
    ActivityPartner,
    ActivityStatus,
    Partner,
    PartnerContact,
    Referral,
    ReferralStatus,
)


def partners_for_staff(
    user: Any, capability: str = Capability.PROGRAMMES_REGISTER, *, active_only: bool = False
) -> QuerySet[Partner]:
    """The social map: partners of the libraries where ``user`` has ``capability``, with
    their contacts and how many referrals are still open."""
    partners = tenancy.visible(Partner, user, capability)
    if active_only:
        partners = partners.filter(is_active=True)
    return (
        partners.select_related("organisation")
        .prefetch_related(
            Prefetch("contacts", queryset=PartnerContact.objects.order_by("name")),
            "themes",
        )
        .annotate(open_referrals=Count("referrals", filter=~Q(referrals__status="closed")))
        .order_by("organisation__name", "name")
    )


def partner_for_staff(
    user: Any, pk: int, capability: str = Capability.PROGRAMMES_REGISTER
) -> Partner | None:
    return partners_for_staff(user, capability).filter(pk=pk).first()


def partner_activities(partner: Partner) -> QuerySet[ActivityPartner]:
    """What this partner does for which activity (the partner's own library only)."""
    return (
        ActivityPartner.objects.filter(
            partner=partner, activity__organisation_id=partner.organisation_id
        )
        .select_related("activity")
        .order_by("activity__title", "role")
    )


def referrals_for_staff(
    user: Any, *, direction: str = "", open_only: bool = False
) -> QuerySet[Referral]:
    """Referrals of the libraries where ``user`` manages programmes, newest first."""
    referrals = tenancy.visible(Referral, user, Capability.PROGRAMMES_MANAGE)
    if direction:
        referrals = referrals.filter(direction=direction)
    if open_only:
        referrals = referrals.exclude(status=ReferralStatus.CLOSED)
    return referrals.select_related("partner", "activity", "topic", "organisation", "registration")


def referral_for_staff(user: Any, pk: int) -> Referral | None:
    return referrals_for_staff(user).filter(pk=pk).first()


def activities_for_staff_referral(user: Any) -> QuerySet[Activity]:
    """Published activities a partner's referral, typed in by staff, may name."""
    return (
        tenancy.visible(Activity, user, Capability.PROGRAMMES_MANAGE)
        .filter(status=ActivityStatus.PUBLISHED)
        .select_related("organisation")
        .order_by("organisation__name", "title")
    )
