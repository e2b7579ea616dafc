"""Opening a digital resource: who may, and how "one copy, one user" licences are lent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from samenbieb.core.errors import NotPermitted
from samenbieb.core.models import AuditEvent
from samenbieb.digital import services
from samenbieb.digital.errors import (
    AllCopiesInUse,
    LoanNotConfirmed,
    MembershipRequired,
    ResourceUnavailable,
)
from samenbieb.digital.models import DigitalLoan
from samenbieb.network.roles import Role
from tests.factories import (
    DigitalResourceFactory,
    OrganisationFactory,
    PersonFactory,
    StaffRoleFactory,
)

pytestmark = pytest.mark.django_db


def _open(person, resource, *, borrow=True, now=None):
    return services.digital_access_grant(
        actor=None, person=person, resource=resource, borrow=borrow, now=now
    )


def test_a_simultaneous_licence_opens_for_many_members_at_once_without_loans(member_factory):
    resource = DigitalResourceFactory(licence="simultaneous", copies=None, kind="database")
    members = [member_factory() for _ in range(5)]
    for person in members:
        access = _open(person, resource, borrow=False)
        assert access.access_url == resource.access_url
        assert access.loan is None
    assert not DigitalLoan.objects.exists()
    granted = AuditEvent.objects.filter(event_type="digital.access.granted")
    assert sorted(event.details["person"] for event in granted) == sorted(p.pk for p in members)


def test_the_first_member_borrows_the_only_copy_for_the_loan_period(member):
    resource = DigitalResourceFactory(copies=1)
    now = timezone.now()
    access = _open(member, resource, now=now)
    assert access.loan_started
    assert access.access_url == resource.access_url
    loan = DigitalLoan.objects.get()
    assert (loan.resource, loan.person) == (resource, member)
    assert loan.organisation == member.home_organisation
    assert loan.started == now
    assert loan.ends == now + services.DIGITAL_LOAN_PERIOD
    assert dt.timedelta(days=21) == services.DIGITAL_LOAN_PERIOD


def test_a_second_member_is_refused_while_the_copy_is_out_and_told_when_it_is_free(member_factory):
    resource = DigitalResourceFactory(copies=1)
    first = _open(member_factory(), resource).loan
    with pytest.raises(AllCopiesInUse) as refusal:
        _open(member_factory(), resource)
    assert refusal.value.free_at == first.ends
    assert refusal.value.code == "all_copies_in_use"
    assert DigitalLoan.objects.count() == 1


def test_the_same_member_opens_their_running_loan_again_without_a_second_loan(member):
    resource = DigitalResourceFactory(copies=1)
    loan = _open(member, resource).loan
    again = _open(member, resource, borrow=False)
    assert again.loan == loan
    assert not again.loan_started
    assert DigitalLoan.objects.count() == 1


def test_a_new_loan_is_not_started_without_the_members_yes(member):
    resource = DigitalResourceFactory(copies=1)
    with pytest.raises(LoanNotConfirmed) as question:
        _open(member, resource, borrow=False)
    assert question.value.ends > timezone.now() + dt.timedelta(days=20)
    assert not DigitalLoan.objects.exists()
    assert not AuditEvent.objects.filter(event_type__startswith="digital.").exists()


def test_after_an_early_return_the_next_member_gets_the_copy(member_factory):
    resource = DigitalResourceFactory(copies=1)
    first = member_factory()
    loan = _open(first, resource).loan
    services.digital_loan_return(actor=None, person=first, loan_id=loan.pk)
    second = member_factory()
    assert _open(second, resource).loan.person == second


def test_after_the_loan_runs_out_the_next_member_gets_the_copy(member_factory):
    resource = DigitalResourceFactory(copies=1)
    first = member_factory()
    loan = _open(first, resource).loan
    later = loan.ends + dt.timedelta(seconds=1)
    second = member_factory()
    assert _open(second, resource, now=later).loan.person == second
    loan.refresh_from_db()
    assert loan.returned_at == loan.ends
    assert loan.person is None  # unlinked: the member keeps no loan history


def test_a_member_may_borrow_the_same_title_again_after_their_loan_ran_out(member):
    resource = DigitalResourceFactory(copies=1)
    old = _open(member, resource).loan
    renewed = _open(member, resource, now=old.ends + dt.timedelta(minutes=1)).loan
    assert renewed.pk != old.pk
    assert DigitalLoan.objects.filter(returned_at__isnull=True).get() == renewed


def test_three_copies_serve_three_members_and_the_fourth_learns_the_earliest_end(member_factory):
    resource = DigitalResourceFactory(copies=3)
    now = timezone.now()
    ends = [
        _open(member_factory(), resource, now=now + dt.timedelta(hours=hour)).loan.ends
        for hour in (2, 0, 1)
    ]
    with pytest.raises(AllCopiesInUse) as refusal:
        _open(member_factory(), resource, now=now + dt.timedelta(hours=3))
    assert refusal.value.free_at == min(ends)


def test_a_lapsed_membership_is_refused_with_the_day_it_ended(member_factory):
    today = timezone.localdate()
    person = member_factory(
        starts_on=today - dt.timedelta(days=400), ends_on=today - dt.timedelta(days=3)
    )
    resource = DigitalResourceFactory(licence="simultaneous", copies=None)
    with pytest.raises(MembershipRequired) as refusal:
        _open(person, resource)
    assert refusal.value.code == "membership_lapsed"
    assert refusal.value.ended_on == today - dt.timedelta(days=3)
    assert not AuditEvent.objects.filter(event_type="digital.access.granted").exists()


def test_a_membership_that_has_not_started_is_refused_with_its_first_day(member_factory):
    today = timezone.localdate()
    person = member_factory(
        starts_on=today + dt.timedelta(days=2), ends_on=today + dt.timedelta(days=300)
    )
    with pytest.raises(MembershipRequired) as refusal:
        _open(person, DigitalResourceFactory())
    assert refusal.value.code == "membership_not_started"
    assert refusal.value.starts_on == today + dt.timedelta(days=2)


def test_a_person_without_a_membership_is_refused(library):
    person = PersonFactory(home_organisation=library)
    with pytest.raises(MembershipRequired) as refusal:
        _open(person, DigitalResourceFactory())
    assert refusal.value.code == "membership_missing"
    assert not DigitalLoan.objects.exists()


def test_a_cancelled_membership_gives_no_access(member):
    member.memberships.update(cancelled_at=timezone.now())
    with pytest.raises(MembershipRequired):
        _open(member, DigitalResourceFactory(licence="simultaneous", copies=None))


def test_a_switched_off_resource_or_a_withdrawn_record_opens_nothing(member):
    switched_off = DigitalResourceFactory(is_active=False)
    withdrawn = DigitalResourceFactory()
    withdrawn.record.deleted_at = timezone.now()
    withdrawn.record.save()
    for resource in (switched_off, withdrawn):
        with pytest.raises(ResourceUnavailable):
            _open(member, resource)
    assert not DigitalLoan.objects.exists()


def test_the_audit_event_names_the_resource_and_the_person_reference_only(member):
    resource = DigitalResourceFactory(copies=2)
    loan = _open(member, resource).loan
    event = AuditEvent.objects.get(event_type="digital.access.granted")
    assert event.details == {
        "resource": resource.pk,
        "person": member.pk,
        "licence": "one_copy_one_user",
        "loan": loan.pk,
    }
    assert event.organisation_id == member.home_organisation_id
    assert (event.object_type, event.object_id) == ("catalog.digitalresource", str(resource.pk))
    assert AuditEvent.objects.filter(event_type="digital.loan.started").count() == 1


def test_access_is_counted_for_the_library_whose_membership_gives_it(member_factory):
    other = OrganisationFactory(name="Bibliotheek Arnhem")
    person = member_factory()
    person.memberships.update(organisation=other)
    loan = _open(person, DigitalResourceFactory()).loan
    assert loan.organisation == other


def test_staff_of_another_library_cannot_open_access_for_a_member(member):
    outsider = StaffRoleFactory(role=Role.ADMINISTRATOR).user
    with pytest.raises(NotPermitted):
        services.digital_access_grant(
            actor=outsider, person=member, resource=DigitalResourceFactory(), borrow=True
        )
    assert not DigitalLoan.objects.exists()
