"""What a member does at a kiosk is audited with the member as the actor, at the kiosk's
branch; a return machine without a logged-in patron stays the system's."""

from __future__ import annotations

import pytest

from samenbieb.circulation import services
from samenbieb.core.models import AuditEvent
from tests.factories import ChargeFactory
from tests.interfaces.sip2.conftest import BLANK_DATE, PIN, exchange, stamp


@pytest.fixture(autouse=True)
def _quick_password_hashes(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _actor(event: AuditEvent) -> tuple[str, int | None, int | None]:
    return event.actor_label, event.actor_id, event.actor_person_id


def _last(event_type: str) -> AuditEvent:
    return AuditEvent.objects.filter(event_type=event_type).latest("pk")


def _lent(world, member):
    item = world.copy(world.a1)
    services.loan_checkout(actor=None, branch=world.a1, person=member, barcode=item.barcode)
    return item


def test_a_kiosk_checkout_is_audited_with_the_member_as_actor_at_the_kiosks_branch(world, session):
    member = world.member()
    item = world.copy(world.a2)

    reply = exchange(
        session, f"11NN{stamp()}{BLANK_DATE}AO|AA{member.card}|AB{item.barcode}|AC|AD{PIN}|"
    )

    assert reply.fixed["ok"] == "1"
    event = _last("circulation.loan.checked_out")
    assert _actor(event) == ("member", None, member.pk)
    assert event.subject_person_id == member.pk
    assert event.details["branch"] == world.kiosk.branch_id


def test_a_kiosk_renewal_is_audited_with_the_member_as_actor(world, session):
    member = world.member()
    item = _lent(world, member)

    reply = exchange(
        session, f"29NN{stamp()}{BLANK_DATE}AO|AA{member.card}|AB{item.barcode}|AD{PIN}|"
    )

    assert reply.fixed["ok"] == "1"
    assert _actor(_last("circulation.loan.renewed")) == ("member", None, member.pk)


def test_a_return_during_the_patrons_session_is_audited_with_the_patron_as_actor(world, session):
    member = world.member()
    item = _lent(world, member)
    exchange(session, f"23000{stamp()}AO|AA{member.card}|AC|AD{PIN}|")

    reply = exchange(session, f"09N{stamp()}{stamp()}AP|AO|AB{item.barcode}|AC|")

    assert reply.fixed["ok"] == "1"
    event = _last("circulation.loan.checked_in")
    assert _actor(event) == ("member", None, member.pk)
    assert event.details["branch"] == world.kiosk.branch_id


def test_a_return_without_a_patron_session_stays_the_systems(world, session):
    member = world.member()
    item = _lent(world, member)

    reply = exchange(session, f"09N{stamp()}{stamp()}AP|AO|AB{item.barcode}|AC|")

    assert reply.fixed["ok"] == "1"
    assert _actor(_last("circulation.loan.checked_in")) == ("system", None, None)


def test_a_return_after_the_patron_ended_their_session_stays_the_systems(world, session):
    member = world.member()
    item = _lent(world, member)
    exchange(session, f"23000{stamp()}AO|AA{member.card}|AC|AD{PIN}|")
    exchange(session, f"35{stamp()}AO|AA{member.card}|AC|AD|")

    exchange(session, f"09N{stamp()}{stamp()}AP|AO|AB{item.barcode}|AC|")

    assert _actor(_last("circulation.loan.checked_in")) == ("system", None, None)


def test_a_return_after_the_patron_session_lapsed_stays_the_systems(world, session, settings):
    member = world.member()
    item = _lent(world, member)
    exchange(session, f"23000{stamp()}AO|AA{member.card}|AC|AD{PIN}|")
    session.patron.verified_at -= int(settings.SIP2["PATRON_SESSION_SECONDS"]) + 1

    exchange(session, f"09N{stamp()}{stamp()}AP|AO|AB{item.barcode}|AC|")

    assert _actor(_last("circulation.loan.checked_in")) == ("system", None, None)


def test_a_fee_paid_at_the_kiosk_is_audited_with_the_member_as_actor(world, session):
    member = world.member()
    charge = ChargeFactory(person=member, organisation=world.a, amount="2.50")

    reply = exchange(
        session, f"37{stamp()}0100EUR|BV2.50|AO|AA{member.card}|AC|AD{PIN}|CG{charge.pk}|"
    )

    assert reply.fixed["payment_accepted"] == "Y"
    event = _last("circulation.charge.paid")
    assert _actor(event) == ("member", None, member.pk)
    assert event.subject_person_id == member.pk
