from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from samenbieb.network.demo.loader import demo_accounts, demo_load


class Command(BaseCommand):
    help = "Build the demo library network (once) and print the demo accounts."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--quiet", action="store_true", help="Do not print the accounts.")

    def handle(self, *args: Any, **options: Any) -> None:
        created = demo_load(today=timezone.localdate())
        if options["quiet"]:
            return
        if created:
            self.stdout.write(self.style.SUCCESS("Demo network created."))
        else:
            self.stdout.write("Demo network already present; nothing changed.")
        self.stdout.write("\nStaff accounts (desk at /balie/, network administration at /beheer/):")
        for account in demo_accounts():
            self.stdout.write(
                f"  {account.username:<14} password {account.password:<16} "
                f"{account.role:<22} {account.organisation}"
            )
