"""Partners and referrals: the local social map, partner roles per activity, partner logins,
and people referred to the library (incoming) or by the library to a partner (outgoing).

A referral carries minimal data (a name and a phone number, or a library card; a topic
and a short note) and only with the person's recorded consent. Its status moves through
:data:`TRANSITIONS`, a table of (direction, from, to, side). Name, phone and note are
erased a while after it closes (:func:`referrals_anonymise_closed`). Audit events never
hold the person's details.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samenbieb.core.audit import audit_record
from samenbieb.core.errors import NotPermitted
from samenbieb.members.models import Person
from samenbieb.members.queries import person_for_card
from samenbieb.network import services as network_services
from samenbieb.network import tenancy
from samenbieb.network.models import Organisation, StaffUser
from samenbieb.network.roles import Capability
from samenbieb.programmes import partner_access
from samenbieb.programmes.errors import ProgrammeError
from samenbieb.programmes.errors_partners import (
    PartnerAccountUsernameTaken,
    PartnerInactive,
    PartnerNotOfLibrary,
    ReferralActivityNotOpen,
    ReferralCardUnknown,
    ReferralConsentMissing,
    ReferralDataInvalid,
    ReferralPersonMissing,
    ReferralTransitionRefused,
)
from samenbieb.programmes.models import (
    Activity,
    ActivityPartner,
    ActivityStatus,
    Partner,
    PartnerAccount,
    PartnerContact,
    PartnerKind,
    PartnerRole,
    Referral,
    ReferralDirection,
    ReferralStatus,
    Theme,
    Topic,
)
from samenbieb.programmes.phone import phone_normalise

# The consent text a person agrees to before a referral, and its version, stored on every
# referral. A new wording gets a new version, so the record shows what was agreed to.
REFERRAL_CONSENT_TEXT_VERSION = "2026-1"
REFERRAL_CONSENT_TEXT = gettext_lazy(
    "The person agrees that we pass on their name and phone number (or library card), and "
    "what they need help with, so that they can be helped. These details are erased after "
    "the referral is closed."
)

# What partners manage in the library: the social map, partner roles, referrals.
MANAGE = Capability.PROGRAMMES_MANAGE
# Desk staff refer people to a partner (an outgoing referral) from the social map.
REFER = Capability.PROGRAMMES_REGISTER

LIBRARY = "library"
PARTNER = "partner"


@dataclass(frozen=True)
class Transition:
    direction: str
    source: str
    target: str
    sides: frozenset[str]


_S, _A, _H, _C = (
    ReferralStatus.SENT,
    ReferralStatus.ACCEPTED,
    ReferralStatus.HELPED,
    ReferralStatus.CLOSED,
)
_IN, _OUT = ReferralDirection.INCOMING, ReferralDirection.OUTGOING
_BOTH = frozenset({LIBRARY, PARTNER})
_LIB = frozenset({LIBRARY})

# The referral lifecycle. The side that receives a referral accepts it and records that the
# person was helped; the library may also record that for a partner without a login (a
# phone call). Either side closes, a partner only its own incoming referral before the
# library accepted it (withdrawn). Closed is final.
TRANSITIONS: tuple[Transition, ...] = (
    Transition(_IN, _S, _A, _LIB),
    Transition(_IN, _A, _H, _LIB),
    Transition(_IN, _S, _C, _BOTH),
    Transition(_IN, _A, _C, _LIB),
    Transition(_IN, _H, _C, _LIB),
    Transition(_OUT, _S, _A, _BOTH),
    Transition(_OUT, _A, _H, _BOTH),
    Transition(_OUT, _S, _C, _BOTH),
    Transition(_OUT, _A, _C, _BOTH),
    Transition(_OUT, _H, _C, _BOTH),
)


def referral_next_statuses(referral: Referral, side: str) -> list[str]:
    """The statuses ``side`` ("library" or "partner") may move ``referral`` to now."""
    return [
        t.target
        for t in TRANSITIONS
        if t.direction == referral.direction and t.source == referral.status and side in t.sides
    ]


# --- helpers ---------------------------------------------------------------------------------


def _require(actor: StaffUser | None, organisation_id: int, capability: str) -> None:
    """``actor`` None is the system (demo loader, jobs)."""
    if actor is not None:
        tenancy.require(actor, organisation_id, capability)


def _short(value: str, limit: int, field: str) -> str:
    value = " ".join(value.split())
    if len(value) > limit:
        raise ReferralDataInvalid(
            _("Keep it short: at most %(limit)s characters.") % {"limit": limit}, field=field
        )
    return value


def _phone(value: str) -> str:
    """Stored as the activities store it, so a registration takes it as it is."""
    if not value.strip():
        return ""
    try:
        return phone_normalise(value)
    except (ProgrammeError, ValidationError) as error:
        # One refusal type for the doors, whichever way the phone module reports it.
        message = getattr(error, "message", None) or " ".join(getattr(error, "messages", []))
        raise ReferralDataInvalid(message, field="phone") from None


def _partner_usable(partner: Partner, organisation_id: int) -> None:
    if partner.organisation_id != organisation_id:
        raise PartnerNotOfLibrary
    if not partner.is_active:
        raise PartnerInactive


def _who(
    *, name: str, phone: str, card: str, person: Person | None
) -> tuple[str, str, Person | None]:
    """The minimal details of the person referred: a name, and a phone number or a card."""
    name = _short(name, 150, "name")
    phone = _phone(phone)
    if person is None and card.strip():
        person = person_for_card(card)
        if person is None:
            raise ReferralCardUnknown
    if not name or (not phone and person is None):
        raise ReferralPersonMissing
    return name, phone, person


def _consent(consent_given: bool, consent_text_version: str) -> str:
    if not consent_given or not consent_text_version.strip():
        raise ReferralConsentMissing
    return _short(consent_text_version, 20, "consent_given")


def _audit(actor: Any, event: str, obj: Any, organisation_id: int, /, **details: Any) -> None:
    audit_record(
        actor=actor, event_type=event, organisation_id=organisation_id, target=obj, details=details
    )


# --- partners, contacts, roles per activity ------------------------------------------------


@transaction.atomic
def partner_create(
    *,
    actor: StaffUser | None,
    organisation: Organisation,
    name: str,
    kind: str,
    themes: Iterable[Theme] = (),
    phone: str = "",
    email: str = "",
    website: str = "",
) -> Partner:
    """Put a partner organisation on the library's social map."""
    _require(actor, organisation.pk, MANAGE)
    if kind not in PartnerKind.values:
        raise ReferralDataInvalid(_("Choose what kind of organisation this is."), field="kind")
    partner = Partner(
        organisation=organisation,
        name=name.strip(),
        kind=kind,
        phone=phone.strip(),
        email=email.strip(),
        website=website.strip(),
    )
    partner.full_clean()
    partner.save()
    partner.themes.set(list(themes))
    _audit(actor, "programmes.partner.created", partner, organisation.pk, kind=kind)
    return partner


