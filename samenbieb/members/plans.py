"""Membership plans every library starts with. Prices and ages are data, not code paths:
a library changes its plans in the admin, and nothing in the logic knows "youth"."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from samenbieb.core.audit import audit_record
from samenbieb.members.models import MembershipPlan
from samenbieb.network.models import Organisation


@dataclass(frozen=True)
class PlanSpec:
    code: str
    name: str
    price: Decimal
    min_age: int
    max_age: int | None
    period_months: int = 12


# Names are Dutch on purpose: they are the libraries' own product names, shown as data.
DEFAULT_PLANS: tuple[PlanSpec, ...] = (
    PlanSpec("jeugd", "Jeugd (0–17 jaar)", Decimal("0.00"), 0, 17),
    PlanSpec("volwassen", "Volwassen", Decimal("52.00"), 18, None),
    # The same rights as "volwassen" (one membership covers physical and digital alike);
    # only the price differs, as libraries offer it to people with a small income.
    PlanSpec("basis", "Basis", Decimal("32.00"), 18, None),
)


@transaction.atomic
def default_plans_create(*, organisation: Organisation) -> list[MembershipPlan]:
    """Give ``organisation`` the default plans it lacks; existing plans are left as they are."""
    plans = []
    for spec in DEFAULT_PLANS:
        plan, created = MembershipPlan.objects.get_or_create(
            organisation=organisation,
            code=spec.code,
            defaults={
                "name": spec.name,
                "price": spec.price,
                "min_age": spec.min_age,
                "max_age": spec.max_age,
                "period_months": spec.period_months,
            },
        )
        if created:
            audit_record(
                actor=None,
                event_type="members.plan.created",
                organisation_id=organisation.pk,
                target=plan,
                details={"code": plan.code},
            )
        plans.append(plan)
    return plans
