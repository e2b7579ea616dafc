from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DigitalConfig(AppConfig):
    name = "samenbieb.digital"
    label = "digital"
    verbose_name = _("Digital access")

    def ready(self) -> None:
        # Registers this app's personal data with samenbieb.privacy (export, erasure).
        from samenbieb.digital import privacy  # noqa: F401
