"""State changes of members: registration, memberships, consents, guardians.

Every door (desk, portal, API, jobs, the demo) calls these. ``actor`` is the staff user
acting, or ``None`` for the system itself or a member acting for themselves online
(the portal has already established who they are); permissions are checked for staff
only. Audit details hold ids, never personal data. Cards live in
:mod:`samenbieb.members.cards`, default plans in :mod:`samenbieb.members.plans`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Literal

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samenbieb.circulation.models import ChargeKind
from samenbieb.circulation.services.charges import charge_add
from samenbieb.core.audit import audit_record
from samenbieb.members.cards import card_issue, card_number_normalise
from samenbieb.members.dates import add_months, age_on
from samenbieb.members.errors import (
    AgeOutsidePlan,
    DuplicateEmail,
    GuardianRequired,
    InvalidCardNumber,
    InvalidConsent,
    InvalidGuardian,
    InvalidPerson,
    MembershipNotRenewable,
    MembershipOverlaps,
    PlanNotOffered,
    PossibleDuplicate,
)
from samenbieb.members.identity import identity_key
from samenbieb.members.models import (
    Consent,
    ConsentKind,
    GuardianLink,
    Language,
    Membership,
    MembershipPlan,
    Person,
)
from samenbieb.network import tenancy
from samenbieb.network.models import Organisation, StaffUser
from samenbieb.network.roles import Capability
from samenbieb.network.validators import normalise_postcode

ADULT_AGE = 18
# Under 16 a child cannot consent to data processing alone (UAVG art. 5), so a child that
# young registers at the desk, with a parent or guardian, not online on their own.
SELF_REGISTRATION_AGE = 16
CONSENT_TEXT_VERSION = "2026-1"
# The texts a member agrees to, version CONSENT_TEXT_VERSION. Change a text → new version.
CONSENT_TEXTS = {
    ConsentKind.LOAN_HISTORY: gettext_lazy(
        "The library keeps a list of what I borrowed, so I can look it up later. "
        "Without this, a loan is unlinked from me once I return it."
    ),
    ConsentKind.NEWS: gettext_lazy(
        "The library may e-mail me news about activities and new books, at most once a "
        "month. I can stop this at any time."
    ),
}
Via = Literal["desk", "portal"]


def _require(actor: StaffUser | None, organisation_id: int | None) -> None:
    if actor is not None:
        tenancy.require(actor, organisation_id, Capability.MEMBERS_MANAGE)


def _email_taken(email: str, *, exclude_pk: int | None = None) -> bool:
    others = Person.objects.alias(email_lower=Lower("email")).filter(email_lower=email.lower())
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    return others.exists()


@transaction.atomic
def person_register(
    *,
    actor: StaffUser | None,
    organisation: Organisation,
    given_name: str,
    family_name: str,
    birth_date: dt.date,
    name_prefix: str = "",
    street: str = "",
    house_number: str = "",
    postcode: str = "",
    city: str = "",
    email: str = "",
    phone: str = "",
    preferred_language: str = Language.DUTCH,
    card_barcode: str | None = None,
    plan: MembershipPlan | None = None,
    password: str | None = None,
    consents: Mapping[str, bool] | None = None,
    consent_text_version: str = CONSENT_TEXT_VERSION,
    via: Via = "desk",
    guardian: Person | None = None,
    allow_duplicate: bool = False,
    today: dt.date | None = None,
) -> Person:
    """Register a new member of ``organisation``: all of it (card, membership, consents,
    guardian, password) or, on any refusal, nothing at all."""
    _require(actor, organisation.pk)
    today = today or timezone.localdate()
    postcode = normalise_postcode(postcode) if postcode.strip() else ""
    person = Person(
        given_name=given_name.strip(),
        name_prefix=name_prefix.strip(),
        family_name=family_name.strip(),
        birth_date=birth_date,
        street=street.strip(),
        house_number=house_number.strip(),
        postcode=postcode,
        city=city.strip(),
        email=email.strip(),
        phone=phone.strip(),
        preferred_language=preferred_language,
        home_organisation=organisation,
    )
    person.identity_key = identity_key(
        given_name=person.given_name,
        name_prefix=person.name_prefix,
        family_name=person.family_name,
        birth_date=birth_date,
        postcode=postcode,
    )
    errors: dict[str, list[str]] = {}
    try:
        person.full_clean(validate_constraints=False)
    except ValidationError as error:
        errors.update(error.message_dict)
    if birth_date > today:
        errors.setdefault("birth_date", []).append(_("The date of birth cannot be in the future."))
    if password is not None:
        try:
            validate_password(password)
        except ValidationError as error:
            errors["password"] = list(error.messages)
    if card_barcode is not None:
        # Format first, with the other field errors; "taken" is checked by card_issue.
        try:
            card_number_normalise(card_barcode)
        except InvalidCardNumber as error:
            errors["card_barcode"] = [str(error.message)]
    if errors:
        raise InvalidPerson(errors)
    if person.email and _email_taken(person.email):
        raise DuplicateEmail()
    if via == "portal" and guardian is None and age_on(birth_date, today) < SELF_REGISTRATION_AGE:
        raise GuardianRequired()
    if not allow_duplicate:
        existing = (
            Person.objects.filter(identity_key=person.identity_key)
            .values_list("pk", flat=True)
            .first()
        )
        if existing is not None:
            raise PossibleDuplicate(existing)
    if password is not None:
        person.set_password(password)
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        # The only unique rule on a person: a concurrent registration took the address.
        if person.email and _email_taken(person.email):
            raise DuplicateEmail() from None
        raise
    audit_record(
        actor=actor,
        event_type="members.person.registered",
        organisation_id=organisation.pk,
        target=person,
        details={"via": via, "allow_duplicate": allow_duplicate},
        # Online the new member registered themselves (as with their consents below).
        member=person if actor is None and via == "portal" else None,
    )
    if guardian is not None:
        guardian_link(actor=actor, child=person, guardian=guardian, today=today)
    if card_barcode is not None:
        card_issue(actor=actor, person=person, barcode=card_barcode, organisation=organisation)
    if plan is not None:
        if plan.organisation_id != organisation.pk:
            raise PlanNotOffered()
        membership_start(actor=actor, person=person, plan=plan, starts_on=today)
    for kind, given in (consents or {}).items():
        consent_record(
            actor=actor,
            person=person,
            kind=kind,
            given=given,
            text_version=consent_text_version,
            via=via,
        )
    return person


def _check_age(person: Person, plan: MembershipPlan, day: dt.date) -> None:
    age = age_on(person.birth_date, day)
    if age < plan.min_age or (plan.max_age is not None and age > plan.max_age):
        if plan.max_age is None:
            rule = _("from %(min)s years") % {"min": plan.min_age}
        else:
            rule = _("from %(min)s to %(max)s years") % {"min": plan.min_age, "max": plan.max_age}
        raise AgeOutsidePlan(
            _(
                "The plan “%(plan)s” is for ages %(rule)s; on %(day)s this member is "
                "%(age)s. Choose another plan."
            )
            % {"plan": plan.name, "rule": rule, "day": f"{day:%d-%m-%Y}", "age": age}
        )


def _membership_create(
    *,
    actor: StaffUser | None,
    person: Person,
    plan: MembershipPlan,
    starts_on: dt.date,
    event_type: str,
) -> Membership:
    if not plan.is_active:
        raise PlanNotOffered()
    _check_age(person, plan, starts_on)
    ends_on = add_months(starts_on, plan.period_months) - dt.timedelta(days=1)
    overlapping = Membership.objects.filter(
        person=person,
        organisation_id=plan.organisation_id,
        cancelled_at__isnull=True,
        starts_on__lte=ends_on,
        ends_on__gte=starts_on,
    )
    if overlapping.exists():
        raise MembershipOverlaps()
    membership = Membership.objects.create(
        person=person,
        plan=plan,
        organisation_id=plan.organisation_id,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    charge = None
    if plan.price > 0:
        charge = charge_add(
            actor=actor,
            person=person,
            organisation=plan.organisation,
            kind=ChargeKind.MEMBERSHIP_FEE,
            amount=plan.price,
            description=_("Membership %(plan)s, %(start)s to %(end)s")
            % {"plan": plan.name, "start": f"{starts_on:%d-%m-%Y}", "end": f"{ends_on:%d-%m-%Y}"},
        )
    audit_record(
        actor=actor,
        event_type=event_type,
        organisation_id=plan.organisation_id,
        target=membership,
        details={
            "person": person.pk,
            "plan": plan.pk,
            "charge": charge.pk if charge is not None else None,
        },
    )
    return membership


@transaction.atomic
def membership_start(
    *, actor: StaffUser | None, person: Person, plan: MembershipPlan, starts_on: dt.date
) -> Membership:
    """Make ``person`` a member of the plan's library for one period; a price becomes a charge."""
    _require(actor, plan.organisation_id)
    return _membership_create(
        actor=actor,
        person=person,
        plan=plan,
        starts_on=starts_on,
        event_type="members.membership.started",
    )


