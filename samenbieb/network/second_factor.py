"""The staff second factor: a TOTP authenticator app, checked at every staff login.

A staff member links one app (a django-otp ``TOTPDevice``) by scanning a QR code and
typing its first code; from then on every login at the desk or the admin needs a fresh
code from it (docs/decisions/0011). A session that has not passed the second factor is
not a staff session at all: :class:`StaffSecondFactorMiddleware` turns its user into an
anonymous one, so every staff view, today's and tomorrow's, refuses it without checks
of its own.

``settings.STAFF_OTP_REQUIRED`` (``SAMENBIEB_STAFF_OTP=off``) switches all of this off
for local development; the demo keeps it on and prints a way in (network/demo/otp.py).
"""

from __future__ import annotations

import logging
from base64 import b32encode
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from samenbieb.core.audit import audit_record
from samenbieb.core.errors import NotPermitted
from samenbieb.network import tenancy
from samenbieb.network.errors import (
    SecondFactorAlreadyEnrolled,
    SecondFactorCodeWrong,
    SecondFactorNotEnrolled,
    SecondFactorThrottled,
)
from samenbieb.network.models import StaffUser
from samenbieb.network.roles import Capability

logger = logging.getLogger(__name__)

# The name of a device a staff member linked themselves; the demo's have their own name.
DEVICE_NAME = "Authenticator app"


def required() -> bool:
    """Do staff need a second factor here? (``SAMENBIEB_STAFF_OTP``, on unless switched off.)"""
    return bool(settings.STAFF_OTP_REQUIRED)


def session_verified(user: Any) -> bool:
    """Has ``user`` (``request.user``) passed every factor this deployment asks for?"""
    if user is None or not user.is_authenticated:
        return False
    if not required():
        return True
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified is not None and is_verified())


# --- reads ---------------------------------------------------------------------------------


def confirmed_device(user: StaffUser) -> TOTPDevice | None:
    """The app a staff member logs in with; the newest if an operator linked more than one."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def secret_for_display(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an app by hand."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def code_normalise(code: str) -> str:
    """A code as people type or paste it: without spaces."""
    return "".join(code.split())


# --- state changes -------------------------------------------------------------------------


@transaction.atomic
def staff_otp_enrolment_start(*, user: StaffUser) -> TOTPDevice:
    """The unconfirmed device ``user`` is linking: made on first use, kept until confirmed.

    Not audited: an unconfirmed device opens nothing. Keeping one secret per user lets a
    reload of the enrolment page show the same QR code the app may have scanned already.
    Refused once an app is linked: replacing it takes :func:`staff_otp_reset` first.
    """
    StaffUser.objects.select_for_update().filter(pk=user.pk).first()
    if confirmed_device(user) is not None:
        raise SecondFactorAlreadyEnrolled
    device = (
        TOTPDevice.objects.filter(user=user, confirmed=False, name=DEVICE_NAME)
        .order_by("pk")
        .first()
    )
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def staff_otp_enrolment_confirm(*, user: StaffUser, code: str) -> TOTPDevice:
    """Confirm the device ``user`` is linking with a first code from it.

    Raises :class:`SecondFactorCodeWrong` or :class:`SecondFactorThrottled`; the device
    stays unconfirmed until a code matches.
    """
    device = staff_otp_enrolment_start(user=user)
    device = _verify(user=user, device=device, code=code, step="enrolment")
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # One app per person: any other device (an older unconfirmed one) goes.
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        audit_record(
            actor=user,
            event_type="network.staff.otp_enrolled",
            organisation_id=None,
            target=user,
            details={"device": device.pk},
        )
    return device


def staff_otp_verify(*, user: StaffUser, code: str) -> TOTPDevice:
    """Check a login code against the app ``user`` linked; returns the device that matched.

    Raises :class:`SecondFactorNotEnrolled`, :class:`SecondFactorCodeWrong` or
    :class:`SecondFactorThrottled`. A code is accepted once: django-otp remembers the
    last time step that matched and refuses it and every earlier one.
    """
    device = confirmed_device(user)
    if device is None:
        raise SecondFactorNotEnrolled
    return _verify(user=user, device=device, code=code, step="login")


@transaction.atomic
def staff_otp_reset(*, actor: StaffUser | None, user: StaffUser) -> int:
    """Unlink every app of ``user`` (a lost phone); they link a new one at their next login.

    ``actor`` None is an operator at the command line. Sessions that the removed device
    verified stop being staff sessions at their next request. Returns how many went.
    """
    if (
        actor is not None
        and not tenancy.visible(StaffUser, actor, Capability.STAFF_MANAGE)
        .filter(pk=user.pk)
        .exists()
    ):
        raise NotPermitted(_("You may not change this staff account."))
    removed, _by_model = TOTPDevice.objects.filter(user=user).delete()
    audit_record(
        actor=actor,
        event_type="network.staff.otp_reset",
        organisation_id=None,
        target=user,
        details={"devices": removed},
    )
    return removed


def _verify(*, user: StaffUser, device: TOTPDevice, code: str, step: str) -> TOTPDevice:
    """One attempt against ``device``, throttled by django-otp; refusals are counted.

    The row is locked so two attempts at once cannot both use one code or one free try.
    The failure count is committed before the refusal is raised: an exception inside the
    transaction would roll the count back and undo the throttle.
    """
    retry_at = None
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, why = locked.verify_is_allowed()
        if not allowed:
            retry_at = (why or {}).get("locked_until")
            accepted = False
        else:
            accepted = locked.verify_token(code_normalise(code))
            if not accepted:
                audit_record(
                    actor=None,
                    event_type="network.staff.otp_refused",
                    organisation_id=None,
                    target=user,
                    details={"step": step, "failures_in_a_row": locked.throttling_failure_count},
                )
    if retry_at is not None:
        logger.warning("Staff second factor: attempt while throttled (%s)", step)
        raise SecondFactorThrottled(retry_at)
    if not accepted:
        # No user name or id: the audit trail says who, the log only that it happens.
        logger.warning(
            "Staff second factor: wrong code at %s, %d in a row for that device",
            step,
            locked.throttling_failure_count,
        )
        raise SecondFactorCodeWrong
    return locked


# --- the session -----------------------------------------------------------------------------


def _unverified_is_anonymous(user: Any) -> Any:
    if not required() or not user.is_authenticated or user.is_verified():
        return user
    anonymous = AnonymousUser()
    # The same interface django-otp gives every request.user.
    anonymous.otp_device = None  # type: ignore[attr-defined]
    anonymous.is_verified = lambda: False  # type: ignore[attr-defined]
    return anonymous


class StaffSecondFactorMiddleware:
    """After django-otp's OTPMiddleware: a login without a verified device counts as none.

    Our login only logs a user in once both factors passed, so this catches sessions
    from elsewhere: made while the setting was off, or whose device was unlinked since.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None:
            request.user = SimpleLazyObject(lambda: _unverified_is_anonymous(user))  # type: ignore[assignment]
        auser = getattr(request, "auser", None)
        if auser is not None:

            async def verified_auser() -> Any:
                return _unverified_is_anonymous(await auser())

            request.auser = verified_auser
        return self.get_response(request)
