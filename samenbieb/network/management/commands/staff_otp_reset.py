"""``samenbieb staff-otp-reset USERNAME``: unlink a staff member's authenticator app."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from samenbieb.network.models import StaffUser
from samenbieb.network.second_factor import staff_otp_reset


class Command(BaseCommand):
    help = (
        "Unlink the authenticator app of a staff account (a lost or replaced phone). "
        "At their next login, after the password, they link a new one."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = StaffUser.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No staff account is called {options['username']!r}.")
        removed = staff_otp_reset(actor=None, user=user)
        self.stdout.write(
            f"Unlinked {removed} app(s) of {user.get_username()}; "
            "they link a new one at their next login."
        )
