"""Consultation hours on the portal: the free times of a consultation hour, booking a time
(with or without an account), the confirmation with its cancel link, and cancelling.

Thin doors over :mod:`samenbieb.programmes.services`; a refusal shows the service's own
words and saves nothing. Someone without an account gets a confirmation page whose
address holds a secret token: it is their only key to the appointment online.
"""

from __future__ import annotations

import datetime as dt
from itertools import groupby
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from samenbieb.interfaces.portal.programmes_consult_forms import SlotBookForm
from samenbieb.members import auth
from samenbieb.programmes import queries_consultations as queries
from samenbieb.programmes import services
from samenbieb.programmes.errors_consult import (
    BookerMissing,
    ConsultationError,
    PhoneInvalid,
)
from samenbieb.programmes.models import AppointmentStatus
from samenbieb.security.ratelimit import rate_limited

# How far ahead the page of a consultation hour lists free times.
DAYS_SHOWN = 28


@require_safe
def consultation(request: HttpRequest, pk: int) -> HttpResponse:
    """A consultation hour and its free times for the coming weeks, per location and day."""
    activity = queries.consultation_public(pk)
    if activity is None:
        raise Http404
    now = timezone.now()
    slots = list(
        queries.slots_free(activity=activity, start=now, end=now + dt.timedelta(days=DAYS_SHOWN))
    )
    slots.sort(key=lambda slot: (slot.branch.name, slot.branch_id, slot.starts_at))
    locations = []
    for _branch_id, branch_slots in groupby(slots, key=lambda slot: slot.branch_id):
        rows = list(branch_slots)
        days = [
            (day, list(day_slots))
            for day, day_slots in groupby(
                rows, key=lambda slot: timezone.localtime(slot.starts_at).date()
            )
        ]
        locations.append({"branch": rows[0].branch, "days": days})
    return render(
        request,
        "portal/programmes/consult/consultation.html",
        {"activity": activity, "locations": locations, "days_shown": DAYS_SHOWN},
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited("consult_booking", methods=("POST",))
def slot_book(request: HttpRequest, pk: int) -> HttpResponse:
    """GET shows the time and the form; POST books it."""
    slot = queries.slot_public(pk)
    if slot is None:
        raise Http404
    person = auth.current_member(request)
    topics = services.topics_for(slot.activity)
    context: dict[str, Any] = {"slot": slot, "refusal": None}
    now = timezone.now()
    if slot.starts_at <= now or not queries.slot_is_free(slot):
        context["unavailable"] = True
        return render(request, "portal/programmes/consult/slot_book.html", context, status=409)
    data = request.POST if request.method == "POST" else None
    form = SlotBookForm(data, topics=topics, member=person is not None)
    context["form"] = form
    if data is not None and form.is_valid():
        try:
            appointment = services.appointment_book(
                actor=None,
                slot=slot,
                topic=form.cleaned_data["topic"],
                person=person,
                name=form.cleaned_data.get("name", ""),
                phone=form.cleaned_data.get("phone", ""),
                member=person,
            )
        except PhoneInvalid as refused:
            form.add_error("phone", str(refused.message))
        except BookerMissing as refused:
            form.add_error(None, str(refused.message))
        except ConsultationError as refused:
            context["refusal"] = refused
        else:
            messages.success(request, _("Your appointment is booked."))
            return redirect("portal:consult_appointment", token=appointment.token)
    status = 409 if context["refusal"] else (400 if form.errors else 200)
    return render(request, "portal/programmes/consult/slot_book.html", context, status=status)


def _appointment(token: str) -> Any:
    appointment = queries.appointment_by_token(token)
    if appointment is None or appointment.anonymised_at is not None:
        raise Http404
    return appointment


@never_cache
@require_safe
def appointment_detail(request: HttpRequest, token: str) -> HttpResponse:
    appointment = _appointment(token)
    return render(
        request,
        "portal/programmes/consult/appointment.html",
        {
            "appointment": appointment,
            "booked": appointment.status == AppointmentStatus.BOOKED,
            "may_cancel": appointment.status == AppointmentStatus.BOOKED
            and appointment.slot.starts_at > timezone.now(),
            "link": request.build_absolute_uri(),
        },
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def appointment_cancel(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks "are you sure?"; POST cancels."""
    appointment = _appointment(token)
    if request.method != "POST":
        return render(
            request,
            "portal/programmes/consult/appointment_cancel.html",
            {"appointment": appointment},
        )
    try:
        services.appointment_cancel(actor=None, appointment=appointment, token=token)
    except ConsultationError as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, _("Your appointment is cancelled."))
    return redirect("portal:consult_appointment", token=token)
