"""Starting rules: the network defaults, and the demo's own rules for one library.

Terms are data: libraries change them in the administration afterwards. Creating them
again changes nothing; a rule that exists (perhaps changed by an administrator) is left
as it is. Everything goes through :func:`samenbieb.circulation.services.circulation_rule_set`
as the system (actor ``None``), so each new rule is in the audit trail.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from samenbieb.circulation.models import AgeBand, CirculationRule
from samenbieb.circulation.services import circulation_rule_set
from samenbieb.holdings.item_types import standard_item_types
from samenbieb.members.models import MembershipPlan
from samenbieb.network.models import Organisation

FREE = Decimal("0.00")


@dataclass(frozen=True)
class RuleSpec:
    """One rule; keys by code ("" for any): the item type's, the age band, the plan's."""

    item_type: str = ""
    age_band: str = ""
    plan: str = ""
    loan_days: int = 21
    renewals_allowed: int = 2
    max_loans: int | None = 25
    holds_allowed: bool = True
    hold_fee: Decimal = Decimal("0.50")
    fine_per_day: Decimal = Decimal("0.25")
    fine_cap: Decimal | None = Decimal("5.00")
    may_travel: bool = True


def _free_for_the_young(spec: RuleSpec) -> tuple[RuleSpec, ...]:
    """``spec`` and its twins for children and youth, without fees or fines.

    A rule for an item type beats a rule for an age band, so "the young pay nothing"
    must be written out for every item type that has its own rule.
    """
    young = (
        dataclasses.replace(spec, age_band=band, hold_fee=FREE, fine_per_day=FREE, fine_cap=None)
        for band in (AgeBand.CHILD, AgeBand.YOUTH)
    )
    return (spec, *young)


NETWORK_DEFAULT_RULES: tuple[RuleSpec, ...] = (
    # Books and everything without a rule of its own: 21 days, renewed twice.
    *_free_for_the_young(RuleSpec()),
    # Children's and youth books cost nobody a fine, whoever borrows them.
    RuleSpec(item_type="youth-book", hold_fee=FREE, fine_per_day=FREE, fine_cap=None),
    # DVDs and music: a week, few at a time, and they stay at their own library.
    *_free_for_the_young(
        RuleSpec(
            item_type="audiovisual",
            loan_days=7,
            renewals_allowed=1,
            max_loans=5,
            hold_fee=Decimal("1.00"),
            fine_per_day=Decimal("0.50"),
            may_travel=False,
        )
    ),
    # Magazines: two weeks, not reserved, not sent around.
    *_free_for_the_young(
        RuleSpec(
            item_type="magazine",
            loan_days=14,
            renewals_allowed=0,
            max_loans=10,
            holds_allowed=False,
            hold_fee=FREE,
            may_travel=False,
        )
    ),
    *_free_for_the_young(RuleSpec(item_type="game", loan_days=14, renewals_allowed=1, max_loans=3)),
)

# The demo's Arnhem library keeps its own rule set: the network defaults, but members on
# the cheaper basic plan borrow at most ten items at a time.
DEMO_LIBRARY_WITH_OWN_RULES = "NL-ArBR"
DEMO_OWN_RULES: tuple[RuleSpec, ...] = (
    *NETWORK_DEFAULT_RULES,
    RuleSpec(plan="basis", max_loans=10),
)


@transaction.atomic
def rules_create(
    *, organisation: Organisation | None, specs: Iterable[RuleSpec]
) -> list[CirculationRule]:
    """Create the rules of ``specs`` that ``organisation`` (``None``: the network defaults)
    lacks, and return them; existing rules stay as they are."""
    item_types = standard_item_types()
    plans = (
        {plan.code: plan for plan in MembershipPlan.objects.filter(organisation=organisation)}
        if organisation is not None
        else {}
    )
    created = []
    for spec in specs:
        key: dict[str, Any] = {
            "organisation": organisation,
            "plan": plans[spec.plan] if spec.plan else None,
            "age_band": spec.age_band,
            "item_type": item_types[spec.item_type] if spec.item_type else None,
        }
        if CirculationRule.objects.filter(**key).exists():
            continue
        terms: dict[str, Any] = {
            field.name: getattr(spec, field.name)
            for field in dataclasses.fields(spec)
            if field.name not in ("item_type", "age_band", "plan")
        }
        created.append(circulation_rule_set(actor=None, **key, **terms))
    return created


@transaction.atomic
def demo_rules_create() -> list[CirculationRule]:
    """The network defaults, and its own rules for the demo's Arnhem library (once)."""
    created = rules_create(organisation=None, specs=NETWORK_DEFAULT_RULES)
    own = Organisation.objects.filter(isil=DEMO_LIBRARY_WITH_OWN_RULES).first()
    if own is not None:
        created += rules_create(organisation=own, specs=DEMO_OWN_RULES)
    return created
