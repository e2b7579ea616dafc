"""Holds: placing, filling, cancelling and expiring them, and routing copies to members.

Filling order when a hold is placed (issue 5, national and guest lending in one flow): a
free copy at the pickup branch, then one of the member's own library, then one in the
pickup branch's province, then anywhere in the network — skipping copies whose owner's
rules keep them home. A copy that comes free later (returned, received, released) goes to
the first hold in its title's queue that it may serve.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from samenbieb.catalog.models import Record
from samenbieb.circulation import notices
from samenbieb.circulation.errors import Reason, Refused
from samenbieb.circulation.models import (
    HOLD_ACTIVE,
    HOLD_ALLOCATED,
    ChargeKind,
    Hold,
    HoldStatus,
    Loan,
    Transit,
    TransitReason,
)
from samenbieb.circulation.services import common
from samenbieb.circulation.services.charges import charge_add
from samenbieb.circulation.states import HoldTrigger, hold_next_status
from samenbieb.core.audit import audit_record
from samenbieb.holdings import states as item_states
from samenbieb.holdings.models import Item, ItemStatus
from samenbieb.holdings.services import item_circulate
from samenbieb.members.models import Person
from samenbieb.network.models import Branch, BranchKind, StaffUser

# How many free copies the filling order looks at before giving up on travel rules.
_CANDIDATES = 50


def _move(hold: Hold, trigger: HoldTrigger, now: dt.datetime, **fields: object) -> None:
    hold.status = hold_next_status(hold.status, trigger)
    for name, value in fields.items():
        setattr(hold, name, value)
    update = ["status", *fields]
    if hold.status in (HoldStatus.FULFILLED, HoldStatus.CANCELLED, HoldStatus.EXPIRED):
        # A closed hold keeps what statistics need, not who it was for.
        hold.closed_at = now
        hold.person = None
        update += ["closed_at", "person"]
    hold.save(update_fields=update)


def hold_can_use(hold: Hold, item: Item, travel: dict[tuple[int, int], bool]) -> bool:
    """Whether ``item`` may serve ``hold``: its own library, or allowed to travel."""
    return hold.organisation_id == item.organisation_id or common.may_travel(item, travel)


def next_waiting_hold(item: Item) -> Hold | None:
    """The first hold in the title's queue that ``item`` may serve, its row locked.

    Locked rows are skipped: a hold another transaction is filling right now with another
    copy is not filled twice (on PostgreSQL; SQLite runs one writer at a time anyway).
    Holds are locked one at a time, so copies returned at the same moment each take the
    next free hold instead of all waiting for the first.
    """
    travel: dict[tuple[int, int], bool] = {}
    waiting = (
        Hold.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(common.fillable_by(item), record_id=item.record_id, status=HoldStatus.WAITING)
        .order_by("placed_at", "id")
    )
    passed: list[int] = []
    while len(passed) < _CANDIDATES:
        hold = waiting.exclude(pk__in=passed).first()
        if hold is None or hold_can_use(hold, item, travel):
            return hold
        passed.append(hold.pk)
    return None


def transit_send(
    *,
    item: Item,
    from_branch: Branch,
    to_branch: Branch,
    reason: TransitReason,
    hold: Hold | None,
    now: dt.datetime,
) -> Transit:
    """Put a locked item in the crate to ``to_branch``: the send scan."""
    item_circulate(item=item, trigger=item_states.Trigger.SEND, branch=from_branch)
    return Transit.objects.create(
        item=item,
        from_branch=from_branch,
        to_branch=to_branch,
        reason=reason,
        hold=hold,
        sent_at=now,
    )


def shelve_for(hold: Hold, item: Item, branch: Branch, now: dt.datetime) -> None:
    """Put ``item`` on the hold shelf at ``branch`` for ``hold`` and tell the member."""
    if item.status != ItemStatus.ON_HOLD_SHELF:
        item_circulate(item=item, trigger=item_states.Trigger.PLACE_ON_HOLD_SHELF, branch=branch)
    expires_on = common.open_day_from(
        branch, common.today_of(now) + dt.timedelta(days=common.hold_shelf_days())
    )
    _move(hold, HoldTrigger.SHELVE, now, item=item, ready_at=now, expires_on=expires_on)
    if hold.allocated_at is None:
        hold.allocated_at = now
        hold.save(update_fields=["allocated_at"])
    notices.notice_after_commit(notices.NoticeKind.HOLD_READY, hold.pk)


def allocate(hold: Hold, item: Item, now: dt.datetime) -> None:
    """Set ``item`` aside for ``hold``: it goes on the pick list of the branch it is at."""
    _move(hold, HoldTrigger.ALLOCATE, now, item=item, allocated_at=now)


def offer(item: Item, now: dt.datetime) -> Hold | None:
    """A locked copy came free where it stands (released, or left on the hold shelf):
    give it to the next hold it may serve. On the hold shelf of that hold's own pickup
    branch it is ready at once; otherwise it goes on the pick list where it is."""
    hold = next_waiting_hold(item)
    if hold is None:
        return None
    if item.status == ItemStatus.ON_HOLD_SHELF and hold.pickup_branch_id == item.current_branch_id:
        shelve_for(hold, item, item.current_branch, now)
    else:
        allocate(hold, item, now)
    return hold


def _first_free_copy(hold: Hold, record: Record, item: Item | None, pickup: Branch) -> Item | None:
    """The first free copy in filling order (see the module docstring) that may serve
    ``hold``, its row locked; copies other transactions hold locked are skipped."""
    copies = Item.objects.filter(record=record, status=ItemStatus.AVAILABLE).exclude(
        holds__status__in=HOLD_ALLOCATED
    )
    if item is not None:
        copies = copies.filter(pk=item.pk)
    ordered = (
        copies.select_for_update(skip_locked=True, of=("self",))
        .annotate(
            filling_order=Case(
                When(current_branch=pickup, then=Value(0)),
                When(organisation_id=hold.home_organisation_id, then=Value(1)),
                When(
                    current_branch__organisation__province=pickup.organisation.province,
                    then=Value(2),
                ),
                default=Value(3),
                output_field=IntegerField(),
            )
        )
        .order_by("filling_order", "pk")
    )
    travel: dict[tuple[int, int], bool] = {}
    passed: list[int] = []
    while len(passed) < _CANDIDATES:
        copy = ordered.exclude(pk__in=passed).first()
        if copy is None or hold_can_use(hold, copy, travel):
            return copy
        passed.append(copy.pk)
    return None


def _refuse_pickup(branch: Branch) -> None:
    if (
        not branch.is_active
        or branch.kind == BranchKind.OFFICE
        or not branch.organisation.is_active
    ):
        raise Refused(
            Reason.BRANCH_CLOSED_FOR_PICKUP,
            _("Holds cannot be picked up at %(branch)s. Choose another branch.")
            % {"branch": branch.name},
        )


@transaction.atomic
def hold_place(
    *,
    actor: StaffUser | None,
    person: Person,
    record: Record,
    pickup_branch: Branch,
    item: Item | None = None,
    member: Person | None = None,
    now: dt.datetime | None = None,
) -> Hold:
    """Reserve ``record`` (any copy, or the copy ``item``) for ``person`` to pick up at
    ``pickup_branch``; a free copy is set aside at once when there is one.

    ``member``: the member who placed it themselves (portal, API), audited as the actor;
    None when staff (``actor``) or the system placed it."""
    now = now or timezone.now()
    common.require_at(actor, pickup_branch.organisation_id, person.home_organisation_id)
    today = common.today_of(now)
    _refuse_pickup(pickup_branch)
    if item is not None and item.record_id != record.pk:
        raise Refused(Reason.NOTHING_TO_HOLD, _("This copy belongs to another title."))
    membership = common.membership_for_lending(person, today, pickup_branch.organisation_id)
    common.refuse_above_threshold(person)
    if Hold.objects.filter(person=person, record=record, status__in=HOLD_ACTIVE).exists():
        raise Refused(Reason.HOLD_EXISTS, _("You already have a hold on this title."))
    if Loan.objects.filter(person=person, item__record=record, returned_at__isnull=True).exists():
        raise Refused(Reason.ALREADY_ON_LOAN_FOR_HOLD, _("You have already borrowed this title."))
    lendable = Item.objects.filter(record=record).exclude(
        status__in=[ItemStatus.WITHDRAWN, ItemStatus.LOST]
    )
    if item is not None:
        lendable = lendable.filter(pk=item.pk)
    example = lendable.only("item_type_id").first()
    if example is None or record.deleted_at is not None:
        raise Refused(
            Reason.NOTHING_TO_HOLD,
            _("There is no copy of this title in the network to reserve."),
        )
    terms = common.terms_for(
        organisation_id=pickup_branch.organisation_id,
        membership=membership,
        person=person,
        item_type_id=example.item_type_id,
        day=today,
    )
    if not terms.holds_allowed:
        raise Refused(
            Reason.HOLDS_NOT_ALLOWED,
            _(
                "This title cannot be reserved for pickup at %(library)s. Choose a branch of "
                "another library, or ask at the desk."
            )
            % {"library": pickup_branch.organisation.short_name},
        )
    hold = Hold.objects.create(
        record=record,
        item=item,
        item_specific=item is not None,
        person=person,
        pickup_branch=pickup_branch,
        organisation_id=pickup_branch.organisation_id,
        home_organisation_id=person.home_organisation_id,
        placed_at=now,
    )
    if terms.hold_fee > 0:
        charge_add(
            actor=None,
            person=person,
            organisation=pickup_branch.organisation_id,
            kind=ChargeKind.HOLD_FEE,
            amount=terms.hold_fee,
            description=_("Hold: %(title)s") % {"title": record.title[:150]},
        )
    copy = _first_free_copy(hold, record, item, pickup_branch)
    if copy is not None:
        allocate(hold, copy, now)
    audit_record(
        actor=actor,
        event_type="circulation.hold.placed",
        organisation_id=hold.organisation_id,
        target=hold,
        details={
            "record": record.pk,
            "item": item.pk if item is not None else None,
            "person": person.pk,
            "pickup_branch": pickup_branch.pk,
            "status": hold.status,
        },
        member=member if actor is None else None,
    )
    return hold


@transaction.atomic
def hold_cancel(
    *,
    actor: StaffUser | None,
    hold: Hold,
    person: Person | None = None,
    reason: str = "",
    now: dt.datetime | None = None,
) -> Hold:
    """Cancel an active hold; a copy set aside for it goes to the next member in line."""
    now = now or timezone.now()
    locked = Hold.objects.select_for_update().filter(pk=hold.pk).first()
    if locked is None or (person is not None and locked.person_id != person.pk):
        raise Refused(
            Reason.HOLD_NOT_ACTIVE,
            _(
                "This hold has already ended: it was picked up, cancelled or not picked up in "
                "time. Your current holds are in “my account”."
            ),
        )
    common.require_at(actor, locked.organisation_id, locked.home_organisation_id)
    item_id = locked.item_id if locked.status in HOLD_ALLOCATED else None
    member_id = locked.person_id
    _move(locked, HoldTrigger.CANCEL, now, cancel_reason=" ".join(reason.split())[:200])
    if item_id is not None:
        item = (
            Item.objects.select_for_update(of=("self",))
            .select_related("current_branch")
            .get(pk=item_id)
        )
        # On the shelf or the hold shelf: straight to the next member. In a crate: the
        # check-in at the other end routes it.
        if item.status in (ItemStatus.AVAILABLE, ItemStatus.ON_HOLD_SHELF):
            offer(item, now)
    audit_record(
        actor=actor,
        event_type="circulation.hold.cancelled",
        organisation_id=locked.organisation_id,
        target=locked,
        details={"person": member_id, "by_member": person is not None},
        reason=locked.cancel_reason,
        member=person if actor is None else None,
    )
    return locked


@transaction.atomic
def holds_expire(*, now: dt.datetime | None = None) -> int:
    """Close ready holds not picked up in time and move each copy to the next member in
    line (a periodic job); returns how many holds expired. Safe to re-run."""
    now = now or timezone.now()
    today = common.today_of(now)
    expired = list(
        Hold.objects.select_for_update(skip_locked=True)
        .filter(status=HoldStatus.READY, expires_on__lt=today)
        .order_by("expires_on", "id")
    )
    for hold in expired:
        item_id: int = hold.item_id  # type: ignore[assignment]  # a ready hold has its copy
        organisation_id = hold.organisation_id
        _move(hold, HoldTrigger.EXPIRE, now)
        item = (
            Item.objects.select_for_update(of=("self",))
            .select_related("current_branch")
            .get(pk=item_id)
        )
        offer(item, now)
        audit_record(
            actor=None,
            event_type="circulation.hold.expired",
            organisation_id=organisation_id,
            target=hold,
            details={"item": item_id},
        )
    return len(expired)
