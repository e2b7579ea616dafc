from typing import Any

from django.core.management.base import BaseCommand, CommandError

from samenbieb.identity.errors import InvalidService
from samenbieb.identity.scopes import OPENID, SCOPES
from samenbieb.identity.services import connected_service_register


class Command(BaseCommand):
    help = (
        "Register a connected service (OpenID Connect client) for members and print its "
        "client id and, for a confidential client, its secret (shown only this once)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("display_name", help="The name members see, in Dutch.")
        parser.add_argument("--redirect-uri", action="append", required=True, dest="redirect_uris")
        parser.add_argument(
            "--post-logout-redirect-uri", action="append", default=[], dest="logout_uris"
        )
        parser.add_argument(
            "--scope",
            action="append",
            dest="scopes",
            choices=list(SCOPES),
            help="A scope the service may ask for; repeat for more. 'openid' is always in.",
        )
        parser.add_argument(
            "--public", action="store_true", help="A public client: no secret, PKCE only."
        )
        parser.add_argument("--description", default="")
        parser.add_argument("--sector", default="", help="Pairwise sector (default: the host).")
        parser.add_argument("--client-id", default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        scopes = [OPENID] + [s for s in options["scopes"] or [] if s != OPENID]
        try:
            registered = connected_service_register(
                actor=None,
                display_name=options["display_name"],
                description=options["description"],
                redirect_uris=options["redirect_uris"],
                post_logout_redirect_uris=options["logout_uris"],
                scopes=scopes,
                confidential=not options["public"],
                sector_identifier=options["sector"],
                client_id=options["client_id"],
            )
        except InvalidService as exc:
            problems = "; ".join(
                f"{field}: {' '.join(texts)}" for field, texts in exc.errors.items()
            )
            raise CommandError(problems) from None
        service = registered.service
        self.stdout.write(f"client_id      {service.client_id}")
        if registered.client_secret:
            self.stdout.write(f"client_secret  {registered.client_secret}")
            self.stdout.write("               (shown only now: only a hash of it is stored)")
        self.stdout.write(f"client_type    {service.client_type}")
        self.stdout.write(f"scopes         {service.scopes}")
        self.stdout.write(f"redirect_uris  {service.redirect_uris}")
