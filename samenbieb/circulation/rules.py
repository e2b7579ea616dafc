"""Which circulation rule applies: policy as data, looked up in one place.

The policy matrix is :class:`~samenbieb.circulation.models.CirculationRule`: organisation,
by who (a membership plan or an age band), by item type, each key empty for "any". Like Koha's
``get_effective_rule``, the most specific matching rule wins, whole (its values are not
mixed with those of other rules). Specificity, most important first:

1. **the library's own rules beat the network defaults.** A library that writes rules
   gets exactly its rules: a network default applies only where none of the library's
   rules matches;
2. **a rule for the item type beats a rule for any type;**
3. **a rule for the member's plan beats one for their age band, which beats one for anyone.**

So a library's "DVD, anyone" rule beats its "youth plan, any item" rule; a library that
wants something else for young members' DVDs writes the exact rule (youth plan, DVD).

The rules of the **lending** library apply: the organisation of the branch where the item
is lent (:func:`lending_organisation`), not the member's home library, nor the item's
owner. A member of library A who borrows at library B gets B's rules, with B's plans;
their membership of A is no plan at B.

When nothing matches, not even a network default, :data:`BUILT_IN_RULE` answers, so
circulation always has terms to work with.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.db.models import Q
from django.utils import timezone

from samenbieb.circulation.models import AgeBand, CirculationRule, age_band_of
from samenbieb.holdings.models import ItemType
from samenbieb.members.dates import age_on
from samenbieb.members.models import Membership, MembershipPlan, Person
from samenbieb.network.models import Branch, Organisation


class RuleSource(StrEnum):
    LIBRARY = "library"  # one of the lending library's own rules
    NETWORK = "network"  # a network default (a rule without organisation)
    BUILT_IN = "built_in"  # no rule matched: BUILT_IN_RULE


@dataclass(frozen=True)
class EffectiveRule:
    """The lending terms that apply, and which rule they came from."""

    loan_days: int
    renewals_allowed: int
    max_loans: int | None  # None: no limit
    holds_allowed: bool
    hold_fee: Decimal
    fine_per_day: Decimal
    fine_cap: Decimal | None  # None: no maximum
    may_travel: bool
    source: RuleSource
    rule_id: int | None = None  # None for the built-in rule
    item_type_id: int | None = None  # the item type the rule is written for; None: any

    def fine_for(self, days_overdue: int) -> Decimal:
        """The overdue fine for one loan ``days_overdue`` days late, capped."""
        fine = self.fine_per_day * max(days_overdue, 0)
        return fine if self.fine_cap is None else min(fine, self.fine_cap)

    @classmethod
    def from_rule(cls, rule: CirculationRule) -> EffectiveRule:
        return cls(
            **{name: getattr(rule, name) for name in CirculationRule.TERMS},
            source=RuleSource.NETWORK if rule.organisation_id is None else RuleSource.LIBRARY,
            rule_id=rule.pk,
            item_type_id=rule.item_type_id,
        )


# The network's answer when no rule matches at all (an empty installation, or a rule set
# with gaps): the usual terms of Dutch public libraries, free of charges so that a gap in
# the rules never costs a member money.
BUILT_IN_RULE = EffectiveRule(
    loan_days=21,
    renewals_allowed=2,
    max_loans=25,
    holds_allowed=True,
    hold_fee=Decimal("0.00"),
    fine_per_day=Decimal("0.00"),
    fine_cap=None,
    may_travel=True,
    source=RuleSource.BUILT_IN,
)


def lending_organisation(branch: Branch) -> int:
    """The organisation whose rules govern a loan at ``branch``: the branch's own.

    Not the member's home library and not the item's owner: a library lends on its own
    terms, whoever borrows and whatever it lends (including another library's item).
    """
    return branch.organisation_id


def _pk(value: object) -> int | None:
    if value is None or isinstance(value, int):
        return value
    return value.pk  # type: ignore[attr-defined]


def rule_effective(
    *,
    organisation: Organisation | int,
    plan: MembershipPlan | int | None,
    age_band_or_birth_date: AgeBand | str | dt.date | None,
    item_type: ItemType | int | None,
    on: dt.date | None = None,
) -> EffectiveRule:
    """The most specific rule for a member of ``plan`` (at ``organisation``) and age, and an
    item of ``item_type``, lent by ``organisation``; one query.

    ``age_band_or_birth_date`` is the member's birth date (their band is their age on
    ``on``, default today) or a band; ``None`` matches only rules for any age.
    ``plan`` is the member's plan at ``organisation``: a plan of another library matches
    nothing there.
    """
    organisation_id = _pk(organisation)
    plan_id = _pk(plan)
    item_type_id = _pk(item_type)
    if isinstance(age_band_or_birth_date, dt.date):
        day = on or timezone.localdate()
        band: str = age_band_of(age_on(age_band_or_birth_date, day))
    else:
        band = str(age_band_or_birth_date or "")

    candidates = CirculationRule.objects.filter(
        _any_or("organisation_id", organisation_id),
        _any_or("item_type_id", item_type_id),
        _any_or("plan_id", plan_id),
        age_band__in=["", band] if band else [""],
    )
    best = max(candidates, key=_specificity, default=None)
    return BUILT_IN_RULE if best is None else EffectiveRule.from_rule(best)


def _any_or(column: str, value: int | None) -> Q:
    """Rules for any value (NULL), and for ``value`` when there is one."""
    wildcard = Q(**{f"{column}__isnull": True})
    return wildcard if value is None else wildcard | Q(**{column: value})


def _specificity(rule: CirculationRule) -> tuple[bool, bool, int]:
    """Sort key of the order in the module docstring; unique among matching rules, as a
    rule names a plan or an age band but not both and the key columns are unique."""
    who = 2 if rule.plan_id is not None else 1 if rule.age_band else 0
    return (rule.organisation_id is not None, rule.item_type_id is not None, who)


def rule_for_lending(
    *,
    branch: Branch,
    person: Person,
    item_type: ItemType | int,
    on: dt.date | None = None,
) -> EffectiveRule:
    """The rule for lending an item of ``item_type`` to ``person`` at ``branch`` on ``on``:
    the lending library's rules, with the person's plan there (if they are a member of
    that library on ``on``) and their age on ``on``. Two queries."""
    day = on or timezone.localdate()
    organisation_id = lending_organisation(branch)
    plan_id = (
        Membership.objects.filter(
            person=person,
            organisation_id=organisation_id,
            cancelled_at__isnull=True,
            starts_on__lte=day,
            ends_on__gte=day,
        )
        .order_by("-ends_on", "-id")
        .values_list("plan_id", flat=True)
        .first()
    )
    return rule_effective(
        organisation=organisation_id,
        plan=plan_id,
        age_band_or_birth_date=person.birth_date,
        item_type=item_type,
        on=day,
    )
