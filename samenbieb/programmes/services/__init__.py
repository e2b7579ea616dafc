"""State changes of programmes and services: every door (desk, portal, jobs) calls these.
Each area adds its own lines (activities, consultations, partners)."""

from samenbieb.programmes.services.activities import (
    ActivityData,
    activity_cancel,
    activity_create,
    activity_create_from_programme,
    activity_publish,
    activity_update,
    attendance_record,
    registration_cancel,
    registration_create,
    registrations_anonymise,
    registrations_anonymise_past,
    registrations_remind,
    session_add,
    session_remove,
)

__all__ = [
    "ActivityData",
    "activity_cancel",
    "activity_create",
    "activity_create_from_programme",
    "activity_publish",
    "activity_update",
    "attendance_record",
    "registration_cancel",
    "registration_create",
    "registrations_anonymise",
    "registrations_anonymise_past",
    "registrations_remind",
    "session_add",
    "session_remove",
]
