"""Background jobs of the job queue itself (docs/decisions/0006-job-queue.md)."""

from __future__ import annotations

from django_tasks import task

from samenbieb.core import jobs


@task()
def jobs_prune() -> int:
    """Daily: forget old finished jobs and old schedule claims."""
    return jobs.jobs_prune()
