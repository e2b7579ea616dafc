"""Builds the demo network through the same services every door uses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import holidays
from django.db import transaction

from samenbieb.network import second_factor, services
from samenbieb.network.demo import data
from samenbieb.network.demo.otp import demo_device, demo_device_create
from samenbieb.network.models import Municipality, Organisation, OrganisationKind, StaffUser


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str
    organisation: str
    # The public key of the account's demo authenticator app, in groups of four ("" if none).
    otp_key: str = ""


def demo_exists() -> bool:
    return Organisation.objects.filter(isil=data.LIBRARIES[0].isil).exists()


def demo_accounts() -> list[DemoAccount]:
    names = dict(Organisation.objects.values_list("isil", "name"))
    users = StaffUser.objects.in_bulk([row[0] for row in data.STAFF], field_name="username")
    accounts = []
    for username, _first, _last, isil, role in data.STAFF:
        user = users.get(username)
        device = demo_device(user) if user is not None else None
        key = second_factor.secret_for_display(device) if device is not None else ""
        accounts.append(
            DemoAccount(username, data.DEMO_PASSWORD, role, names.get(isil, isil), otp_key=key)
        )
    return accounts


@transaction.atomic
def demo_load(*, today: dt.date) -> bool:
    """Create the demo network; returns False (and changes nothing) when it is already there.

    Holiday closures cover last year to two years ahead of ``today``, so due dates and
    opening hours look right whenever the demo is loaded.
    """
    if demo_exists():
        return False
    years = range(today.year - 1, today.year + 3)
    national = _organisation(data.NATIONAL_LIBRARY, OrganisationKind.NATIONAL)
    support = {
        spec.isil: _organisation(spec, OrganisationKind.SUPPORT)
        for spec in data.SUPPORT_ORGANISATIONS
    }
    organisations = {national.isil: national, **support}
    closing_days = sorted(
        (day, name)
        for day, name in holidays.country_holidays("NL", years=years, language="nl").items()
        if name in data.CLOSING_HOLIDAYS
    )
    municipalities = {m.cbs_code: m for m in Municipality.objects.all()}
    for spec in data.LIBRARIES:
        organisation = _organisation(spec, OrganisationKind.LIBRARY, support=support[spec.support])
        organisations[organisation.isil] = organisation
        for (
            code,
            name,
            kind,
            street,
            number,
            postcode,
            city,
            municipality,
            lat,
            lon,
            week,
        ) in spec.branches:
            branch = services.branch_create(
                actor=None,
                organisation=organisation,
                code=code,
                name=name,
                kind=kind,
                street=street,
                house_number=number,
                postcode=postcode,
                city=city,
                municipality=municipalities[municipality],
                latitude=f"{lat:.6f}",
                longitude=f"{lon:.6f}",
            )
            services.opening_hours_set(actor=None, branch=branch, weekly=week)
        for day, name in closing_days:
            services.closure_add(
                actor=None, organisation=organisation, start_date=day, end_date=day, reason=name
            )
    # One branch closed for a fortnight's renovation early next year, to show a branch closure.
    hoograven = organisations["NL-UtBU"].branches.get(code="hoograven")
    services.closure_add(
        actor=None,
        organisation=organisations["NL-UtBU"],
        branch=hoograven,
        start_date=dt.date(today.year + 1, 1, 12),
        end_date=dt.date(today.year + 1, 1, 24),
        reason="Verbouwing",
    )
    for username, first, last, isil, role in data.STAFF:
        user = services.staff_user_create(
            actor=None,
            username=username,
            password=data.DEMO_PASSWORD,
            first_name=first,
            last_name=last,
            email=f"{username}@demo.samenbieb.example",
        )
        services.staff_role_grant(
            actor=None, user=user, organisation=organisations[isil], role=role
        )
        # Linked even while SAMENBIEB_STAFF_OTP is off, so switching it on keeps the way in.
        demo_device_create(user=user)
    return True


def _organisation(
    spec: data.OrganisationSpec, kind: str, support: Organisation | None = None
) -> Organisation:
    return services.organisation_create(
        actor=None,
        kind=kind,
        isil=spec.isil,
        name=spec.name,
        short_name=spec.short_name,
        province=spec.province,
        support_organisation=support,
        municipality_codes=spec.municipalities,
        website=spec.website,
    )
