"""Notices to members about their loans and holds, sent through the job queue.

Services call :func:`notice_after_commit` inside their transaction; nothing is queued
unless that transaction commits.
"""

from __future__ import annotations

from enum import StrEnum

from django.db import transaction


class NoticeKind(StrEnum):
    HOLD_READY = "hold_ready"  # object: a Hold
    HOLD_EXPIRING = "hold_expiring"  # object: a Hold
    DUE_SOON = "due_soon"  # object: a Loan
    OVERDUE = "overdue"  # object: a Loan


def notice_after_commit(kind: NoticeKind, object_id: int) -> None:
    """Queue the notice ``kind`` about ``object_id`` once the current transaction commits."""
    transaction.on_commit(lambda: _enqueue(kind, object_id))


def _enqueue(kind: NoticeKind, object_id: int) -> None:
    # The job queue arrives with the notices themselves (docs/decisions/0006-job-queue.md).
    pass
