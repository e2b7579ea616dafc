"""The circulation desk: one scan field for lending and taking back, the member in front of
the desk, the pick list, the hold shelf and transits.

Doors only: each POST parses, calls one service of :mod:`samenbieb.circulation.services`,
stores what happened as feedback and redirects back, so the page reloads with the focus in
the scan field (works without JavaScript). A refusal is a red message with the service's
own words and changes nothing; no scan ever leads to an error page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from samenbieb.circulation import queries as circulation_queries
from samenbieb.circulation import services
from samenbieb.circulation.errors import Reason, Refused
from samenbieb.circulation.models import Loan
from samenbieb.core.errors import DomainError
from samenbieb.holdings.barcodes import barcode_normalise
from samenbieb.holdings.errors import InvalidBarcode
from samenbieb.holdings.queries import records_for_item_entry
from samenbieb.interfaces.desk import circulation_desk as desk
from samenbieb.interfaces.desk.circulation_desk import Feedback, Level
from samenbieb.interfaces.desk.forms_circulation import (
    DESK_PAYMENT_METHODS,
    BranchForm,
    ChargePayForm,
    ChargeWaiveForm,
    CirculationScanForm,
    HoldCancelForm,
    HoldPlaceForm,
)
from samenbieb.members.models import Person
from samenbieb.network.models import Branch, StaffUser
from samenbieb.privacy import services as privacy_services

# Pages that scan items in through ``loan_checkin`` and where the scan returns to.
CHECKIN_PAGES = {
    "pick_list": "desk:pick_list",
    "hold_shelf": "desk:hold_shelf",
    "transits": "desk:transits",
    "circulation": "desk:circulation",
}


def _staff(request: HttpRequest) -> StaffUser:
    return cast(StaffUser, request.user)


def _date(value: Any) -> str:
    return formats.date_format(value, "d-m-Y")


def _title(item: Any) -> str:
    return f"{item.record.title} ({item.barcode})"


def _back(request: HttpRequest) -> HttpResponse:
    return redirect("desk:circulation")


def _say(request: HttpRequest, feedback: Feedback) -> None:
    desk.feedback_set(request, feedback)


def _refused(request: HttpRequest, error: DomainError) -> None:
    desk.feedback_set(request, desk.refusal(error))


def _common(request: HttpRequest, branch: Branch) -> dict[str, Any]:
    branches = desk.circulation_branches(request.user)
    return {
        "branch": branch,
        "branch_form": BranchForm(initial={"branch": branch.pk}, branches=branches),
        "several_branches": branches.count() > 1,
        "feedback": desk.feedback_pop(request),
    }


# --- The circulation screen ----------------------------------------------------------


@require_safe
@login_required
def circulation(request: HttpRequest) -> HttpResponse:
    branch = desk.current_branch(request)
    patron = desk.current_patron(request)
    today = timezone.localdate()
    context = _common(request, branch)
    summary = desk.patron_summary(request.user, patron, branch, today) if patron else None
    if patron is not None:
        label = _("Scan an item to lend it to %(name)s, or another card") % {
            "name": patron.full_name
        }
        pickup = circulation_queries.pickup_branches().select_related("organisation")
        context["hold_form"] = HoldPlaceForm(
            initial={"pickup_branch": branch.pk},
            branches=pickup.order_by("organisation__name", "name"),
        )
    else:
        label = _("Scan an item to take it back, or a member's card")
    context.update(
        {
            "scan_form": CirculationScanForm(label=label),
            "scan_url": reverse("desk:circulation_scan"),
            "patron": patron,
            "summary": summary,
            "today": today,
            "payment_methods": DESK_PAYMENT_METHODS,
        }
    )
    return render(request, "desk/circulation.html", context)


@require_POST
@login_required
def circulation_branch(request: HttpRequest) -> HttpResponse:
    """Which branch this desk is at (a staff member of several branches chooses)."""
    form = BranchForm(request.POST, branches=desk.circulation_branches(request.user))
    if form.is_valid():
        branch = desk.branch_choose(request, form.cleaned_data["branch"].pk)
        if branch is not None:
            _say(
                request,
                Feedback(
                    Level.SUCCESS,
                    "branch_chosen",
                    _("This desk now works for %(branch)s.") % {"branch": branch.name},
                ),
            )
    else:
        _say(
            request,
            Feedback(
                Level.REFUSAL,
                "branch_not_allowed",
                _("You cannot work at that branch. Choose one of your own library."),
            ),
        )
    return redirect(CHECKIN_PAGES.get(request.POST.get("next_page", ""), "desk:circulation"))


@require_POST
@login_required
def circulation_scan(request: HttpRequest) -> HttpResponse:
    """A scan: a member card makes that member the patron; an item is lent to the patron,
    or taken back when there is none."""
    branch = desk.current_branch(request)
    form = CirculationScanForm(request.POST)
    if not form.is_valid():
        _say(request, _nothing_scanned())
        return _back(request)
    value = form.cleaned_data["barcode"]
    try:
        person = circulation_queries.patron_by_card(value)
    except Refused as error:
        if error.reason != Reason.UNKNOWN_CARD:
            # A lost, blocked or replaced card: it is a card, and it does not work.
            _refused(request, error)
            return _back(request)
        person = None
    if person is not None:
        desk.patron_set(request, value)
        # The desk now shows the member's name, loans, holds and charges: a read of
        # personal data, recorded like opening the member page.
        privacy_services.person_read_record(
            actor=_staff(request), person=person, view="circulation"
        )
        _say(
            request,
            Feedback(
                Level.SUCCESS,
                "patron",
                _("Serving %(name)s. Scan the items to lend.") % {"name": person.full_name},
            ),
        )
        return _back(request)
    patron = desk.current_patron(request)
    if patron is None:
        _checkin(request, branch, value)
    else:
        _checkout(request, branch, patron, value)
    return _back(request)


def _nothing_scanned() -> Feedback:
    return Feedback(Level.REFUSAL, "nothing_scanned", _("Nothing was scanned. Scan a barcode."))


def _item_barcode(request: HttpRequest, value: str) -> str | None:
    try:
        return barcode_normalise(value)
    except InvalidBarcode as error:
        # Not a card and cannot be an item: say so, as a refusal that changed nothing.
        _say(request, Feedback(Level.REFUSAL, str(Reason.UNKNOWN_ITEM), str(error.message)))
        return None


def _checkout(request: HttpRequest, branch: Branch, patron: Person, value: str) -> None:
    barcode = _item_barcode(request, value)
    if barcode is None:
        return
    try:
        loan = services.loan_checkout(
            actor=_staff(request), branch=branch, person=patron, barcode=barcode
        )
    except DomainError as error:
        _refused(request, error)
        return
    _say(
        request,
        Feedback(
            Level.SUCCESS,
            "checked_out",
            _("Lent: %(item)s. Due back on %(date)s.")
            % {"item": _title(loan.item), "date": _date(loan.due_on)},
        ),
    )


def _checkin(request: HttpRequest, branch: Branch, value: str) -> None:
    barcode = _item_barcode(request, value)
    if barcode is None:
        return
    try:
        outcome = services.loan_checkin(actor=_staff(request), branch=branch, barcode=barcode)
    except DomainError as error:
        _refused(request, error)
        return
    if outcome.loan is not None:
        text = _("Returned: %(item)s.") % {"item": _title(outcome.item)}
    else:
        text = _("Scanned: %(item)s.") % {"item": _title(outcome.item)}
    details = [str(outcome.instruction)] if outcome.instruction else []
    if outcome.fine is not None:
        details.append(
            _("A fine of € %(amount)s was added to the member's account.")
            % {"amount": formats.number_format(outcome.fine.amount, 2)}
        )
    level = Level.SUCCESS if str(outcome.action) == "shelve" else Level.INSTRUCTION
    _say(request, Feedback(level, str(outcome.action), text, tuple(details)))


@require_POST
@login_required
def checkin_scan(request: HttpRequest, page: str) -> HttpResponse:
    """A scan on the pick list, the hold shelf or the transits page: always a check-in at
    this branch, which routes the item (hold shelf, transit, receive, clear)."""
    target = CHECKIN_PAGES.get(page)
    if target is None:
        raise Http404
    branch = desk.current_branch(request)
    form = CirculationScanForm(request.POST)
    if form.is_valid():
        _checkin(request, branch, form.cleaned_data["barcode"])
    else:
        _say(request, _nothing_scanned())
    return redirect(target)


@require_POST
@login_required
def circulation_done(request: HttpRequest) -> HttpResponse:
    """The member is served: the next item scan takes items back."""
    patron = desk.current_patron(request)
    desk.patron_end(request)
    if patron is not None:
        _say(
            request,
            Feedback(
                Level.SUCCESS,
                "patron_done",
                _("Finished with %(name)s. Scans now take items back.")
                % {"name": patron.full_name},
            ),
        )
    return _back(request)


def _patron_or_back(request: HttpRequest) -> Person | None:
    patron = desk.current_patron(request)
    if patron is None and desk.SESSION_FEEDBACK not in request.session:
        _say(
            request,
            Feedback(
                Level.REFUSAL, "no_patron", _("Scan the member's card first, then try again.")
            ),
        )
    return patron


def _open_loan_of_patron(request: HttpRequest, pk: int) -> Loan | None:
    """The current patron's open loan ``pk`` as this desk may see it; otherwise ``None``,
    with the desk told why (no patron, or a loan that is no longer open)."""
    patron = _patron_or_back(request)
    if patron is None:
        return None
    loan = desk.patron_loans(request.user, patron).filter(pk=pk).first()
    if loan is None:
        _say(
            request,
            Feedback(
                Level.REFUSAL,
                str(Reason.LOAN_NOT_FOUND),
                _("This loan is no longer open. Nothing was changed."),
            ),
        )
    return loan


@require_POST
@login_required
def loan_renew(request: HttpRequest, pk: int) -> HttpResponse:
    loan = _open_loan_of_patron(request, pk)
    if loan is None:
        return _back(request)
    try:
        renewed = services.loan_renew(actor=_staff(request), loan=loan)
    except DomainError as error:
        _refused(request, error)
    else:
        _say(
            request,
            Feedback(
                Level.SUCCESS,
                "renewed",
                _("Renewed: %(item)s. Due back on %(date)s.")
                % {"item": _title(renewed.item), "date": _date(renewed.due_on)},
            ),
        )
    return _back(request)


@require_POST
@login_required
def loan_return_damaged(request: HttpRequest, pk: int) -> HttpResponse:
    """The member hands in a loan damaged: it is taken back here, set aside for repair,
    and the owner's replacement price is charged (staff can waive part of it later)."""
    loan = _open_loan_of_patron(request, pk)
    if loan is None:
        return _back(request)
    try:
        services.loan_return_damaged(
            actor=_staff(request), branch=desk.current_branch(request), loan=loan
        )
    except DomainError as error:
        _refused(request, error)
    else:
        _say(
            request,
            Feedback(
                Level.INSTRUCTION,
                "returned_damaged",
                _("Taken back damaged: %(item)s. Put it aside for repair.")
                % {"item": _title(loan.item)},
            ),
        )
    return _back(request)


