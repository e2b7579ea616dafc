"""The incident register at the desk, for the response team (``incidents.manage``).

Thin: forms are parsed here, every change goes through :mod:`samenbieb.incidents.services`
and every read through :mod:`samenbieb.incidents.queries` (the tenant gate): an incident
outside the staff member's scope is "not found".
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from samenbieb.core.errors import DomainError
from samenbieb.incidents import queries, services
from samenbieb.incidents.models import Incident
from samenbieb.interfaces.desk.incidents_forms import (
    EntryForm,
    IncidentChangeForm,
    IncidentForm,
    NotifyForm,
)
from samenbieb.network import tenancy
from samenbieb.network.models import Organisation
from samenbieb.network.roles import Capability

MANAGE = Capability.INCIDENTS_MANAGE


def _need(user: Any) -> None:
    if tenancy.staff_scope(user, MANAGE).is_empty:
        raise PermissionDenied


def _incident_or_404(user: Any, pk: int) -> Incident:
    _need(user)
    incident = queries.incident_for_staff(user, pk)
    if incident is None:
        raise Http404
    return incident


@require_safe
@login_required
def incidents(request: HttpRequest) -> HttpResponse:
    _need(request.user)
    now = timezone.now()
    rows = [
        (incident, queries.deadline_of(incident, now=now))
        for incident in queries.incidents_for_staff(request.user)
    ]
    return render(
        request,
        "desk/incidents/incidents.html",
        {"rows": rows, "attention": sum(1 for _i, d in rows if d.needs_attention)},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def incident_add(request: HttpRequest) -> HttpResponse:
    _need(request.user)
    organisations = tenancy.visible(Organisation, request.user, MANAGE).order_by("name")
    form = IncidentForm(
        request.POST if request.method == "POST" else None,
        organisations=organisations,
        initial={"detected_at": timezone.localtime().replace(second=0, microsecond=0)},
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            incident = services.incident_open(
                actor=request.user,
                organisation=data["organisation"],
                title=data["title"],
                summary=data["summary"],
                severity=data["severity"],
                detected_at=data["detected_at"],
                occurred_at=data["occurred_at"],
                personal_data_breach=data["personal_data_breach"],
                affected_organisations=data["affected_organisations"],
                data_categories=data["data_categories"],
                people_affected=data["people_affected"],
            )
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(
                request, _("Incident %(ref)s registered.") % {"ref": incident.reference}
            )
            return redirect("desk:incident", incident.pk)
    return render(request, "desk/incidents/incident_form.html", {"form": form})


def _detail(request: HttpRequest, incident: Incident, **forms: Any) -> HttpResponse:
    change = forms.get("change") or IncidentChangeForm(
        initial={
            "severity": incident.severity,
            "status": incident.status,
            "personal_data_breach": incident.personal_data_breach,
            "affected_organisations": list(incident.affected_organisations.all()),
            "data_categories": incident.data_categories,
            "people_affected": incident.people_affected,
        }
    )
    return render(
        request,
        "desk/incidents/incident.html",
        {
            "incident": incident,
            "deadline": queries.deadline_of(incident),
            "entries": list(incident.entries.all()),
            "change_form": change,
            "entry_form": forms.get("entry") or EntryForm(),
            "notify_form": forms.get("notify") or NotifyForm(),
        },
        status=400 if forms else 200,
    )


@require_safe
@login_required
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _incident_or_404(request.user, pk))


@require_POST
@login_required
def incident_change(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident_or_404(request.user, pk)
    form = IncidentChangeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.incident_change(actor=request.user, incident=incident, **data)
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            return redirect("desk:incident", incident.pk)
    return _detail(request, incident, change=form)


@require_POST
@login_required
def incident_entry_add(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident_or_404(request.user, pk)
    form = EntryForm(request.POST)
    if form.is_valid():
        try:
            services.incident_entry_add(actor=request.user, incident=incident, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            return redirect("desk:incident", incident.pk)
    return _detail(request, incident, entry=form)


@require_POST
@login_required
def incident_notified(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident_or_404(request.user, pk)
    form = NotifyForm(request.POST)
    if form.is_valid():
        try:
            services.incident_authority_notified(
                actor=request.user, incident=incident, **form.cleaned_data
            )
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            return redirect("desk:incident", incident.pk)
    return _detail(request, incident, notify=form)


@require_safe
@login_required
def incident_report(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The report for the Autoriteit Persoonsgegevens: a page to read, JSON or CSV."""
    incident = _incident_or_404(request.user, pk)
    report = queries.incident_report(incident)
    if fmt == "json":
        response = HttpResponse(
            json.dumps(report, ensure_ascii=False, indent=2), content_type="application/json"
        )
    elif fmt == "csv":
        response = HttpResponse(
            queries.incident_report_csv(incident), content_type="text/csv; charset=utf-8"
        )
    else:
        return render(
            request, "desk/incidents/report.html", {"incident": incident, "report": report}
        )
    response["Content-Disposition"] = f'attachment; filename="{incident.reference}.{fmt}"'
    return response
