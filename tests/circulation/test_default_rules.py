"""The starting rules: network defaults for every library, and the demo library that keeps
its own set. Created once; rules an administrator changed are left alone."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command

from samenbieb.circulation.defaults import (
    DEMO_LIBRARY_WITH_OWN_RULES,
    NETWORK_DEFAULT_RULES,
    demo_rules_create,
)
from samenbieb.circulation.models import AgeBand, CirculationRule
from samenbieb.circulation.rules import RuleSource, rule_effective
from samenbieb.core.models import AuditEvent
from samenbieb.holdings.item_types import standard_item_types
from samenbieb.members.plans import default_plans_create
from samenbieb.network.models import Organisation
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

ON = dt.date(2026, 6, 15)
ADULT = dt.date(1980, 1, 1)
CHILD = dt.date(2018, 1, 1)


@pytest.fixture
def libraries():
    ordinary = OrganisationFactory()
    own = OrganisationFactory(isil=DEMO_LIBRARY_WITH_OWN_RULES)
    default_plans_create(organisation=own)
    return ordinary, own


def _rule(library, item_type: str | None, born, plan=None):
    types = standard_item_types()
    return rule_effective(
        organisation=library,
        plan=plan,
        age_band_or_birth_date=born,
        item_type=types[item_type] if item_type else None,
        on=ON,
    )


def test_the_defaults_are_created_once_and_audited(libraries):
    first = demo_rules_create()
    assert len(first) == CirculationRule.objects.count() > len(NETWORK_DEFAULT_RULES)
    assert AuditEvent.objects.filter(event_type="circulation.rule.changed").count() == len(first)

    assert demo_rules_create() == []
    assert CirculationRule.objects.count() == len(first)


def test_a_rule_an_administrator_changed_is_left_alone(libraries):
    demo_rules_create()
    rule = CirculationRule.objects.get(
        organisation=None, item_type__isnull=True, plan__isnull=True, age_band=""
    )
    rule.loan_days = 28
    rule.save()

    demo_rules_create()

    rule.refresh_from_db()
    assert rule.loan_days == 28


@pytest.mark.parametrize(
    ("item_type", "born", "loan_days", "fine_per_day", "may_travel"),
    [
        pytest.param("book", ADULT, 21, "0.25", True, id="adult-book"),
        pytest.param("book", CHILD, 21, "0.00", True, id="child-book-no-fine"),
        pytest.param("youth-book", ADULT, 21, "0.00", True, id="youth-book-no-fine-for-anyone"),
        pytest.param("audiovisual", ADULT, 7, "0.50", False, id="dvd-a-week-with-a-fine"),
        pytest.param("audiovisual", CHILD, 7, "0.00", False, id="dvd-for-a-child-no-fine"),
        pytest.param("magazine", ADULT, 14, "0.25", False, id="magazine"),
        pytest.param("game", CHILD, 14, "0.00", True, id="game-for-a-child"),
    ],
)
def test_the_network_defaults_give_every_library_sensible_terms(
    libraries, item_type, born, loan_days, fine_per_day, may_travel
):
    ordinary, _own = libraries
    demo_rules_create()
    effective = _rule(ordinary, item_type, born)
    assert effective.source == RuleSource.NETWORK
    assert (effective.loan_days, effective.fine_per_day, effective.may_travel) == (
        loan_days,
        Decimal(fine_per_day),
        may_travel,
    )


def test_the_young_pay_no_hold_fee_and_no_fine_for_any_item_type(libraries):
    ordinary, _own = libraries
    demo_rules_create()
    for item_type in standard_item_types():
        effective = _rule(ordinary, item_type, CHILD)
        assert effective.fine_per_day == effective.hold_fee == Decimal("0.00"), item_type


def test_magazines_cannot_be_reserved(libraries):
    ordinary, _own = libraries
    demo_rules_create()
    assert not _rule(ordinary, "magazine", ADULT).holds_allowed


def test_the_demo_library_with_its_own_rules_limits_its_basic_plan(libraries):
    _ordinary, own = libraries
    demo_rules_create()
    basic = own.plans.get(code="basis")
    full = own.plans.get(code="volwassen")

    assert _rule(own, "book", ADULT, plan=basic).max_loans == 10
    assert _rule(own, "book", ADULT, plan=full).max_loans == 25
    assert _rule(own, "book", ADULT, plan=full).source == RuleSource.LIBRARY
    assert _rule(own, None, AgeBand.CHILD).fine_per_day == Decimal("0.00")


def test_the_demo_command_sets_up_the_rules_once(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("demo", "--quiet")
    rules = set(CirculationRule.objects.values_list("pk", "updated_at"))
    arnhem = Organisation.objects.get(isil=DEMO_LIBRARY_WITH_OWN_RULES)

    call_command("demo", "--quiet")

    assert set(CirculationRule.objects.values_list("pk", "updated_at")) == rules
    assert CirculationRule.objects.filter(organisation=None).count() == len(NETWORK_DEFAULT_RULES)
    assert CirculationRule.objects.filter(organisation=arnhem, plan__code="basis").exists()
