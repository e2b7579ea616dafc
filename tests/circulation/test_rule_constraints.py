"""The database keeps the rule matrix sound on SQLite and PostgreSQL alike: one rule per
key (empty keys included), no negative amounts, a plan or an age band but not both."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from samenbieb.circulation.models import AgeBand, CirculationRule
from tests.factories import (
    CirculationRuleFactory,
    ItemTypeFactory,
    MembershipPlanFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db


def _refused(**fields: object) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        CirculationRuleFactory(**fields)


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"fine_per_day": "-0.01"}, id="negative-fine"),
        pytest.param({"fine_cap": "-1.00"}, id="negative-fine-cap"),
        pytest.param({"hold_fee": "-0.50"}, id="negative-hold-fee"),
        pytest.param({"loan_days": 0}, id="zero-loan-days"),
        pytest.param({"renewals_allowed": -1}, id="negative-renewals"),
        pytest.param({"max_loans": -1}, id="negative-max-loans"),
        pytest.param({"age_band": "toddler"}, id="unknown-age-band"),
    ],
)
def test_the_database_refuses_impossible_terms(fields):
    _refused(**fields)


def test_zero_amounts_no_cap_and_no_limit_are_allowed():
    rule = CirculationRuleFactory(
        hold_fee="0.00", fine_per_day="0.00", fine_cap=None, max_loans=None, renewals_allowed=0
    )
    assert CirculationRule.objects.filter(pk=rule.pk).exists()


def test_a_rule_names_a_plan_or_an_age_band_not_both():
    library = OrganisationFactory()
    _refused(
        organisation=library,
        plan=MembershipPlanFactory(organisation=library),
        age_band=AgeBand.CHILD,
    )


def test_a_network_default_cannot_name_a_plan():
    _refused(organisation=None, plan=MembershipPlanFactory())


@pytest.fixture
def keys():
    library = OrganisationFactory()
    return {
        "library": library,
        "plan": MembershipPlanFactory(organisation=library),
        "dvd": ItemTypeFactory(code="dvd"),
    }


DUPLICATES = [
    pytest.param({"library": True}, id="library-wildcards"),
    pytest.param({"library": False}, id="network-default-wildcards"),
    pytest.param({"library": True, "dvd": True}, id="library-item-type"),
    pytest.param({"library": False, "dvd": True}, id="network-default-item-type"),
    pytest.param({"library": True, "plan": True}, id="library-plan"),
    pytest.param({"library": True, "band": True, "dvd": True}, id="library-band-item-type"),
    pytest.param({"library": False, "band": True}, id="network-default-band"),
]


def _key(keys: dict[str, object], spec: dict[str, bool]) -> dict[str, object]:
    return {
        "organisation": keys["library"] if spec.get("library") else None,
        "plan": keys["plan"] if spec.get("plan") else None,
        "age_band": AgeBand.YOUTH if spec.get("band") else "",
        "item_type": keys["dvd"] if spec.get("dvd") else None,
    }


@pytest.mark.parametrize("spec", DUPLICATES)
def test_the_database_refuses_a_second_rule_for_the_same_key(keys, spec):
    """Empty keys count as equal: two "any" rules for one library are a duplicate."""
    CirculationRuleFactory(**_key(keys, spec), loan_days=14)
    _refused(**_key(keys, spec), loan_days=21)


@pytest.mark.parametrize("spec", DUPLICATES)
def test_validation_reports_a_duplicate_before_the_database_does(keys, spec):
    CirculationRuleFactory(**_key(keys, spec))
    duplicate = CirculationRule(
        **_key(keys, spec),
        loan_days=21,
        renewals_allowed=2,
        hold_fee="0.00",
        fine_per_day="0.00",
    )
    with pytest.raises(ValidationError, match="al een regel"):
        duplicate.full_clean()


def test_rules_that_differ_in_one_key_live_side_by_side(keys):
    library, plan, dvd = keys["library"], keys["plan"], keys["dvd"]
    variants = [
        {"organisation": None},
        {"organisation": library},
        {"organisation": OrganisationFactory()},
        {"organisation": library, "item_type": dvd},
        {"organisation": library, "plan": plan},
        {"organisation": library, "plan": plan, "item_type": dvd},
        {"organisation": library, "age_band": AgeBand.CHILD},
        {"organisation": library, "age_band": AgeBand.YOUTH},
        {"organisation": None, "age_band": AgeBand.YOUTH},
        {"organisation": None, "item_type": dvd},
    ]
    for fields in variants:
        CirculationRuleFactory(**fields)
    assert CirculationRule.objects.count() == len(variants)


def test_validation_refuses_a_plan_of_another_library():
    rule = CirculationRule(
        organisation=OrganisationFactory(),
        plan=MembershipPlanFactory(),
        loan_days=21,
        renewals_allowed=2,
        hold_fee="0.00",
        fine_per_day="0.00",
    )
    with pytest.raises(ValidationError) as refused:
        rule.full_clean()
    assert "plan" in refused.value.message_dict
