"""State changes of items. Every door (desk, admin, API, SIP2, jobs) calls these.

``actor`` is the staff user acting, or ``None`` for the system itself (an import, a job);
permissions are checked for people only. An item's status changes only through
:func:`item_transition`, following the table in :mod:`samenbieb.holdings.states`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django.db import IntegrityError, transaction
from django.db.models import Field
from django.utils import timezone

from samenbieb.catalog import search
from samenbieb.catalog.models import Record
from samenbieb.catalog.services import records_touch
from samenbieb.core.audit import audit_record
from samenbieb.holdings import states
from samenbieb.holdings.barcodes import barcode_normalise
from samenbieb.holdings.errors import (
    BranchOfAnotherOrganisation,
    DuplicateBarcode,
    FieldNotEditable,
)
from samenbieb.holdings.models import Item, ItemStatus, ItemType
from samenbieb.network import tenancy
from samenbieb.network.models import Branch, Organisation, StaffUser
from samenbieb.network.roles import Capability

# What item_update may change. Status and current location move only through
# item_transition; the owner changes only through a transfer (not built yet).
EDITABLE_FIELDS = frozenset(
    {
        "barcode",
        "record",
        "home_branch",
        "item_type",
        "shelf_mark",
        "acquired_on",
        "replacement_price",
    }
)


def _require(actor: StaffUser | None, organisation_id: int | None) -> None:
    if actor is not None:
        tenancy.require(actor, organisation_id, Capability.HOLDINGS_MANAGE)


def _refuse_duplicate(actor: StaffUser | None, barcode: str, *, exclude_pk: int | None) -> None:
    """Raise :class:`DuplicateBarcode` if another item has ``barcode``.

    The message names the other item's library and home branch only when the actor may
    see that library's items; otherwise it says "another library" and nothing more.
    """
    others = Item.objects.filter(barcode=barcode).select_related("organisation", "home_branch")
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    other = others.first()
    if other is None:
        return
    if actor is None or tenancy.staff_scope(actor).allows(other.organisation_id):
        where = f"{other.organisation.name}, {other.home_branch.name}"
        raise DuplicateBarcode(barcode, where=where)
    raise DuplicateBarcode(barcode)


def _save_unique(item: Item, actor: StaffUser | None, **save: Any) -> None:
    """Save, turning a barcode taken by a concurrent transaction into DuplicateBarcode."""
    try:
        with transaction.atomic():
            item.save(**save)
    except IntegrityError:
        if Item.objects.filter(barcode=item.barcode).exclude(pk=item.pk).exists():
            raise DuplicateBarcode(item.barcode) from None
        raise


@transaction.atomic
def item_add(
    *,
    actor: StaffUser | None,
    record: Record,
    organisation: Organisation,
    home_branch: Branch,
    barcode: str,
    item_type: ItemType,
    shelf_mark: str = "",
    acquired_on: dt.date | None = None,
    replacement_price: Decimal | None = None,
) -> Item:
    """Add a copy of ``record`` to ``organisation``'s collection, on the shelf at its home."""
    _require(actor, organisation.pk)
    if home_branch.organisation_id != organisation.pk:
        raise BranchOfAnotherOrganisation()
    barcode = barcode_normalise(barcode)
    _refuse_duplicate(actor, barcode, exclude_pk=None)
    item = Item(
        barcode=barcode,
        record=record,
        organisation=organisation,
        home_branch=home_branch,
        current_branch=home_branch,
        item_type=item_type,
        shelf_mark=shelf_mark.strip(),
        acquired_on=acquired_on,
        replacement_price=replacement_price,
    )
    # The barcode was checked above, with a message that respects the tenant boundary.
    item.full_clean(exclude=["barcode"])
    _save_unique(item, actor)
    search.availability_refresh([record.pk])
    records_touch(record_ids=[record.pk])  # the record may join the library's OAI set
    audit_record(
        actor=actor,
        event_type="holdings.item.added",
        organisation_id=organisation.pk,
        target=item,
        details={"barcode": barcode, "record": record.pk, "home_branch": home_branch.pk},
    )
    return item


@dataclass(frozen=True)
class NewItem:
    """One copy for :func:`items_add`."""

    record: Record
    organisation: Organisation
    home_branch: Branch
    barcode: str
    item_type: ItemType
    shelf_mark: str = ""
    acquired_on: dt.date | None = None
    replacement_price: Decimal | None = None