@require_POST
@login_required
def loans_renew_all(request: HttpRequest) -> HttpResponse:
    patron = _patron_or_back(request)
    if patron is None:
        return _back(request)
    try:
        outcomes = services.loans_renew_all(actor=_staff(request), person=patron)
    except DomainError as error:
        _refused(request, error)
        return _back(request)
    renewed = [outcome for outcome in outcomes if outcome.refused is None]
    refused = [outcome for outcome in outcomes if outcome.refused is not None]
    details = tuple(
        _("Not renewed: %(item)s. %(reason)s")
        % {"item": _title(outcome.loan.item), "reason": outcome.refused.message}
        for outcome in refused
        if outcome.refused is not None
    )
    text = _("%(renewed)s of %(total)s loans renewed.") % {
        "renewed": len(renewed),
        "total": len(outcomes),
    }
    level = Level.SUCCESS if not refused else Level.INSTRUCTION
    _say(request, Feedback(level, "renewed_all", text, details))
    return _back(request)


@require_POST
@login_required
def hold_place(request: HttpRequest) -> HttpResponse:
    patron = _patron_or_back(request)
    if patron is None:
        return _back(request)
    pickup = circulation_queries.pickup_branches()
    form = HoldPlaceForm(request.POST, branches=pickup)
    if not form.is_valid():
        _say(
            request,
            Feedback(
                Level.REFUSAL,
                "hold_form",
                _("Type the ISBN or record number of the title, and choose where to pick it up."),
            ),
        )
        return _back(request)
    records = records_for_item_entry(form.cleaned_data["record"])
    if len(records) != 1:
        _say(
            request,
            Feedback(
                Level.REFUSAL,
                "record_not_found" if not records else "record_ambiguous",
                _("No title found with this ISBN or record number. Check the number.")
                if not records
                else _("More than one title has this ISBN. Type the record number instead."),
            ),
        )
        return _back(request)
    try:
        hold = services.hold_place(
            actor=_staff(request),
            person=patron,
            record=records[0],
            pickup_branch=form.cleaned_data["pickup_branch"],
        )
    except DomainError as error:
        _refused(request, error)
    else:
        _say(
            request,
            Feedback(
                Level.SUCCESS,
                "hold_placed",
                _("Hold placed: %(title)s, to pick up at %(branch)s.")
                % {"title": hold.record.title, "branch": hold.pickup_branch.name},
            ),
        )
    return _back(request)


