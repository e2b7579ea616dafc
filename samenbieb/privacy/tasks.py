"""Retention jobs (scheduled in samenbieb.core.jobs.SCHEDULE)."""

from __future__ import annotations

from django_tasks import task

from samenbieb.privacy import services


@task()
def persons_erase_lapsed() -> dict[str, int]:
    """Nightly: erase members whose membership lapsed longer ago than the retention."""
    result = services.persons_erase_lapsed()
    return {"erased": result.erased, "blocked": result.blocked}


@task()
def audit_prune() -> int:
    """Nightly: remove audit events past their retention, keeping the chains verifiable."""
    return services.audit_prune()
