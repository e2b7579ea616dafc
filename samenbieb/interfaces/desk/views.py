from __future__ import annotations

from itertools import groupby
from typing import Any, cast
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from samenbieb.core.errors import DomainError
from samenbieb.holdings import queries as holdings_queries
from samenbieb.holdings import services as holdings_services
from samenbieb.holdings.models import Item, ItemType
from samenbieb.incidents import queries as incident_queries
from samenbieb.interfaces.desk.forms import ItemAddForm, ItemChangeForm, ItemScanForm
from samenbieb.network import calendar, queries, tenancy
from samenbieb.network.errors import NoOpenDay
from samenbieb.network.models import Branch, Organisation, StaffUser
from samenbieb.network.roles import Capability
from samenbieb.programmes import partner_access


@require_safe
@login_required
def home(request: HttpRequest) -> HttpResponse:
    if partner_access.partner_of(request.user) is not None:
        # A partner's login has no library role: its pages are the partner pages.
        return redirect("desk:partner_home")
    today = timezone.localdate()
    rows = queries.branches_today(queries.desk_branches(request.user), today)
    organisations = [
        (organisation, list(branches))
        for organisation, branches in groupby(rows, key=lambda row: row.branch.organisation)
    ]
    has_role = not tenancy.staff_scope(request.user).is_empty
    may_lend = not tenancy.staff_scope(request.user, Capability.CIRCULATION).is_empty
    may_refer = not tenancy.staff_scope(request.user, Capability.PROGRAMMES_REGISTER).is_empty
    may_manage_referrals = not tenancy.staff_scope(
        request.user, Capability.PROGRAMMES_MANAGE
    ).is_empty
    may_handle_incidents = not tenancy.staff_scope(
        request.user, Capability.INCIDENTS_MANAGE
    ).is_empty
    return render(
        request,
        "desk/home.html",
        {
            "organisations": organisations,
            "today": today,
            "has_role": has_role,
            "may_lend": may_lend,
            "may_refer": may_refer,
            "may_manage_referrals": may_manage_referrals,
            "may_handle_incidents": may_handle_incidents,
            "incidents_attention": (
                incident_queries.incidents_needing_attention(request.user)
                if may_handle_incidents
                else 0
            ),
        },
    )


@require_safe
@login_required
def branch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    branch = queries.desk_branch(request.user, pk)
    if branch is None:
        # The same answer whether it does not exist or belongs to another organisation.
        raise Http404
    today = timezone.localdate()
    try:
        next_open = calendar.next_open_day(branch, today)
    except NoOpenDay:
        next_open = None
    organisation: Organisation = branch.organisation
    return render(
        request,
        "desk/branch.html",
        {
            "branch": branch,
            "organisation": organisation,
            "schedule": queries.weekly_schedule(branch),
            "week": calendar.week_ahead(branch, today),
            "closures": queries.upcoming_closures(branch, today),
            "next_open": next_open,
            "today": today,
        },
    )


def _staff(request: HttpRequest) -> StaffUser:
    """The acting staff member; only behind ``login_required``."""
    return cast(StaffUser, request.user)


def _may_manage(user: Any, organisation_id: int | None = None) -> bool:
    """May ``user`` add or change items (of ``organisation_id``, or of any organisation)?"""
    scope = tenancy.staff_scope(user, Capability.HOLDINGS_MANAGE)
    return not scope.is_empty if organisation_id is None else scope.allows(organisation_id)


def _item_or_404(user: Any, barcode: str) -> Item:
    item = holdings_queries.item_for_staff(user, barcode)
    if item is None:
        # The same answer whether it does not exist or belongs to another organisation.
        raise Http404
    return item


