"""Loans: checkout, check-in (with routing of the item in hand), renewal, lost items.

Every door (desk, portal, SIP2 kiosk, API, jobs) calls these; each refusal is a
:class:`~samenbieb.circulation.errors.Refused` and leaves everything as it was.

A checkout runs the same number of queries however many loans the member has: limits are
counted in the database, never by loading loans.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from samenbieb.circulation.errors import Reason, Refused
from samenbieb.circulation.models import (
    HOLD_ACTIVE,
    HOLD_ALLOCATED,
    Charge,
    ChargeKind,
    Hold,
    HoldStatus,
    Loan,
    Transit,
    TransitReason,
)
from samenbieb.circulation.rules import rule_effective
from samenbieb.circulation.services import common, holds
from samenbieb.circulation.services.charges import charge_add
from samenbieb.circulation.states import HoldTrigger
from samenbieb.core.audit import audit_record
from samenbieb.holdings import states as item_states
from samenbieb.holdings.models import Item, ItemStatus
from samenbieb.holdings.services import item_circulate
from samenbieb.members.models import Person
from samenbieb.network.models import Branch, StaffUser


def _date(day: dt.date) -> str:
    return formats.date_format(day, "j F Y")


# --- checkout ------------------------------------------------------------------------


def _refuse_item_state(item: Item, person: Person) -> None:
    """Refuse an item that cannot be lent as it is, saying what to do instead."""
    if item.status == ItemStatus.ON_LOAN:
        loan = Loan.objects.filter(item=item, returned_at__isnull=True).first()
        if loan is not None and loan.person_id == person.pk:
            raise Refused(
                Reason.ALREADY_ON_LOAN_TO_MEMBER,
                _("Already lent to this member; due back %(date)s.") % {"date": _date(loan.due_on)},
            )
        raise Refused(
            Reason.ON_LOAN_TO_SOMEONE_ELSE,
            _("This item is still on loan to someone else. Check it in first, then lend it."),
        )
    if item.status == ItemStatus.IN_TRANSIT:
        raise Refused(
            Reason.IN_TRANSIT,
            _("This item is in transit. Check it in first, then lend it."),
        )
    if item.status not in (ItemStatus.AVAILABLE, ItemStatus.ON_HOLD_SHELF):
        raise Refused(
            Reason.ITEM_NOT_AVAILABLE,
            _("This item is marked “%(status)s” and cannot be lent.")
            % {"status": ItemStatus(item.status).label},
        )


@transaction.atomic
def loan_checkout(
    *,
    actor: StaffUser | None,
    branch: Branch,
    person: Person,
    barcode: str,
    member: Person | None = None,
    now: dt.datetime | None = None,
) -> Loan:
    """Lend the item with ``barcode`` to ``person`` at ``branch``, on the branch's
    library's terms; the due date falls on a day the branch is open.

    ``member``: the member who borrows it themselves (a kiosk), audited as the actor;
    None at the desk (``actor``) or for the system."""
    now = now or timezone.now()
    common.require_at(actor, branch.organisation_id)
    today = common.today_of(now)
    item = common.item_locked(barcode)
    _refuse_item_state(item, person)
    allocated = (
        Hold.objects.select_for_update(of=("self",))
        .filter(item=item, status__in=HOLD_ALLOCATED)
        .only("id", "person_id", "status", "item_id", "organisation_id")
        .first()
    )
    if allocated is not None and allocated.person_id != person.pk:
        raise Refused(
            Reason.ON_HOLD_FOR_SOMEONE_ELSE,
            _("This item is reserved for another member. Put it aside for the hold."),
        )
    organisation_id = branch.organisation_id
    membership = common.membership_for_lending(person, today, organisation_id)
    common.refuse_above_threshold(person)
    terms = common.terms_for(
        organisation_id=organisation_id,
        membership=membership,
        person=person,
        item_type_id=item.item_type_id,
        day=today,
    )
    if terms.max_loans == 0:
        raise Refused(
            Reason.NOT_FOR_LOAN,
            _("This item is not for loan. You can read or use it in the library."),
        )
    if terms.max_loans is not None:
        open_loans = Loan.objects.filter(
            person=person, returned_at__isnull=True, organisation_id=organisation_id
        )
        if terms.item_type_id is not None:
            open_loans = open_loans.filter(item_type_id=terms.item_type_id)
        if open_loans.count() >= terms.max_loans:
            raise Refused(
                Reason.MAXIMUM_LOANS,
                _(
                    "The maximum of %(count)s loans at this library has been reached. Bring "
                    "something back first, then you can borrow this."
                )
                % {"count": terms.max_loans},
            )
    due_on = common.open_day_from(branch, today + dt.timedelta(days=terms.loan_days))
    loan = Loan.objects.create(
        item=item,
        person=person,
        branch=branch,
        organisation_id=organisation_id,
        owner_organisation_id=item.organisation_id,
        home_organisation_id=person.home_organisation_id,
        item_type_id=item.item_type_id,
        age_band=common.age_band_on(person, today),
        plan_id=membership.plan_id if membership.organisation_id == organisation_id else None,
        checked_out_at=now,
        due_on=due_on,
        renewals_allowed=terms.renewals_allowed,
        fine_per_day=terms.fine_per_day,
        fine_cap=terms.fine_cap,
    )
    item_circulate(item=item, trigger=item_states.Trigger.CHECKOUT, branch=branch)
    _fulfil_own_hold(person, item, allocated, now)
    audit_record(
        actor=actor,
        event_type="circulation.loan.checked_out",
        organisation_id=organisation_id,
        target=loan,
        details={"item": item.barcode, "person": person.pk, "branch": branch.pk},
        member=member if actor is None else None,
    )
    return loan


def _fulfil_own_hold(person: Person, item: Item, allocated: Hold | None, now: dt.datetime) -> None:
    """The member borrows a title they reserved: their hold is fulfilled. A copy set
    aside for them elsewhere (they took another from the shelf) goes to the next in line."""
    hold = allocated
    if hold is None:
        hold = (
            Hold.objects.select_for_update(of=("self",))
            .filter(person=person, record_id=item.record_id, status__in=HOLD_ACTIVE)
            .first()
        )
        if hold is None:
            return
    other_copy = hold.item_id if hold.item_id != item.pk and hold.status in HOLD_ALLOCATED else None
    holds._move(hold, HoldTrigger.CHECKOUT, now, item=item)
    if other_copy is not None:
        copy = (
            Item.objects.select_for_update(of=("self",))
            .select_related("current_branch")
            .get(pk=other_copy)
        )
        if copy.status in (ItemStatus.AVAILABLE, ItemStatus.ON_HOLD_SHELF):
            holds.offer(copy, now)


# --- check-in ------------------------------------------------------------------------


class CheckinAction(StrEnum):
    """What to do with the item in hand after a check-in."""

    SHELVE = "shelve"
    HOLD_SHELF = "hold_shelf"
    TRANSIT_HOLD = "transit_hold"
    TRANSIT_HOME = "transit_home"


@dataclass(frozen=True)
class CheckinOutcome:
    item: Item
    loan: Loan | None
    action: CheckinAction
    destination: Branch | None
    hold: Hold | None
    fine: Charge | None
    instruction: str


def _fine_for(loan: Loan, today: dt.date) -> Decimal:
    days_late = (today - loan.due_on).days
    if days_late <= 0:
        return Decimal("0.00")
    fine = loan.fine_per_day * days_late
    return fine if loan.fine_cap is None else min(fine, loan.fine_cap)


def _charge_fine(loan: Loan, item: Item, today: dt.date) -> Charge | None:
    amount = _fine_for(loan, today)
    if amount <= 0 or loan.person is None:
        return None
    return charge_add(
        actor=None,
        person=loan.person,
        organisation=loan.organisation_id,
        kind=ChargeKind.FINE,
        amount=amount,
        description=_("Returned late: %(title)s") % {"title": item.record.title[:150]},
        item=item,
    )


def _close_loan(loan: Loan, branch: Branch | None, now: dt.datetime, *, lost: bool = False) -> None:
    """End ``loan`` and unlink it from the member unless they keep their history."""
    loan.returned_at = now
    loan.return_branch = branch
    update = ["returned_at", "return_branch"]
    if lost:
        loan.lost_at = now
        update.append("lost_at")
    if loan.person_id is not None and not common.keeps_history(loan.person_id):
        loan.person = None
        update.append("person")
    loan.save(update_fields=update)


Route = tuple[CheckinAction, Branch | None, Hold | None, str]


def _route(item: Item, branch: Branch, now: dt.datetime, *, hold: Hold | None = None) -> Route:
    """The item in hand is free at ``branch``: to a hold (here or elsewhere), home, or the shelf.

    Returns (action, destination, hold, instruction).
    """
    if hold is None:
        hold = (
            Hold.objects.select_for_update(of=("self",))
            .filter(item=item, status=HoldStatus.TO_PICK)
            .select_related("pickup_branch")
            .first()
        ) or holds.next_waiting_hold(item)
    if item.status == ItemStatus.ON_HOLD_SHELF and (
        hold is None or hold.pickup_branch_id != branch.pk
    ):
        item_circulate(item=item, trigger=item_states.Trigger.CLEAR_HOLD_SHELF, branch=branch)
    if hold is not None:
        pickup = hold.pickup_branch
        if pickup.pk == branch.pk:
            holds.shelve_for(hold, item, branch, now)
            return (
                CheckinAction.HOLD_SHELF,
                None,
                hold,
                _("Put it on the hold shelf (pick up before %(date)s).")
                % {"date": _date(hold.expires_on or common.today_of(now))},
            )
        holds.transit_send(
            item=item,
            from_branch=branch,
            to_branch=pickup,
            reason=TransitReason.HOLD,
            hold=hold,
            now=now,
        )
        holds._move(hold, HoldTrigger.SEND, now, item=item, allocated_at=hold.allocated_at or now)
        return (
            CheckinAction.TRANSIT_HOLD,
            pickup,
            hold,
            _("Reserved: send it to %(branch)s (%(library)s).")
            % {"branch": pickup.name, "library": pickup.organisation.short_name},
        )
    home = item.home_branch
    if home.pk != branch.pk:
        holds.transit_send(
            item=item,
            from_branch=branch,
            to_branch=home,
            reason=TransitReason.HOME,
            hold=None,
            now=now,
        )
        return (
            CheckinAction.TRANSIT_HOME,
            home,
            None,
            _("Send it home to %(branch)s (%(library)s).")
            % {"branch": home.name, "library": home.organisation.short_name},
        )
    return CheckinAction.SHELVE, None, None, _("Put it back on the shelf.")


@transaction.atomic
def loan_checkin(
    *,
    actor: StaffUser | None,
    branch: Branch,
    barcode: str,
    member: Person | None = None,
    now: dt.datetime | None = None,
) -> CheckinOutcome:
    """Take back, receive or pick the item with ``barcode`` at ``branch`` (any branch of
    any library) and say what to do with it: hold shelf, transit, or shelf.

    ``member``: the member who hands it in themselves (a kiosk where they logged in with
    their card), audited as the actor; None at the desk, a return machine or the system."""
    now = now or timezone.now()
    common.require_at(actor, branch.organisation_id)
    today = common.today_of(now)
    item = common.item_locked(barcode)
    loan: Loan | None = None
    fine: Charge | None = None
    hold: Hold | None = None
    event = "circulation.loan.checked_in"
    if item.status in (ItemStatus.ON_LOAN, ItemStatus.LOST, ItemStatus.MISSING):
        loan = (
            Loan.objects.select_for_update(of=("self",))
            .select_related("person")
            .filter(item=item, returned_at__isnull=True)
            .first()
        )
        if loan is not None:
            fine = _charge_fine(loan, item, today)
            _close_loan(loan, branch, now)
        item_circulate(item=item, trigger=item_states.Trigger.CHECKIN, branch=branch)
    elif item.status == ItemStatus.IN_TRANSIT:
        transit = (
            Transit.objects.select_for_update(of=("self",))
            .select_related("to_branch")
            .filter(item=item, received_at__isnull=True)
            .first()
        )
        if transit is not None and transit.from_branch_id == branch.pk:
            # Scanned again where it was just sent from: a double scan, nothing to do.
            raise Refused(
                Reason.IN_TRANSIT,
                _("Already on its way to %(branch)s: put it in the crate for %(branch)s.")
                % {"branch": transit.to_branch.name},
            )
        if transit is not None:
            transit.received_at = now
            transit.received_branch = branch
            transit.save(update_fields=["received_at", "received_branch"])
            hold = _hold_travelling_here(transit, branch)
        item_circulate(item=item, trigger=item_states.Trigger.RECEIVE, branch=branch)
        event = "circulation.transit.received"
    elif item.status == ItemStatus.AVAILABLE:
        picked = (
            Hold.objects.select_for_update(of=("self",))
            .select_related("pickup_branch__organisation")
            .filter(item=item, status=HoldStatus.TO_PICK)
            .first()
        )
        if picked is None or item.current_branch_id != branch.pk:
            raise Refused(
                Reason.NOT_ON_LOAN,
                _("This item was not on loan. It can go back on the shelf."),
            )
        hold = picked
        event = "circulation.hold.picked"
    elif item.status == ItemStatus.ON_HOLD_SHELF:
        ready = Hold.objects.filter(item=item, status=HoldStatus.READY).first()
        if ready is not None:
            raise Refused(
                Reason.NOT_ON_LOAN,
                _(
                    "This item is waiting on the hold shelf for a member. "
                    "Put it back on the hold shelf."
                ),
            )
        event = "circulation.hold.shelf_cleared"
    else:
        raise Refused(
            Reason.ITEM_NOT_AVAILABLE,
            _(
                "This item is marked “%(status)s”. "
                "Give it to a colleague who manages the collection."
            )
            % {"status": ItemStatus(item.status).label},
        )
    action, destination, hold, instruction = _route(item, branch, now, hold=hold)
    audit_record(
        actor=actor,
        event_type=event,
        organisation_id=branch.organisation_id,
        target=loan or item,
        details={
            "item": item.barcode,
            "branch": branch.pk,
            "action": str(action),
            "destination": destination.pk if destination is not None else None,
            "fine": str(fine.amount) if fine is not None else None,
        },
        member=member if actor is None else None,
    )
    return CheckinOutcome(
        item=item,
        loan=loan,
        action=action,
        destination=destination,
        hold=hold,
        fine=fine,
        instruction=instruction,
    )


def _hold_travelling_here(transit: Transit, branch: Branch) -> Hold | None:
    """The hold a received item travelled for, if still active (wherever it picks up:
    an item received at the wrong branch is sent on)."""
    if transit.hold_id is None:
        return None
    return (
        Hold.objects.select_for_update(of=("self",))
        .select_related("pickup_branch__organisation")
        .filter(pk=transit.hold_id, status=HoldStatus.IN_TRANSIT)
        .first()
    )


# --- renewal -------------------------------------------------------------------------


@transaction.atomic
def loan_renew(
    *,
    actor: StaffUser | None,
    loan: Loan,
    person: Person | None = None,
    now: dt.datetime | None = None,
) -> Loan:
    """Extend a running loan by a new loan period from today, within the renewal limit.

    A late loan can be renewed too; its fine so far is charged at once.
    """
    now = now or timezone.now()
    today = common.today_of(now)
    locked = (
        Loan.objects.select_for_update(of=("self",))
        .select_related("item__record", "branch", "person")
        .filter(pk=loan.pk, returned_at__isnull=True)
        .first()
    )
    if (
        locked is None
        or locked.person_id is None
        or (person is not None and locked.person_id != person.pk)
    ):
        raise Refused(
            Reason.LOAN_NOT_FOUND,
            _(
                "This loan has already ended: the item was brought back. Reload the page "
                "to see the current loans."
            ),
        )
    member: Person = locked.person  # type: ignore[assignment]  # not None: checked above
    common.require_at(actor, locked.organisation_id, member.home_organisation_id)
    if locked.renewals >= locked.renewals_allowed:
        raise Refused(
            Reason.RENEWAL_LIMIT,
            _(
                "This item cannot be renewed again: it has been renewed %(count)s times "
                "already. Please bring it back by %(date)s."
            )
            % {"count": locked.renewals, "date": _date(locked.due_on)}
            if locked.renewals
            else _("This item cannot be renewed. Please bring it back by %(date)s.")
            % {"date": _date(locked.due_on)},
        )
    if (
        Hold.objects.filter(
            common.fillable_by(locked.item),
            record_id=locked.item.record_id,
            status=HoldStatus.WAITING,
        )
        .exclude(person_id=member.pk)
        .exists()
    ):
        raise Refused(
            Reason.ON_HOLD_FOR_SOMEONE_ELSE,
            _(
                "Another member has reserved this title, so it cannot be renewed. "
                "Please bring it back by %(date)s."
            )
            % {"date": _date(locked.due_on)},
        )
    common.membership_for_lending(member, today, locked.organisation_id)
    common.refuse_above_threshold(member)
    # A late loan's fine so far is charged now; the renewed loan is late only after its new date.
    _charge_fine(locked, locked.item, today)
    terms = rule_effective(
        organisation=locked.organisation_id,
        plan=locked.plan_id,
        age_band_or_birth_date=locked.age_band,
        item_type=locked.item_type_id,
    )
    due_on = common.open_day_from(locked.branch, today + dt.timedelta(days=terms.loan_days))
    before = locked.due_on
    locked.due_on = max(due_on, locked.due_on)
    locked.renewals += 1
    locked.due_soon_notified_on = None
    locked.overdue_notified_on = None
    locked.save(update_fields=["due_on", "renewals", "due_soon_notified_on", "overdue_notified_on"])
    audit_record(
        actor=actor,
        event_type="circulation.loan.renewed",
        organisation_id=locked.organisation_id,
        target=locked,
        details={
            "item": locked.item.barcode,
            "from": before.isoformat(),
            "to": locked.due_on.isoformat(),
            "by_member": person is not None,
        },
        member=person if actor is None else None,
    )
    return locked


@dataclass(frozen=True)
class RenewOutcome:
    loan: Loan
    refused: Refused | None


def loans_renew_all(
    *, actor: StaffUser | None, person: Person, now: dt.datetime | None = None
) -> list[RenewOutcome]:
    """Renew every running loan of ``person``; each renewal stands or fails on its own."""
    outcomes = []
    for loan in Loan.objects.filter(person=person, returned_at__isnull=True).order_by(
        "due_on", "id"
    ):
        try:
            outcomes.append(
                RenewOutcome(loan_renew(actor=actor, loan=loan, person=person, now=now), None)
            )
        except Refused as refused:
            outcomes.append(RenewOutcome(loan, refused))
    return outcomes


# --- lost ----------------------------------------------------------------------------


@transaction.atomic
def loan_mark_lost(*, actor: StaffUser | None, loan: Loan, now: dt.datetime | None = None) -> Loan:
    """The member lost the item: the loan ends, the owner's replacement price is charged."""
    now = now or timezone.now()
    locked = (
        Loan.objects.select_for_update(of=("self",))
        .select_related("item__record", "person")
        .filter(pk=loan.pk, returned_at__isnull=True)
        .first()
    )
    if locked is None:
        raise Refused(
            Reason.LOAN_NOT_FOUND,
            _(
                "This loan has already ended: the item was brought back. Reload the page "
                "to see the current loans."
            ),
        )
    member = locked.person
    common.require_at(
        actor, locked.organisation_id, member.home_organisation_id if member else None
    )
    item = Item.objects.select_for_update(of=("self",)).get(pk=locked.item_id)
    charge = None
    if member is not None and item.replacement_price:
        charge = charge_add(
            actor=None,
            person=member,
            organisation=item.organisation_id,
            kind=ChargeKind.REPLACEMENT,
            amount=item.replacement_price,
            description=_("Lost: %(title)s") % {"title": locked.item.record.title[:150]},
            item=item,
        )
    _close_loan(locked, None, now, lost=True)
    item_circulate(item=item, trigger=item_states.Trigger.MARK_LOST)
    audit_record(
        actor=actor,
        event_type="circulation.loan.lost",
        organisation_id=locked.organisation_id,
        target=locked,
        details={"item": item.barcode, "charge": charge.pk if charge else None},
    )
    return locked


