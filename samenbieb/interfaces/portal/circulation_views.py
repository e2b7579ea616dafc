"""Loans and holds in the portal: place and cancel holds, renew loans, loan history.

Thin doors over :mod:`samenbieb.circulation`: each state change is one service call with
``actor=None`` and ``person`` the logged-in member (who is the actor in the audit trail:
``member`` where a service takes it); every refusal shows the service's own
message. A member reaches only their own loans and holds: another member's id is a 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from samenbieb.catalog import queries as catalog_queries
from samenbieb.circulation import queries, services
from samenbieb.circulation.errors import Refused
from samenbieb.circulation.models import Hold
from samenbieb.interfaces.portal import views as portal_views
from samenbieb.interfaces.portal.circulation_forms import hold_section
from samenbieb.interfaces.portal.circulation_reads import HISTORY_ON_ACCOUNT, hold_row
from samenbieb.members import auth
from samenbieb.members import queries as member_queries
from samenbieb.members.models import ConsentKind, Person

HISTORY_PAGE_SIZE = 50


def _member(request: HttpRequest) -> Person:
    person = auth.current_member(request)
    if person is None:  # member_required sent everyone else to the login page
        raise Http404
    return person


def _account(anchor: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{reverse('portal:account')}#{anchor}")


def _day(day: Any) -> str:
    return date_format(day, "j F Y")


# --- holds -------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@auth.member_required
def hold_place(request: HttpRequest, pk: int) -> HttpResponse:
    """POST places a hold; GET (after the login a POST was sent to) goes back to the form."""
    record = catalog_queries.record_for_display(pk)
    if record is None:
        raise Http404
    if request.method != "POST":
        return HttpResponseRedirect(f"{reverse('portal:record', args=[pk])}#reserveren")
    person = _member(request)
    section = hold_section(person, record, data=request.POST)
    form = section["form"]
    if form.is_valid():
        try:
            hold = services.hold_place(
                actor=None,
                person=person,
                record=record,
                pickup_branch=form.cleaned_data["pickup_branch"],
                item=form.cleaned_data["item"],
                member=person,
            )
        except Refused as refusal:
            section["refusal"] = refusal
        else:
            messages.success(request, _("Your hold is placed."))
            return redirect("portal:hold", pk=hold.pk)
    context = portal_views.record_context(request, record, hold=section)
    return render(request, "portal/record.html", context, status=409 if section["refusal"] else 200)


def _hold_of(person: Person, pk: int) -> Hold:
    hold = queries.hold_of_member(person, pk)
    if hold is None:
        raise Http404
    return hold


@never_cache
@require_safe
@auth.member_required
def hold_detail(request: HttpRequest, pk: int) -> HttpResponse:
    row = hold_row(_hold_of(_member(request), pk))
    return render(request, "portal/circulation/hold.html", {"row": row, "hold": row.hold})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@auth.member_required
def hold_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks "are you sure?"; POST cancels."""
    person = _member(request)
    hold = _hold_of(person, pk)
    if request.method != "POST":
        return render(request, "portal/circulation/hold_cancel.html", {"hold": hold})
    try:
        services.hold_cancel(actor=None, hold=hold, person=person)
    except Refused as refusal:
        messages.error(request, str(refusal.message))
    else:
        messages.success(
            request, _("Your hold on “%(title)s” is cancelled.") % {"title": hold.record}
        )
    return _account("reserveringen")


# --- loans -------------------------------------------------------------------------------


@require_POST
@auth.member_required
def loan_renew(request: HttpRequest, pk: int) -> HttpResponse:
    person = _member(request)
    loan = queries.loan_of_member(person, pk)
    if loan is None:
        raise Http404
    try:
        renewed = services.loan_renew(actor=None, loan=loan, person=person)
    except Refused as refusal:
        messages.error(request, _not_renewed(str(loan.item.record), refusal))
    else:
        messages.success(request, _renewed(str(loan.item.record), renewed.due_on))
    return _account("lenen")


@require_POST
@auth.member_required
def loans_renew_all(request: HttpRequest) -> HttpResponse:
    outcomes = services.loans_renew_all(actor=None, person=_member(request))
    if not outcomes:
        messages.info(request, _("You have nothing on loan to renew."))
    for outcome in outcomes:
        title = str(outcome.loan.item.record)
        if outcome.refused is None:
            messages.success(request, _renewed(title, outcome.loan.due_on))
        else:
            messages.error(request, _not_renewed(title, outcome.refused))
    return _account("lenen")


def _renewed(title: str, due_on: Any) -> str:
    return _("“%(title)s” is renewed. Bring it back by %(date)s.") % {
        "title": title,
        "date": _day(due_on),
    }


def _not_renewed(title: str, refusal: Refused) -> str:
    return _("“%(title)s” is not renewed: %(reason)s") % {
        "title": title,
        "reason": refusal.message,
    }


# --- my account --------------------------------------------------------------------------


def account_sections(person: Person, consents: dict[str, Any]) -> dict[str, Any]:
    """Loans, holds, charges and history for the account page; a fixed number of queries
    however many loans the member has (one more per hold waiting in a queue)."""
    today = timezone.localdate()
    loans = [
        {
            "loan": loan,
            "overdue": loan.due_on < today,
            "renewals_left": max(loan.renewals_allowed - loan.renewals, 0),
        }
        for loan in queries.loans_open(person)
    ]
    keeps_history = _keeps_history(consents)
    history = list(queries.loan_history(person)[: HISTORY_ON_ACCOUNT + 1]) if keeps_history else []
    return {
        "loans": loans,
        "overdue_count": sum(1 for row in loans if row["overdue"]),
        "holds": [
            hold_row(hold) for hold in queries.holds_of(person).select_related("pickup_branch")
        ],
        "charges": list(queries.charges_open(person)),
        "charges_total": queries.charges_open_total(person),
        "charges_threshold": queries.charges_block_threshold(),
        "keeps_history": keeps_history,
        "history": history[:HISTORY_ON_ACCOUNT],
        "history_more": len(history) > HISTORY_ON_ACCOUNT,
    }


def _keeps_history(consents: dict[str, Any]) -> bool:
    consent = consents.get(ConsentKind.LOAN_HISTORY)
    return bool(consent and consent.given)


@never_cache
@require_safe
@auth.member_required
def loan_history(request: HttpRequest) -> HttpResponse:
    person = _member(request)
    keeps_history = _keeps_history(member_queries.current_consents(person))
    page = None
    if keeps_history:
        page = Paginator(queries.loan_history(person), HISTORY_PAGE_SIZE).get_page(
            request.GET.get("pagina")
        )
    return render(
        request,
        "portal/circulation/history.html",
        {"keeps_history": keeps_history, "page": page},
    )
