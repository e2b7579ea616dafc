"""Members' personal data for the registry (samenbieb.privacy): export and erasure."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from samenbieb.core.audit import audit_record
from samenbieb.members.models import CardStatus, Consent, GuardianLink, Person
from samenbieb.privacy.registry import Contributor, Processing, register


def _when(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def export(person: Person) -> dict[str, Any]:
    return {
        "person": {
            "given_name": person.given_name,
            "name_prefix": person.name_prefix,
            "family_name": person.family_name,
            "birth_date": _when(person.birth_date),
            "street": person.street,
            "house_number": person.house_number,
            "postcode": person.postcode,
            "city": person.city,
            "email": person.email,
            "email_verified_at": _when(person.email_verified_at),
            "phone": person.phone,
            "preferred_language": person.preferred_language,
            "home_library": person.home_organisation.name,
            "has_password": bool(person.password),
            "last_login": _when(person.last_login),
            "created_at": _when(person.created_at),
        },
        "cards": [
            {
                "card_number": card.barcode,
                "status": card.status,
                "issued_by": card.issued_by.name,
                "issued_at": _when(card.issued_at),
            }
            for card in person.cards.select_related("issued_by")
        ],
        "memberships": [
            {
                "library": membership.organisation.name,
                "plan": membership.plan.name,
                "starts_on": _when(membership.starts_on),
                "ends_on": _when(membership.ends_on),
                "cancelled_at": _when(membership.cancelled_at),
            }
            for membership in person.memberships.select_related("organisation", "plan")
        ],
        "consents": [
            {
                "kind": consent.kind,
                "given": consent.given,
                "text_version": consent.text_version,
                "recorded_at": _when(consent.recorded_at),
                "recorded_via": consent.recorded_via,
            }
            for consent in Consent.objects.filter(person=person).order_by("recorded_at", "id")
        ],
        "guardians": [
            link.guardian.full_name for link in person.guardian_links.select_related("guardian")
        ],
        "guardian_of": [link.child.full_name for link in person.ward_links.select_related("child")],
    }


def anonymise(person: Person, now: dt.datetime) -> int:
    """Empty the member record; keep the row for paid charges and membership statistics.

    Cards stay blocked so their numbers are never given out again; consents and guardian
    links go; the year of birth stays (age bands in statistics), the rest is blanked.
    """
    person.cards.exclude(status=CardStatus.BLOCKED).update(
        status=CardStatus.BLOCKED, status_changed_at=now
    )
    removed = Consent.objects.filter(person=person).delete()[0]
    removed += GuardianLink.objects.filter(child=person).delete()[0]
    removed += GuardianLink.objects.filter(guardian=person).delete()[0]
    person.given_name = ""
    person.name_prefix = ""
    person.family_name = ""
    person.birth_date = dt.date(person.birth_date.year, 1, 1)
    person.street = person.house_number = person.postcode = person.city = ""
    person.email = ""
    person.email_verified_at = None
    person.phone = ""
    person.password = ""
    person.last_login = None
    person.is_active = False
    person.identity_key = ""
    person.erased_at = now
    person.save()
    audit_record(
        actor=None,
        event_type="members.person.anonymised",
        organisation_id=person.home_organisation_id,
        target=person,
    )
    return removed + 1


def _lapsed() -> str:
    days = settings.PRIVACY["LAPSED_MEMBER_DAYS"]
    return str(
        _(
            "Until the member asks for erasure, or %(days)s days after the last membership "
            "ended (or after registering, without a membership); then erased, except the "
            "year of birth and the memberships' dates for statistics."
        )
        % {"days": days}
    )


register(
    Contributor(
        key="members",
        label=_("Member record, cards, memberships and choices"),
        models=(
            "members.person",
            "members.librarycard",
            "members.membership",
            "members.consent",
            "members.guardianlink",
        ),
        export=export,
        anonymise=anonymise,
        order=80,
        processing=(
            Processing(
                name=_("Membership administration"),
                purpose=_(
                    "Know who a member is, reach them about loans and holds, and check that "
                    "their membership is valid at every library."
                ),
                legal_basis=_("Contract (the membership), GDPR article 6(1)(b)"),
                categories=(
                    _("name"),
                    _("date of birth"),
                    _("address"),
                    _("e-mail address and phone"),
                    _("card numbers"),
                    _("memberships"),
                    _("parent or guardian of a child"),
                ),
                retention=_lapsed,
            ),
            Processing(
                name=_("Choices (consents)"),
                purpose=_("Show what a member agreed to, and when, with the exact text."),
                legal_basis=_("Consent, GDPR article 6(1)(a)"),
                categories=(_("consents with their text version and time"),),
                retention=lambda: _("As long as the member record; removed on erasure."),
            ),
        ),
    )
)
