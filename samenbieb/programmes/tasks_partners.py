"""Background jobs of partners and referrals (docs/decisions/0006-job-queue.md)."""

from __future__ import annotations

from django_tasks import task

from samenbieb.programmes.services import partners


@task()
def referrals_anonymise_closed() -> int:
    """Daily: erase the person's details from referrals closed longer than the retention."""
    return partners.referrals_anonymise_closed()
