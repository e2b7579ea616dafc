"""The claims a connected service receives about a member: only those of its scopes.

Every value comes from the member's own record and the members queries; nothing else
is read. The date of birth never leaves Samenbieb: ``age_band`` carries an age group.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from samenbieb.identity.pairwise import pairwise_subject
from samenbieb.identity.scopes import OPENID
from samenbieb.members.dates import age_on
from samenbieb.members.models import Person
from samenbieb.members.queries import membership_valid

# (lowest age, band) from the top down; the bands statistics use as well.
AGE_BANDS = ((65, "65+"), (18, "18-64"), (13, "13-17"), (0, "0-12"))


def age_band(age: int) -> str:
    return next(band for lowest, band in AGE_BANDS if age >= lowest)


def member_claims(
    *, person: Person, sector: str, scopes: list[str], today: dt.date | None = None
) -> dict[str, Any]:
    """The claims of ``scopes`` about ``person`` for a service in ``sector``."""
    day = today or timezone.localdate()
    claims: dict[str, Any] = {}
    if OPENID in scopes:
        claims["sub"] = pairwise_subject(sector=sector, person_id=person.pk)
    if "profile" in scopes:
        claims["name"] = person.full_name
        claims["given_name"] = person.given_name
        # "van der Berg": the prefix belongs to the family name in a Dutch name.
        claims["family_name"] = " ".join(
            part for part in (person.name_prefix, person.family_name) if part
        )
    if "email" in scopes and person.email:
        claims["email"] = person.email
        claims["email_verified"] = person.email_verified_at is not None
    if "library" in scopes:
        library = person.home_organisation
        claims["library"] = {"name": library.name, "isil": library.isil}
        claims["membership_valid"] = membership_valid(person, day) is not None
    if "age_band" in scopes:
        claims["age_band"] = age_band(age_on(person.birth_date, day))
    return claims
