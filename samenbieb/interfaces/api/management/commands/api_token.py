"""Staff API tokens: ``samenbieb api_token create|list|revoke``.

``create`` acts as the staff member named by ``--by``, who must hold every capability
given in the organisation; the token is printed once (only its hash is stored)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from samenbieb.core.errors import DomainError
from samenbieb.interfaces.api.models import ApiToken
from samenbieb.interfaces.api.services import api_token_create, api_token_revoke
from samenbieb.network.models import Organisation, StaffUser

DEFAULT_CAPABILITIES = ["network.view", "circulation.lend"]


class Command(BaseCommand):
    help = "Create, list or revoke staff API tokens (docs/api.md)."

    def add_arguments(self, parser: Any) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        create = commands.add_parser("create", help="Make a token and print it once.")
        create.add_argument("--by", required=True, help="Username of the staff member.")
        create.add_argument("--organisation", required=True, help="ISIL of the organisation.")
        create.add_argument("--name", required=True, help="What the token is for.")
        create.add_argument(
            "--capability",
            action="append",
            dest="capabilities",
            help=f"Repeat for each; default: {' '.join(DEFAULT_CAPABILITIES)}.",
        )
        create.add_argument("--days", type=int, default=90, help="Valid for (default 90).")
        listing = commands.add_parser("list", help="Tokens of an organisation.")
        listing.add_argument("--organisation", required=True, help="ISIL of the organisation.")
        revoke = commands.add_parser("revoke", help="Stop a token at once.")
        revoke.add_argument("prefix", help="The first 12 characters of the token.")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            self._create(options)
        elif action == "list":
            for token in ApiToken.objects.filter(
                organisation=self._organisation(options["organisation"])
            ):
                state = "revoked" if token.revoked_at else f"expires {token.expires_at:%Y-%m-%d}"
                self.stdout.write(f"{token.prefix}  {token.name}  {token.capabilities}  {state}")
        else:
            tokens = list(ApiToken.objects.filter(prefix=options["prefix"]))
            if len(tokens) != 1:
                raise CommandError("No single token starts with that prefix.")
            api_token_revoke(actor=None, token=tokens[0])
            self.stdout.write(f"Revoked {tokens[0]}.")

    def _organisation(self, isil: str) -> Organisation:
        organisation = Organisation.objects.filter(isil=isil).first()
        if organisation is None:
            raise CommandError(f"No organisation has ISIL {isil!r}.")
        return organisation

    def _create(self, options: dict[str, Any]) -> None:
        actor = StaffUser.objects.filter(username=options["by"], is_active=True).first()
        if actor is None:
            raise CommandError(f"No active staff member is called {options['by']!r}.")
        try:
            issued = api_token_create(
                actor=actor,
                organisation=self._organisation(options["organisation"]),
                name=options["name"],
                capabilities=options["capabilities"] or DEFAULT_CAPABILITIES,
                days=options["days"],
            )
        except DomainError as error:
            raise CommandError(str(error.message)) from error
        self.stdout.write(issued.secret)
        self.stderr.write(
            f"Token {issued.token.prefix}… for {issued.token.organisation}: store it now, "
            "it is not shown again."
        )