@transaction.atomic
def items_add(*, actor: StaffUser | None, items: Sequence[NewItem]) -> list[Item]:
    """Add many copies at once (acquisitions, migrations, the demo): all or none.

    The same rules as :func:`item_add`, checked per batch instead of per copy: one query
    for taken barcodes, one insert, one audit event per organisation.
    """
    for organisation_id in sorted({new.organisation.pk for new in items}):
        _require(actor, organisation_id)
    barcodes: set[str] = set()
    rows = []
    for new in items:
        if new.home_branch.organisation_id != new.organisation.pk:
            raise BranchOfAnotherOrganisation()
        barcode = barcode_normalise(new.barcode)
        if barcode in barcodes:
            raise DuplicateBarcode(barcode)
        barcodes.add(barcode)
        rows.append(
            Item(
                barcode=barcode,
                record=new.record,
                organisation=new.organisation,
                home_branch=new.home_branch,
                current_branch=new.home_branch,
                item_type=new.item_type,
                shelf_mark=new.shelf_mark.strip(),
                acquired_on=new.acquired_on,
                replacement_price=new.replacement_price,
            )
        )
    taken = Item.objects.filter(barcode__in=barcodes).values_list("barcode", flat=True)
    for barcode in taken[:1]:
        _refuse_duplicate(actor, barcode, exclude_pk=None)
    created = Item.objects.bulk_create(rows, batch_size=500)
    search.availability_refresh(item.record_id for item in created)
    records_touch(record_ids=(item.record_id for item in created))
    per_organisation = Counter(item.organisation_id for item in created)
    for organisation_id, count in sorted(per_organisation.items()):
        audit_record(
            actor=actor,
            event_type="holdings.item.added_in_bulk",
            organisation_id=organisation_id,
            details={"count": count},
        )
    return created


@transaction.atomic
def item_update(*, actor: StaffUser | None, item: Item, **changes: Any) -> Item:
    """Change an item's descriptive fields; its status and location are not among them."""
    refused = sorted(set(changes) - EDITABLE_FIELDS)
    if refused:
        raise FieldNotEditable(refused)
    _require(actor, item.organisation_id)
    locked = Item.objects.select_for_update().get(pk=item.pk)
    if "barcode" in changes:
        changes["barcode"] = barcode_normalise(changes["barcode"])
        if changes["barcode"] != locked.barcode:
            _refuse_duplicate(actor, changes["barcode"], exclude_pk=locked.pk)
    if "shelf_mark" in changes:
        changes["shelf_mark"] = (changes["shelf_mark"] or "").strip()
    home_branch = changes.get("home_branch")
    if home_branch is not None and home_branch.organisation_id != locked.organisation_id:
        raise BranchOfAnotherOrganisation()

    changed: dict[str, list[str]] = {}
    for name, value in changes.items():
        field = cast("Field[Any, Any]", Item._meta.get_field(name))
        old = getattr(locked, field.attname)
        new = value.pk if field.is_relation and value is not None else value
        if old != new:
            changed[name] = [str(old), str(new)]
            setattr(locked, name, value)
    if not changed:
        return locked
    record_before = item.record_id
    locked.full_clean(exclude=["barcode"])
    _save_unique(locked, actor)
    if "record" in changed:
        search.availability_refresh([record_before, locked.record_id])
        # One record may leave the library's OAI set, the other join it.
        records_touch(record_ids=[record_before, locked.record_id])
    for name in changed:
        setattr(item, name, getattr(locked, name))
    item.updated_at = locked.updated_at
    audit_record(
        actor=actor,
        event_type="holdings.item.changed",
        organisation_id=locked.organisation_id,
        target=locked,
        details={"changed": changed},
    )
    return locked


@transaction.atomic
def item_transition(
    *,
    actor: StaffUser | None,
    item: Item,
    trigger: states.Trigger | str,
    branch: Branch | None = None,
) -> Item:
    """Move ``item`` along its lifecycle by ``trigger`` (see :mod:`holdings.states`).

    ``branch`` is where it happens; after a trigger that places the item (check-in,
    receive, …) that branch becomes its current location. The item row is locked, and
    the status is read from the locked row, so two desks cannot both lend it.
    """
    _require(actor, item.organisation_id)
    locked = Item.objects.select_for_update().get(pk=item.pk)
    before = locked.status
    item_circulate(item=locked, trigger=trigger, branch=branch)
    # Keep the caller's instance current: it may go on to use it.
    item.status = locked.status
    item.status_changed_at = locked.status_changed_at
    item.updated_at = locked.updated_at
    item.current_branch_id = locked.current_branch_id
    audit_record(
        actor=actor,
        event_type=f"holdings.item.{trigger}",
        organisation_id=locked.organisation_id,
        target=locked,
        details={
            "barcode": locked.barcode,
            "from": before,
            "to": locked.status,
            "branch": branch.pk if branch is not None else None,
        },
    )
    return locked


def item_circulate(
    *, item: Item, trigger: states.Trigger | str, branch: Branch | None = None
) -> None:
    """Apply ``trigger`` to an item row the caller has locked, for circulation services.

    Circulation lends and takes back other libraries' items at any branch of the network,
    so it checks its own capability at the branch and records its own audit event (the
    loan, hold or transit); this only keeps the lifecycle table, the search availability
    and (for a withdrawal) the record's OAI datestamp right. Must run inside the caller's
    transaction.
    """
    item.status = states.item_next_status(item.status, str(trigger))
    item.status_changed_at = timezone.now()
    update_fields = ["status", "status_changed_at", "updated_at"]
    if branch is not None and trigger in states.PLACES_ITEM:
        item.current_branch = branch
        update_fields.append("current_branch")
    item.save(update_fields=update_fields)
    search.availability_refresh([item.record_id])
    if item.status == ItemStatus.WITHDRAWN:
        # A withdrawn copy no longer counts for its library's OAI set (catalog.harvest).
        records_touch(record_ids=[item.record_id])
