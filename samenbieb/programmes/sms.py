"""The hook for text messages: many people in the target groups of programmes have a
phone but no e-mail address.

There is no SMS gateway in the network yet. When there is one, point
``SAMENBIEB["SMS_BACKEND"]`` at a function ``send(phone: str, text: str) -> None`` (dotted
path); it gets a number in E.164 form (``+31612345678``) and plain text, and raises when
the gateway fails, so the job is tried again. Without one, nothing is sent and only the
fact is logged (never the number or the text: personal data stays out of logs).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import cast

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


def sms_backend() -> Callable[[str, str], None] | None:
    path = str(settings.SAMENBIEB.get("SMS_BACKEND", "") or "")
    return cast(Callable[[str, str], None], import_string(path)) if path else None


def sms_send(*, phone: str, text: str, purpose: str) -> bool:
    """Text ``text`` to ``phone``; True when a gateway took it, False without one."""
    backend = sms_backend()
    if backend is None:
        logger.info("text message %s not sent: no SMS gateway configured", purpose)
        return False
    backend(phone, text)
    logger.info("text message %s sent", purpose)
    return True