_PARTNER_FIELDS = ("name", "kind", "phone", "email", "website", "is_active")


@transaction.atomic
def partner_update(
    *,
    actor: StaffUser | None,
    partner: Partner,
    themes: Iterable[Theme] | None = None,
    **changes: Any,
) -> Partner:
    """Change a partner's details (name, kind, phone, e-mail, website, active, themes)."""
    _require(actor, partner.organisation_id, MANAGE)
    unknown = set(changes) - set(_PARTNER_FIELDS)
    if unknown:
        raise TypeError(f"partner_update() got unexpected fields {sorted(unknown)}")
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    changed = []
    for field, value in changes.items():
        value = value.strip() if isinstance(value, str) else value
        if getattr(partner, field) != value:
            setattr(partner, field, value)
            changed.append(field)
    partner.full_clean()
    partner.save()
    if themes is not None:
        partner.themes.set(list(themes))
        changed.append("themes")
    _audit(actor, "programmes.partner.changed", partner, partner.organisation_id, fields=changed)
    return partner


@transaction.atomic
def partner_contact_add(
    *,
    actor: StaffUser | None,
    partner: Partner,
    name: str,
    role: str = "",
    phone: str = "",
    email: str = "",
) -> PartnerContact:
    """Add a contact person of a partner (for library staff: whom to call)."""
    _require(actor, partner.organisation_id, MANAGE)
    contact = PartnerContact(
        partner=partner, name=name.strip(), role=role.strip(), phone=phone.strip(), email=email
    )
    contact.full_clean()
    contact.save()
    _audit(actor, "programmes.partner_contact.added", contact, partner.organisation_id)
    return contact


