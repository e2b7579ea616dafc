"""Password guessing is slowed down per login name, without telling which names exist."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from samenbieb.members import auth, throttle
from samenbieb.members.models import FailedLogin
from tests.factories import LibraryCardFactory, PersonFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Leeskring-Oudegracht-42"


@pytest.fixture
def member():
    person = PersonFactory(email="anna@example.org", email_verified_at=timezone.now())
    person.set_password(PASSWORD)
    person.save()
    LibraryCardFactory(person=person, barcode="20000000001234")
    return person


def _fail(identifier: str, times: int) -> None:
    for _ in range(times):
        with pytest.raises(auth.InvalidLogin):
            auth.member_authenticate(identifier=identifier, password="wrong password")


def test_five_failures_lock_the_name_even_for_the_right_password(member):
    _fail("anna@example.org", 5)
    with pytest.raises(auth.LoginThrottled) as refused:
        auth.member_authenticate(identifier="anna@example.org", password=PASSWORD)
    assert refused.value.code == "login_throttled"
    assert refused.value.retry_at > timezone.now() + dt.timedelta(minutes=14)


def test_four_failures_still_let_the_member_in_and_success_clears_them(member):
    _fail("anna@example.org", 4)
    assert auth.member_authenticate(identifier="anna@example.org", password=PASSWORD) == member
    assert not FailedLogin.objects.exists()
    _fail("anna@example.org", 4)  # a fresh count: not locked after 8 failures in total
    assert auth.member_authenticate(identifier="anna@example.org", password=PASSWORD) == member


def test_the_refusal_says_when_to_try_again(member):
    _fail("anna@example.org", 5)
    with pytest.raises(auth.LoginThrottled) as refused:
        auth.member_authenticate(identifier="anna@example.org", password=PASSWORD)
    moment = timezone.localtime(refused.value.retry_at).strftime("%H:%M")
    assert moment in str(refused.value.message)


def test_unknown_names_are_counted_and_refused_alike(member):
    _fail("nobody@example.org", 5)
    with pytest.raises(auth.LoginThrottled) as unknown:
        auth.member_authenticate(identifier="nobody@example.org", password="anything at all")
    _fail("anna@example.org", 5)
    with pytest.raises(auth.LoginThrottled) as known:
        auth.member_authenticate(identifier="anna@example.org", password=PASSWORD)
    assert type(unknown.value) is type(known.value)
    assert str(unknown.value.message).split()[:8] == str(known.value.message).split()[:8]


def test_locking_one_name_leaves_the_others_alone(member):
    _fail("20000000001234", 5)
    assert auth.member_authenticate(identifier="anna@example.org", password=PASSWORD) == member


def test_the_name_is_counted_however_it_is_typed(member):
    _fail("Anna@Example.org", 3)
    _fail(" anna@example.org ", 2)
    assert throttle.login_blocked_until("ANNA@EXAMPLE.ORG") is not None


def test_the_table_holds_a_keyed_hash_never_the_name(member):
    _fail("anna@example.org", 1)
    key = FailedLogin.objects.get().key
    assert "anna" not in key
    assert key == throttle.login_key("anna@example.org")
    assert len(key) == 64


def test_failures_older_than_the_window_no_longer_count(member, settings):
    _fail("anna@example.org", 5)
    FailedLogin.objects.update(attempted_at=timezone.now() - dt.timedelta(minutes=16))
    assert throttle.login_blocked_until("anna@example.org") is None
    assert auth.member_authenticate(identifier="anna@example.org", password=PASSWORD) == member


def test_the_limit_and_window_are_settings(member, settings):
    settings.MEMBER_LOGIN_MAX_FAILURES = 2
    _fail("anna@example.org", 2)
    assert throttle.login_blocked_until("anna@example.org") is not None


def test_old_failures_are_pruned():
    throttle.login_failure_record("someone")
    throttle.login_failure_record("someone")
    FailedLogin.objects.filter(pk=FailedLogin.objects.first().pk).update(
        attempted_at=timezone.now() - dt.timedelta(days=2)
    )
    assert throttle.failed_logins_prune() == 1
    assert FailedLogin.objects.count() == 1
