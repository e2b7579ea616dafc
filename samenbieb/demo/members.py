"""Demo members: default plans for every library and a few people to log in as.

Built through the same services as the desk and the portal, as the system (actor None).
Call after the demo network exists; calling it again changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from samenbieb.circulation import queries as circulation_queries
from samenbieb.circulation import services as circulation_services
from samenbieb.circulation.models import PaymentMethod
from samenbieb.members import services
from samenbieb.members.auth import member_email_verify
from samenbieb.members.dates import add_months
from samenbieb.members.models import LibraryCard, MembershipPlan, Person
from samenbieb.members.plans import default_plans_create
from samenbieb.network.models import Organisation, OrganisationKind

DEMO_MEMBER_PASSWORD = "lezen-is-leuk"  # noqa: S105 - a published demo password


@dataclass(frozen=True)
class DemoMember:
    card: str
    password: str
    name: str
    library: str
    note: str


def _years_ago(today: dt.date, years: int, *, days: int = 0) -> dt.date:
    return add_months(today, -12 * years) - dt.timedelta(days=days)


@transaction.atomic
def members_load(*, today: dt.date | None = None) -> list[DemoMember]:
    """Create default plans for every demo library and the demo members (once)."""
    today = today or timezone.localdate()
    libraries = {
        library.isil: library
        for library in Organisation.objects.filter(kind=OrganisationKind.LIBRARY)
    }
    for library in libraries.values():
        default_plans_create(organisation=library)
    utrecht, arnhem = libraries["NL-UtBU"], libraries["NL-ArBR"]

    def plan(library: Organisation, code: str) -> MembershipPlan:
        return MembershipPlan.objects.get(organisation=library, code=code)

    def register(card: str, **fields: object) -> Person:
        existing = LibraryCard.objects.filter(barcode=card).select_related("person").first()
        if existing is not None:
            return existing.person
        person = services.person_register(
            actor=None,
            card_barcode=card,
            password=DEMO_MEMBER_PASSWORD,
            consent_text_version=services.CONSENT_TEXT_VERSION,
            today=today,
            **fields,  # type: ignore[arg-type]
        )
        if person.email:
            # The demo's example.org addresses count as proven, so the printed logins work.
            member_email_verify(person=person)
        return person

    adult = register(
        "20000000000001",
        organisation=utrecht,
        given_name="Sanne",
        name_prefix="de",
        family_name="Boer",
        birth_date=_years_ago(today, 38, days=40),
        street="Oudegracht",
        house_number="231",
        postcode="3511 NK",
        city="Utrecht",
        email="sanne.deboer@example.org",
        phone="030 234 5678",
        plan=plan(utrecht, "volwassen"),
        consents={"loan_history": True, "news": True},
    )
    child = register(
        "20000000000002",
        organisation=utrecht,
        given_name="Mila",
        name_prefix="de",
        family_name="Boer",
        birth_date=_years_ago(today, 9, days=100),
        street="Oudegracht",
        house_number="231",
        postcode="3511 NK",
        city="Utrecht",
        plan=plan(utrecht, "jeugd"),
        consents={"loan_history": False, "news": False},
        guardian=adult,
    )
    arnhem_member = register(
        "20000000000003",
        organisation=arnhem,
        given_name="Daan",
        family_name="Hendriks",
        birth_date=_years_ago(today, 45, days=200),
        street="Jansstraat",
        house_number="8",
        postcode="6811 GJ",
        city="Arnhem",
        email="daan.hendriks@example.org",
        plan=plan(arnhem, "basis"),
        consents={"loan_history": False, "news": True},
    )
    senior = register(
        "20000000000004",
        organisation=utrecht,
        given_name="Wim",
        name_prefix="van",
        family_name="Dijk",
        birth_date=_years_ago(today, 74, days=10),
        street="Lange Nieuwstraat",
        house_number="5",
        postcode="3512 PA",
        city="Utrecht",
        email="wim.vandijk@example.org",
        consents={"loan_history": True, "news": False},
    )
    if not senior.memberships.exists():
        # A membership that ran out two months ago: lapsed, ready to be renewed at the desk.
        services.membership_start(
            actor=None,
            person=senior,
            plan=plan(utrecht, "volwassen"),
            starts_on=add_months(today, -14),
        )
    # They paid their membership fee when they joined, so the demo members can borrow and
    # reserve (charges above the threshold would block them).
    for person in (adult, child, arnhem_member, senior):
        for charge in circulation_queries.charges_open(person):
            circulation_services.charge_pay(actor=None, charge=charge, method=PaymentMethod.CARD)
    return [
        DemoMember("20000000000001", DEMO_MEMBER_PASSWORD, adult.full_name, utrecht.name, "adult"),
        DemoMember(
            "20000000000002",
            DEMO_MEMBER_PASSWORD,
            child.full_name,
            utrecht.name,
            "child, 9, youth plan; guardian: 20000000000001",
        ),
        DemoMember(
            "20000000000003",
            DEMO_MEMBER_PASSWORD,
            arnhem_member.full_name,
            arnhem.name,
            "adult, basic plan",
        ),
        DemoMember(
            "20000000000004",
            DEMO_MEMBER_PASSWORD,
            senior.full_name,
            utrecht.name,
            "senior, membership lapsed",
        ),
    ]