@transaction.atomic
def activity_partner_set(
    *, actor: StaffUser | None, activity: Activity, partner: Partner, roles: Iterable[str]
) -> list[ActivityPartner]:
    """Set what ``partner`` does for ``activity`` (refers, co-designs, teaches, speaks);
    no roles removes the partner from the activity."""
    _require(actor, activity.organisation_id, MANAGE)
    if partner.organisation_id != activity.organisation_id:
        raise PartnerNotOfLibrary
    wanted = set(roles)
    if not wanted <= set(PartnerRole.values):
        raise ReferralDataInvalid(_("Unknown role of a partner."), field="roles")
    current = ActivityPartner.objects.filter(activity=activity, partner=partner)
    current.exclude(role__in=wanted).delete()
    have = set(current.values_list("role", flat=True))
    for role in sorted(wanted - have):
        ActivityPartner.objects.create(activity=activity, partner=partner, role=role)
    _audit(
        actor,
        "programmes.activity_partner.set",
        activity,
        activity.organisation_id,
        partner=partner.pk,
        roles=sorted(wanted),
    )
    return list(ActivityPartner.objects.filter(activity=activity, partner=partner))


@transaction.atomic
def partner_account_create(
    *,
    actor: StaffUser | None,
    partner: Partner,
    username: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
) -> PartnerAccount:
    """A login for a partner's staff member: a staff account with no library role, which
    sees only its partner's referrals. It links an authenticator app at its first login,
    like every staff account. Only who manages the library's staff may make one."""
    _require(actor, partner.organisation_id, Capability.STAFF_MANAGE)
    if StaffUser.objects.filter(username__iexact=username.strip()).exists():
        raise PartnerAccountUsernameTaken
    user = network_services.staff_user_create(
        actor=actor,
        username=username.strip(),
        password=password,
        first_name=first_name,
        last_name=last_name,
        email=email,
    )
    account = PartnerAccount.objects.create(user=user, partner=partner)
    _audit(
        actor,
        "programmes.partner_account.created",
        account,
        partner.organisation_id,
        partner=partner.pk,
        user=user.pk,
    )
    return account


# --- referrals -------------------------------------------------------------------------------


