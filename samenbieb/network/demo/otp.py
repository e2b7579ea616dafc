"""The demo's way past the staff second factor: apps linked already, with public keys.

Every demo staff account gets a confirmed TOTP device whose key is derived from its user
name by a published rule (:func:`demo_key`), so the keys are as public as the demo
password. ``samenbieb staff-otp-code USERNAME`` prints the current code, and only for a
device that carries the demo's name *and* exactly that public key. A device anyone linked
with a random key never qualifies, whatever it is called: the command can only reveal
codes that anybody could already compute from this file. Never load the demo into a
database with real accounts.
"""

from __future__ import annotations

import hashlib
import time

from django.db import transaction
from django.utils.crypto import constant_time_compare
from django_otp.oath import TOTP, hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from samenbieb.core.audit import audit_record
from samenbieb.network.errors import NotADemoAccount
from samenbieb.network.models import StaffUser

DEMO_DEVICE_NAME = "Samenbieb demo (public key)"


def demo_key(username: str) -> str:
    """The demo key of ``username``: 20 bytes, hex-encoded as django-otp stores them."""
    return hashlib.sha256(f"samenbieb demo totp {username}".encode()).hexdigest()[:40]


@transaction.atomic
def demo_device_create(*, user: StaffUser) -> TOTPDevice:
    """Link the demo app to a demo staff account (the demo loader only)."""
    device = TOTPDevice.objects.create(
        user=user, name=DEMO_DEVICE_NAME, key=demo_key(user.get_username()), confirmed=True
    )
    audit_record(
        actor=None,
        event_type="network.staff.otp_enrolled",
        organisation_id=None,
        target=user,
        details={"device": device.pk, "via": "demo"},
    )
    return device


def demo_device(user: StaffUser) -> TOTPDevice | None:
    """The user's demo device, or None when the account is not one the demo made."""
    expected = demo_key(user.get_username())
    for device in TOTPDevice.objects.filter(user=user, confirmed=True, name=DEMO_DEVICE_NAME):
        if constant_time_compare(device.key, expected):
            return device
    return None


def demo_code(user: StaffUser) -> str:
    """The code that logs ``user`` in now; raises :class:`NotADemoAccount` for anyone else.

    A code is accepted once, so right after a login this gives the next step's code,
    which the device's tolerance of one step already accepts (after two logins within
    one step, it is accepted from the next step on).
    """
    device = demo_device(user)
    if device is None:
        raise NotADemoAccount
    now = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    now.time = time.time()
    step = max(now.t(), device.last_t + 1)
    return f"{hotp(device.bin_key, step, digits=device.digits):0{device.digits}d}"
