"""``samenbieb staff-otp-code USERNAME``: the current login code of a demo staff account."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from samenbieb.network.demo.otp import demo_code
from samenbieb.network.errors import NotADemoAccount
from samenbieb.network.models import StaffUser


class Command(BaseCommand):
    help = (
        "Print the current second-factor code of a staff account the demo created. "
        "Refused for every other account: only the demo's public keys qualify."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = StaffUser.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No staff account is called {options['username']!r}.")
        try:
            code = demo_code(user)
        except NotADemoAccount as error:
            raise CommandError(str(error.message)) from None
        self.stdout.write(code)
