"""Which circulation rule applies: the most specific rule wins, with wildcard fallback.

One world of rules, and a table of cases that each name the rule that must win. Order of
specificity: the lending library's own rules before network defaults; then item type;
then plan, then age band, then anyone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from samenbieb.circulation.models import AgeBand, CirculationRule
from samenbieb.circulation.rules import (
    BUILT_IN_RULE,
    EffectiveRule,
    RuleSource,
    lending_organisation,
    rule_effective,
    rule_for_lending,
)
from samenbieb.holdings.models import ItemType
from samenbieb.members.models import MembershipPlan
from samenbieb.network.models import Organisation
from tests.factories import (
    BranchFactory,
    CirculationRuleFactory,
    ItemTypeFactory,
    MembershipFactory,
    MembershipPlanFactory,
    OrganisationFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db

ON = dt.date(2026, 6, 15)
ADULT_BORN = dt.date(1980, 1, 1)
CHILD_BORN = dt.date(2018, 1, 1)
SENIOR_BORN = dt.date(1950, 1, 1)


@dataclass
class World:
    libraries: dict[str, Organisation]
    plans: dict[str, MembershipPlan]
    types: dict[str, ItemType]
    rules: dict[str, CirculationRule]


# name: (library or None for a network default, plan, age band, item type)
RULES: dict[str, tuple[str | None, str, str, str]] = {
    "network: anyone, any item": (None, "", "", ""),
    "network: DVD": (None, "", "", "dvd"),
    "network: child": (None, "", AgeBand.CHILD, ""),
    "A: anyone, any item": ("A", "", "", ""),
    "A: DVD": ("A", "", "", "dvd"),
    "A: youth plan": ("A", "A-youth", "", ""),
    "A: youth plan, DVD": ("A", "A-youth", "", "dvd"),
    "A: child": ("A", "", AgeBand.CHILD, ""),
    "A: child, DVD": ("A", "", AgeBand.CHILD, "dvd"),
    "A: senior": ("A", "", AgeBand.SENIOR, ""),
    "B: anyone, any item": ("B", "", "", ""),
    "B: book": ("B", "", "", "book"),
    "B: adult plan": ("B", "B-adult", "", ""),
}


@pytest.fixture
def world() -> World:
    libraries = {name: OrganisationFactory(name=f"Bibliotheek {name}") for name in "ABC"}
    plans = {
        "A-youth": MembershipPlanFactory(organisation=libraries["A"], min_age=0, max_age=17),
        "A-adult": MembershipPlanFactory(organisation=libraries["A"]),
        "B-adult": MembershipPlanFactory(organisation=libraries["B"]),
    }
    types = {code: ItemTypeFactory(code=code, name=code) for code in ("book", "dvd", "magazine")}
    rules = {}
    for loan_days, (name, (library, plan, band, item_type)) in enumerate(RULES.items(), start=1):
        rules[name] = CirculationRuleFactory(
            organisation=libraries[library] if library else None,
            plan=plans[plan] if plan else None,
            age_band=band,
            item_type=types[item_type] if item_type else None,
            loan_days=loan_days,
        )
    return World(libraries, plans, types, rules)


# (lending library, member's plan, birth date or band, item type) → the rule that wins
CASES = [
    pytest.param("A", "A-youth", CHILD_BORN, "dvd", "A: youth plan, DVD", id="exact-match"),
    pytest.param("A", "A-adult", ADULT_BORN, "dvd", "A: DVD", id="plan-wildcard"),
    pytest.param("A", "A-youth", CHILD_BORN, "book", "A: youth plan", id="item-type-wildcard"),
    pytest.param("A", "A-adult", ADULT_BORN, "book", "A: anyone, any item", id="both-wildcards"),
    pytest.param("A", None, None, "book", "A: anyone, any item", id="no-plan-no-age"),
    pytest.param("A", None, None, None, "A: anyone, any item", id="no-item-type"),
    pytest.param("A", None, CHILD_BORN, "book", "A: child", id="age-band-from-birth-date"),
    pytest.param("A", None, AgeBand.SENIOR, "book", "A: senior", id="age-band-given"),
    pytest.param("A", None, CHILD_BORN, "dvd", "A: child, DVD", id="age-band-and-item-type"),
    pytest.param("A", None, SENIOR_BORN, "dvd", "A: DVD", id="item-type-beats-age-band"),
    pytest.param("A", "A-youth", CHILD_BORN, "book", "A: youth plan", id="plan-beats-age-band"),
    pytest.param("A", "A-adult", SENIOR_BORN, "book", "A: senior", id="band-if-no-plan-rule"),
    pytest.param("C", None, ADULT_BORN, "book", "network: anyone, any item", id="network-default"),
    pytest.param("C", None, ADULT_BORN, "dvd", "network: DVD", id="network-default-type"),
    pytest.param("C", None, CHILD_BORN, "book", "network: child", id="network-default-band"),
    pytest.param(
        "C", None, CHILD_BORN, "dvd", "network: DVD", id="network-type-beats-network-band"
    ),
    pytest.param(
        "B", None, ADULT_BORN, "dvd", "B: anyone, any item", id="own-wildcard-beats-network-type"
    ),
    pytest.param(
        "A", None, ADULT_BORN, "magazine", "A: anyone, any item", id="unknown-type-falls-back"
    ),
    pytest.param("B", None, ADULT_BORN, "book", "B: book", id="other-library-own-rule"),
    pytest.param("B", "B-adult", ADULT_BORN, "dvd", "B: adult plan", id="other-library-plan"),
    pytest.param("B", "B-adult", ADULT_BORN, "book", "B: book", id="item-type-beats-plan"),
    pytest.param(
        "B",
        "A-youth",
        CHILD_BORN,
        "dvd",
        "B: anyone, any item",
        id="a-plan-of-A-means-nothing-at-B",
    ),
]


@pytest.mark.parametrize(("library", "plan", "age", "item_type", "expected"), CASES)
def test_the_most_specific_rule_wins(world, library, plan, age, item_type, expected):
    effective = rule_effective(
        organisation=world.libraries[library],
        plan=world.plans[plan] if plan else None,
        age_band_or_birth_date=age,
        item_type=world.types[item_type] if item_type else None,
        on=ON,
    )
    winner = world.rules[expected]
    assert effective.rule_id == winner.pk, (
        f"got {CirculationRule.objects.get(pk=effective.rule_id)}"
    )
    assert effective.loan_days == winner.loan_days
    assert effective.source == (RuleSource.NETWORK if expected.startswith("network") else "library")


def test_another_organisations_rules_never_apply(world):
    """Whatever is asked at C (no rules of its own), only network defaults answer."""
    for plan in (None, world.plans["A-youth"], world.plans["B-adult"]):
        for age in (None, CHILD_BORN, ADULT_BORN, SENIOR_BORN):
            for item_type in (None, *world.types.values()):
                effective = rule_effective(
                    organisation=world.libraries["C"],
                    plan=plan,
                    age_band_or_birth_date=age,
                    item_type=item_type,
                    on=ON,
                )
                assert effective.source == RuleSource.NETWORK


def test_the_built_in_rule_answers_when_nothing_matches():
    library = OrganisationFactory()
    CirculationRuleFactory(organisation=OrganisationFactory(), loan_days=3)  # elsewhere
    CirculationRuleFactory(organisation=library, item_type=ItemTypeFactory(code="dvd"))

    effective = rule_effective(
        organisation=library,
        plan=None,
        age_band_or_birth_date=ADULT_BORN,
        item_type=ItemTypeFactory(code="book"),
        on=ON,
    )

    assert effective == BUILT_IN_RULE
    assert effective.source == RuleSource.BUILT_IN
    assert effective.rule_id is None
    assert (effective.loan_days, effective.renewals_allowed, effective.max_loans) == (21, 2, 25)
    assert effective.holds_allowed
    assert effective.may_travel
    assert effective.fine_per_day == effective.hold_fee == Decimal("0.00")


@pytest.mark.parametrize(
    ("on", "band"),
    [
        pytest.param(dt.date(2026, 3, 9), AgeBand.CHILD, id="the-day-before-13-child"),
        pytest.param(dt.date(2026, 3, 10), AgeBand.YOUTH, id="on-13th-birthday-youth"),
        pytest.param(dt.date(2031, 3, 9), AgeBand.YOUTH, id="the-day-before-18-youth"),
        pytest.param(dt.date(2031, 3, 10), AgeBand.ADULT, id="on-18th-birthday-adult"),
    ],
)
def test_the_age_band_is_the_members_age_on_the_given_day(on, band):
    library = OrganisationFactory()
    by_band = {
        band: CirculationRuleFactory(organisation=library, age_band=band)
        for band in (AgeBand.CHILD, AgeBand.YOUTH, AgeBand.ADULT)
    }
    effective = rule_effective(
        organisation=library,
        plan=None,
        age_band_or_birth_date=dt.date(2013, 3, 10),
        item_type=None,
        on=on,
    )
    assert effective.rule_id == by_band[band].pk


def test_someone_born_on_29_february_turns_13_on_1_march():
    library = OrganisationFactory()
    youth = CirculationRuleFactory(organisation=library, age_band=AgeBand.YOUTH)
    CirculationRuleFactory(organisation=library, age_band=AgeBand.CHILD)

    def band_on(day: dt.date) -> int | None:
        return rule_effective(
            organisation=library,
            plan=None,
            age_band_or_birth_date=dt.date(2012, 2, 29),
            item_type=None,
            on=day,
        ).rule_id

    assert band_on(dt.date(2025, 2, 28)) != youth.pk
    assert band_on(dt.date(2025, 3, 1)) == youth.pk


def test_rule_effective_takes_one_query_however_many_rules_and_levels(
    world, django_assert_num_queries
):
    for _ in range(5):
        CirculationRuleFactory(item_type=world.types["dvd"])  # other libraries' rules
    for library, plan, age, item_type, _expected in (case.values for case in CASES):
        with django_assert_num_queries(1):
            rule_effective(
                organisation=world.libraries[library].pk,
                plan=world.plans[plan].pk if plan else None,
                age_band_or_birth_date=age,
                item_type=world.types[item_type].pk if item_type else None,
                on=ON,
            )


def test_ids_and_instances_give_the_same_answer(world):
    as_objects = rule_effective(
        organisation=world.libraries["A"],
        plan=world.plans["A-youth"],
        age_band_or_birth_date=CHILD_BORN,
        item_type=world.types["dvd"],
        on=ON,
    )
    as_ids = rule_effective(
        organisation=world.libraries["A"].pk,
        plan=world.plans["A-youth"].pk,
        age_band_or_birth_date=AgeBand.CHILD,
        item_type=world.types["dvd"].pk,
    )
    assert as_objects == as_ids


# -- the lending branch's library decides -------------------------------------------------


def test_the_lending_organisation_is_the_branchs_own():
    branch = BranchFactory()
    assert lending_organisation(branch) == branch.organisation_id


@pytest.fixture
def member_of_a(world):
    person = PersonFactory(home_organisation=world.libraries["A"], birth_date=CHILD_BORN)
    MembershipFactory(
        person=person,
        plan=world.plans["A-youth"],
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
    )
    return person


def test_a_member_borrowing_at_their_own_library_gets_its_rules_for_their_plan(world, member_of_a):
    branch = BranchFactory(organisation=world.libraries["A"])
    effective = rule_for_lending(
        branch=branch, person=member_of_a, item_type=world.types["dvd"], on=ON
    )
    assert effective.rule_id == world.rules["A: youth plan, DVD"].pk


def test_a_member_of_library_a_borrowing_at_library_b_gets_bs_rules(world, member_of_a):
    branch = BranchFactory(organisation=world.libraries["B"])
    effective = rule_for_lending(
        branch=branch, person=member_of_a, item_type=world.types["book"], on=ON
    )
    assert effective.rule_id == world.rules["B: book"].pk


def test_a_member_of_both_libraries_gets_the_lending_librarys_plan(world, member_of_a):
    MembershipFactory(
        person=member_of_a,
        plan=world.plans["B-adult"],
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
    )
    at_b = BranchFactory(organisation=world.libraries["B"])
    at_a = BranchFactory(organisation=world.libraries["A"])
    dvd = world.types["dvd"]

    assert (
        rule_for_lending(branch=at_b, person=member_of_a, item_type=dvd, on=ON).rule_id
        == world.rules["B: adult plan"].pk
    )
    assert (
        rule_for_lending(branch=at_a, person=member_of_a, item_type=dvd, on=ON).rule_id
        == world.rules["A: youth plan, DVD"].pk
    )


def test_a_lapsed_membership_is_no_plan(world, member_of_a):
    """Outside the membership's period only the age band and wildcards can match."""
    branch = BranchFactory(organisation=world.libraries["A"])
    effective = rule_for_lending(
        branch=branch, person=member_of_a, item_type=world.types["dvd"], on=dt.date(2027, 2, 1)
    )
    assert effective.rule_id == world.rules["A: child, DVD"].pk


