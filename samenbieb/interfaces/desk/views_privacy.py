"""Desk pages for privacy: a member's details behind a reason, the export on request, and
the privacy officer's view of the audit trail. Thin doors over samenbieb.privacy."""

from __future__ import annotations

import json
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from samenbieb.core.errors import NotPermitted
from samenbieb.interfaces.desk.forms_members import CardReplaceForm
from samenbieb.interfaces.desk.forms_privacy import AuditSearchForm, ReasonForm
from samenbieb.interfaces.desk.views_members import _person_or_404, _render_member
from samenbieb.members import queries as member_queries
from samenbieb.network import tenancy
from samenbieb.network.models import StaffUser
from samenbieb.network.roles import Capability
from samenbieb.privacy import queries, services


def _staff(request: HttpRequest) -> StaffUser:
    return cast(StaffUser, request.user)


@require_POST
@login_required
def member_details(request: HttpRequest, pk: int) -> HttpResponse:
    """The member's page with date of birth, address and contact details, after a reason."""
    person = _person_or_404(request.user, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _render_member(request, person, CardReplaceForm(), status=400, reason_form=form)
    services.person_read_record(
        actor=_staff(request), person=person, view="details", reason=form.reason_text()
    )
    return _render_member(request, person, CardReplaceForm(), show_details=True)


@require_POST
@login_required
def member_export(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything held about the member, as the file they get in the portal, on request."""
    person = _person_or_404(request.user, pk)
    form = ReasonForm(request.POST, prefix="export")
    if not form.is_valid():
        return _render_member(request, person, CardReplaceForm(), status=400, export_form=form)
    try:
        export = services.person_export(
            actor=_staff(request), person=person, reason=form.reason_text()
        )
    except NotPermitted:
        raise PermissionDenied from None
    response = HttpResponse(
        json.dumps(export, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="gegevens-lid-{person.pk}-{stamp}.json"'
    )
    return response


@require_safe
@login_required
def audit_trail(request: HttpRequest) -> HttpResponse:
    """The privacy officer's search through the audit trail of their libraries."""
    if tenancy.staff_scope(request.user, Capability.AUDIT_VIEW).is_empty:
        raise PermissionDenied
    form = AuditSearchForm(request.GET or None)
    filters: dict[str, Any] = {}
    unknown_card = False
    if form.is_valid():
        data = form.cleaned_data
        if data["card"]:
            card = member_queries.card_for_desk(request.user, data["card"])
            unknown_card = card is None
            filters["person_id"] = card.person_id if card is not None else -1
        filters.update(
            actor=data["actor"].strip(),
            event_type=data["event_type"].strip(),
            since=data["since"],
            until=data["until"],
        )
    events = queries.audit_events_for_officer(request.user, **filters)
    page = Paginator(events, 50).get_page(request.GET.get("pagina"))
    query = request.GET.copy()
    query.pop("pagina", None)
    return render(
        request,
        "desk/privacy_audit.html",
        {"form": form, "page": page, "unknown_card": unknown_card, "query": query.urlencode()},
    )
