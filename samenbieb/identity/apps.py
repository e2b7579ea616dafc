from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "samenbieb.identity"
    label = "identity"
    verbose_name = _("Connected services")

    def ready(self) -> None:
        # Registers this app's personal data with samenbieb.privacy (export, erasure).
        from samenbieb.identity import privacy  # noqa: F401
