"""Setting and deleting circulation rules: library administrators for their own library,
the network's operators for the network defaults; every change in the audit trail."""

from __future__ import annotations

from decimal import Decimal

import pytest

from samenbieb.circulation import services
from samenbieb.circulation.errors import InvalidCirculationRule
from samenbieb.circulation.models import AgeBand, CirculationRule
from samenbieb.circulation.rules import RuleSource, rule_effective
from samenbieb.core.errors import NotPermitted
from samenbieb.core.models import AuditEvent
from samenbieb.network.roles import Role
from tests.factories import (
    CirculationRuleFactory,
    ItemTypeFactory,
    MembershipPlanFactory,
    OrganisationFactory,
    StaffRoleFactory,
    StaffUserFactory,
)

pytestmark = pytest.mark.django_db

TERMS = {
    "loan_days": 14,
    "renewals_allowed": 1,
    "max_loans": 10,
    "holds_allowed": True,
    "hold_fee": Decimal("0.50"),
    "fine_per_day": Decimal("0.20"),
    "fine_cap": Decimal("4.00"),
    "may_travel": False,
}


@pytest.fixture
def library():
    return OrganisationFactory()


@pytest.fixture
def administrator(library):
    return StaffRoleFactory(organisation=library, role=Role.ADMINISTRATOR).user


def test_an_administrator_sets_a_rule_for_their_library(library, administrator):
    dvd = ItemTypeFactory(code="dvd")
    rule = services.circulation_rule_set(
        actor=administrator, organisation=library, item_type=dvd, **TERMS
    )

    assert (rule.organisation, rule.item_type, rule.plan, rule.age_band) == (library, dvd, None, "")
    assert rule.loan_days == 14
    assert rule.fine_cap == Decimal("4.00")
    event = AuditEvent.objects.get(event_type="circulation.rule.changed", object_id=str(rule.pk))
    assert event.actor == administrator
    assert event.organisation_id == library.pk
    assert event.details["created"] is True
    assert event.details["after"]["fine_per_day"] == "0.20"


def test_setting_the_same_key_again_changes_the_rule_and_audits_before_and_after(
    library, administrator
):
    first = services.circulation_rule_set(actor=administrator, organisation=library, **TERMS)
    second = services.circulation_rule_set(
        actor=administrator, organisation=library, **{**TERMS, "loan_days": 28}
    )

    assert second.pk == first.pk
    assert CirculationRule.objects.get().loan_days == 28
    event = AuditEvent.objects.filter(event_type="circulation.rule.changed").latest("id")
    assert event.details["created"] is False
    assert event.details["before"]["loan_days"] == 14
    assert event.details["after"]["loan_days"] == 28
    assert event.details["fields"] == ["loan_days"]


def test_a_rule_can_be_changed_to_another_key(library, administrator):
    rule = CirculationRuleFactory(organisation=library)
    book = ItemTypeFactory(code="book")
    changed = services.circulation_rule_set(
        actor=administrator, rule=rule, organisation=library, item_type=book, **TERMS
    )
    assert changed.pk == rule.pk
    assert CirculationRule.objects.get().item_type == book


def test_the_new_rule_takes_effect_at_once(library, administrator):
    services.circulation_rule_set(
        actor=administrator, organisation=library, age_band=AgeBand.CHILD, **TERMS
    )
    effective = rule_effective(
        organisation=library, plan=None, age_band_or_birth_date=AgeBand.CHILD, item_type=None
    )
    assert effective.source == RuleSource.LIBRARY
    assert effective.loan_days == 14


@pytest.mark.parametrize("role", [role for role in Role if role != Role.ADMINISTRATOR])
def test_other_roles_cannot_set_rules(library, role):
    colleague = StaffRoleFactory(organisation=library, role=role).user
    with pytest.raises(NotPermitted):
        services.circulation_rule_set(actor=colleague, organisation=library, **TERMS)
    assert not CirculationRule.objects.exists()


def test_an_administrator_cannot_set_rules_for_another_library(administrator):
    with pytest.raises(NotPermitted):
        services.circulation_rule_set(
            actor=administrator, organisation=OrganisationFactory(), **TERMS
        )
    assert not CirculationRule.objects.exists()


