"""Renewing loans: a new loan period from today, within the renewal limit, unless someone waits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from samenbieb.circulation import queries, services
from samenbieb.circulation.errors import Reason, Refused
from samenbieb.core.models import AuditEvent
from samenbieb.network.roles import Role
from tests.circulation.conftest import NOW, days_later
from tests.factories import ChargeFactory, StaffRoleFactory

pytestmark = pytest.mark.django_db


def lend(network, member, item):
    return services.loan_checkout(
        actor=None, branch=network.a1, person=member, barcode=item.barcode, now=NOW
    )


def test_a_renewal_gives_a_new_loan_period_from_today(network):
    member = network.member(network.a)
    loan = lend(network, member, network.copy(network.a1))
    renewed = services.loan_renew(actor=None, loan=loan, person=member, now=days_later(14))
    # 2 December + 21 days = Wednesday 23 December.
    assert renewed.due_on == dt.date(2026, 12, 23)
    assert renewed.renewals == 1


def test_renewals_stop_at_the_limit(network):
    member = network.member(network.a)
    loan = lend(network, member, network.copy(network.a1))
    for day in (1, 2):
        services.loan_renew(actor=None, loan=loan, person=member, now=days_later(day))
    with pytest.raises(Refused) as refused:
        services.loan_renew(actor=None, loan=loan, person=member, now=days_later(3))
    assert refused.value.reason == Reason.RENEWAL_LIMIT
    loan.refresh_from_db()
    assert loan.renewals == 2


def test_no_renewal_while_another_member_waits_for_the_title(network):
    member = network.member(network.a)
    item = network.copy(network.a1)
    loan = lend(network, member, item)
    services.hold_place(
        actor=None,
        person=network.member(network.b),
        record=item.record,
        pickup_branch=network.b1,
        now=days_later(1),
    )
    with pytest.raises(Refused) as refused:
        services.loan_renew(actor=None, loan=loan, person=member, now=days_later(2))
    assert refused.value.reason == Reason.ON_HOLD_FOR_SOMEONE_ELSE


def test_a_member_cannot_renew_someone_elses_loan(network):
    loan = lend(network, network.member(network.a), network.copy(network.a1))
    with pytest.raises(Refused) as refused:
        services.loan_renew(
            actor=None, loan=loan, person=network.member(network.a), now=days_later(1)
        )
    assert refused.value.reason == Reason.LOAN_NOT_FOUND


def test_renewal_refused_above_the_charge_threshold(network):
    member = network.member(network.a)
    loan = lend(network, member, network.copy(network.a1))
    ChargeFactory(person=member, organisation=network.a, amount=Decimal("25.00"))
    with pytest.raises(Refused) as refused:
        services.loan_renew(actor=None, loan=loan, person=member, now=days_later(1))
    assert refused.value.reason == Reason.CHARGES_ABOVE_THRESHOLD


def test_a_late_loan_is_renewed_and_its_fine_so_far_charged(network):
    member = network.member(network.a)
    loan = lend(network, member, network.copy(network.a1))
    renewed = services.loan_renew(
        actor=None, loan=loan, person=member, now=dt.datetime(2026, 12, 11, 12, tzinfo=NOW.tzinfo)
    )
    assert queries.charges_open_total(member) == Decimal("0.50")  # two days late
    assert renewed.due_on == dt.date(2027, 1, 1)


def test_renew_all_renews_what_it_can_and_says_why_not_for_the_rest(network):
    member = network.member(network.a)
    free = lend(network, member, network.copy(network.a1))
    wanted_item = network.copy(network.a1)
    wanted = lend(network, member, wanted_item)
    services.hold_place(
        actor=None,
        person=network.member(network.a),
        record=wanted_item.record,
        pickup_branch=network.a1,
        now=days_later(1),
    )
    outcomes = {
        o.loan.pk: o for o in services.loans_renew_all(actor=None, person=member, now=days_later(2))
    }
    assert outcomes[free.pk].refused is None
    assert outcomes[wanted.pk].refused.reason == Reason.ON_HOLD_FOR_SOMEONE_ELSE


def test_a_renewal_by_the_member_is_audited_as_the_member_and_one_at_the_desk_as_staff(network):
    member = network.member(network.a)
    loan = lend(network, member, network.copy(network.a1))
    services.loan_renew(actor=None, loan=loan, person=member, now=days_later(1))
    desk = StaffRoleFactory(organisation=network.a, role=Role.DESK).user
    services.loan_renew(actor=desk, loan=loan, now=days_later(2))

    by_member, at_desk = AuditEvent.objects.filter(event_type="circulation.loan.renewed").order_by(
        "pk"
    )
    assert (by_member.actor_label, by_member.actor_person_id) == ("member", member.pk)
    assert (at_desk.actor_id, at_desk.actor_person_id) == (desk.pk, None)
