"""Background jobs of the consultation hours (docs/decisions/0006-job-queue.md): each calls
one service as the system and may safely run twice.

A module of its own beside ``tasks.py`` (helper ``activities``), so both can be merged
without conflict; the lead may fold it in.
"""

from __future__ import annotations

from django_tasks import task

from samenbieb.programmes import services


@task()
def slots_generate_ahead() -> int:
    """Daily: every published consultation hour has slots for the weeks ahead, in line with
    today's opening hours and closures."""
    return services.slots_generate_ahead()


@task()
def appointments_anonymise_past() -> int:
    """Daily: names and phone numbers of past appointments are erased."""
    return services.appointments_anonymise_past()
