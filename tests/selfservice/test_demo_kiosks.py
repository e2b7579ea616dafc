"""The demo network comes with a kiosk per library with a demo desk, printed with its password."""

from __future__ import annotations

import pytest

from samenbieb.demo.kiosks import DEMO_KIOSK_PASSWORD, KIOSKS, kiosks_load
from samenbieb.network.demo.loader import demo_load
from samenbieb.selfservice.models import Kiosk
from samenbieb.selfservice.services import kiosk_authenticate


@pytest.mark.django_db
def test_demo_kiosks_are_created_once_and_log_in_with_the_printed_password(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.utils import timezone

    demo_load(today=timezone.localdate())

    first = kiosks_load()
    again = kiosks_load()

    assert [kiosk.username for kiosk in first] == [name for name, _isil, _code in KIOSKS]
    assert first == again
    assert Kiosk.objects.count() == len(KIOSKS)
    utrecht = kiosk_authenticate(
        username="kiosk-utrecht", password=DEMO_KIOSK_PASSWORD, peer_ip="127.0.0.1"
    )
    assert utrecht.branch.code == "centrale"
    assert first[0].location == "NL-UtBU/centrale"