@require_POST
@login_required
def hold_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    patron = _patron_or_back(request)
    if patron is None:
        return _back(request)
    hold = desk.patron_holds(request.user, patron).filter(pk=pk).first()
    if hold is None:
        _say(
            request,
            Feedback(
                Level.REFUSAL,
                str(Reason.HOLD_NOT_ACTIVE),
                _("This hold is no longer active. Nothing was cancelled."),
            ),
        )
        return _back(request)
    form = HoldCancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.hold_cancel(actor=_staff(request), hold=hold, reason=reason)
    except DomainError as error:
        _refused(request, error)
    else:
        _say(
            request,
            Feedback(
                Level.SUCCESS,
                "hold_cancelled",
                _("Hold cancelled: %(title)s.") % {"title": hold.record.title},
            ),
        )
    return _back(request)


def _open_charge(request: HttpRequest, patron: Person, pk: int) -> Any:
    charge = desk.patron_charges(request.user, patron).filter(pk=pk).first()
    if charge is None:
        _say(
            request,
            Feedback(
                Level.REFUSAL,
                "charge_not_open",
                _("This charge has already been paid or waived."),
            ),
        )
    return charge


@require_POST
@login_required
def charge_pay(request: HttpRequest, pk: int) -> HttpResponse:
    patron = _patron_or_back(request)
    charge = _open_charge(request, patron, pk) if patron is not None else None
    if charge is None:
        return _back(request)
    form = ChargePayForm(request.POST)
    if not form.is_valid():
        _say(request, Feedback(Level.REFUSAL, "payment_method", _("Choose how it was paid.")))
        return _back(request)
    try:
        method = form.cleaned_data["method"]
        services.charge_pay(actor=_staff(request), charge=charge, method=method)
    except DomainError as error:
        _refused(request, error)
    else:
        _say(
            request,
            Feedback(
                Level.SUCCESS,
                "charge_paid",
                _("Paid: € %(amount)s for %(description)s.")
                % {
                    "amount": formats.number_format(charge.amount, 2),
                    "description": charge.description,
                },
            ),
        )
    return _back(request)


