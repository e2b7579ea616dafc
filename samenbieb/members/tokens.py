"""Links we e-mail to members: confirm an address, choose a new password.

A token is signed and time-stamped, and carries a keyed hash of what the link may
change (password hash, e-mail address, verification time, last login). Once used, that
state changes, so the same link no longer works: single use without a table.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

from samenbieb.members.models import Person


class _MemberToken:
    purpose: str
    timeout_setting: str

    def _state(self, person: Person) -> str:
        verified = person.email_verified_at.isoformat() if person.email_verified_at else ""
        last_login = person.last_login.isoformat() if person.last_login else ""
        value = f"{person.pk}|{person.password}|{person.email.lower()}|{verified}|{last_login}"
        return salted_hmac(
            f"samenbieb.members.tokens.{self.purpose}", value, algorithm="sha256"
        ).hexdigest()[:32]

    def make(self, person: Person) -> str:
        """A token for this person's current state."""
        return signing.dumps(
            {"p": person.pk, "s": self._state(person)},
            salt=f"samenbieb.members.{self.purpose}",
            compress=True,
        )

    def person(self, token: str) -> Person | None:
        """The person the token is for, if it is genuine, fresh and not used yet."""
        try:
            data = signing.loads(
                token,
                salt=f"samenbieb.members.{self.purpose}",
                max_age=getattr(settings, self.timeout_setting),
            )
        except signing.BadSignature:  # includes SignatureExpired
            return None
        if not isinstance(data, dict) or not isinstance(data.get("p"), int):
            return None
        person = Person.objects.filter(pk=data["p"], is_active=True).first()
        if person is None or not constant_time_compare(str(data.get("s")), self._state(person)):
            return None
        return person


class EmailVerificationToken(_MemberToken):
    purpose = "verify"
    timeout_setting = "MEMBER_VERIFY_TIMEOUT_SECONDS"


class PasswordResetToken(_MemberToken):
    purpose = "reset"
    timeout_setting = "MEMBER_RESET_TIMEOUT_SECONDS"


email_verification_token = EmailVerificationToken()
password_reset_token = PasswordResetToken()
