"""Background jobs of digital lending (docs/decisions/0006-job-queue.md)."""

from __future__ import annotations

from django_tasks import task

from samenbieb.digital import services


@task()
def digital_loans_close_expired() -> int:
    """Hourly: close the digital loans that ran out (as the system: no staff actor)."""
    return services.digital_loans_close_expired(actor=None)
