"""Programmes' personal data for the registry: registrations, appointments, referrals."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from samenbieb.core.audit import audit_record
from samenbieb.members.models import Person
from samenbieb.privacy.registry import Contributor, Processing, register
from samenbieb.programmes.models import (
    Appointment,
    AppointmentStatus,
    Referral,
    Registration,
)
from samenbieb.programmes.services.activities import registrations_anonymise
from samenbieb.programmes.services.consultations import appointment_cancel


def _when(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def export(person: Person) -> dict[str, Any]:
    return {
        "registrations": [
            {
                "activity": registration.activity.title,
                "library": registration.activity.organisation.name,
                "status": registration.status,
                "registered_at": _when(registration.created_at),
                "cancelled_at": _when(registration.cancelled_at),
            }
            for registration in Registration.objects.filter(person=person)
            .select_related("activity__organisation")
            .order_by("created_at", "id")
        ],
        "appointments": [
            {
                "activity": appointment.slot.activity.title,
                "topic": appointment.topic.name,
                "starts_at": _when(appointment.slot.starts_at),
                "status": appointment.status,
            }
            for appointment in Appointment.objects.filter(person=person)
            .select_related("slot__activity", "topic")
            .order_by("slot__starts_at", "id")
        ],
        "referrals": [
            {
                "direction": referral.direction,
                "partner": referral.partner.name,
                "activity": referral.activity.title if referral.activity else None,
                "status": referral.status,
                "note": referral.note,
                "consent_given_at": _when(referral.consent_given_at),
                "created_at": _when(referral.created_at),
            }
            for referral in Referral.objects.filter(person=person)
            .select_related("partner", "activity")
            .order_by("created_at", "id")
        ],
    }


def anonymise(person: Person, now: dt.datetime) -> int:
    """Places still to come are given up (the waiting list moves up), appointments still
    to come are cancelled; then every registration, appointment and referral is unlinked.
    Counts, attendance and outcomes stay, anonymous."""
    count = registrations_anonymise(actor=None, person=person, now=now)
    upcoming = Appointment.objects.filter(
        person=person, status=AppointmentStatus.BOOKED, slot__starts_at__gt=now
    )
    for appointment in upcoming:
        appointment_cancel(actor=None, appointment=appointment, person=person, now=now)
    count += Appointment.objects.filter(person=person).update(
        person=None, name="", phone="", anonymised_at=now
    )
    referrals = Referral.objects.filter(person=person).update(
        person=None, name="", phone="", note="", anonymised_at=now
    )
    if referrals:
        audit_record(
            actor=None,
            event_type="programmes.referral.unlinked",
            organisation_id=person.home_organisation_id,
            person=person,
            details={"referrals": referrals},
        )
    return count + referrals


def _anonymous_registrations() -> str:
    days = settings.SAMENBIEB["ANONYMOUS_REGISTRATION_DAYS"]
    return str(
        _(
            "A member's registration loses its link when the member is erased. The name and "
            "phone number of someone without an account are erased %(days)s days after "
            "the activity."
        )
        % {"days": days}
    )


def _referrals() -> str:
    days = settings.SAMENBIEB["REFERRAL_RETENTION_DAYS"]
    return str(
        _("Name, phone number and note are erased %(days)s days after the referral closes.")
        % {"days": days}
    )


register(
    Contributor(
        key="programmes",
        label=_("Activities, consultation hours and referrals"),
        models=("programmes.registration", "programmes.appointment", "programmes.referral"),
        export=export,
        anonymise=anonymise,
        order=20,
        processing=(
            Processing(
                name=_("Registrations and appointments"),
                purpose=_(
                    "Keep places for courses, workshops and consultation hours; remind people."
                ),
                legal_basis=_("Contract (the registration), GDPR article 6(1)(b)"),
                categories=(
                    _("name and phone number (without an account)"),
                    _("which activity or topic, and when"),
                    _("attendance"),
                ),
                retention=_anonymous_registrations,
            ),
            Processing(
                name=_("Referrals with partners"),
                purpose=_("Refer people to the right help between the library and its partners."),
                legal_basis=_("Consent of the person, recorded with the referral"),
                categories=(_("name and phone number"), _("topic"), _("a short note")),
                retention=_referrals,
                recipients=_("The partner organisation named in the referral."),
            ),
        ),
    )
)
