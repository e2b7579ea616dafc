"""Refusals of the consultation hours and of "help near me", each with a stable code.

``samenbieb/programmes/errors.py`` (``ProgrammeError``, by helper ``activities``) was not
on main yet when these were written, so they have their own base
:class:`ConsultationError`; on merge it can subclass ``ProgrammeError`` instead.
"""

from __future__ import annotations

from samenbieb.core.errors import DomainError


class ConsultationError(DomainError):
    """A consultation hour refused an action; nothing was changed."""

    code = "consultation_refused"


class NotAConsultation(ConsultationError):
    code = "not_a_consultation"


class ScheduleInvalid(ConsultationError):
    code = "schedule_invalid"


class ScheduleOutsideOpeningHours(ConsultationError):
    code = "schedule_outside_opening_hours"


class ScheduleOverlaps(ConsultationError):
    code = "schedule_overlaps"


class SlotNotBookable(ConsultationError):
    """The activity is not published (a draft, or cancelled)."""

    code = "slot_not_bookable"


class SlotInPast(ConsultationError):
    code = "slot_in_past"


class SlotTaken(ConsultationError):
    code = "slot_taken"


class SlotOutsideOpeningHours(ConsultationError):
    """The branch is closed then (a closure added, or hours changed, after the slot was
    made)."""

    code = "slot_outside_opening_hours"


class TopicNotOffered(ConsultationError):
    code = "topic_not_offered"


class BookerMissing(ConsultationError):
    """Neither a member nor a name and phone number."""

    code = "booker_missing"


class PhoneInvalid(ConsultationError):
    code = "invalid_phone"


class AppointmentNotActive(ConsultationError):
    code = "appointment_not_active"


class ContactInvalid(ConsultationError):
    code = "contact_invalid"


class LocationUnknown(ConsultationError):
    """ "Help near me" does not know the postcode or place."""

    code = "location_unknown"


class ThemeUnknown(ConsultationError):
    code = "theme_unknown"
