"""Reads of members that doors ask for; staff access goes through the tenant gate here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from samenbieb.members.cards import card_number_or_none
from samenbieb.members.models import (
    CardStatus,
    Consent,
    LibraryCard,
    Membership,
    MembershipPlan,
    NameKey,
    Person,
)
from samenbieb.network import tenancy
from samenbieb.network.roles import Capability

DESK_SEARCH_LIMIT = 25


def person_for_login(identifier: str) -> Person | None:
    """The active person who logs in with ``identifier``: an e-mail address (any case) or
    the number of their active card. Lost, replaced and blocked cards open nothing."""
    value = identifier.strip()
    if not value:
        return None
    if "@" in value:
        return (
            Person.objects.alias(email_lower=Lower("email"))
            .filter(email_lower=value.lower(), is_active=True)
            .first()
        )
    barcode = card_number_or_none(value)
    if barcode is None:
        return None
    card = (
        LibraryCard.objects.select_related("person")
        .filter(barcode=barcode, status=CardStatus.ACTIVE, person__is_active=True)
        .first()
    )
    return card.person if card is not None else None


def person_for_staff(user: Any, pk: int) -> Person | None:
    """The person if ``user`` may see members of their home library, else ``None``."""
    return (
        tenancy.visible(Person, user, Capability.MEMBERS_VIEW)
        .select_related("home_organisation")
        .filter(pk=pk, erased_at__isnull=True)  # an erased member's empty row is nobody
        .first()
    )


def persons_for_desk(user: Any, text: str) -> list[Person]:
    """Members ``user`` may see whose card number is ``text`` exactly (any card, also a
    lost one: the desk must find whose it was), or whose name starts with ``text``.

    "jans" finds family names starting with it; "piet jans" finds Piet Jansen too, and
    "jan van der berg" Jan van der Berg (the prefix is kept apart from the family name).
    At most 25, by lower-case family name, given name and id, compared code point by
    code point (:class:`~samenbieb.members.models.NameKey`): the indexes
    ``person_home_name_key`` and ``person_name_key`` hold the names in that order, so the
    database reads only the rows it returns, even at a million members.
    """
    text = " ".join(text.split())
    if not text:
        return []
    visible = tenancy.visible(Person, user, Capability.MEMBERS_VIEW).filter(erased_at__isnull=True)
    barcode = card_number_or_none(text)
    if barcode is not None:
        by_card = _persons_by_card(visible, barcode)
        if by_card:
            return by_card
    lowered = text.lower()
    condition = Q(family_key__startswith=lowered)
    first, _space, rest = lowered.partition(" ")
    if rest:
        condition |= Q(given_key__startswith=first, family_key__startswith=rest)
        last = rest.split()[-1]
        if last != rest:
            # "jan van der berg": the prefix is kept apart from the family name.
            condition |= Q(given_key__startswith=first, family_key__startswith=last)
    return list(
        visible.alias(family_key=NameKey("family_name"), given_key=NameKey("given_name"))
        .filter(condition)
        .select_related("home_organisation")
        .order_by("family_key", "given_key", "id")[:DESK_SEARCH_LIMIT]
    )


def _persons_by_card(visible: QuerySet[Person], barcode: str) -> list[Person]:
    # Letters only: far more often a name ("jans" is the valid card number JANS) than a
    # card, so a light probe first spares the name search the full query.
    letters_only = not any(char.isdigit() for char in barcode)
    if letters_only and not LibraryCard.objects.filter(barcode=barcode).exists():
        return []
    # A card number is unique: one holder at most, so no ordering to compile.
    return list(
        visible.filter(cards__barcode=barcode).select_related("home_organisation").order_by()
    )


def card_for_desk(user: Any, barcode: str) -> LibraryCard | None:
    """The card with ``barcode`` if ``user`` may see its holder, in any status."""
    normalised = card_number_or_none(barcode)
    if normalised is None:
        return None
    return (
        tenancy.visible(LibraryCard, user, Capability.MEMBERS_VIEW)
        .select_related("person")
        .filter(barcode=normalised)
        .first()
    )


def person_for_card(barcode: str) -> Person | None:
    """The active holder of an active card, at any library (used to link a guardian).

    Network-wide on purpose: a parent may be a member of another library. Doors must not
    show more of the person than their name.
    """
    normalised = card_number_or_none(barcode)
    if normalised is None:
        return None
    card = (
        LibraryCard.objects.select_related("person__home_organisation")
        .filter(barcode=normalised, status=CardStatus.ACTIVE, person__is_active=True)
        .first()
    )
    return card.person if card is not None else None


def membership_valid(person: Person, on: dt.date) -> Membership | None:
    """The membership that covers ``on`` (the one running longest, if several), or ``None``.

    A membership lapses by itself: past its ``ends_on`` it simply stops being valid.
    """
    return (
        Membership.objects.select_related("plan", "organisation")
        .filter(person=person, cancelled_at__isnull=True, starts_on__lte=on, ends_on__gte=on)
        .order_by("-ends_on", "-id")
        .first()
    )


def memberships_of(person: Person) -> QuerySet[Membership]:
    return Membership.objects.select_related("plan", "organisation").filter(person=person)


def current_consents(person: Person) -> dict[str, Consent]:
    """The latest choice per kind of consent; older choices stay in the history."""
    latest: dict[str, Consent] = {}
    for consent in Consent.objects.filter(person=person).order_by("kind", "-recorded_at", "-id"):
        latest.setdefault(consent.kind, consent)
    return latest


def plans_for_staff(user: Any) -> QuerySet[MembershipPlan]:
    """Plans offered by the libraries where ``user`` may register members."""
    return (
        tenancy.visible(MembershipPlan, user, Capability.MEMBERS_MANAGE)
        .filter(is_active=True)
        .select_related("organisation")
        .order_by("organisation__name", "min_age", "-price")
    )


@dataclass(frozen=True)
class GuestMember:
    """What another library's desk may know about a card holder to lend to them as a guest.

    Deliberately minimal (ADR 3, network flows): the name to greet and check them by, the
    home library, and whether a membership is valid today. No address, date of birth,
    e-mail, phone, loans, charges or consents.
    """

    person_id: int
    name: str
    home_library: str
    membership_valid: bool


def member_for_guest_desk(barcode: str, *, on: dt.date | None = None) -> GuestMember | None:
    """A card of any library scanned at any desk: the minimum needed for guest lending.

    Only an active card of an active person answers; a lost or blocked card is unknown.
    """
    person = person_for_card(barcode)
    if person is None:
        return None
    day = on or timezone.localdate()
    return GuestMember(
        person_id=person.pk,
        name=person.full_name,
        home_library=person.home_organisation.name,
        membership_valid=membership_valid(person, day) is not None,
    )
