"""Member sessions, apart from staff authentication (docs/decisions/0004).

A member login never sets ``request.user``: staff views and the admin read only that,
so a member session cannot reach them. The session holds the person's id, the time of
login and a keyed hash of the password hash, so changing the password ends every other
session of that person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast
from urllib.parse import urlencode

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from samenbieb.core.audit import audit_record
from samenbieb.core.errors import DomainError
from samenbieb.members import queries, throttle
from samenbieb.members.models import CardStatus, Person

SESSION_KEY = "_member_id"
HASH_SESSION_KEY = "_member_hash"
AUTH_TIME_SESSION_KEY = "_member_auth_at"
# Django's own key for a staff login in the session.
STAFF_SESSION_KEY = "_auth_user_id"
_CACHE = "_samenbieb_member"

View = TypeVar("View", bound=Callable[..., HttpResponse])


class LoginRefused(DomainError):
    code = "login_refused"


class InvalidLogin(LoginRefused):
    """Wrong name or password: the same answer either way, so names cannot be guessed."""

    code = "invalid_login"

    def __init__(self) -> None:
        super().__init__(
            _(
                "The card number or e-mail address and password do not match. Check both "
                "and try again. Forgot your password? Ask for a new one below."
            )
        )


class LoginThrottled(LoginRefused):
    code = "login_throttled"

    def __init__(self, retry_at: dt.datetime) -> None:
        self.retry_at = retry_at
        moment = formats.time_format(timezone.localtime(retry_at), "H:i")
        super().__init__(
            _(
                "A wrong password was entered too often for this card number or e-mail "
                "address. For your safety, please wait: try again after %(time)s. Forgot "
                "your password? Ask for a new one below."
            )
            % {"time": moment}
        )


class AccountInactive(LoginRefused):
    code = "account_inactive"

    def __init__(self) -> None:
        super().__init__(_("This account cannot be used. Please ask at the desk of your library."))


class EmailNotVerified(LoginRefused):
    code = "email_not_verified"

    def __init__(self, person: Person) -> None:
        self.person = person
        super().__init__(
            _(
                "You have not confirmed your e-mail address yet. Click the link in the "
                "e-mail we sent you. No e-mail? Ask us to send it again."
            )
        )


def _password_digest(person: Person) -> str:
    return salted_hmac(
        "samenbieb.members.auth.session", person.password, algorithm="sha256"
    ).hexdigest()


def member_authenticate(*, identifier: str, password: str) -> Person:
    """The person whose card number or e-mail address and password these are.

    Raises LoginThrottled, InvalidLogin, AccountInactive or EmailNotVerified. Only a
    correct password learns whether the account is switched off or unverified.
    """
    retry_at = throttle.login_blocked_until(identifier)
    if retry_at is not None:
        raise LoginThrottled(retry_at)
    person = queries.person_for_login(identifier)
    if person is None:
        # Hash anyway so an unknown name takes as long as a wrong password.
        make_password(password)
        throttle.login_failure_record(identifier)
        raise InvalidLogin()
    if not person.check_password(password):
        throttle.login_failure_record(identifier)
        raise InvalidLogin()
    throttle.login_failures_clear(identifier)
    if not person.is_active:
        raise AccountInactive()
    if person.email and person.email_verified_at is None:
        raise EmailNotVerified(person)
    return person


def member_login(request: HttpRequest, person: Person) -> None:
    """Start a member session with a fresh session key (no session fixation)."""
    session = request.session
    if session.get(SESSION_KEY) not in (None, person.pk) or STAFF_SESSION_KEY in session:
        # Someone else was logged in with this browser: start from an empty session.
        session.flush()
    else:
        session.cycle_key()
    now = timezone.now()
    session[SESSION_KEY] = person.pk
    session[HASH_SESSION_KEY] = _password_digest(person)
    session[AUTH_TIME_SESSION_KEY] = now.isoformat()
    Person.objects.filter(pk=person.pk).update(last_login=now)
    person.last_login = now
    setattr(request, _CACHE, person)


def member_logout(request: HttpRequest) -> None:
    """End the session completely: a new, empty session with a new key."""
    request.session.flush()
    setattr(request, _CACHE, None)


def member_session_refresh(request: HttpRequest, person: Person) -> None:
    """Keep this session after the member changed their own password."""
    request.session.cycle_key()
    request.session[HASH_SESSION_KEY] = _password_digest(person)
    setattr(request, _CACHE, person)


def current_member(request: HttpRequest) -> Person | None:
    """The logged-in member, or None; a stale session (password changed) is ended."""
    if hasattr(request, _CACHE):
        return cast(Person | None, getattr(request, _CACHE))
    person = None
    session = getattr(request, "session", None)
    member_id = session.get(SESSION_KEY) if session is not None else None
    if member_id is not None and session is not None:
        person = Person.objects.filter(pk=member_id, is_active=True).first()
        if person is None or not constant_time_compare(
            session.get(HASH_SESSION_KEY, ""), _password_digest(person)
        ):
            person = None
            session.flush()
    setattr(request, _CACHE, person)
    return person


def has_member_session(request: HttpRequest) -> bool:
    """Whether the session claims a member, without touching the database."""
    session = getattr(request, "session", None)
    return session is not None and SESSION_KEY in session


def member_required(view: View) -> View:
    """Send a visitor without a member session to the portal login, then back here."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if current_member(request) is None:
            query = urlencode({"volgende": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse('portal:login')}?{query}")
        return view(request, *args, **kwargs)

    return cast(View, wrapper)


@transaction.atomic
def member_password_set(
    *, person: Person, password: str, email_proven: bool = False, member: Person | None = None
) -> None:
    """Give the person a new password; a link mailed to them also proves the address.
    ``member``: the member who set it themselves (the portal), audited as the actor."""
    person.set_password(password)
    fields = ["password", "updated_at"]
    if email_proven and person.email and person.email_verified_at is None:
        person.email_verified_at = timezone.now()
        fields.append("email_verified_at")
    person.save(update_fields=fields)
    # A member locked out by guessing (theirs or someone else's) is let in again.
    names = [person.email] if person.email else []
    names += person.cards.filter(status=CardStatus.ACTIVE).values_list("barcode", flat=True)
    for name in names:
        throttle.login_failures_clear(name)
    audit_record(
        actor=None,
        event_type="members.person.password_set",
        organisation_id=person.home_organisation_id,
        target=person,
        details={"email_verified": "email_verified_at" in fields},
        member=member,
    )


@transaction.atomic
def member_email_verify(*, person: Person, member: Person | None = None) -> None:
    """Record that the person proved they read mail at their address; ``member``: the
    member who confirmed it themselves (the portal), audited as the actor."""
    if person.email_verified_at is None:
        person.email_verified_at = timezone.now()
        person.save(update_fields=["email_verified_at", "updated_at"])
        audit_record(
            actor=None,
            event_type="members.person.email_verified",
            organisation_id=person.home_organisation_id,
            target=person,
            member=member,
        )
