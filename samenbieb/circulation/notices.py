"""Notices to members about their loans and holds, sent through the job queue.

Services call :func:`notice_after_commit` inside their transaction; nothing is queued
unless that transaction commits. The job (:func:`samenbieb.circulation.tasks.notice_send`)
then calls :func:`notice_send`, which reads the hold or loan afresh, renders the mail in
the member's language and sends it.

- ``HOLD_READY`` and ``HOLD_EXPIRING`` are about one hold.
- ``DUE_SOON`` and ``OVERDUE`` name one loan but are one mail per member: it lists all
  the member's open loans due on that loan's due date, or all their overdue loans. The
  periodic services in :mod:`samenbieb.circulation.services.notices` queue one per member.

A member without an e-mail address gets :func:`notice_without_email` instead; a loan or
hold whose member link is gone (returned, anonymised) gets no notice at all.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from samenbieb.circulation.models import Hold, HoldStatus, Loan
from samenbieb.members.models import Person

logger = logging.getLogger(__name__)


class NoticeKind(StrEnum):
    HOLD_READY = "hold_ready"  # object: a Hold
    HOLD_EXPIRING = "hold_expiring"  # object: a Hold
    DUE_SOON = "due_soon"  # object: a Loan
    OVERDUE = "overdue"  # object: a Loan


def notice_after_commit(kind: NoticeKind, object_id: int) -> None:
    """Queue the notice ``kind`` about ``object_id`` once the current transaction commits."""
    transaction.on_commit(lambda: _enqueue(kind, object_id))


def _enqueue(kind: NoticeKind, object_id: int) -> None:
    # Imported here: the tasks module imports this one.
    from samenbieb.circulation.tasks import notice_send as notice_send_task

    notice_send_task.enqueue(str(kind), object_id)


@dataclass
class Notice:
    """What one mail says, before it is rendered in the member's language."""

    kind: NoticeKind
    person: Person
    context: dict[str, Any] = field(default_factory=dict)


def _today(now: dt.datetime) -> dt.date:
    return timezone.localdate(now)


def _hold_notice(kind: NoticeKind, hold_id: int, today: dt.date) -> Notice | None:
    hold = (
        Hold.objects.select_related("record", "pickup_branch", "person")
        .filter(pk=hold_id, status=HoldStatus.READY, person__isnull=False)
        .first()
    )
    if hold is None or hold.person is None:
        return None  # picked up, cancelled or expired meanwhile: nothing to say
    # "Today" is the day the reminder was decided on, not the day a late job runs.
    reminded_on = hold.expiring_notified_on or today
    if kind == NoticeKind.HOLD_EXPIRING and (
        hold.expires_on is None or hold.expires_on < reminded_on
    ):
        return None
    return Notice(
        kind,
        hold.person,
        {"hold": hold, "title": hold.record.title, "branch": hold.pickup_branch},
    )


def _open_loans(person: Person) -> Any:
    return (
        Loan.objects.filter(person=person, returned_at__isnull=True, lost_at__isnull=True)
        .select_related("item__record", "branch")
        .order_by("due_on", "item__record__title", "id")
    )


def _loans_notice(kind: NoticeKind, loan_id: int, today: dt.date) -> Notice | None:
    loan = Loan.objects.select_related("person").filter(pk=loan_id).first()
    if loan is None or loan.person is None:
        return None  # anonymised: the member is not ours to write to any more
    if kind == NoticeKind.DUE_SOON:
        loans = list(_open_loans(loan.person).filter(due_on=loan.due_on))
        context: dict[str, Any] = {"due_on": loan.due_on}
    else:
        # Overdue on the day the notice was decided on, not the day a late job runs.
        loans = list(_open_loans(loan.person).filter(due_on__lt=loan.overdue_notified_on or today))
        context = {}
    if not loans:
        return None  # returned or renewed meanwhile
    return Notice(kind, loan.person, {**context, "loans": loans})


def notice_compose(*, kind: NoticeKind, object_id: int, now: dt.datetime) -> Notice | None:
    """What the notice ``kind`` about ``object_id`` says today; None when there is nothing
    (any more) to tell, or nobody to tell it to."""
    today = _today(now)
    if kind in (NoticeKind.HOLD_READY, NoticeKind.HOLD_EXPIRING):
        return _hold_notice(kind, object_id, today)
    return _loans_notice(kind, object_id, today)


def _language(person: Person) -> str:
    return person.preferred_language or settings.LANGUAGE_CODE


def notice_render(notice: Notice) -> tuple[str, str]:
    """The subject and body of ``notice``, in the member's language."""
    language = _language(notice.person)
    context = {"person": notice.person, **notice.context}
    with translation.override(language):
        # A subject is one line, whatever the template's whitespace.
        subject = " ".join(
            render_to_string(f"circulation/email/{notice.kind}_subject.txt", context).split()
        )
        body = render_to_string(f"circulation/email/{notice.kind}_body.txt", context)
    return subject, body


def notice_without_email(notice: Notice, *, object_id: int) -> None:
    """The member has no e-mail address: the hook for another channel.

    A letter or a text message (``person.phone``) would be sent from here. Until one
    exists the member learns of it at the desk or in the portal; we only count it.
    """
    logger.info("notice %s about #%d not sent: no e-mail address", notice.kind, object_id)


def notice_send(*, kind: NoticeKind | str, object_id: int, now: dt.datetime | None = None) -> bool:
    """Send the notice ``kind`` about ``object_id`` to its member; True when a mail went.

    Reads the hold or loan afresh, so a notice about something that changed meanwhile
    (picked up, returned, renewed) is dropped. An error from the mail server propagates,
    so the job is tried again.
    """
    kind = NoticeKind(kind)
    notice = notice_compose(kind=kind, object_id=object_id, now=now or timezone.now())
    if notice is None:
        logger.info("notice %s about #%d dropped: nothing to tell", kind, object_id)
        return False
    if not notice.person.email:
        notice_without_email(notice, object_id=object_id)
        return False
    subject, body = notice_render(notice)
    EmailMessage(
        subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [notice.person.email],
        headers={"Content-Language": _language(notice.person)},
    ).send()
    logger.info("notice %s about #%d sent", kind, object_id)
    return True
