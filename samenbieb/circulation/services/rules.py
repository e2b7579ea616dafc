"""State changes of the policy matrix: setting and deleting circulation rules.

``actor`` is the staff user acting, or ``None`` for the system itself (a job, the demo
loader, a member's own online action); permissions are checked for staff only.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from samenbieb.circulation.errors import InvalidCirculationRule
from samenbieb.circulation.models import CirculationRule
from samenbieb.core.audit import audit_record
from samenbieb.holdings.models import ItemType
from samenbieb.members.models import MembershipPlan
from samenbieb.network import tenancy
from samenbieb.network.models import Organisation, StaffUser
from samenbieb.network.roles import Capability

RULE_KEY = ("organisation_id", "plan_id", "age_band", "item_type_id")
RULE_TERMS = CirculationRule.TERMS


def _rule_require(actor: StaffUser | None, organisation_id: int | None) -> None:
    # A network default (no organisation) passes only for the network's operators.
    if actor is not None:
        tenancy.require(actor, organisation_id, Capability.CIRCULATION_RULES_MANAGE)


def _rule_snapshot(rule: CirculationRule) -> dict[str, Any]:
    values = {name: getattr(rule, name) for name in (*RULE_KEY, *RULE_TERMS)}
    return {
        name: str(value) if isinstance(value, Decimal) else value for name, value in values.items()
    }


def _invalid_rule(error: ValidationError) -> InvalidCirculationRule:
    errors = error.message_dict
    field = next((name for name in errors if name != NON_FIELD_ERRORS), None)
    message = " ".join(message for messages in errors.values() for message in messages)
    return InvalidCirculationRule(message, field=field)


@transaction.atomic
def circulation_rule_set(
    *,
    actor: StaffUser | None,
    organisation: Organisation | None,
    plan: MembershipPlan | None = None,
    age_band: str = "",
    item_type: ItemType | None = None,
    loan_days: int,
    renewals_allowed: int,
    max_loans: int | None,
    holds_allowed: bool,
    hold_fee: Decimal,
    fine_per_day: Decimal,
    fine_cap: Decimal | None,
    may_travel: bool,
    rule: CirculationRule | None = None,
) -> CirculationRule:
    """Set the terms for one key (``organisation``, or ``None`` for a network default; plan
    or age band; item type): the rule with that key is created or changed.

    With ``rule``, that rule is changed, key included (the admin's change form); the actor
    needs the right for the rule's library as stored and for its new one.
    """
    _rule_require(actor, organisation.pk if organisation is not None else None)
    key = {
        "organisation": organisation,
        "plan": plan,
        "age_band": age_band or "",
        "item_type": item_type,
    }
    if rule is not None and rule.pk is not None:
        target = CirculationRule.objects.select_for_update().get(pk=rule.pk)
        _rule_require(actor, target.organisation_id)
    else:
        target = (
            CirculationRule.objects.select_for_update().filter(**key).first()
        ) or CirculationRule()
    created = target.pk is None
    before = None if created else _rule_snapshot(target)
    terms = {
        "loan_days": loan_days,
        "renewals_allowed": renewals_allowed,
        "max_loans": max_loans,
        "holds_allowed": holds_allowed,
        "hold_fee": Decimal(hold_fee),
        "fine_per_day": Decimal(fine_per_day),
        "fine_cap": None if fine_cap is None else Decimal(fine_cap),
        "may_travel": may_travel,
    }
    for name, value in {**key, **terms}.items():
        setattr(target, name, value)
    try:
        target.full_clean()
    except ValidationError as error:
        raise _invalid_rule(error) from None
    try:
        with transaction.atomic():
            target.save()
    except IntegrityError:
        # Another rule with this key was saved after our check (two admins at once).
        raise InvalidCirculationRule(
            _("There is already a rule for this library, plan or age band and item type.")
        ) from None
    after = _rule_snapshot(target)
    audit_record(
        actor=actor,
        event_type="circulation.rule.changed",
        organisation_id=target.organisation_id,
        target=target,
        details={
            "created": created,
            "before": before,
            "after": after,
            "fields": sorted(
                name for name in after if before is None or before[name] != after[name]
            ),
        },
    )
    return target


@transaction.atomic
def circulation_rule_delete(*, actor: StaffUser | None, rule: CirculationRule) -> None:
    """Remove a rule; what it covered falls back to the next most specific rule."""
    target = CirculationRule.objects.select_for_update().get(pk=rule.pk)
    _rule_require(actor, target.organisation_id)
    audit_record(
        actor=actor,
        event_type="circulation.rule.deleted",
        organisation_id=target.organisation_id,
        target=target,
        details={"before": _rule_snapshot(target)},
    )
    target.delete()
