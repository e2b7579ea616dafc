"""Self-service machine accounts: added and re-keyed by the library's administrators,
logging in with their own name and password from allowed addresses only."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import check_password

from samenbieb.core.errors import NotPermitted
from samenbieb.core.models import AuditEvent
from samenbieb.network.roles import Role
from samenbieb.selfservice.errors import InvalidKiosk, InvalidKioskLogin, KioskAddressNotAllowed
from samenbieb.selfservice.models import Kiosk
from samenbieb.selfservice.services import (
    kiosk_add,
    kiosk_address_allowed,
    kiosk_authenticate,
    kiosk_password_set,
)
from tests.factories import BranchFactory, StaffRoleFactory
from tests.selfservice.factories import KIOSK_PASSWORD, KioskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _quick_password_hashes(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_an_administrator_adds_a_kiosk_at_a_branch_of_their_library():
    branch = BranchFactory()
    admin = StaffRoleFactory(organisation=branch.organisation, role=Role.ADMINISTRATOR).user

    kiosk = kiosk_add(actor=admin, branch=branch, username="kiosk-centrum", password=KIOSK_PASSWORD)

    assert kiosk.branch == branch
    assert kiosk.encoding == "utf-8"
    assert kiosk.language == "nl"
    assert kiosk.password != KIOSK_PASSWORD
    assert check_password(KIOSK_PASSWORD, kiosk.password)
    event = AuditEvent.objects.get(event_type="selfservice.kiosk.created")
    assert KIOSK_PASSWORD not in str(event.details)


def test_staff_of_another_library_cannot_add_a_kiosk():
    branch = BranchFactory()
    outsider = StaffRoleFactory(role=Role.ADMINISTRATOR).user

    with pytest.raises(NotPermitted):
        kiosk_add(actor=outsider, branch=branch, username="kiosk-x", password=KIOSK_PASSWORD)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"username": ""}, "username"),
        ({"username": "a|b"}, "username"),
        ({"password": "short"}, "password"),
        ({"allowed_networks": "not-an-address"}, "allowed_networks"),
        ({"encoding": "ebcdic"}, "encoding"),
    ],
)
def test_a_kiosk_needs_a_name_a_strong_password_and_valid_settings(fields, field):
    arguments = {"username": "kiosk-y", "password": KIOSK_PASSWORD, **fields}

    with pytest.raises(InvalidKiosk) as refused:
        kiosk_add(actor=None, branch=BranchFactory(), **arguments)

    assert refused.value.field == field
    assert not Kiosk.objects.exists()


def test_login_names_are_unique_across_the_network():
    KioskFactory(username="kiosk-z")

    with pytest.raises(InvalidKiosk):
        kiosk_add(actor=None, branch=BranchFactory(), username="kiosk-z", password=KIOSK_PASSWORD)


def test_authenticate_with_the_right_password_from_anywhere_when_no_list_is_set():
    kiosk = KioskFactory()

    assert (
        kiosk_authenticate(username=kiosk.username, password=KIOSK_PASSWORD, peer_ip="203.0.113.9")
        == kiosk
    )
    assert AuditEvent.objects.filter(event_type="selfservice.kiosk.logged_in").count() == 1


@pytest.mark.parametrize(
    ("username", "password"),
    [("kiosk-known", "wrong-password-9"), ("kiosk-unknown", KIOSK_PASSWORD), ("kiosk-known", "")],
)
def test_authenticate_refuses_unknown_names_and_wrong_passwords_alike(username, password):
    KioskFactory(username="kiosk-known")

    with pytest.raises(InvalidKioskLogin):
        kiosk_authenticate(username=username, password=password, peer_ip="127.0.0.1")


def test_a_switched_off_kiosk_or_branch_cannot_log_in():
    off = KioskFactory(is_active=False)
    closed = KioskFactory(branch=BranchFactory(is_active=False))

    for kiosk in (off, closed):
        with pytest.raises(InvalidKioskLogin):
            kiosk_authenticate(username=kiosk.username, password=KIOSK_PASSWORD, peer_ip="::1")


def test_the_allow_list_takes_addresses_and_networks_of_both_families():
    kiosk = KioskFactory(allowed_networks="192.0.2.10\n198.51.100.0/24  # filiaal\n2001:db8::/32\n")

    assert kiosk_address_allowed(kiosk, "192.0.2.10")
    assert kiosk_address_allowed(kiosk, "198.51.100.200")
    assert kiosk_address_allowed(kiosk, "::ffff:198.51.100.7")
    assert kiosk_address_allowed(kiosk, "2001:db8::5")
    assert not kiosk_address_allowed(kiosk, "192.0.2.11")
    assert not kiosk_address_allowed(kiosk, "garbage")
    with pytest.raises(KioskAddressNotAllowed):
        kiosk_authenticate(username=kiosk.username, password=KIOSK_PASSWORD, peer_ip="10.0.0.1")
    refused = AuditEvent.objects.get(event_type="selfservice.kiosk.login_refused")
    assert refused.details == {"reason": "address_not_allowed", "address": "10.0.0.1"}


def test_a_new_password_replaces_the_old_one():
    kiosk = KioskFactory()
    kiosk_password_set(actor=None, kiosk=kiosk, password="nieuw-wachtwoord-2")

    with pytest.raises(InvalidKioskLogin):
        kiosk_authenticate(username=kiosk.username, password=KIOSK_PASSWORD, peer_ip="127.0.0.1")
    assert (
        kiosk_authenticate(
            username=kiosk.username, password="nieuw-wachtwoord-2", peer_ip="127.0.0.1"
        )
        == kiosk
    )