def test_an_administrator_cannot_take_over_another_librarys_rule(library, administrator):
    """Changing B's rule into one of A's needs the right at B as well."""
    theirs = CirculationRuleFactory(loan_days=7)
    with pytest.raises(NotPermitted):
        services.circulation_rule_set(
            actor=administrator, rule=theirs, organisation=library, **TERMS
        )
    theirs.refresh_from_db()
    assert theirs.loan_days == 7
    assert theirs.organisation != library


def test_a_library_administrator_cannot_set_a_network_default(administrator):
    with pytest.raises(NotPermitted):
        services.circulation_rule_set(actor=administrator, organisation=None, **TERMS)
    assert not CirculationRule.objects.exists()


@pytest.mark.parametrize("actor", ["operator", "system"])
def test_the_network_operators_and_the_system_set_network_defaults(actor):
    user = StaffUserFactory(is_superuser=True) if actor == "operator" else None
    rule = services.circulation_rule_set(actor=user, organisation=None, **TERMS)
    assert rule.organisation is None
    event = AuditEvent.objects.get(event_type="circulation.rule.changed")
    assert event.organisation_id is None
    assert event.actor == user


@pytest.mark.parametrize(
    ("change", "field"),
    [
        pytest.param({"fine_per_day": Decimal("-0.10")}, "fine_per_day", id="negative-fine"),
        pytest.param({"hold_fee": Decimal("-1")}, "hold_fee", id="negative-hold-fee"),
        pytest.param({"loan_days": 0}, None, id="zero-days"),
    ],
)
def test_invalid_terms_are_refused_with_a_typed_error(library, administrator, change, field):
    with pytest.raises(InvalidCirculationRule) as refused:
        services.circulation_rule_set(
            actor=administrator, organisation=library, **{**TERMS, **change}
        )
    assert refused.value.code == "invalid_circulation_rule"
    if field:
        assert refused.value.field == field
    assert not CirculationRule.objects.exists()


def test_a_plan_of_another_library_is_refused(library, administrator):
    with pytest.raises(InvalidCirculationRule) as refused:
        services.circulation_rule_set(
            actor=administrator, organisation=library, plan=MembershipPlanFactory(), **TERMS
        )
    assert refused.value.field == "plan"


def test_a_plan_and_an_age_band_together_are_refused(library, administrator):
    with pytest.raises(InvalidCirculationRule, match="niet allebei"):
        services.circulation_rule_set(
            actor=administrator,
            organisation=library,
            plan=MembershipPlanFactory(organisation=library),
            age_band=AgeBand.YOUTH,
            **TERMS,
        )


def test_changing_a_rule_onto_the_key_of_another_is_refused(library, administrator):
    dvd = ItemTypeFactory(code="dvd")
    CirculationRuleFactory(organisation=library, item_type=dvd)
    rule = CirculationRuleFactory(organisation=library)
    with pytest.raises(InvalidCirculationRule, match="al een regel"):
        services.circulation_rule_set(
            actor=administrator, rule=rule, organisation=library, item_type=dvd, **TERMS
        )


def test_deleting_a_rule_falls_back_to_the_next_and_is_audited(library, administrator):
    dvd = ItemTypeFactory(code="dvd")
    fallback = CirculationRuleFactory(organisation=library)
    rule = CirculationRuleFactory(organisation=library, item_type=dvd)

    services.circulation_rule_delete(actor=administrator, rule=rule)

    assert not CirculationRule.objects.filter(pk=rule.pk).exists()
    effective = rule_effective(
        organisation=library, plan=None, age_band_or_birth_date=None, item_type=dvd
    )
    assert effective.rule_id == fallback.pk
    event = AuditEvent.objects.get(event_type="circulation.rule.deleted")
    assert event.object_id == str(rule.pk)
    assert event.organisation_id == library.pk
    assert event.details["before"]["item_type_id"] == dvd.pk


def test_an_administrator_cannot_delete_another_librarys_rule(administrator):
    theirs = CirculationRuleFactory()
    with pytest.raises(NotPermitted):
        services.circulation_rule_delete(actor=administrator, rule=theirs)
    assert CirculationRule.objects.filter(pk=theirs.pk).exists()


def test_an_administrator_cannot_delete_a_network_default(administrator):
    default = CirculationRuleFactory(organisation=None)
    with pytest.raises(NotPermitted):
        services.circulation_rule_delete(actor=administrator, rule=default)
    assert CirculationRule.objects.filter(pk=default.pk).exists()
