"""Activities at the desk: the activities of the staff member's libraries, planning them
(also from a national programme with local dates), sessions, the registration list with
signing people up on their behalf, cancelling, the waiting list, attendance per session,
and the network's report on a national programme.

Thin: each view parses a form, calls one query or service, and renders or redirects.
Access goes through :mod:`samenbieb.programmes.queries_activities` (the tenant gate): an
activity of another library is "not found". Refusals show the service's own words.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from samenbieb.core.errors import DomainError
from samenbieb.interfaces.desk.programmes_activities_forms import (
    ActivityCancelForm,
    ActivityForm,
    FromProgrammeForm,
    RegisterOnBehalfForm,
    SessionForm,
)
from samenbieb.members import queries as member_queries
from samenbieb.network import tenancy
from samenbieb.network.models import Branch, Organisation, StaffUser
from samenbieb.network.roles import Capability
from samenbieb.programmes import queries_activities as queries
from samenbieb.programmes import services
from samenbieb.programmes.models import Activity, RegistrationVia

TEMPLATES = "desk/programmes/activities"


def _staff(request: HttpRequest) -> StaffUser:
    return cast(StaffUser, request.user)


def _may(user: Any, capability: str, organisation_id: int | None = None) -> bool:
    scope = tenancy.staff_scope(user, capability)
    return not scope.is_empty if organisation_id is None else scope.allows(organisation_id)


def _activity(request: HttpRequest, pk: int) -> Activity:
    activity = queries.activity_for_staff(request.user, pk)
    if activity is None:
        raise Http404
    return activity


def _where(user: Any) -> dict[str, Any]:
    organisations = tenancy.visible(Organisation, user, Capability.PROGRAMMES_MANAGE)
    return {
        "organisations": organisations,
        "branches": tenancy.visible(Branch, user, Capability.PROGRAMMES_MANAGE)
        .filter(is_active=True)
        .select_related("organisation")
        .order_by("organisation__name", "name"),
    }


@require_safe
@login_required
def activities(request: HttpRequest) -> HttpResponse:
    if not _may(request.user, Capability.PROGRAMMES_REGISTER):
        raise PermissionDenied
    include_past = request.GET.get("ook") == "voorbij"
    rows = queries.activities_for_staff(request.user, include_past=include_past)
    return render(
        request,
        f"{TEMPLATES}/list.html",
        {
            "rows": [(row, queries.free_places(row)) for row in rows],
            "include_past": include_past,
            "may_manage": _may(request.user, Capability.PROGRAMMES_MANAGE),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def activity_add(request: HttpRequest) -> HttpResponse:
    if not _may(request.user, Capability.PROGRAMMES_MANAGE):
        raise PermissionDenied
    form = ActivityForm(request.POST or None, **_where(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_create(
                actor=_staff(request),
                organisation=form.cleaned_data["organisation"],
                data=form.data_for_service(),
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("The activity is saved as a draft. Add its sessions."))
            return redirect("desk:activity", pk=activity.pk)
    return render(request, f"{TEMPLATES}/form.html", {"form": form, "activity": None})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def activity_from_programme(request: HttpRequest) -> HttpResponse:
    if not _may(request.user, Capability.PROGRAMMES_MANAGE):
        raise PermissionDenied
    initial = {}
    if "programma" in request.GET:
        initial["programme"] = request.GET["programma"]
    form = FromProgrammeForm(
        request.POST or None,
        initial=initial,
        programmes=queries.programmes_offered(),
        **_where(request.user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            activity = services.activity_create_from_programme(
                actor=_staff(request),
                organisation=data["organisation"],
                programme=data["programme"],
                branch=data["branch"],
                starts=form.starts(),
                capacity=data["capacity"],
                online_url=data["online_url"],
                price=data["price"],
                registration_opens_at=data["registration_opens_at"],
                registration_closes_at=data["registration_closes_at"],
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request, _("The activity is saved as a draft. Check it and publish it.")
            )
            return redirect("desk:activity", pk=activity.pk)
    return render(request, f"{TEMPLATES}/from_programme.html", {"form": form})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def activity_change(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity(request, pk)
    if not _may(request.user, Capability.PROGRAMMES_MANAGE, activity.organisation_id):
        raise PermissionDenied
    form = ActivityForm(
        request.POST or None, initial=ActivityForm.initial_of(activity), **_where(request.user)
    )
    form.fields["organisation"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_update(
                actor=_staff(request), activity=activity, data=form.data_for_service()
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("The activity is saved."))
            return redirect("desk:activity", pk=activity.pk)
    return render(request, f"{TEMPLATES}/form.html", {"form": form, "activity": activity})


def _detail(
    request: HttpRequest,
    activity: Activity,
    *,
    register_form: RegisterOnBehalfForm | None = None,
    session_form: SessionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    lists = queries.registrations_of_activity(activity)
    return render(
        request,
        f"{TEMPLATES}/detail.html",
        {
            "activity": activity,
            "sessions": list(activity.sessions.order_by("starts_at")),
            "lists": lists,
            "free": queries.free_places(activity),
            "closes_at": queries.registration_closes_at(activity),
            "register_form": register_form or RegisterOnBehalfForm(),
            "session_form": session_form or SessionForm(),
            "cancel_form": ActivityCancelForm(),
            "may_manage": _may(
                request.user, Capability.PROGRAMMES_MANAGE, activity.organisation_id
            ),
            "now": timezone.now(),
        },
        status=status,
    )


@require_safe
@login_required
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _activity(request, pk))


@require_POST
@login_required
def activity_publish(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity(request, pk)
    try:
        services.activity_publish(actor=_staff(request), activity=activity)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The activity is published: people can sign up now."))
    return redirect("desk:activity", pk=pk)


@require_POST
@login_required
def activity_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity(request, pk)
    form = ActivityCancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.activity_cancel(actor=_staff(request), activity=activity, reason=reason)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request, _("The activity is cancelled. Everyone who signed up gets a message.")
        )
    return redirect("desk:activity", pk=pk)


@require_POST
@login_required
def session_add(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity(request, pk)
    form = SessionForm(request.POST)
    if form.is_valid():
        starts_at, ends_at = form.span()
        try:
            services.session_add(
                actor=_staff(request), activity=activity, starts_at=starts_at, ends_at=ends_at
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("The session is added."))
            return redirect("desk:activity", pk=pk)
    return _detail(request, activity, session_form=form, status=400)


@require_POST
@login_required
def session_remove(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    activity = _activity(request, pk)
    session = queries.session_for_staff(request.user, activity, session_pk)
    if session is None:
        raise Http404
    try:
        services.session_remove(actor=_staff(request), session=session)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The session is removed."))
    return redirect("desk:activity", pk=pk)


@require_POST
@login_required
def register(request: HttpRequest, pk: int) -> HttpResponse:
    """Sign someone up on their behalf: a member by card, or a name and phone number."""
    activity = _activity(request, pk)
    form = RegisterOnBehalfForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        person = None
        if data["card"]:
            person = member_queries.person_for_card(data["card"])
            if person is None:
                form.add_error(
                    "card", _("No active library card has this number. Check the number.")
                )
        if not form.errors:
            try:
                registration = services.registration_create(
                    actor=_staff(request),
                    activity=activity,
                    person=person,
                    name="" if person else data["name"],
                    phone="" if person else data["phone"],
                    via=RegistrationVia.DESK,
                )
            except DomainError as error:
                form.add_domain_error(error)
            else:
                who = person.full_name if person else registration.name
                if registration.status == "waiting":
                    messages.warning(request, _("%(name)s is on the waiting list.") % {"name": who})
                else:
                    messages.success(request, _("%(name)s is signed up.") % {"name": who})
                return redirect("desk:activity", pk=pk)
    return _detail(request, activity, register_form=form, status=400)


@require_POST
@login_required
def registration_cancel(request: HttpRequest, pk: int, registration_pk: int) -> HttpResponse:
    activity = _activity(request, pk)
    registration = queries.registration_for_staff(request.user, activity, registration_pk)
    if registration is None:
        raise Http404
    try:
        services.registration_cancel(actor=_staff(request), registration=registration)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The registration is cancelled."))
    return redirect("desk:activity", pk=pk)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def attendance(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    """A checkbox per person with a place: who came to this session."""
    activity = _activity(request, pk)
    session = queries.session_for_staff(request.user, activity, session_pk)
    if session is None:
        raise Http404
    if request.method == "POST":
        present = [int(value) for value in request.POST.getlist("aanwezig") if value.isdigit()]
        try:
            came = services.attendance_record(
                actor=_staff(request), session=session, present=present
            )
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("Saved: %(count)d came.") % {"count": came})
            return redirect("desk:activity", pk=pk)
    lists = queries.registrations_of_activity(activity)
    recorded = queries.attendance_of_session(session)
    people = [
        (registration, recorded.get(registration.pk))
        for registration in [
            *lists.confirmed,
            *[row for row in lists.cancelled if row.pk in recorded],
        ]
    ]
    return render(
        request,
        f"{TEMPLATES}/attendance.html",
        {"activity": activity, "session": session, "people": people},
    )


@require_safe
@login_required
def programmes(request: HttpRequest) -> HttpResponse:
    if not _may(request.user, Capability.PROGRAMMES_MANAGE):
        raise PermissionDenied
    return render(
        request, f"{TEMPLATES}/programmes.html", {"programmes": queries.programmes_offered()}
    )


@require_safe
@login_required
def programme_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Counts per library across the network (no persons): any programme coordinator
    may compare, as the network reports on its programmes."""
    if not _may(request.user, Capability.PROGRAMMES_MANAGE):
        raise PermissionDenied
    programme = queries.programme_get(pk)
    if programme is None:
        raise Http404
    rows = queries.programme_report(programme)
    totals = {
        name: sum(getattr(row, name) for row in rows)
        for name in (
            "activities",
            "sessions",
            "registrations",
            "waiting",
            "attended",
            "attendances",
        )
    }
    return render(
        request,
        f"{TEMPLATES}/report.html",
        {"programme": programme, "rows": rows, "totals": totals},
    )
