"""State changes of digital access: opening a resource, digital loans and their end.

``actor`` is the staff user acting, or ``None`` for the system itself (a job) or for a
member acting for themselves online (the portal has established who they are), who is
then passed as ``member`` so the audit trail names them as the actor; permissions are
checked for staff only. Audit details hold ids, never personal data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from samenbieb.catalog.models import DigitalResource, Licence, Record
from samenbieb.core.audit import audit_record
from samenbieb.core.errors import NotPermitted
from samenbieb.digital import queries
from samenbieb.digital.errors import (
    AllCopiesInUse,
    InvalidDigitalResource,
    LoanNotActive,
    LoanNotConfirmed,
    MembershipRequired,
    ResourceUnavailable,
)
from samenbieb.digital.models import DigitalLoan
from samenbieb.members import queries as members_queries
from samenbieb.members.models import ConsentKind, Membership, Person
from samenbieb.network import tenancy
from samenbieb.network.models import StaffUser
from samenbieb.network.roles import Capability

DIGITAL_LOAN_PERIOD = dt.timedelta(days=21)
"""How long a digital loan of a "one copy, one user" licence runs: three weeks, the usual
loan period of a printed book. Providers sell such licences as one copy that one member
uses at a time, so the loan must end by itself; the member can return it earlier."""


@dataclass(frozen=True)
class NewDigitalResource:
    record: Record
    kind: str
    licence: str
    access_url: str
    copies: int | None = None
    provider: str = ""


@transaction.atomic
def digital_resources_add(
    *, actor: StaffUser | None, resources: Sequence[NewDigitalResource]
) -> list[DigitalResource]:
    """Give records online access in bulk (the demo, imports from a provider's feed)."""
    if actor is not None and tenancy.staff_scope(actor, Capability.CATALOGUE_EDIT).is_empty:
        raise NotPermitted(_("You may not change the shared catalogue."))
    created = []
    for new in resources:
        resource = DigitalResource(
            record=new.record,
            kind=new.kind,
            licence=new.licence,
            copies=new.copies,
            provider=new.provider,
            access_url=new.access_url,
        )
        # Checked before the model's own check, so the message names the field.
        if resource.licence == Licence.ONE_COPY_ONE_USER and not resource.copies:
            raise InvalidDigitalResource(
                {"copies": [_("A one copy, one user licence needs a number of copies.")]}
            )
        try:
            resource.full_clean()
        except ValidationError as invalid:
            raise InvalidDigitalResource(invalid.message_dict) from None
        resource.save()
        created.append(resource)
        audit_record(
            actor=actor,
            event_type="digital.resource.added",
            organisation_id=None,
            target=resource,
            details={"record": new.record.pk, "kind": new.kind, "licence": new.licence},
        )
    return created


@dataclass(frozen=True)
class DigitalAccess:
    """Access granted: where to send the member, and the loan it runs on, if any."""

    access_url: str
    loan: DigitalLoan | None
    loan_started: bool


def _require(actor: StaffUser | None, organisation_id: int | None) -> None:
    if actor is not None:
        tenancy.require(actor, organisation_id, Capability.MEMBERS_MANAGE)


def _membership_for_access(person: Person, today: dt.date) -> Membership:
    membership = members_queries.membership_valid(person, today)
    if membership is not None:
        return membership
    memberships = members_queries.memberships_of(person).filter(cancelled_at__isnull=True)
    coming = memberships.filter(starts_on__gt=today).aggregate(day=Min("starts_on"))["day"]
    if coming is not None:
        raise MembershipRequired(starts_on=coming)
    ended = memberships.filter(ends_on__lt=today).aggregate(day=Max("ends_on"))["day"]
    raise MembershipRequired(ended_on=ended)


def _keeps_history(person_ids: Iterable[int]) -> set[int]:
    """Those of ``person_ids`` whose latest choice is to keep a list of their loans."""
    keep = set()
    for person in Person.objects.filter(pk__in=set(person_ids)):
        consent = members_queries.current_consents(person).get(ConsentKind.LOAN_HISTORY)
        if consent is not None and consent.given:
            keep.add(person.pk)
    return keep


def _close(
    loans: list[DigitalLoan],
    *,
    actor: StaffUser | None,
    now: dt.datetime,
    member: Person | None = None,
) -> None:
    """End ``loans`` (at ``now``, or when they ran out) and unlink them from their member
    unless the member keeps a loan history (ARCHITECTURE.md, privacy by design)."""
    keep = _keeps_history(loan.person_id for loan in loans if loan.person_id is not None)
    for loan in loans:
        early = loan.ends > now
        loan.returned_at = now if early else loan.ends
        if loan.person_id not in keep:
            loan.person = None
        loan.save(update_fields=["returned_at", "person"])
        audit_record(
            actor=actor,
            event_type="digital.loan.returned" if early else "digital.loan.expired",
            organisation_id=loan.organisation_id,
            target=loan,
            details={"resource": loan.resource_id},
            member=member if actor is None else None,
        )


def _granted(
    *,
    actor: StaffUser | None,
    person: Person,
    resource: DigitalResource,
    organisation_id: int,
    loan: DigitalLoan | None,
    started: bool,
    member: Person | None,
) -> DigitalAccess:
    audit_record(
        actor=actor,
        event_type="digital.access.granted",
        organisation_id=organisation_id,
        target=resource,
        details={
            "resource": resource.pk,
            "person": person.pk,
            "licence": resource.licence,
            "loan": loan.pk if loan is not None else None,
        },
        member=member if actor is None else None,
    )
    return DigitalAccess(access_url=resource.access_url, loan=loan, loan_started=started)


@transaction.atomic
def digital_access_grant(
    *,
    actor: StaffUser | None,
    person: Person,
    resource: DigitalResource,
    borrow: bool,
    member: Person | None = None,
    now: dt.datetime | None = None,
) -> DigitalAccess:
    """Open ``resource`` for ``person``: a simultaneous-use licence at once; a one copy,
    one user licence on the member's running loan, or on a new loan of a free copy when
    ``borrow`` says the member agreed to start one.

    ``member``: the member who opens or borrows it themselves (the portal), audited as
    the actor. Raises ResourceUnavailable, MembershipRequired, AllCopiesInUse or
    LoanNotConfirmed.
    """
    _require(actor, person.home_organisation_id)
    now = now or timezone.now()
    # The resource row is the lock for its copies: two members cannot both count the last
    # copy as free (on SQLite the IMMEDIATE transaction serialises writers instead).
    locked = DigitalResource.objects.select_for_update().filter(pk=resource.pk).first()
    if locked is None or not locked.is_active or not _record_in_catalogue(locked):
        raise ResourceUnavailable()
    membership = _membership_for_access(person, timezone.localdate(now))
    if locked.licence == Licence.SIMULTANEOUS:
        return _granted(
            actor=actor,
            person=person,
            resource=locked,
            organisation_id=membership.organisation_id,
            loan=None,
            started=False,
            member=member,
        )
    if not locked.copies:
        # A one copy, one user licence without copies is a cataloguing slip: nothing to lend.
        raise ResourceUnavailable()
    running = queries.loan_active_for(person, locked, now)
    if running is not None:
        return _granted(
            actor=actor,
            person=person,
            resource=locked,
            organisation_id=running.organisation_id,
            loan=running,
            started=False,
            member=member,
        )
    in_use = queries.loans_in_use(locked, now)
    if in_use.count() >= locked.copies:
        free_at = in_use.aggregate(first=Min("ends"))["first"] or now
        raise AllCopiesInUse(free_at=free_at)
    ends = now + DIGITAL_LOAN_PERIOD
    if not borrow:
        raise LoanNotConfirmed(ends=ends)
    # Loans that ran out are closed first, so the member's old one makes way for the new.
    _close(
        list(DigitalLoan.objects.filter(resource=locked, returned_at__isnull=True, ends__lte=now)),
        actor=None,
        now=now,
    )
    loan = DigitalLoan.objects.create(
        resource=locked,
        person=person,
        organisation_id=membership.organisation_id,
        started=now,
        ends=ends,
    )
    audit_record(
        actor=actor,
        event_type="digital.loan.started",
        organisation_id=loan.organisation_id,
        target=loan,
        details={"resource": locked.pk, "person": person.pk},
        member=member if actor is None else None,
    )
    return _granted(
        actor=actor,
        person=person,
        resource=locked,
        organisation_id=loan.organisation_id,
        loan=loan,
        started=True,
        member=member,
    )


def _record_in_catalogue(resource: DigitalResource) -> bool:
    return resource.record.deleted_at is None


@transaction.atomic
def digital_loan_return(
    *,
    actor: StaffUser | None,
    person: Person,
    loan_id: int,
    member: Person | None = None,
    now: dt.datetime | None = None,
) -> DigitalLoan:
    """End the member's running loan ``loan_id`` now, so the copy is free for someone else;
    ``member``: the member who returns it themselves (the portal), audited as the actor."""
    now = now or timezone.now()
    loan = (
        DigitalLoan.objects.select_for_update()
        .filter(pk=loan_id, person=person, returned_at__isnull=True, ends__gt=now)
        .first()
    )
    if loan is None:
        raise LoanNotActive()
    _require(actor, loan.organisation_id)
    _close([loan], actor=actor, now=now, member=member)
    return loan


@transaction.atomic
def digital_loans_close_expired(*, actor: StaffUser | None, now: dt.datetime | None = None) -> int:
    """Close every loan that ran out (a periodic job); returns how many were closed.

    Running out frees the copy by itself; closing also unlinks the member (privacy).
    """
    now = now or timezone.now()
    loans = list(
        DigitalLoan.objects.select_for_update().filter(returned_at__isnull=True, ends__lte=now)
    )
    _close(loans, actor=actor, now=now)
    return len(loans)


@transaction.atomic
def digital_loans_anonymise(
    *, actor: StaffUser | None, person: Person, now: dt.datetime | None = None
) -> int:
    """Erase ``person`` from digital loans (AVG art. 17): end the running ones and unlink
    every loan, history included; returns how many loans were unlinked."""
    _require(actor, person.home_organisation_id)
    now = now or timezone.now()
    loans = list(DigitalLoan.objects.select_for_update().filter(person=person))
    for loan in loans:
        if loan.returned_at is None:
            loan.returned_at = min(now, loan.ends)
        loan.person = None
        loan.save(update_fields=["returned_at", "person"])
    if loans:
        audit_record(
            actor=actor,
            event_type="digital.loans.anonymised",
            organisation_id=person.home_organisation_id,
            target=person,
            details={"loans": len(loans)},
        )
    return len(loans)