def test_rule_for_lending_takes_two_queries(world, member_of_a, django_assert_num_queries):
    branch = BranchFactory(organisation=world.libraries["B"])
    with django_assert_num_queries(2):
        rule_for_lending(branch=branch, person=member_of_a, item_type=world.types["dvd"].pk, on=ON)


# -- what the terms mean ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("per_day", "cap", "days", "fine"),
    [
        pytest.param("0.25", "5.00", 0, "0.00", id="on-time"),
        pytest.param("0.25", "5.00", -3, "0.00", id="early"),
        pytest.param("0.25", "5.00", 4, "1.00", id="four-days"),
        pytest.param("0.25", "5.00", 20, "5.00", id="reaches-the-cap"),
        pytest.param("0.25", "5.00", 365, "5.00", id="capped"),
        pytest.param("0.25", None, 365, "91.25", id="no-cap"),
        pytest.param("0.00", None, 365, "0.00", id="free"),
    ],
)
def test_the_overdue_fine_is_per_day_and_capped(per_day, cap, days, fine):
    rule = EffectiveRule(
        loan_days=21,
        renewals_allowed=2,
        max_loans=None,
        holds_allowed=True,
        hold_fee=Decimal("0.00"),
        fine_per_day=Decimal(per_day),
        fine_cap=Decimal(cap) if cap is not None else None,
        may_travel=True,
        source=RuleSource.LIBRARY,
    )
    assert rule.fine_for(days) == Decimal(fine)


def test_the_effective_rule_carries_every_term_of_the_winning_rule():
    rule = CirculationRuleFactory(
        loan_days=7,
        renewals_allowed=0,
        max_loans=None,
        holds_allowed=False,
        hold_fee="1.50",
        fine_per_day="0.40",
        fine_cap=None,
        may_travel=False,
    )
    effective = rule_effective(
        organisation=rule.organisation, plan=None, age_band_or_birth_date=None, item_type=None
    )
    assert effective == EffectiveRule(
        loan_days=7,
        renewals_allowed=0,
        max_loans=None,
        holds_allowed=False,
        hold_fee=Decimal("1.50"),
        fine_per_day=Decimal("0.40"),
        fine_cap=None,
        may_travel=False,
        source=RuleSource.LIBRARY,
        rule_id=rule.pk,
    )
