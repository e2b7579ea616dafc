"""Staff operations for a library's own systems, with a staff API token: look up an item,
lend and take back. Each acts as the token's maker narrowed to the token's organisation
(tenant boundary, ADR 3): another library's items and branches are not found."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Router, Status

from samenbieb.circulation import queries as circulation_queries
from samenbieb.circulation import services
from samenbieb.core.errors import NotFound
from samenbieb.holdings import queries as holdings_queries
from samenbieb.interfaces.api.auth import StaffToken, staff_of
from samenbieb.interfaces.api.responses import STAFF, answers
from samenbieb.interfaces.api.schemas import (
    CheckinIn,
    CheckinOut,
    CheckoutIn,
    CheckoutOut,
    ItemOut,
)
from samenbieb.network import queries as network_queries
from samenbieb.network.models import Branch

router = Router(tags=["staff"], auth=StaffToken())


def _branch(request: HttpRequest, branch_id: int) -> Branch:
    branch = network_queries.desk_branch(staff_of(request).actor, branch_id)
    if branch is None:
        raise NotFound(_("Your organisation has no branch with this number."))
    return branch


@router.get("/staff/items/{barcode}", response=answers({200: ItemOut}, 404, base=STAFF))
def item_detail(request: HttpRequest, barcode: str = Path(..., max_length=40)) -> ItemOut:
    """An item of the token's organisation (capability ``network.view``)."""
    item = holdings_queries.item_for_staff(staff_of(request).actor, barcode)
    if item is None:
        raise NotFound(_("Your organisation has no item with this barcode."))
    return ItemOut(
        barcode=item.barcode,
        record_id=item.record_id,
        title=item.record.title,
        status=item.status,
        library=item.organisation.name,
        home_branch=item.home_branch.name,
        current_branch=item.current_branch.name if item.current_branch else None,
        shelf_mark=item.shelf_mark,
    )


@router.post("/staff/checkouts", response=answers({201: CheckoutOut}, 404, 409, base=STAFF))
def checkout(request: HttpRequest, body: CheckoutIn) -> Status[CheckoutOut]:
    """Lend an item to the holder of a card at one of the organisation's branches
    (capability ``circulation.lend``)."""
    branch = _branch(request, body.branch_id)
    person = circulation_queries.patron_by_card(body.card)
    loan = services.loan_checkout(
        actor=staff_of(request).actor, branch=branch, person=person, barcode=body.barcode
    )
    return Status(
        201,
        CheckoutOut(
            loan_id=loan.pk,
            barcode=loan.item.barcode,
            title=loan.item.record.title,
            due_on=loan.due_on,
        ),
    )


@router.post("/staff/checkins", response=answers({200: CheckinOut}, 404, 409, base=STAFF))
def checkin(request: HttpRequest, body: CheckinIn) -> CheckinOut:
    """Take an item back at one of the organisation's branches, and say where it goes next
    (capability ``circulation.lend``)."""
    outcome = services.loan_checkin(
        actor=staff_of(request).actor, branch=_branch(request, body.branch_id), barcode=body.barcode
    )
    return CheckinOut(
        barcode=outcome.item.barcode,
        title=outcome.item.record.title,
        action=str(outcome.action),
        instruction=str(outcome.instruction),
        fine=outcome.fine.amount if outcome.fine else None,
    )