@transaction.atomic
def membership_renew(
    *, actor: StaffUser | None, membership: Membership, today: dt.date
) -> Membership:
    """The next period of ``membership``: from the day after it ends, or from ``today`` if
    it has lapsed. The age limits are checked again (a child may have turned 18)."""
    _require(actor, membership.organisation_id)
    if membership.cancelled_at is not None:
        raise MembershipNotRenewable(_("A cancelled membership cannot be renewed."))
    later = Membership.objects.filter(
        person_id=membership.person_id,
        organisation_id=membership.organisation_id,
        cancelled_at__isnull=True,
        ends_on__gt=membership.ends_on,
    )
    if later.exists():
        raise MembershipNotRenewable(_("This membership has already been renewed."))
    starts_on = max(membership.ends_on + dt.timedelta(days=1), today)
    return _membership_create(
        actor=actor,
        person=membership.person,
        plan=membership.plan,
        starts_on=starts_on,
        event_type="members.membership.renewed",
    )


@transaction.atomic
def membership_cancel(*, actor: StaffUser | None, membership: Membership) -> Membership:
    """End ``membership`` now; it is kept, marked cancelled, for the member's history.

    Charges are left as they are: whether a fee is refunded is the library's decision.
    """
    _require(actor, membership.organisation_id)
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    if locked.cancelled_at is None:
        locked.cancelled_at = timezone.now()
        locked.save(update_fields=["cancelled_at"])
        audit_record(
            actor=actor,
            event_type="members.membership.cancelled",
            organisation_id=locked.organisation_id,
            target=locked,
            details={"person": locked.person_id},
        )
    membership.cancelled_at = locked.cancelled_at
    return locked