# --- damaged -------------------------------------------------------------------------


@transaction.atomic
def loan_return_damaged(
    *,
    actor: StaffUser | None,
    branch: Branch,
    loan: Loan,
    amount: Decimal | None = None,
    now: dt.datetime | None = None,
) -> Loan:
    """The member brings the item back damaged: the loan ends here (with any late fine),
    the item is set aside for repair, and the owner charges ``amount`` (default: the
    replacement price) for the damage."""
    now = now or timezone.now()
    common.require_at(actor, branch.organisation_id)
    locked = (
        Loan.objects.select_for_update(of=("self",))
        .select_related("item__record", "person")
        .filter(pk=loan.pk, returned_at__isnull=True)
        .first()
    )
    if locked is None:
        raise Refused(
            Reason.LOAN_NOT_FOUND,
            _(
                "This loan has already ended: the item was brought back. Reload the page "
                "to see the current loans."
            ),
        )
    item = Item.objects.select_for_update(of=("self",)).get(pk=locked.item_id)
    price = item.replacement_price if amount is None else Decimal(amount)
    member = locked.person
    charge = None
    if member is not None and price:
        charge = charge_add(
            actor=None,
            person=member,
            organisation=item.organisation_id,
            kind=ChargeKind.REPLACEMENT,
            amount=price,
            description=_("Damaged: %(title)s") % {"title": locked.item.record.title[:150]},
            item=item,
        )
    _charge_fine(locked, item, common.today_of(now))
    _close_loan(locked, branch, now)
    item_circulate(item=item, trigger=item_states.Trigger.CHECKIN, branch=branch)
    item_circulate(item=item, trigger=item_states.Trigger.MARK_DAMAGED, branch=branch)
    audit_record(
        actor=actor,
        event_type="circulation.loan.returned_damaged",
        organisation_id=branch.organisation_id,
        target=locked,
        details={"item": item.barcode, "charge": charge.pk if charge else None},
    )
    return locked
