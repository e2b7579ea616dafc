"""The desk's consultation hours: today's appointments and walk-in contacts at a branch
(record one in two clicks: topic, then outcome), the weekly hours of a consultation hour,
and the counts of contacts.

Doors only: each POST parses, calls one service of :mod:`samenbieb.programmes.services`,
says what happened and redirects back; a refusal shows the service's words and changes
nothing. Who may do what comes from ``programmes.register`` (desk staff and up) and
``programmes.manage`` (weekly hours), checked by the services and by the reads.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from samenbieb.core.errors import DomainError
from samenbieb.interfaces.desk.programmes_consult_forms import (
    ScheduleEndForm,
    ScheduleForm,
    WalkInForm,
)
from samenbieb.network import tenancy
from samenbieb.network.models import Branch, StaffUser, Weekday
from samenbieb.network.roles import Capability
from samenbieb.programmes import queries_consultations as queries
from samenbieb.programmes import services
from samenbieb.programmes.models import AppointmentStatus, ContactOutcome
from samenbieb.programmes.phone import phone_display

# How many months of walk-in counts the counts page shows.
COUNT_MONTHS = 3


def _staff(request: HttpRequest) -> StaffUser:
    return cast(StaffUser, request.user)


def _branch(request: HttpRequest, value: Any) -> Branch:
    """The branch asked for, if the staff member works there; else their first."""
    branches = queries.branches_for_staff(request.user)
    branch = branches.filter(pk=int(value)).first() if str(value or "").isdigit() else None
    branch = branch or branches.first()
    if branch is None:
        raise PermissionDenied
    return branch


def _home(branch: Branch) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{reverse('desk:consult_home')}?vestiging={branch.pk}")


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    start = dt.datetime.combine(day, dt.time(), tzinfo=zone)
    return start, dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone)


def _walk_in_form(user: Any, branch: Branch, data: Any = None) -> WalkInForm:
    activities = queries.consultations_for_staff(user).filter(
        organisation_id=branch.organisation_id
    )
    return WalkInForm(
        data,
        initial={"activity": activities.first(), "branch": branch},
        activities=activities,
        branches=queries.branches_for_staff(user).filter(organisation_id=branch.organisation_id),
        partners=queries.partners_for_referral(branch.organisation_id),
    )


@require_safe
@login_required
def consult_home(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    branch = _branch(request, request.GET.get("vestiging"))
    today = timezone.localdate()
    now = timezone.now()
    start, end = _day_bounds(today)
    appointments = [
        {
            "appointment": appointment,
            "who": appointment.person.full_name if appointment.person else appointment.name,
            "phone": phone_display(appointment.phone),
            "started": appointment.slot.starts_at <= now,
            "booked": appointment.status == AppointmentStatus.BOOKED,
        }
        for appointment in queries.appointments_of_day(branch=branch, start=start, end=end)
    ]
    consultations = list(
        queries.consultations_for_staff(user).filter(organisation_id=branch.organisation_id)
    )
    may_manage = tenancy.staff_scope(user, Capability.PROGRAMMES_MANAGE).allows(
        branch.organisation_id
    )
    return render(
        request,
        "desk/programmes/consult/home.html",
        {
            "branch": branch,
            "branches": queries.branches_for_staff(user),
            "today": today,
            "appointments": appointments,
            "consultations": consultations,
            "walk_in_form": _walk_in_form(user, branch) if consultations else None,
            "outcomes": ContactOutcome.choices,
            "totals": queries.contact_totals_today(branch=branch, day=today),
            "may_manage": may_manage,
        },
    )


@require_POST
@login_required
def walk_in_record(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    branch = _branch(request, request.POST.get("branch"))
    form = _walk_in_form(user, branch, request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return _home(branch)
    data = form.cleaned_data
    try:
        services.walk_in_contact_record(
            actor=user,
            activity=data["activity"],
            branch=data["branch"],
            topic=data["topic"],
            outcome=data["outcome"],
            partner=data["partner"] if data["outcome"] == ContactOutcome.REFERRED else None,
        )
    except DomainError as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(
            request,
            _("Counted: %(topic)s, %(outcome)s.")
            % {
                "topic": data["topic"].name,
                "outcome": ContactOutcome(data["outcome"]).label.lower(),
            },
        )
    return _home(data["branch"])


def _appointment(request: HttpRequest, pk: int) -> Any:
    appointment = queries.appointment_for_staff(request.user, pk)
    if appointment is None:
        raise Http404
    return appointment


@require_POST
@login_required
def appointment_mark(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = _appointment(request, pk)
    try:
        services.appointment_mark(
            actor=_staff(request),
            appointment=appointment,
            attended=request.POST.get("attended") == "1",
        )
    except DomainError as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, _("Saved."))
    return _home(appointment.slot.branch)


@require_POST
@login_required
def appointment_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = _appointment(request, pk)
    try:
        services.appointment_cancel(actor=_staff(request), appointment=appointment)
    except DomainError as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, _("The appointment is cancelled; the time is free again."))
    return _home(appointment.slot.branch)


# --- Weekly hours --------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def schedules(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    activity = queries.consultation_for_staff(user, pk, Capability.PROGRAMMES_MANAGE)
    if activity is None:
        raise Http404
    branches = queries.branches_for_staff(user, Capability.PROGRAMMES_MANAGE).filter(
        organisation_id=activity.organisation_id
    )
    form = ScheduleForm(request.POST or None, branches=branches)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.schedule_set(actor=user, activity=activity, **data)
        except DomainError as refused:
            form.add_error(None, str(refused.message))
        else:
            messages.success(request, _("The hours are added and the times can be booked."))
            return redirect("desk:consult_schedules", pk=activity.pk)
    return render(
        request,
        "desk/programmes/consult/schedules.html",
        {
            "activity": activity,
            "schedules": [
                {"schedule": schedule, "day": Weekday(schedule.weekday).label}
                for schedule in queries.schedules_of(activity)
            ],
            "form": form,
            "end_form": ScheduleEndForm(initial={"last_day": timezone.localdate()}),
        },
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
def schedule_end(request: HttpRequest, pk: int) -> HttpResponse:
    schedule = queries.schedule_for_staff(request.user, pk)
    if schedule is None:
        raise Http404
    form = ScheduleEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the last day."))
    else:
        try:
            result = services.schedule_end(
                actor=_staff(request), schedule=schedule, last_day=form.cleaned_data["last_day"]
            )
        except DomainError as refused:
            messages.error(request, str(refused.message))
        else:
            messages.success(
                request,
                _("These hours stop after %(day)s.")
                % {"day": formats.date_format(form.cleaned_data["last_day"], "j F Y")},
            )
            if result.stranded:
                messages.warning(
                    request,
                    _(
                        "%(count)d booked appointment(s) after that day stay. "
                        "Call these people to make a new appointment."
                    )
                    % {"count": result.stranded},
                )
    return redirect("desk:consult_schedules", pk=schedule.activity_id)


# --- Counts --------------------------------------------------------------------------


@require_safe
@login_required
def contact_counts(request: HttpRequest) -> HttpResponse:
    scope = tenancy.staff_scope(request.user, Capability.PROGRAMMES_REGISTER)
    if scope.is_empty:
        raise PermissionDenied
    today = timezone.localdate()
    first = today.replace(day=1)
    for _month in range(COUNT_MONTHS - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    rows = queries.contact_counts(first=first, last=today, organisation_ids=scope.organisation_ids)
    outcomes = dict(ContactOutcome.choices)
    for row in rows:
        row["outcome_label"] = outcomes.get(row["outcome"], row["outcome"])
    return render(
        request,
        "desk/programmes/consult/counts.html",
        {"rows": rows, "first": first, "last": today, "total": sum(r["count"] for r in rows)},
    )
