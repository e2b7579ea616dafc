"""Mail to members, in their own language, sent only once the transaction has committed."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from samenbieb.members.models import Person


def _send_after_commit(*, person: Person, template: str, context: dict[str, object]) -> None:
    # Render now, in the member's language; send only if the change is durable.
    with translation.override(person.preferred_language or settings.LANGUAGE_CODE):
        context = {"person": person, **context}
        # A subject is one line, whatever the template's whitespace.
        subject = " ".join(
            render_to_string(f"members/email/{template}_subject.txt", context).split()
        )
        body = render_to_string(f"members/email/{template}_body.txt", context)
    recipient = person.email

    def send() -> None:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient])

    transaction.on_commit(send)


def mail_email_verification_send(*, person: Person, link: str) -> None:
    """Ask the person to confirm their e-mail address by following ``link``."""
    hours = max(1, settings.MEMBER_VERIFY_TIMEOUT_SECONDS // 3600)
    _send_after_commit(
        person=person, template="verify", context={"link": link, "valid_hours": hours}
    )


def mail_password_reset_send(*, person: Person, link: str) -> None:
    """Send the person a link to choose a new password."""
    hours = max(1, settings.MEMBER_RESET_TIMEOUT_SECONDS // 3600)
    _send_after_commit(
        person=person, template="reset", context={"link": link, "valid_hours": hours}
    )


def mail_already_registered_send(*, person: Person, login_link: str, reset_link: str) -> None:
    """Someone registered with an address that already has an account: tell its owner only."""
    _send_after_commit(
        person=person,
        template="already_registered",
        context={"login_link": login_link, "reset_link": reset_link},
    )
