"""Messages to people about their registrations, sent through the job queue.

Services call :func:`notice_after_commit` inside their transaction; nothing is queued
unless it commits. The job (:func:`samenbieb.programmes.tasks.registration_notice_send`)
calls :func:`notice_send`, which reads the registration afresh and chooses the channel:
e-mail for a member with an address, otherwise a text message to the member's or the
visitor's phone (:mod:`samenbieb.programmes.sms`, a hook until there is a gateway).

- ``REMINDER``: the day before the first session still to come.
- ``PROMOTED``: a place came free and the person moved up from the waiting list.
- ``ACTIVITY_CANCELLED``: the library called the activity off.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from samenbieb.programmes.errors import InvalidPhone
from samenbieb.programmes.models import ActivityStatus, Registration, RegistrationStatus
from samenbieb.programmes.phone import phone_is_mobile, phone_normalise
from samenbieb.programmes.sms import sms_send

logger = logging.getLogger(__name__)


class NoticeKind(StrEnum):
    REMINDER = "reminder"
    PROMOTED = "promoted"
    ACTIVITY_CANCELLED = "activity_cancelled"


def notice_after_commit(kind: NoticeKind, registration_id: int) -> None:
    """Queue the notice ``kind`` about ``registration_id`` once the transaction commits."""
    transaction.on_commit(lambda: _enqueue(kind, registration_id))


def _enqueue(kind: NoticeKind, registration_id: int) -> None:
    # Imported here: the tasks module imports this one.
    from samenbieb.programmes.tasks import registration_notice_send

    registration_notice_send.enqueue(str(kind), registration_id)


@dataclass
class Notice:
    kind: NoticeKind
    registration: Registration
    email: str
    phone: str
    language: str
    context: dict[str, Any]


def _still_true(kind: NoticeKind, registration: Registration, now: dt.datetime) -> bool:
    if kind == NoticeKind.ACTIVITY_CANCELLED:
        return registration.activity.status == ActivityStatus.CANCELLED
    return (
        registration.status == RegistrationStatus.CONFIRMED
        and registration.activity.status == ActivityStatus.PUBLISHED
        and registration.activity.sessions.filter(starts_at__gt=now).exists()
    )


def _mobile(raw: str) -> str:
    try:
        number = phone_normalise(raw)
    except InvalidPhone:
        return ""
    return number if phone_is_mobile(number) else ""


def _link(name: str, token: str) -> str:
    base = getattr(settings, "PUBLIC_URL", "")
    return f"{base}{reverse(name, args=[token])}" if base else ""


def notice_compose(*, kind: NoticeKind, registration_id: int, now: dt.datetime) -> Notice | None:
    """What to tell whom; None when there is nothing (any more) to tell, or nobody."""
    registration = (
        Registration.objects.select_related("activity__branch", "activity__organisation", "person")
        .filter(pk=registration_id, anonymised_at__isnull=True)
        .first()
    )
    if registration is None or not _still_true(kind, registration, now):
        return None
    person = registration.person
    if person is not None:
        email, phone = person.email, _mobile(person.phone)
        language, name = person.preferred_language or settings.LANGUAGE_CODE, person.given_name
    else:
        email, phone = "", _mobile(registration.phone)
        language, name = settings.LANGUAGE_CODE, registration.name
    activity = registration.activity
    sessions = list(activity.sessions.filter(starts_at__gt=now).order_by("starts_at"))
    context = {
        "name": name,
        "activity": activity,
        "library": activity.organisation,
        "branch": activity.branch,
        "sessions": [timezone.localtime(session.starts_at) for session in sessions],
        "first": timezone.localtime(sessions[0].starts_at) if sessions else None,
        "calendar_link": _link("portal:activity_registration_ics", registration.token),
        "cancel_link": _link("portal:activity_registration", registration.token),
    }
    return Notice(kind, registration, email, phone, language, context)


def notice_render(notice: Notice, channel: str) -> tuple[str, str]:
    """Subject and text of ``notice`` for ``channel`` ("email" or "sms")."""
    with translation.override(notice.language):
        subject = " ".join(
            render_to_string(f"programmes/email/{notice.kind}_subject.txt", notice.context).split()
        )
        template = f"programmes/{channel}/{notice.kind}_body.txt"
        text = str(render_to_string(template, notice.context))
    if channel == "sms":
        text = " ".join(text.split())
    return subject, text


def notice_send(
    *, kind: NoticeKind | str, registration_id: int, now: dt.datetime | None = None
) -> str:
    """Send the notice; returns the channel used ("email", "sms") or "none".

    An error from the mail server or the SMS gateway propagates, so the job is retried.
    """
    kind = NoticeKind(kind)
    notice = notice_compose(kind=kind, registration_id=registration_id, now=now or timezone.now())
    if notice is None:
        logger.info("registration notice %s about #%d dropped", kind, registration_id)
        return "none"
    if notice.email:
        subject, body = notice_render(notice, "email")
        EmailMessage(
            subject,
            body,
            settings.DEFAULT_FROM_EMAIL,
            [notice.email],
            headers={"Content-Language": notice.language},
        ).send()
        logger.info("registration notice %s about #%d mailed", kind, registration_id)
        return "email"
    if notice.phone:
        _, text = notice_render(notice, "sms")
        if sms_send(phone=notice.phone, text=text, purpose=f"{kind} #{registration_id}"):
            return "sms"
        return "none"
    logger.info("registration notice %s about #%d: no address or mobile", kind, registration_id)
    return "none"
