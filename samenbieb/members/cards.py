"""Library cards: issue, report lost, replace. A card number is never given out twice.

A lost or replaced card keeps its row (status LOST or REPLACED), so its number stays
taken for ever and can neither log in nor be issued again; everything a member has
(memberships, charges, consents, loans) hangs on the person, not on the card, so a new
card loses nothing.
"""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samenbieb.core.audit import audit_record
from samenbieb.members.errors import CardNotActive, CardNumberTaken, InvalidCardNumber
from samenbieb.members.models import CardStatus, LibraryCard, Person
from samenbieb.network import tenancy
from samenbieb.network.models import Organisation, StaffUser
from samenbieb.network.roles import Capability

MIN_LENGTH = 4
MAX_LENGTH = 32
_VALID = re.compile(rf"^[A-Z0-9]{{{MIN_LENGTH},{MAX_LENGTH}}}$")


def card_number_normalise(raw: str) -> str:
    """The stored form of a scanned or typed card number; raises :class:`InvalidCardNumber`.

    The same rules as item barcodes: whitespace goes (scanners add a return), letters
    become capitals, 4 to 32 letters and digits.
    """
    barcode = "".join(raw.split()).upper()
    if not barcode:
        raise InvalidCardNumber(_("Scan the new card, or type its number."))
    if not _VALID.match(barcode):
        raise InvalidCardNumber(
            _(
                "“%(barcode)s” is not a valid card number. A card number has %(min)s to "
                "%(max)s letters (A to Z) and digits, and no other signs."
            )
            % {"barcode": barcode[: MAX_LENGTH + 8], "min": MIN_LENGTH, "max": MAX_LENGTH}
        )
    return barcode


def card_number_or_none(raw: str) -> str | None:
    """The stored form, or ``None`` when ``raw`` cannot be a card number (for look-ups)."""
    try:
        return card_number_normalise(raw)
    except InvalidCardNumber:
        return None


def _require(actor: StaffUser | None, person: Person, organisation: Organisation) -> None:
    if actor is not None:
        tenancy.require(actor, person.home_organisation_id, Capability.MEMBERS_MANAGE)
        if organisation.pk != person.home_organisation_id:
            tenancy.require(actor, organisation.pk, Capability.MEMBERS_MANAGE)


def _end_active_card(person: Person, status: CardStatus) -> LibraryCard | None:
    active = (
        LibraryCard.objects.select_for_update()
        .filter(person=person, status=CardStatus.ACTIVE)
        .first()
    )
    if active is not None:
        active.status = status
        active.status_changed_at = timezone.now()
        active.save(update_fields=["status", "status_changed_at"])
    return active


@transaction.atomic
def card_issue(
    *, actor: StaffUser | None, person: Person, barcode: str, organisation: Organisation
) -> LibraryCard:
    """Give ``person`` a new card; a card they still had active becomes REPLACED."""
    _require(actor, person, organisation)
    barcode = card_number_normalise(barcode)
    if LibraryCard.objects.filter(barcode=barcode).exists():
        raise CardNumberTaken(barcode)
    # Lock the person: two desks issuing a card at once must not both leave one active.
    Person.objects.select_for_update().filter(pk=person.pk).first()
    previous = _end_active_card(person, CardStatus.REPLACED)
    card = LibraryCard(
        barcode=barcode, person=person, issued_by=organisation, status=CardStatus.ACTIVE
    )
    try:
        with transaction.atomic():
            card.save()
    except IntegrityError:
        # Taken by a concurrent transaction since the check above.
        raise CardNumberTaken(barcode) from None
    audit_record(
        actor=actor,
        event_type="members.card.issued",
        organisation_id=person.home_organisation_id,
        target=card,
        details={
            "person": person.pk,
            "issued_by": organisation.pk,
            "previous_card": previous.pk if previous is not None else None,
        },
    )
    return card


@transaction.atomic
def card_report_lost(*, actor: StaffUser | None, card: LibraryCard) -> None:
    """Mark an active card as lost: from now on it opens nothing."""
    person = card.person
    if actor is not None:
        tenancy.require(actor, person.home_organisation_id, Capability.MEMBERS_MANAGE)
    locked = LibraryCard.objects.select_for_update().get(pk=card.pk)
    if locked.status != CardStatus.ACTIVE:
        raise CardNotActive()
    locked.status = CardStatus.LOST
    locked.status_changed_at = timezone.now()
    locked.save(update_fields=["status", "status_changed_at"])
    card.status, card.status_changed_at = locked.status, locked.status_changed_at
    audit_record(
        actor=actor,
        event_type="members.card.reported_lost",
        organisation_id=person.home_organisation_id,
        target=locked,
        details={"person": person.pk},
    )


@transaction.atomic
def card_replace(
    *, actor: StaffUser | None, person: Person, new_barcode: str, organisation: Organisation
) -> LibraryCard:
    """Replace a lost card: the active card (if any) becomes LOST, a new one is issued."""
    _require(actor, person, organisation)
    # Check the new number before touching the old card, so a refusal changes nothing
    # (the transaction would roll back anyway; this keeps the error first and clear).
    barcode = card_number_normalise(new_barcode)
    if LibraryCard.objects.filter(barcode=barcode).exists():
        raise CardNumberTaken(barcode)
    Person.objects.select_for_update().filter(pk=person.pk).first()
    lost = _end_active_card(person, CardStatus.LOST)
    if lost is not None:
        audit_record(
            actor=actor,
            event_type="members.card.reported_lost",
            organisation_id=person.home_organisation_id,
            target=lost,
            details={"person": person.pk},
        )
    return card_issue(actor=actor, person=person, barcode=barcode, organisation=organisation)
