"""Demo partners of Bibliotheek Utrecht (its social map), with contact persons, roles in its
activities, and one partner login, ``partner-gemeente``, built through the services.

The partner login gets a demo authenticator app like the demo staff (network/demo/otp.py),
so ``samenbieb demo`` prints its public key and ``samenbieb staff-otp-code partner-gemeente``
its current code. Runs again without changing anything.
"""

from __future__ import annotations

from django.db import transaction

from samenbieb.network import second_factor
from samenbieb.network.demo.data import DEMO_PASSWORD
from samenbieb.network.demo.loader import DemoAccount
from samenbieb.network.demo.otp import demo_device, demo_device_create
from samenbieb.network.models import Organisation, StaffUser
from samenbieb.programmes.models import (
    Activity,
    ActivityStatus,
    Partner,
    PartnerAccount,
    PartnerKind,
    PartnerRole,
    Theme,
)
from samenbieb.programmes.services import partners as services

LIBRARY = "NL-UtBU"

# (name, kind, themes, phone, website, contacts [(name, role, phone)], roles per programme)
PARTNERS = [
    (
        "Gemeente Utrecht",
        PartnerKind.MUNICIPALITY,
        ["digital_government", "basic_skills"],
        "14 030",
        "https://www.utrecht.nl",
        [("Sanne Wijkhuis", "Klantcontact Werk en Inkomen", "030 286 00 00")],
        {"digisterker": [PartnerRole.REFERS]},
    ),
    (
        "Belastingdienst",
        PartnerKind.TAX_OFFICE,
        ["digital_government"],
        "0800 0543",
        "https://www.belastingdienst.nl",
        [("Ravi Aangifte", "Voorlichter", "")],
        {},
    ),
    (
        "SeniorWeb Utrecht",
        PartnerKind.SENIORWEB,
        ["basic_skills", "digital_safety"],
        "",
        "https://www.seniorweb.nl",
        [("Els Klik", "Vrijwilliger leercentrum", "06 11223344")],
        {"digisterker": [PartnerRole.TEACHES], "digiveiliger": [PartnerRole.CO_DESIGNS]},
    ),
    (
        "Buurtteam Utrecht Zuid",
        PartnerKind.WELFARE,
        ["basic_skills", "health"],
        "030 740 05 10",
        "https://www.buurtteamsutrecht.nl",
        [("Mo Buurt", "Buurtteammedewerker", "030 740 05 10")],
        {"digisterker": [PartnerRole.REFERS]},
    ),
    (
        "Politie Utrecht",
        PartnerKind.POLICE,
        ["digital_safety"],
        "0900 8844",
        "https://www.politie.nl",
        [("Wijkagent Jansen", "Wijkagent", "")],
        {"digiveiliger": [PartnerRole.GUEST_SPEAKER]},
    ),
]

# (username, first name, last name, partner name)
ACCOUNTS = [("partner-gemeente", "Gea", "Meente", "Gemeente Utrecht")]


@transaction.atomic
def demo_partners_load() -> None:
    """Create the demo partners (once); a missing library (no demo network) is a no-op."""
    library = Organisation.objects.filter(isil=LIBRARY).first()
    if library is None or Partner.objects.filter(organisation=library).exists():
        return
    themes = {theme.code: theme for theme in Theme.objects.all()}
    by_name = {}
    for name, kind, theme_codes, phone, website, contacts, roles in PARTNERS:
        partner = services.partner_create(
            actor=None,
            organisation=library,
            name=name,
            kind=kind,
            themes=[themes[code] for code in theme_codes if code in themes],
            phone=phone,
            website=website,
        )
        by_name[name] = partner
        for contact_name, role, contact_phone in contacts:
            services.partner_contact_add(
                actor=None, partner=partner, name=contact_name, role=role, phone=contact_phone
            )
        for programme_code, partner_roles in roles.items():
            # The activities the demo runs from a national programme (helper `activities`).
            for activity in Activity.objects.filter(
                organisation=library,
                programme__code=programme_code,
                status=ActivityStatus.PUBLISHED,
            ):
                services.activity_partner_set(
                    actor=None, activity=activity, partner=partner, roles=partner_roles
                )
    for username, first, last, partner_name in ACCOUNTS:
        account = services.partner_account_create(
            actor=None,
            partner=by_name[partner_name],
            username=username,
            password=DEMO_PASSWORD,
            first_name=first,
            last_name=last,
            email=f"{username}@demo.samenbieb.example",
        )
        demo_device_create(user=account.user)


def demo_partner_accounts() -> list[DemoAccount]:
    """The demo's partner logins, for `samenbieb demo` to print (role "partner")."""
    accounts = []
    rows = PartnerAccount.objects.filter(
        user__username__in=[row[0] for row in ACCOUNTS]
    ).select_related("user", "partner__organisation")
    for row in rows.order_by("user__username"):
        user: StaffUser = row.user
        device = demo_device(user)
        key = second_factor.secret_for_display(device) if device is not None else ""
        accounts.append(
            DemoAccount(
                user.get_username(),
                DEMO_PASSWORD,
                "partner",
                f"{row.partner.name} ({row.partner.organisation.short_name})",
                otp_key=key,
            )
        )
    return accounts
