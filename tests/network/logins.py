"""Logging staff in through the desk's form, for the second-factor tests."""

from __future__ import annotations

import time

from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP

from tests.factories import PASSWORD


def log_in(client: Client, user, code: str = "", next_url: str = ""):
    """Post the desk's login form: user name, password and (maybe) the app's code."""
    url = reverse("desk:login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"username": user.username, "password": PASSWORD, "code": code})


def is_staff_session(client: Client) -> bool:
    """Does this client get the desk's home page (rather than the login)?"""
    return client.get(reverse("desk:home")).status_code == 200


def wrong_code(device) -> str:
    """Six digits that no step within the device's tolerance accepts now or in a minute."""
    clock = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    now = time.time()
    valid = set()
    for offset in range(-device.tolerance - 2, device.tolerance + 3):
        clock.time = now + offset * device.step
        valid.add(f"{clock.token():06d}")
    return next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in valid)
