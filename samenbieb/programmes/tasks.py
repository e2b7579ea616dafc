"""Background jobs of programmes (docs/decisions/0006-job-queue.md): each calls one
service as the system (``actor=None``) and may safely run twice."""

from __future__ import annotations

from django_tasks import task

from samenbieb.core.jobs import retrying_task
from samenbieb.programmes import notices_activities
from samenbieb.programmes.services import activities


@retrying_task(attempts=6, queue_name="default")
def registration_notice_send(kind: str, registration_id: int) -> str:
    """Mail or text one notice about a registration; a failing server is tried again."""
    return notices_activities.notice_send(kind=kind, registration_id=registration_id)


@task()
def registrations_remind() -> int:
    """Daily: remind people of tomorrow's first session."""
    return activities.registrations_remind(actor=None)


@task()
def registrations_anonymise_past() -> int:
    """Daily: erase names and phone numbers of people without an account after the activity."""
    return activities.registrations_anonymise_past(actor=None)
