"""Right of access and right to erasure, through the services every door calls."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone, translation

from samenbieb.circulation import queries as circulation_queries
from samenbieb.circulation import services as circulation
from samenbieb.circulation.models import Hold, HoldStatus, Loan
from samenbieb.core import audit_chain
from samenbieb.core.audit import audit_record
from samenbieb.core.errors import NotPermitted
from samenbieb.core.models import AuditEvent
from samenbieb.members.models import CardStatus, Person
from samenbieb.network.roles import Role
from samenbieb.privacy import services
from samenbieb.privacy.errors import AlreadyErased, ErasureBlocked
from tests.factories import (
    ChargeFactory,
    ConsentFactory,
    DigitalLoanFactory,
    MembershipFactory,
    PersonFactory,
    RecordFactory,
    StaffRoleFactory,
)

pytestmark = pytest.mark.django_db


def test_the_export_holds_every_apps_data_and_is_json(network):
    person = network.member(network.a, given_name="Sanne", email="sanne@example.org")
    item = network.copy(network.a1)
    circulation.loan_checkout(actor=None, branch=network.a1, person=person, barcode=item.barcode)
    ConsentFactory(person=person, kind="loan_history")
    Person.objects.filter(pk=person.pk).update(
        password="argon2$argon2id$v=19$m=1,t=1,p=1$c2FsdA$aGFzaA"
    )
    person.refresh_from_db()

    export = services.person_export(actor=None, person=person, member=person)

    sections = {section["key"]: section["data"] for section in export["sections"]}
    assert set(sections) == {"members", "circulation", "digital", "programmes", "identity", "audit"}
    assert sections["members"]["person"]["email"] == "sanne@example.org"
    assert sections["circulation"]["loans"][0]["item"] == item.barcode
    assert json.loads(json.dumps(export)) == export
    assert "argon2" not in json.dumps(export)
    assert sections["members"]["person"]["has_password"] is True
    exported = AuditEvent.objects.get(event_type="privacy.person.exported")
    assert (exported.actor_label, exported.actor_person_id) == ("member", person.pk)


def test_staff_export_needs_the_privacy_requests_capability_in_the_members_library(network):
    person = network.member(network.a)
    desk = StaffRoleFactory(organisation=network.a, role=Role.DESK).user
    officer_elsewhere = StaffRoleFactory(organisation=network.b, role=Role.PRIVACY_OFFICER).user
    officer = StaffRoleFactory(organisation=network.a, role=Role.PRIVACY_OFFICER).user

    for refused in (desk, officer_elsewhere):
        with pytest.raises(NotPermitted):
            services.person_export(actor=refused, person=person, reason="verzoek")
    services.person_export(actor=officer, person=person, reason="verzoek per brief")

    event = AuditEvent.objects.get(event_type="privacy.person.exported")
    assert (event.actor_id, event.reason, event.subject_person_id) == (
        officer.pk,
        "verzoek per brief",
        person.pk,
    )


def test_erasure_is_refused_with_every_blocker_while_loans_or_charges_are_open(network):
    person = network.member(network.a)
    for _ in range(2):
        item = network.copy(network.a1)
        circulation.loan_checkout(
            actor=None, branch=network.a1, person=person, barcode=item.barcode
        )
    ChargeFactory(person=person, organisation=network.a, amount="2.50")

    with translation.override("en"), pytest.raises(ErasureBlocked) as refused:
        services.person_erase(actor=None, person=person, member=person)

    assert [(b.code, b.count) for b in refused.value.blockers] == [
        ("open_loans", 2),
        ("open_charges", 1),
    ]
    assert "2 items on loan" in str(refused.value.blockers[0].message)
    assert "2.50" in str(refused.value.blockers[1].message)
    person.refresh_from_db()
    assert person.erased_at is None
    assert person.family_name == "Jansen"


def test_erasure_cancels_holds_unlinks_history_and_redacts_the_audit_trail(network):
    person = network.member(network.a, given_name="Sanne", email="sanne@example.org")
    ConsentFactory(person=person, kind="loan_history", given=True)
    item = network.copy(network.a1)
    circulation.loan_checkout(actor=None, branch=network.a1, person=person, barcode=item.barcode)
    circulation.loan_checkin(actor=None, branch=network.a1, barcode=item.barcode)
    record = RecordFactory()
    network.copy(network.a2, record=record)
    hold = circulation.hold_place(
        actor=None, person=person, record=record, pickup_branch=network.a1
    )
    for fee in circulation_queries.charges_open(person):  # the hold fee
        circulation.charge_pay(actor=None, charge=fee, method="cash")
    paid = ChargeFactory(person=person, organisation=network.a, paid_at=timezone.now())
    DigitalLoanFactory(person=person, organisation=network.a)
    assert Loan.objects.filter(person=person).count() == 1  # kept: history was chosen

    counts = services.person_erase(actor=None, person=person, member=person)

    erased = Person.objects.get(pk=person.pk)
    assert erased.erased_at is not None
    assert (erased.given_name, erased.family_name, erased.email, erased.postcode) == (
        "",
        "",
        "",
        "",
    )
    assert erased.birth_date == dt.date(1980, 1, 1)
    assert not erased.is_active
    assert erased.password == ""
    assert not erased.consents.exists()
    assert set(erased.cards.values_list("status", flat=True)) == {CardStatus.BLOCKED}
    hold.refresh_from_db()
    assert (hold.status, hold.person_id) == (HoldStatus.CANCELLED, None)
    assert not Loan.objects.filter(person=person).exists()
    assert not Hold.objects.filter(person=person).exists()
    paid.refresh_from_db()
    assert paid.person_id == person.pk  # bookkeeping, pointing to an empty record
    assert (counts["circulation"], counts["digital"]) == (1, 1)  # the kept loan; the e-book
    assert not audit_chain.person_events(person.pk).exists()
    assert AuditEvent.objects.filter(event_type="privacy.person.erased").count() == 1
    assert audit_chain.verify().ok
    with pytest.raises(AlreadyErased):
        services.person_export(actor=None, person=erased)


def test_events_about_the_member_stay_but_lose_the_link(network):
    person = network.member(network.a)
    staff = StaffRoleFactory(organisation=network.a, role=Role.DESK).user
    viewed = audit_record(
        actor=staff,
        event_type="members.person.viewed",
        organisation_id=network.a.pk,
        target=person,
        reason="lid aan de balie",
    )

    services.person_erase(actor=None, person=person)

    viewed.refresh_from_db()
    assert viewed.event_type == "members.person.viewed"
    assert viewed.actor_label == staff.username
    assert (viewed.object_id, viewed.reason, viewed.subject_person_id) == ("", "", None)


def test_lapsed_members_are_erased_by_the_retention_job_unless_something_is_open(network, settings):
    settings.PRIVACY = {**settings.PRIVACY, "LAPSED_MEMBER_DAYS": 730}
    now = timezone.now()
    lapsed = PersonFactory(home_organisation=network.a)
    MembershipFactory(person=lapsed, starts_on=dt.date(2020, 1, 1), ends_on=dt.date(2020, 12, 31))
    owes = PersonFactory(home_organisation=network.a)
    MembershipFactory(person=owes, starts_on=dt.date(2020, 1, 1), ends_on=dt.date(2020, 12, 31))
    ChargeFactory(person=owes, organisation=network.a)
    current = network.member(network.a)

    result = services.persons_erase_lapsed(now=now)

    assert (result.erased, result.blocked) == (1, 1)
    assert Person.objects.get(pk=lapsed.pk).erased_at is not None
    assert Person.objects.get(pk=owes.pk).erased_at is None
    assert Person.objects.get(pk=current.pk).erased_at is None
    assert audit_chain.verify().ok


def test_holds_cancelled_by_an_erasure_are_not_recorded_as_the_members_own_act(network):
    """The retention job (or staff) erases a member: the holds it cancels are the system's,
    even though the member row is the one being erased."""
    person = network.member(network.a)
    record = RecordFactory()
    network.copy(network.a2, record=record)
    circulation.hold_place(actor=None, person=person, record=record, pickup_branch=network.a1)
    for fee in circulation_queries.charges_open(person):  # the hold fee
        circulation.charge_pay(actor=None, charge=fee, method="cash")

    services.person_erase(actor=None, person=person)

    cancelled = AuditEvent.objects.get(event_type="circulation.hold.cancelled")
    assert (cancelled.actor_label, cancelled.actor_person_id) == ("system", None)