@require_POST
@login_required
def charge_waive(request: HttpRequest, pk: int) -> HttpResponse:
    patron = _patron_or_back(request)
    charge = _open_charge(request, patron, pk) if patron is not None else None
    if charge is None:
        return _back(request)
    form = ChargeWaiveForm(request.POST)
    if not form.is_valid():
        _say(
            request,
            Feedback(
                Level.REFUSAL,
                "waive_reason",
                _("Give a reason for waiving this charge. Nothing was waived."),
            ),
        )
        return _back(request)
    try:
        services.charge_waive(
            actor=_staff(request), charge=charge, reason=form.cleaned_data["reason"]
        )
    except DomainError as error:
        _refused(request, error)
    else:
        _say(
            request,
            Feedback(
                Level.SUCCESS,
                "charge_waived",
                _("Waived: € %(amount)s for %(description)s.")
                % {
                    "amount": formats.number_format(charge.amount, 2),
                    "description": charge.description,
                },
            ),
        )
    return _back(request)


# --- Pick list, hold shelf, transits --------------------------------------------------


def _page(
    request: HttpRequest,
    page: str,
    template: str,
    label: str,
    lists: Callable[[Branch], dict[str, Any]],
) -> HttpResponse:
    """A list page of the branch with a scan field that takes items in at this branch."""
    branch = desk.current_branch(request)
    context = _common(request, branch)
    context.update(
        {
            "page": page,
            "scan_form": CirculationScanForm(label=label),
            "scan_url": reverse("desk:checkin_scan", args=[page]),
            "today": timezone.localdate(),
            **lists(branch),
        }
    )
    return render(request, template, context)


@require_safe
@login_required
def pick_list(request: HttpRequest) -> HttpResponse:
    def lists(branch: Branch) -> dict[str, Any]:
        holds = circulation_queries.pick_list(branch).select_related(
            "record", "item", "pickup_branch"
        )
        return {"holds": list(holds)}

    label = _("Scan each item you take from the shelf")
    return _page(request, "pick_list", "desk/pick_list.html", label, lists)


@require_safe
@login_required
def hold_shelf(request: HttpRequest) -> HttpResponse:
    def lists(branch: Branch) -> dict[str, Any]:
        holds = circulation_queries.hold_shelf(branch).select_related("record", "item", "person")
        to_clear = circulation_queries.hold_shelf_to_clear(branch).select_related("record")
        return {"holds": list(holds), "to_clear": list(to_clear)}

    label = _("Scan an item you take off the hold shelf")
    return _page(request, "hold_shelf", "desk/hold_shelf.html", label, lists)


@require_safe
@login_required
def transits(request: HttpRequest) -> HttpResponse:
    def lists(branch: Branch) -> dict[str, Any]:
        related = ("item__record", "from_branch", "to_branch")
        incoming = circulation_queries.transits_incoming(branch).select_related(*related)
        outgoing = circulation_queries.transits_outgoing(branch).select_related(*related)
        too_long = circulation_queries.transits_too_long(branch=branch).values_list("pk", flat=True)
        return {"incoming": list(incoming), "outgoing": list(outgoing), "too_long": set(too_long)}

    label = _("Scan an item that arrived")
    return _page(request, "transits", "desk/transits.html", label, lists)