@transaction.atomic
def consent_record(
    *,
    actor: StaffUser | None,
    person: Person,
    kind: ConsentKind | str,
    given: bool,
    text_version: str,
    via: str,
) -> Consent:
    """Record a choice with the version of the text the member saw; earlier ones are kept."""
    _require(actor, person.home_organisation_id)
    if kind not in ConsentKind.values:
        raise InvalidConsent(_("Unknown kind of consent: %(kind)s.") % {"kind": kind})
    if not text_version.strip() or not via.strip():
        raise InvalidConsent(_("A consent needs the version of its text and where it was given."))
    consent = Consent.objects.create(
        person=person,
        kind=str(kind),
        given=bool(given),
        text_version=text_version.strip()[:20],
        recorded_via=via.strip()[:20],
    )
    audit_record(
        actor=actor,
        event_type="members.consent.recorded",
        organisation_id=person.home_organisation_id,
        target=consent,
        details={"person": person.pk},
        # In the portal the member chose themselves: recorded as the member, by id only.
        member=person if actor is None and via == "portal" else None,
    )
    return consent


@transaction.atomic
def guardian_link(
    *, actor: StaffUser | None, child: Person, guardian: Person, today: dt.date | None = None
) -> GuardianLink:
    """Let ``guardian`` (an adult) manage the account of ``child`` (under 18).

    The guardian may be a member of any library: the identity is the network's.
    """
    _require(actor, child.home_organisation_id)
    today = today or timezone.localdate()
    if guardian.pk == child.pk:
        raise InvalidGuardian(_("A member cannot be their own guardian."))
    if not guardian.is_active:
        raise InvalidGuardian(_("This guardian's account is no longer active."))
    if age_on(guardian.birth_date, today) < ADULT_AGE:
        raise InvalidGuardian(_("A parent or guardian must be 18 or older."))
    if age_on(child.birth_date, today) >= ADULT_AGE:
        raise InvalidGuardian(_("Only a child under 18 can have a parent or guardian linked."))
    if GuardianLink.objects.filter(child=guardian, guardian=child).exists():
        raise InvalidGuardian(_("These two members cannot be each other's guardian."))
    link, created = GuardianLink.objects.get_or_create(child=child, guardian=guardian)
    if created:
        audit_record(
            actor=actor,
            event_type="members.guardian.linked",
            organisation_id=child.home_organisation_id,
            target=link,
            details={"child": child.pk, "guardian": guardian.pk},
        )
    return link
