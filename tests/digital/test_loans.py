"""Digital loans end early on the member's word or by themselves, and then forget the member."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from samenbieb.core.models import AuditEvent
from samenbieb.digital import queries, services
from samenbieb.digital.errors import LoanNotActive
from samenbieb.digital.models import DigitalLoan
from tests.factories import ConsentFactory, DigitalLoanFactory, DigitalResourceFactory

pytestmark = pytest.mark.django_db


def _borrow(person, resource=None, **kwargs):
    resource = resource or DigitalResourceFactory()
    return services.digital_access_grant(
        actor=None, person=person, resource=resource, borrow=True, **kwargs
    ).loan


def test_returning_early_frees_the_copy_and_unlinks_the_member(member):
    loan = _borrow(member)
    services.digital_loan_return(actor=None, person=member, loan_id=loan.pk)
    loan.refresh_from_db()
    assert loan.returned_at is not None
    assert loan.returned_at < loan.ends
    assert loan.person is None
    assert loan.organisation == member.home_organisation  # still counted for the library
    assert not queries.loans_in_use(loan.resource, timezone.now()).exists()
    assert AuditEvent.objects.filter(
        event_type="digital.loan.returned", object_id=str(loan.pk)
    ).exists()


def test_a_member_who_keeps_a_loan_history_keeps_the_returned_loan(member):
    ConsentFactory(person=member, kind="loan_history", given=True)
    loan = _borrow(member)
    services.digital_loan_return(actor=None, person=member, loan_id=loan.pk)
    loan.refresh_from_db()
    assert loan.person == member
    assert queries.digital_loans_active(member, timezone.now()) == []


def test_a_later_no_to_loan_history_counts_not_the_earlier_yes(member):
    ConsentFactory(person=member, kind="loan_history", given=True)
    ConsentFactory(person=member, kind="loan_history", given=False)
    loan = _borrow(member)
    services.digital_loan_return(actor=None, person=member, loan_id=loan.pk)
    loan.refresh_from_db()
    assert loan.person is None


def test_a_member_cannot_return_someone_elses_loan(member_factory):
    owner, other = member_factory(), member_factory()
    loan = _borrow(owner)
    with pytest.raises(LoanNotActive):
        services.digital_loan_return(actor=None, person=other, loan_id=loan.pk)
    loan.refresh_from_db()
    assert loan.returned_at is None


def test_a_loan_cannot_be_returned_twice_or_after_it_ran_out(member):
    returned = _borrow(member)
    services.digital_loan_return(actor=None, person=member, loan_id=returned.pk)
    with pytest.raises(LoanNotActive):
        services.digital_loan_return(actor=None, person=member, loan_id=returned.pk)
    ran_out = _borrow(member)
    with pytest.raises(LoanNotActive):
        services.digital_loan_return(
            actor=None, person=member, loan_id=ran_out.pk, now=ran_out.ends
        )


def test_my_active_loans_leave_out_returned_and_ran_out_ones_and_list_the_first_end_first(
    member,
):
    now = timezone.now()
    soon = DigitalLoanFactory(person=member, started=now - dt.timedelta(days=20))
    later = DigitalLoanFactory(person=member, started=now - dt.timedelta(days=2))
    DigitalLoanFactory(person=member, started=now - dt.timedelta(days=30))  # ran out
    DigitalLoanFactory(person=member, returned_at=now)
    DigitalLoanFactory()  # someone else's
    assert queries.digital_loans_active(member, now) == [soon, later]


def test_the_periodic_job_closes_loans_that_ran_out_and_unlinks_their_members(member):
    now = timezone.now()
    ran_out = DigitalLoanFactory(person=member, started=now - dt.timedelta(days=22))
    running = DigitalLoanFactory(person=member, started=now - dt.timedelta(days=1))
    assert services.digital_loans_close_expired(actor=None, now=now) == 1
    ran_out.refresh_from_db()
    running.refresh_from_db()
    assert (ran_out.returned_at, ran_out.person) == (ran_out.ends, None)
    assert (running.returned_at, running.person) == (None, member)
    assert AuditEvent.objects.filter(event_type="digital.loan.expired").count() == 1


def test_erasing_a_member_ends_their_loans_and_unlinks_every_one(member):
    ConsentFactory(person=member, kind="loan_history", given=True)
    running = _borrow(member)
    kept = _borrow(member)
    services.digital_loan_return(actor=None, person=member, loan_id=kept.pk)
    assert services.digital_loans_anonymise(actor=None, person=member) == 2
    assert not DigitalLoan.objects.filter(person=member).exists()
    running.refresh_from_db()
    assert running.returned_at is not None
    assert queries.digital_loans_export(member) == []


def test_a_data_access_request_lists_the_members_loans_without_provider_addresses(member):
    loan = _borrow(member)
    [row] = queries.digital_loans_export(member)
    assert row["title"] == str(loan.resource.record)
    assert row["returned_at"] is None
    assert loan.resource.access_url not in str(row)
