"""Member self-service ("my account") for connected services: loans and renewals, holds,
charges. A member reaches only their own rows (another member's id is a 404), and every
change is one circulation service call with ``actor=None`` and ``person`` the member, who
is the actor in the audit trail (``member`` where a service takes it)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path, Router, Status

from samenbieb.catalog import queries as catalog_queries
from samenbieb.circulation import queries, services
from samenbieb.circulation.models import Hold, Loan
from samenbieb.core.errors import NotFound
from samenbieb.interfaces.api import conditional
from samenbieb.interfaces.api.auth import MemberToken, member_of
from samenbieb.interfaces.api.responses import MEMBER, answers
from samenbieb.interfaces.api.schemas import (
    ChargeOut,
    ChargesOut,
    HoldIn,
    HoldOut,
    LoanOut,
    RenewalOut,
)

router = Router(tags=["my account"], auth=MemberToken())


def loan_tag(loan: Loan) -> str:
    return conditional.etag("loan", loan.pk, loan.due_on.isoformat(), loan.renewals)


def _loan(loan: Loan) -> LoanOut:
    return LoanOut(
        id=loan.pk,
        record_id=loan.item.record_id,
        title=loan.item.record.title,
        barcode=loan.item.barcode,
        branch=loan.branch.name,
        checked_out_at=loan.checked_out_at,
        due_on=loan.due_on,
        overdue=loan.due_on < timezone.localdate(),
        renewals=loan.renewals,
        renewals_left=max(loan.renewals_allowed - loan.renewals, 0),
        etag=loan_tag(loan),
    )


def _hold(hold: Hold) -> HoldOut:
    return HoldOut(
        id=hold.pk,
        record_id=hold.record_id,
        title=hold.record.title,
        status=hold.status,
        position=queries.hold_position(hold),
        pickup_branch_id=hold.pickup_branch_id,
        pickup_branch=hold.pickup_branch.name,
        placed_at=hold.placed_at,
        expires_on=hold.expires_on,
    )


@router.get("/me/loans", response=answers({200: list[LoanOut]}, base=MEMBER))
def loans(request: HttpRequest) -> list[LoanOut]:
    """What the member has borrowed, soonest due first."""
    return [_loan(loan) for loan in queries.loans_open(member_of(request))]


@router.post(
    "/me/loans/{loan_id}/renew",
    response=answers({200: LoanOut}, 404, 409, 412, base=MEMBER),
)
def loan_renew(request: HttpRequest, loan_id: int = Path(..., gt=0, lt=2**63)) -> LoanOut:
    """Renew one loan. With ``If-Match: <etag>`` only if it is still as the member saw it.

    A refusal is a 409 problem whose ``code`` says why (``renewal_limit``,
    ``on_hold_for_someone_else``, ``charges_above_threshold``, …)."""
    person = member_of(request)
    loan = queries.loan_of_member(person, loan_id)
    if loan is None:
        raise NotFound(_("You have no running loan with this number."))
    conditional.require_match(request, loan_tag(loan))
    return _loan(services.loan_renew(actor=None, loan=loan, person=person))


@router.post("/me/loans/renew-all", response=answers({200: list[RenewalOut]}, base=MEMBER))
def loans_renew_all(request: HttpRequest) -> list[RenewalOut]:
    """Renew every loan; each stands or fails on its own."""
    return [
        RenewalOut(
            loan=_loan(outcome.loan),
            renewed=outcome.refused is None,
            code=str(outcome.refused.reason) if outcome.refused else None,
            detail=str(outcome.refused.message) if outcome.refused else None,
        )
        for outcome in services.loans_renew_all(actor=None, person=member_of(request))
    ]


@router.get("/me/holds", response=answers({200: list[HoldOut]}, base=MEMBER))
def holds(request: HttpRequest) -> list[HoldOut]:
    """The member's active holds, oldest first, with their place in the queue."""
    return [_hold(hold) for hold in queries.holds_of(member_of(request))]


@router.post("/me/holds", response=answers({201: HoldOut}, 404, 409, base=MEMBER))
def hold_place(request: HttpRequest, body: HoldIn) -> Status[HoldOut]:
    """Reserve a title for pickup at a branch (see ``GET /pickup-branches``)."""
    record = catalog_queries.record_for_display(body.record_id)
    if record is None:
        raise NotFound(_("No title in the catalogue has this number."))
    branch = queries.pickup_branches().filter(pk=body.pickup_branch_id).first()
    if branch is None:
        raise NotFound(_("No pickup branch has this number."))
    person = member_of(request)
    hold = services.hold_place(
        actor=None, person=person, record=record, pickup_branch=branch, member=person
    )
    return Status(201, _hold(hold))


@router.delete("/me/holds/{hold_id}", response=answers({204: None}, 404, 409, base=MEMBER))
def hold_cancel(request: HttpRequest, hold_id: int = Path(..., gt=0, lt=2**63)) -> Status[None]:
    """Cancel an active hold."""
    person = member_of(request)
    hold = queries.hold_of_member(person, hold_id)
    if hold is None:
        raise NotFound(_("You have no active hold with this number."))
    services.hold_cancel(actor=None, hold=hold, person=person)
    return Status(204, None)


@router.get("/me/charges", response=answers({200: ChargesOut}, base=MEMBER))
def charges(request: HttpRequest) -> ChargesOut:
    """What the member still owes, at any library."""
    person = member_of(request)
    return ChargesOut(
        total=queries.charges_open_total(person),
        block_threshold=queries.charges_block_threshold(),
        charges=[
            ChargeOut(
                id=charge.pk,
                kind=charge.kind,
                amount=charge.amount,
                description=charge.description,
                library=charge.organisation.name,
                created_at=charge.created_at,
            )
            for charge in queries.charges_open(person)
        ],
    )
