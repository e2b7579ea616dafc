"""The cockpit's indicators: what each counts, where it is counted and how it adds up.

One table, read by the roll-up, the suppression, the pages and the open-data API.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ORGANISATION_UP = ("organisation", "province", "network")
BRANCH_UP = ("branch", *ORGANISATION_UP)


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str | Promise
    # Breakdown dimensions (the part before ':' in Figure.breakdown).
    dimensions: tuple[str, ...] = ()
    levels: tuple[str, ...] = ORGANISATION_UP
    # Additive: a year is the sum of its months, a province the sum of its libraries.
    # Not additive: a stock (members at the end of the period) or distinct persons.
    additive: bool = True


INDICATORS: tuple[Indicator, ...] = (
    Indicator("members", _("Members"), ("age_band", "plan"), additive=False),
    Indicator("members_new", _("New members"), ("age_band",)),
    Indicator("members_lapsed", _("Members who left")),
    Indicator("active_users", _("Active users"), additive=False),
    Indicator("loans", _("Loans"), ("age_band", "item_type"), levels=BRANCH_UP),
    Indicator("digital_loans", _("Digital loans")),
    Indicator("network_loans_in", _("Borrowed from other libraries")),
    Indicator("network_loans_out", _("Lent to other libraries")),
    Indicator("guest_loans", _("Loans to members of other libraries"), levels=BRANCH_UP),
    Indicator("holds", _("Holds"), levels=BRANCH_UP),
    Indicator("activities", _("Activities"), ("theme", "programme")),
    Indicator("participants", _("Participants"), ("theme", "programme")),
    Indicator("consultations", _("Consultation contacts"), ("topic", "outcome")),
    Indicator("referrals", _("Referrals"), ("partner_kind", "direction")),
)
BY_CODE = {indicator.code: indicator for indicator in INDICATORS}
ADDITIVE = tuple(indicator.code for indicator in INDICATORS if indicator.additive)

DIMENSION_LABELS: dict[str, str | Promise] = {
    "age_band": _("Age"),
    "plan": _("Membership plan"),
    "item_type": _("Item type"),
    "theme": _("Theme"),
    "programme": _("National programme"),
    "topic": _("Topic"),
    "outcome": _("Outcome"),
    "partner_kind": _("Partner type"),
    "direction": _("Direction"),
}


def dimension_of(breakdown: str) -> str:
    return breakdown.partition(":")[0]
