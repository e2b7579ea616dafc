"""Memberships: plans per library with age limits; a fee becomes a charge; renew and lapse."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from samenbieb.circulation import queries as circulation_queries
from samenbieb.circulation.models import ChargeKind
from samenbieb.members import queries, services
from samenbieb.members.errors import (
    AgeOutsidePlan,
    MembershipNotRenewable,
    MembershipOverlaps,
    PlanNotOffered,
)
from samenbieb.members.models import MembershipPlan
from samenbieb.members.plans import default_plans_create
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _person(library, born):
    return PersonFactory(home_organisation=library, birth_date=born)


def test_default_plans_are_youth_free_adult_full_and_adult_basic_and_idempotent(library):
    first = default_plans_create(organisation=library)
    again = default_plans_create(organisation=library)
    assert [p.pk for p in first] == [p.pk for p in again]
    plans = {p.code: (p.price, p.min_age, p.max_age) for p in MembershipPlan.objects.all()}
    assert plans == {
        "jeugd": (Decimal("0.00"), 0, 17),
        "volwassen": (Decimal("52.00"), 18, None),
        "basis": (Decimal("32.00"), 18, None),
    }


def test_a_changed_price_survives_creating_the_defaults_again(library, plans):
    MembershipPlan.objects.filter(pk=plans["volwassen"].pk).update(price=Decimal("55.00"))
    default_plans_create(organisation=library)
    assert MembershipPlan.objects.get(pk=plans["volwassen"].pk).price == Decimal("55.00")


def test_a_youth_membership_is_free_and_creates_no_charge(desk, library, plans):
    child = _person(library, dt.date(2017, 1, 1))
    services.membership_start(
        actor=desk, person=child, plan=plans["jeugd"], starts_on=dt.date(2026, 3, 1)
    )
    assert not circulation_queries.charges_open(child).exists()


def test_an_adult_membership_creates_a_membership_fee_charge(desk, library, plans):
    adult = _person(library, dt.date(1980, 1, 1))
    services.membership_start(
        actor=desk, person=adult, plan=plans["basis"], starts_on=dt.date(2026, 3, 1)
    )
    (charge,) = circulation_queries.charges_open(adult)
    assert (charge.kind, charge.amount, charge.organisation) == (
        ChargeKind.MEMBERSHIP_FEE,
        Decimal("32.00"),
        library,
    )


@pytest.mark.parametrize(
    ("born", "plan", "allowed"),
    [
        (dt.date(2008, 3, 2), "jeugd", True),  # 17 on the day before their 18th birthday
        (dt.date(2008, 3, 1), "jeugd", False),  # 18 on the start day
        (dt.date(2008, 3, 1), "volwassen", True),
        (dt.date(2008, 3, 2), "volwassen", False),
        (dt.date(2026, 2, 1), "jeugd", True),  # a baby
    ],
)
def test_the_age_on_the_start_day_must_be_within_the_plans_limits(
    desk, library, plans, born, plan, allowed
):
    person = _person(library, born)
    start = dt.date(2026, 3, 1)
    if allowed:
        services.membership_start(actor=desk, person=person, plan=plans[plan], starts_on=start)
    else:
        with pytest.raises(AgeOutsidePlan):
            services.membership_start(actor=desk, person=person, plan=plans[plan], starts_on=start)


def test_a_plan_no_longer_offered_cannot_be_started(desk, library, plans):
    MembershipPlan.objects.filter(pk=plans["basis"].pk).update(is_active=False)
    plans["basis"].refresh_from_db()
    with pytest.raises(PlanNotOffered):
        services.membership_start(
            actor=desk,
            person=_person(library, dt.date(1980, 1, 1)),
            plan=plans["basis"],
            starts_on=dt.date(2026, 3, 1),
        )


def test_a_period_ends_the_day_before_the_same_date_a_period_later(desk, library, plans):
    adult = _person(library, dt.date(1980, 1, 1))
    membership = services.membership_start(
        actor=desk, person=adult, plan=plans["volwassen"], starts_on=dt.date(2026, 1, 31)
    )
    assert membership.ends_on == dt.date(2027, 1, 30)
    assert services.add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)


def test_a_second_membership_of_the_same_library_for_the_same_period_is_refused(
    desk, library, plans
):
    adult = _person(library, dt.date(1980, 1, 1))
    services.membership_start(
        actor=desk, person=adult, plan=plans["volwassen"], starts_on=dt.date(2026, 1, 1)
    )
    with pytest.raises(MembershipOverlaps):
        services.membership_start(
            actor=desk, person=adult, plan=plans["basis"], starts_on=dt.date(2026, 6, 1)
        )


def test_renewing_in_time_continues_the_day_after_the_end(desk, library, plans):
    adult = _person(library, dt.date(1980, 1, 1))
    first = services.membership_start(
        actor=desk, person=adult, plan=plans["volwassen"], starts_on=dt.date(2026, 1, 1)
    )
    renewed = services.membership_renew(actor=desk, membership=first, today=dt.date(2026, 12, 20))
    assert (renewed.starts_on, renewed.ends_on) == (dt.date(2027, 1, 1), dt.date(2027, 12, 31))
    assert circulation_queries.charges_open(adult).count() == 2
    with pytest.raises(MembershipNotRenewable):
        services.membership_renew(actor=desk, membership=first, today=dt.date(2026, 12, 21))


def test_a_lapsed_membership_is_not_valid_and_renews_from_today(desk, library, plans):
    adult = _person(library, dt.date(1950, 1, 1))
    first = services.membership_start(
        actor=desk, person=adult, plan=plans["volwassen"], starts_on=dt.date(2025, 1, 1)
    )
    assert queries.membership_valid(adult, dt.date(2025, 12, 31)) == first
    assert queries.membership_valid(adult, dt.date(2026, 1, 1)) is None
    renewed = services.membership_renew(actor=desk, membership=first, today=dt.date(2026, 3, 10))
    assert (renewed.starts_on, renewed.ends_on) == (dt.date(2026, 3, 10), dt.date(2027, 3, 9))
    assert queries.membership_valid(adult, dt.date(2026, 3, 10)) == renewed


def test_renewing_checks_the_age_again(desk, library, plans):
    teen = _person(library, dt.date(2008, 6, 1))
    youth = services.membership_start(
        actor=desk, person=teen, plan=plans["jeugd"], starts_on=dt.date(2025, 6, 1)
    )
    with pytest.raises(AgeOutsidePlan):
        services.membership_renew(actor=desk, membership=youth, today=dt.date(2026, 5, 1))


def test_a_cancelled_membership_is_not_valid_and_cannot_be_renewed(desk, library, plans):
    adult = _person(library, dt.date(1980, 1, 1))
    membership = services.membership_start(
        actor=desk, person=adult, plan=plans["volwassen"], starts_on=dt.date(2026, 1, 1)
    )
    services.membership_cancel(actor=desk, membership=membership)
    assert queries.membership_valid(adult, dt.date(2026, 6, 1)) is None
    with pytest.raises(MembershipNotRenewable):
        services.membership_renew(actor=desk, membership=membership, today=dt.date(2026, 6, 1))
