"""Factories for partners and referrals: partners on a library's social map, partner logins,
and referrals with consent recorded."""

from __future__ import annotations

import factory

from samenbieb.programmes.models import (
    Partner,
    PartnerAccount,
    PartnerContact,
    PartnerKind,
    Referral,
    ReferralDirection,
    ReferralStatus,
)
from tests.factories import OrganisationFactory, StaffUserFactory
from tests.programmes.factories import NOW, ActivityFactory


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Buurtteam {n}")
    kind = PartnerKind.WELFARE


class PartnerContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerContact

    partner = factory.SubFactory(PartnerFactory)
    name = factory.Sequence(lambda n: f"Contact {n}")
    role = "Buurtwerker"


class PartnerAccountFactory(factory.django.DjangoModelFactory):
    """A partner's login: a staff account with no library role."""

    class Meta:
        model = PartnerAccount

    user = factory.SubFactory(StaffUserFactory)
    partner = factory.SubFactory(PartnerFactory)


class ReferralFactory(factory.django.DjangoModelFactory):
    """An incoming referral, sent, to an activity of the partner's library."""

    class Meta:
        model = Referral

    partner = factory.SubFactory(PartnerFactory)
    organisation = factory.SelfAttribute("partner.organisation")
    direction = ReferralDirection.INCOMING
    activity = factory.SubFactory(
        ActivityFactory, organisation=factory.SelfAttribute("..partner.organisation")
    )
    name = factory.Sequence(lambda n: f"Verwezen persoon {n}")
    phone = "+31612345678"
    consent_given_at = NOW
    consent_text_version = "2026-1"
    status = ReferralStatus.SENT
    created_at = NOW
    updated_at = NOW


def partner_user(partner: Partner | None = None, **kwargs: object):
    """A partner's login for ``partner`` (a new partner if None); returns the user."""
    if partner is None:
        partner = PartnerFactory(**kwargs)
    return PartnerAccountFactory(partner=partner).user
