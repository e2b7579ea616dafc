"""Activities in the portal: what is on, one activity, register with one click (members)
or with a name and phone number (everyone else), the registration's own page (confirmation,
calendar file, cancel), my registrations, and a library's calendar feed.

Thin doors over :mod:`samenbieb.programmes`: each state change is one service call with
``actor=None``; every refusal shows the service's own message. The registration's page is
reached through its secret token, so people without an account can come back to it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from samenbieb.interfaces.portal.programmes_activities_forms import (
    ActivityFilterForm,
    VisitorForm,
)
from samenbieb.members import auth
from samenbieb.members.models import Person
from samenbieb.network.models import Organisation
from samenbieb.programmes import ical, services
from samenbieb.programmes import queries_activities as queries
from samenbieb.programmes.errors import ProgrammeError
from samenbieb.programmes.models import Registration, RegistrationVia

PAGE_SIZE = 30


def _ics(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def activities(request: HttpRequest) -> HttpResponse:
    libraries = Organisation.objects.filter(
        pk__in=queries.activities_upcoming().values("organisation_id")
    ).order_by("name")
    form = ActivityFilterForm(request.GET or None, libraries=libraries)
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = {
            "theme": data["theme"].code if data["theme"] else "",
            "target_group": data["group"].code if data["group"] else "",
            "kind": data["kind"],
            "organisation": data["library"],
        }
    rows = list(queries.activities_upcoming(**filters)[: PAGE_SIZE + 1])
    return render(
        request,
        "portal/programmes/activities/list.html",
        {
            "form": form,
            "rows": [(row, queries.free_places(row)) for row in rows[:PAGE_SIZE]],
            "more": len(rows) > PAGE_SIZE,
        },
    )


def _detail(
    request: HttpRequest, pk: int, *, form: VisitorForm | None = None, refusal: Any = None
) -> HttpResponse:
    view = queries.activity_for_public(pk)
    if view is None:
        raise Http404
    person = auth.current_member(request)
    mine = queries.registration_of_member_for(person, view.activity) if person else None
    return render(
        request,
        "portal/programmes/activities/detail.html",
        {
            "view": view,
            "activity": view.activity,
            "mine": mine,
            "visitor_form": form or VisitorForm(),
            "refusal": refusal,
            "now": timezone.now(),
        },
        status=409 if refusal else (400 if form is not None and form.errors else 200),
    )


@require_safe
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, pk)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def activity_register(request: HttpRequest, pk: int) -> HttpResponse:
    """POST registers the member in one click, or a visitor with a name and phone number."""
    if request.method != "POST":
        return HttpResponseRedirect(f"{reverse('portal:activity', args=[pk])}#aanmelden")
    view = queries.activity_for_public(pk)
    if view is None:
        raise Http404
    person = auth.current_member(request)
    form = None if person is not None else VisitorForm(request.POST)
    if form is not None and not form.is_valid():
        return _detail(request, pk, form=form)
    try:
        registration = services.registration_create(
            actor=None,
            activity=view.activity,
            person=person,
            name=form.cleaned_data["name"] if form else "",
            phone=form.cleaned_data["phone"] if form else "",
            via=RegistrationVia.PORTAL,
            member=person,
        )
    except ProgrammeError as error:
        if form is not None and error.field in form.fields:
            form.add_domain_error(error)
            return _detail(request, pk, form=form)
        return _detail(request, pk, form=form, refusal=error)
    return redirect("portal:activity_registration", token=registration.token)


def _by_token(token: str) -> Registration:
    registration = queries.registration_by_token(token)
    if registration is None:
        raise Http404
    return registration


@never_cache
@require_safe
def registration_detail(request: HttpRequest, token: str) -> HttpResponse:
    registration = _by_token(token)
    response = render(
        request,
        "portal/programmes/activities/registration.html",
        {
            "registration": registration,
            "activity": registration.activity,
            "sessions": list(registration.activity.sessions.order_by("starts_at")),
            "position": queries.waiting_position(registration),
            "active": registration.status in ("confirmed", "waiting"),
        },
    )
    # The address holds the registration's secret: links followed from here must not carry it.
    response["Referrer-Policy"] = "no-referrer"
    return response


@never_cache
@require_POST
def registration_cancel(request: HttpRequest, token: str) -> HttpResponse:
    registration = _by_token(token)
    try:
        services.registration_cancel(actor=None, registration=registration, token=token)
    except ProgrammeError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Your registration is cancelled."))
    return redirect("portal:activity_registration", token=token)


@never_cache
@require_safe
def registration_ics(request: HttpRequest, token: str) -> HttpResponse:
    registration = _by_token(token)
    url = request.build_absolute_uri(reverse("portal:activity", args=[registration.activity_id]))
    return _ics(
        ical.registration_ical(registration, url=url), f"activiteit-{registration.activity_id}.ics"
    )


@require_safe
def library_feed(request: HttpRequest, isil: str) -> HttpResponse:
    organisation = queries.organisation_by_isil(isil)
    if organisation is None:
        raise Http404
    sessions = queries.sessions_for_feed(organisation)
    urls = {
        session.activity_id: request.build_absolute_uri(
            reverse("portal:activity", args=[session.activity_id])
        )
        for session in sessions
    }
    return _ics(
        ical.organisation_feed_ical(organisation, sessions, url_of=urls),
        f"activiteiten-{organisation.isil}.ics",
    )


# --- my account --------------------------------------------------------------------------


def _member(request: HttpRequest) -> Person:
    person = auth.current_member(request)
    if person is None:
        raise Http404
    return person


@never_cache
@require_safe
@auth.member_required
def my_registrations(request: HttpRequest) -> HttpResponse:
    person = _member(request)
    return render(
        request,
        "portal/programmes/activities/mine.html",
        {"registrations": queries.registrations_of_member(person, now=timezone.now())},
    )


@never_cache
@require_POST
@auth.member_required
def my_registration_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    person = _member(request)
    registration = queries.registration_of_member(person, pk)
    if registration is None:
        raise Http404
    try:
        services.registration_cancel(actor=None, registration=registration, person=person)
    except ProgrammeError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("Your registration for “%(title)s” is cancelled.")
            % {"title": registration.activity.title},
        )
    return redirect("portal:my_activities")
