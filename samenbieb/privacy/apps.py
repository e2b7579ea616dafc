from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "samenbieb.privacy"
    label = "privacy"
    verbose_name = _("Privacy")

    def ready(self) -> None:
        # The audit trail belongs to core, which may import no other app: its
        # contributor lives here.
        from samenbieb.privacy import audit_contributor  # noqa: F401
