"""State changes of programmes: every door (desk, portal, API, jobs) calls these.

One module per area; each adds its own lines here.
"""

from samenbieb.programmes.services.consultations import (
    SlotsGenerated,
    appointment_book,
    appointment_cancel,
    appointment_mark,
    appointments_anonymise_past,
    schedule_end,
    schedule_set,
    slots_generate,
    slots_generate_ahead,
    topics_for,
    walk_in_contact_record,
)

__all__ = [
    "SlotsGenerated",
    "appointment_book",
    "appointment_cancel",
    "appointment_mark",
    "appointments_anonymise_past",
    "schedule_end",
    "schedule_set",
    "slots_generate",
    "slots_generate_ahead",
    "topics_for",
    "walk_in_contact_record",
]