@require_safe
@login_required
def items(request: HttpRequest) -> HttpResponse:
    """Scan or type a barcode: straight to the item, or a clear "not found"."""
    if tenancy.staff_scope(request.user).is_empty:
        # No library role (a partner's login): where an item is, is not theirs to ask.
        raise PermissionDenied
    form = ItemScanForm(request.GET if "barcode" in request.GET else None)
    not_found = False
    elsewhere = None
    if form.is_valid():
        barcode = form.cleaned_data["barcode"]
        item = holdings_queries.item_for_staff(request.user, barcode)
        if item is not None:
            return redirect("desk:item", barcode=item.barcode)
        not_found = True
        elsewhere = holdings_queries.item_locate(barcode)
    return render(
        request,
        "desk/items.html",
        {
            "form": form,
            "not_found": not_found,
            "elsewhere": elsewhere,
            "may_add": _may_manage(request.user),
        },
    )


@require_safe
@login_required
def item_detail(request: HttpRequest, barcode: str) -> HttpResponse:
    item = _item_or_404(request.user, barcode)
    if item.barcode != barcode:
        return redirect("desk:item", barcode=item.barcode)
    return render(
        request,
        "desk/item.html",
        {
            "item": item,
            "scan_form": ItemScanForm(),
            "may_change": _may_manage(request.user, item.organisation_id),
        },
    )


# Carried over to the next copy after saving, so a pile of copies is a series of scans.
_CARRY_OVER = (
    "record",
    "home_branch",
    "item_type",
    "shelf_mark",
    "acquired_on",
    "replacement_price",
)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def item_add(request: HttpRequest) -> HttpResponse:
    if not _may_manage(request.user):
        raise PermissionDenied
    branches = tenancy.visible(Branch, request.user, Capability.HOLDINGS_MANAGE).filter(
        is_active=True
    )
    if request.method == "POST":
        form = ItemAddForm(request.POST, branches=branches)
        if form.is_valid():
            data = form.cleaned_data
            try:
                item = holdings_services.item_add(
                    actor=_staff(request),
                    record=data["record"],
                    organisation=data["home_branch"].organisation,
                    home_branch=data["home_branch"],
                    barcode=data["barcode"],
                    item_type=data["item_type"],
                    shelf_mark=data["shelf_mark"],
                    acquired_on=data["acquired_on"],
                    replacement_price=data["replacement_price"],
                )
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(
                    request,
                    _("Item %(barcode)s added: %(title)s. Scan the next barcode.")
                    % {"barcode": item.barcode, "title": item.record.title},
                )
                carry = {name: request.POST[name] for name in _CARRY_OVER if request.POST.get(name)}
                query = urlencode(carry)
                return redirect(f"{reverse('desk:item_add')}?{query}")
    else:
        initial = {name: request.GET[name] for name in _CARRY_OVER if name in request.GET}
        form = ItemAddForm(initial=initial, branches=branches)
    # Focus the barcode field once the title is known: the next action is a scan.
    focus = "barcode" if form["record"].value() and not form.errors.get("record") else "record"
    form.fields[focus].widget.attrs["autofocus"] = True
    return render(
        request,
        "desk/item_form.html",
        {"form": form, "item": None, "has_item_types": ItemType.objects.exists()},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def item_change(request: HttpRequest, barcode: str) -> HttpResponse:
    item = _item_or_404(request.user, barcode)
    if not _may_manage(request.user, item.organisation_id):
        raise PermissionDenied
    branches = tenancy.visible(Branch, request.user, Capability.HOLDINGS_MANAGE).filter(
        Q(is_active=True) | Q(pk=item.home_branch_id), organisation_id=item.organisation_id
    )
    if request.method == "POST":
        form = ItemChangeForm(request.POST, branches=branches)
        if form.is_valid():
            try:
                item = holdings_services.item_update(
                    actor=_staff(request), item=item, **form.cleaned_data
                )
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(request, _("Changes saved."))
                return redirect("desk:item", barcode=item.barcode)
    else:
        form = ItemChangeForm(
            initial={
                "barcode": item.barcode,
                "home_branch": item.home_branch_id,
                "item_type": item.item_type_id,
                "shelf_mark": item.shelf_mark,
                "acquired_on": item.acquired_on,
                "replacement_price": item.replacement_price,
            },
            branches=branches,
        )
    form.fields["barcode"].widget.attrs["autofocus"] = True
    return render(
        request,
        "desk/item_form.html",
        {"form": form, "item": item, "has_item_types": True},
    )
