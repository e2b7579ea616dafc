from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from samenbieb.circulation.defaults import demo_rules_create
from samenbieb.demo.collection import collection_load
from samenbieb.demo.kiosks import kiosks_load
from samenbieb.demo.members import members_load
from samenbieb.identity.demo import demo_service_register
from samenbieb.network import second_factor
from samenbieb.network.demo.loader import demo_accounts, demo_load


class Command(BaseCommand):
    help = "Build the demo library network with its collection (once) and print the accounts."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--quiet", action="store_true", help="Do not print the accounts.")

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            created = demo_load(today=timezone.localdate())
            if created:
                report, items = collection_load()
            members = members_load(today=timezone.localdate())
            demo_rules_create()
            service = demo_service_register()
            kiosks = kiosks_load()
        if options["quiet"]:
            return
        if created:
            self.stdout.write(self.style.SUCCESS("Demo network created."))
            self.stdout.write(
                f"Catalogue: {report.created} records imported from real MARC records; "
                f"{items} copies spread over the libraries."
            )
        else:
            self.stdout.write("Demo network already present; nothing changed.")
        self.stdout.write("\nMembers (log in at /inloggen/ with the card number and password):")
        for member in members:
            self.stdout.write(
                f"  {member.card:<16} password {member.password:<14} {member.name:<22} "
                f"{member.library} — {member.note}"
            )
        self.stdout.write(
            f"\nConnected service (OpenID Connect, discovery at /.well-known/openid-configuration):"
            f"\n  {service.name}: client_id {service.client_id}, public client with PKCE S256,"
            f"\n  redirect URI {service.redirect_uri}, scopes {service.scopes}"
        )
        self.stdout.write(
            f"\nSelf-service machines (SIP2 login 93 with CN/CO; `make run` serves SIP2 on "
            f"127.0.0.1:{settings.SIP2['PORT']}):"
        )
        for kiosk in kiosks:
            example = f", e.g. item {kiosk.example_item}" if kiosk.example_item else ""
            self.stdout.write(
                f"  {kiosk.username:<18} password {kiosk.password:<16} {kiosk.branch} "
                f"[{kiosk.location}]{example}"
            )
        self.stdout.write("\nStaff accounts (desk at /balie/, network administration at /beheer/):")
        accounts = demo_accounts()
        for account in accounts:
            self.stdout.write(
                f"  {account.username:<14} password {account.password:<16} "
                f"{account.role:<22} {account.organisation}"
            )
        self._second_factor(accounts)

    def _second_factor(self, accounts: list[Any]) -> None:
        if not second_factor.required():
            self.stdout.write(
                "\nThe staff second factor is off (SAMENBIEB_STAFF_OTP=off): "
                "the password alone logs in."
            )
            return
        self.stdout.write(
            "\nStaff also type a code from an authenticator app. The demo accounts have one "
            "linked already,\nwith these public keys (add one to any TOTP app as a "
            "time-based key), or print the current code\nwith `samenbieb staff-otp-code "
            "USERNAME`. Anyone can compute these keys: never load the demo into a\n"
            "database with real accounts."
        )
        for account in accounts:
            key = account.otp_key or "none: link an app at the first login"
            self.stdout.write(f"  {account.username:<14} key {key}")
