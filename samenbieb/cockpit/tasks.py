"""Cockpit jobs (docs/decisions/0006-job-queue.md)."""

from __future__ import annotations

from samenbieb.cockpit import services
from samenbieb.core.jobs import retrying_task


@retrying_task(attempts=3)
def cockpit_rollup_nightly() -> None:
    services.cockpit_rollup_recent(actor=None)
