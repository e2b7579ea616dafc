"""What the circulation desk keeps between scans, and the member summary it shows.

The desk's branch, the current patron's card and the feedback of the last scan live in
the session and are checked again on every request: a branch the staff member lost their
role at, or a card blocked since the last scan, stops counting at once. Reads go through
:mod:`samenbieb.circulation.queries`, :mod:`samenbieb.members.queries` and the tenant
gate; nothing here changes circulation state.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import formats
from django.utils.translation import gettext as _

from samenbieb.circulation import queries as circulation_queries
from samenbieb.circulation.errors import Refused
from samenbieb.circulation.models import Charge, Hold, HoldStatus, Loan
from samenbieb.members import queries as member_queries
from samenbieb.members.models import Membership, Person
from samenbieb.network import tenancy
from samenbieb.network.models import Branch
from samenbieb.network.roles import Capability

SESSION_BRANCH = "desk_circulation_branch"
SESSION_PATRON = "desk_circulation_card"
SESSION_FEEDBACK = "desk_circulation_feedback"


class Level:
    """How the feedback area looks: green, amber or red, each with its own words."""

    SUCCESS = "success"
    INSTRUCTION = "instruction"
    REFUSAL = "refusal"


@dataclass(frozen=True)
class Feedback:
    """The answer to the last scan or button, shown once after the redirect."""

    level: str
    code: str
    text: str
    details: tuple[str, ...] = ()

    @property
    def heading(self) -> str:
        # Colour is never the only signal: each level has its own word.
        return {
            Level.SUCCESS: _("Done"),
            Level.INSTRUCTION: _("Action needed"),
            Level.REFUSAL: _("Refused"),
        }[self.level]


def feedback_set(request: HttpRequest, feedback: Feedback) -> None:
    data = asdict(feedback)
    data["details"] = list(feedback.details)
    request.session[SESSION_FEEDBACK] = data


def feedback_pop(request: HttpRequest) -> Feedback | None:
    data = request.session.pop(SESSION_FEEDBACK, None)
    if not isinstance(data, dict):
        return None
    try:
        return Feedback(
            level=str(data["level"]),
            code=str(data["code"]),
            text=str(data["text"]),
            details=tuple(str(line) for line in data.get("details", ())),
        )
    except KeyError:
        return None


def refusal(error: Any) -> Feedback:
    """A service's refusal as the red feedback: its stable code and its plain message."""
    reason = getattr(error, "reason", None)
    code = str(reason) if reason is not None else str(getattr(error, "code", "refused"))
    return Feedback(Level.REFUSAL, code, str(error.message))


# --- The desk's branch ---------------------------------------------------------------


def circulation_branches(user: Any) -> QuerySet[Branch]:
    """The branches where ``user`` may lend, take back and handle holds and transits."""
    return (
        tenancy.visible(Branch, user, Capability.CIRCULATION)
        .filter(is_active=True)
        .select_related("organisation")
        .order_by("organisation__name", "name", "id")
    )


def current_branch(request: HttpRequest) -> Branch:
    """The branch this desk works for: the one chosen in this session, else the first of
    the staff member's library. No branch at all: this person may not lend anywhere."""
    branches = circulation_branches(request.user)
    chosen = request.session.get(SESSION_BRANCH)
    branch = branches.filter(pk=chosen).first() if isinstance(chosen, int) else None
    if branch is None:
        branch = branches.first()
    if branch is None:
        raise PermissionDenied
    return branch


def branch_choose(request: HttpRequest, pk: int) -> Branch | None:
    """Make ``pk`` this desk's branch if the staff member may lend there."""
    branch = circulation_branches(request.user).filter(pk=pk).first()
    if branch is not None:
        request.session[SESSION_BRANCH] = branch.pk
        request.session.pop(SESSION_PATRON, None)
    return branch


# --- The current patron --------------------------------------------------------------


def patron_set(request: HttpRequest, card: str) -> None:
    request.session[SESSION_PATRON] = card


