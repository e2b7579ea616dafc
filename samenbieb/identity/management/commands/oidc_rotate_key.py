from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone
from oauth2_provider.utils import jwk_from_pem

from samenbieb.config.env import oidc_signing_key_rotate
from samenbieb.core.audit import audit_record


class Command(BaseCommand):
    help = (
        "Make a new key for signing ID tokens; the old key stays published (inactive) so "
        "tokens signed with it keep validating. Restart the web servers afterwards."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        stamp = timezone.now().strftime("%Y%m%dT%H%M%S%fZ")
        keys = oidc_signing_key_rotate(settings.OIDC_KEY_DIR, stamp=stamp)
        active = jwk_from_pem(keys.active).thumbprint()
        audit_record(
            actor=None,
            event_type="identity.signing_key.rotated",
            organisation_id=None,
            details={"kid": active, "inactive": len(keys.inactive)},
        )
        self.stdout.write(f"active key     {active}")
        for pem in keys.inactive:
            self.stdout.write(f"inactive key   {jwk_from_pem(pem).thumbprint()}")
        self.stdout.write(
            "Restart every web server so that it signs with the new key and publishes it."
        )