@transaction.atomic
def referral_create_incoming(
    *,
    actor: StaffUser,
    activity: Activity,
    name: str,
    consent_given: bool,
    consent_text_version: str,
    partner: Partner | None = None,
    phone: str = "",
    card: str = "",
    topic: Topic | None = None,
    note: str = "",
    now: dt.datetime | None = None,
) -> Referral:
    """A partner refers a person to a library activity (sent by the partner's own login, or
    typed in by library staff for a partner, e.g. after a phone call)."""
    now = now or timezone.now()
    own_partner = partner_access.partner_of(actor)
    if own_partner is not None:
        # A partner's login refers for its own organisation only, whatever it was passed.
        partner = own_partner
        if not partner_access.activities_open_to_partner(actor).filter(pk=activity.pk).exists():
            raise ReferralActivityNotOpen
    else:
        if partner_access.is_partner_account(actor):
            raise NotPermitted(_("Your partner account is no longer active."))
        tenancy.require(actor, activity.organisation_id, MANAGE)
        if partner is None:
            raise ReferralDataInvalid(_("Choose the partner who refers."), field="partner")
        if activity.status != ActivityStatus.PUBLISHED:
            raise ReferralActivityNotOpen
    _partner_usable(partner, activity.organisation_id)
    version = _consent(consent_given, consent_text_version)
    name, phone, person = _who(name=name, phone=phone, card=card, person=None)
    referral = Referral.objects.create(
        organisation_id=activity.organisation_id,
        direction=ReferralDirection.INCOMING,
        partner=partner,
        activity=activity,
        person=person,
        name=name,
        phone=phone,
        topic=topic,
        note=_short(note, 300, "note"),
        consent_given_at=now,
        consent_text_version=version,
        status=ReferralStatus.SENT,
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    _audit(
        actor,
        "programmes.referral.received",
        referral,
        referral.organisation_id,
        partner=partner.pk,
        activity=activity.pk,
        by_partner=own_partner is not None,
    )
    return referral


@transaction.atomic
def referral_create_outgoing(
    *,
    actor: StaffUser,
    partner: Partner,
    name: str,
    consent_given: bool,
    consent_text_version: str,
    phone: str = "",
    person: Person | None = None,
    card: str = "",
    topic: Topic | None = None,
    note: str = "",
    now: dt.datetime | None = None,
) -> Referral:
    """The library refers a person to a partner from its social map."""
    now = now or timezone.now()
    tenancy.require(actor, partner.organisation_id, REFER)
    _partner_usable(partner, partner.organisation_id)
    version = _consent(consent_given, consent_text_version)
    name, phone, person = _who(name=name, phone=phone, card=card, person=person)
    referral = Referral.objects.create(
        organisation_id=partner.organisation_id,
        direction=ReferralDirection.OUTGOING,
        partner=partner,
        person=person,
        name=name,
        phone=phone,
        topic=topic,
        note=_short(note, 300, "note"),
        consent_given_at=now,
        consent_text_version=version,
        status=ReferralStatus.SENT,
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    _audit(
        actor,
        "programmes.referral.sent",
        referral,
        referral.organisation_id,
        partner=partner.pk,
        topic=topic.code if topic is not None else "",
    )
    return referral


def _side(actor: StaffUser | None, referral: Referral) -> str:
    """Which side ``actor`` acts for; refuses anyone outside both."""
    if actor is None:
        return LIBRARY
    own_partner = partner_access.partner_of(actor)
    if own_partner is not None:
        if own_partner.pk != referral.partner_id:
            raise NotPermitted(_("You may not change this referral."))
        return PARTNER
    if partner_access.is_partner_account(actor):
        raise NotPermitted(_("Your partner account is no longer active."))
    tenancy.require(actor, referral.organisation_id, MANAGE)
    return LIBRARY


@transaction.atomic
def referral_status_set(
    *,
    actor: StaffUser | None,
    referral: Referral,
    status: str,
    now: dt.datetime | None = None,
    register: bool = False,
) -> Referral:
    """Move a referral to ``status`` by the state table.

    ``register`` (the library accepting an incoming referral): also register the person
    for the referred activity, and link that registration to the referral.
    """
    now = now or timezone.now()
    side = _side(actor, referral)
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if status not in referral_next_statuses(referral, side):
        raise ReferralTransitionRefused
    if register and not (
        side == LIBRARY
        and referral.direction == ReferralDirection.INCOMING
        and status == ReferralStatus.ACCEPTED
    ):
        raise ReferralTransitionRefused(
            _("Only the library registers a referred person, when it accepts the referral.")
        )
    previous = referral.status
    if register:
        referral.registration = _register(actor=actor, referral=referral, now=now)
    referral.status = status
    referral.updated_at = now
    referral.save(update_fields=["status", "updated_at", "registration"])
    _audit(
        actor,
        "programmes.referral.status_changed",
        referral,
        referral.organisation_id,
        source=previous,
        target=status,
        side=side,
        registration=referral.registration_id,
    )
    return referral


def _register(*, actor: StaffUser | None, referral: Referral, now: dt.datetime) -> Any:
    """Register the referred person for the activity through the activities service."""
    from samenbieb.programmes.services.activities import registration_create

    # Incoming referrals always name an activity (a database constraint).
    activity = cast(Activity, referral.activity)
    return registration_create(
        actor=actor,
        activity=activity,
        person=referral.person,
        name="" if referral.person is not None else referral.name,
        phone="" if referral.person is not None else referral.phone,
        via="referral",
        now=now,
    )


def referral_retention_days() -> int:
    """Days a closed referral keeps the person's details (``SAMENBIEB_REFERRAL_RETENTION_DAYS``)."""
    return int(str(settings.SAMENBIEB.get("REFERRAL_RETENTION_DAYS", 30)))


@transaction.atomic
def referrals_anonymise_closed(*, now: dt.datetime | None = None) -> int:
    """Periodic: erase name, phone, note and member link of referrals closed more than the
    retention period ago; what remains (partner, activity, topic, dates, status) counts
    for the library's figures. Returns how many referrals were anonymised."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=referral_retention_days())
    # Closed is final, so the last change of a closed referral is the moment it closed.
    due = Referral.objects.select_for_update().filter(
        status=ReferralStatus.CLOSED, updated_at__lte=cutoff, anonymised_at__isnull=True
    )
    per_organisation: dict[int, int] = {}
    for organisation_id in due.values_list("organisation_id", flat=True):
        per_organisation[organisation_id] = per_organisation.get(organisation_id, 0) + 1
    count = due.update(name="", phone="", note="", person=None, anonymised_at=now)
    for organisation_id, n in sorted(per_organisation.items()):
        audit_record(
            actor=None,
            event_type="programmes.referral.anonymised",
            organisation_id=organisation_id,
            details={"count": n, "closed_before": cutoff.isoformat()},
        )
    return count