def patron_end(request: HttpRequest) -> None:
    request.session.pop(SESSION_PATRON, None)


def current_patron(request: HttpRequest) -> Person | None:
    """The member whose card was scanned last, looked up again by that card.

    A card lost or blocked since the scan ends the session, with the reason as feedback.
    """
    card = request.session.get(SESSION_PATRON)
    if not card:
        return None
    try:
        return circulation_queries.patron_by_card(str(card))
    except Refused as error:
        patron_end(request)
        feedback_set(request, refusal(error))
        return None


def is_own_member(user: Any, person: Person) -> bool:
    """May ``user`` see this member's own data (a member of their library), or is the
    member a guest here, of whom the desk sees only what guest lending needs?"""
    return tenancy.staff_scope(user, Capability.MEMBERS_VIEW).allows(person.home_organisation_id)


def _guest_limited(queryset: QuerySet[Any], user: Any, own: bool) -> QuerySet[Any]:
    # A guest's loans, holds and charges at other libraries are those libraries' data.
    return queryset if own else tenancy.visible(queryset, user, Capability.CIRCULATION)


def patron_loans(user: Any, person: Person) -> QuerySet[Loan]:
    return _guest_limited(circulation_queries.loans_open(person), user, is_own_member(user, person))


def patron_holds(user: Any, person: Person) -> QuerySet[Hold]:
    holds = circulation_queries.holds_of(person).select_related("record", "pickup_branch", "item")
    return _guest_limited(holds, user, is_own_member(user, person))


def patron_charges(user: Any, person: Person) -> QuerySet[Charge]:
    charges = circulation_queries.charges_open(person)
    return _guest_limited(charges, user, is_own_member(user, person))


@dataclass
class PatronSummary:
    """What the desk shows of the current patron, all read in a fixed number of queries."""

    person: Person
    own: bool
    home_library: str
    membership: Membership | None
    membership_valid: bool
    loans: list[Loan]
    holds: list[Hold]
    ready_here: list[Hold]
    charges: list[Charge]
    charges_total: Decimal
    may_waive: set[int] = field(default_factory=set)
    may_settle: set[int] = field(default_factory=set)
    blocks: list[str] = field(default_factory=list)


def patron_summary(user: Any, person: Person, branch: Branch, today: dt.date) -> PatronSummary:
    own = is_own_member(user, person)
    membership = member_queries.membership_valid(person, today)
    loans = list(patron_loans(user, person))
    holds = list(patron_holds(user, person))
    charges = list(patron_charges(user, person))
    total = sum((charge.amount for charge in charges), Decimal(0))
    settle_scope = tenancy.staff_scope(user, Capability.CIRCULATION)
    waive_scope = tenancy.staff_scope(user, Capability.CHARGES_WAIVE)
    blocks: list[str] = []
    if membership is None:
        blocks.append(_("No valid membership today: nothing can be lent until it is renewed."))
    # A guest's charges at other libraries block too; the desk learns that, not the amounts.
    threshold = circulation_queries.charges_block_threshold()
    owed = total if own else circulation_queries.charges_open_total(person)
    if owed > threshold:
        blocks.append(
            _(
                "Open charges above € %(threshold)s: lending, renewing and holds are blocked "
                "until some are paid."
            )
            % {"threshold": formats.number_format(threshold, 2)}
        )
    return PatronSummary(
        person=person,
        own=own,
        home_library=person.home_organisation.name,
        # A guest's desk learns only whether the membership is valid (ADR 3).
        membership=membership if own else None,
        membership_valid=membership is not None,
        loans=loans,
        holds=holds,
        ready_here=[
            hold
            for hold in holds
            if hold.status == HoldStatus.READY and hold.pickup_branch_id == branch.pk
        ],
        charges=charges,
        charges_total=total,
        may_settle={c.pk for c in charges if settle_scope.allows(c.organisation_id)},
        may_waive={c.pk for c in charges if waive_scope.allows(c.organisation_id)},
        blocks=blocks,
    )
