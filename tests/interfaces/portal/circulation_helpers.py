"""Copies, members, loans and holds for the portal's circulation tests, made through the
circulation services as the desk would."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from samenbieb.circulation import services
from samenbieb.circulation.models import Hold, Loan
from samenbieb.members.models import Person
from samenbieb.network.models import Branch
from tests.factories import ItemFactory, MembershipFactory, PersonFactory, RecordFactory


def copy_at(branch: Branch, record=None, **fields):
    """A copy on the shelf of ``branch``, of ``record`` or of a new title."""
    return ItemFactory(
        record=record or RecordFactory(),
        organisation=branch.organisation,
        home_branch=branch,
        current_branch=branch,
        **fields,
    )


def member(**fields) -> Person:
    """Another member (no portal password) with a membership that covers the coming weeks."""
    person = PersonFactory(**fields)
    today = timezone.localdate()
    MembershipFactory(
        person=person,
        starts_on=today - dt.timedelta(days=60),
        ends_on=today + dt.timedelta(days=60),
    )
    return person


def lend_copy(person: Person, item, *, branch: Branch | None = None, now=None) -> Loan:
    return services.loan_checkout(
        actor=None,
        branch=branch or item.current_branch,
        person=person,
        barcode=item.barcode,
        now=now,
    )


def lend(person: Person, branch: Branch, record=None, *, now: dt.datetime | None = None) -> Loan:
    """``person`` borrows a new copy (of ``record`` or of a new title) at ``branch``."""
    return lend_copy(person, copy_at(branch, record), branch=branch, now=now)


def reserve(person: Person, record, branch: Branch, **kwargs) -> Hold:
    return services.hold_place(
        actor=None, person=person, record=record, pickup_branch=branch, **kwargs
    )
