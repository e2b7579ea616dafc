from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CirculationConfig(AppConfig):
    name = "samenbieb.circulation"
    label = "circulation"
    verbose_name = _("Circulation")

    def ready(self) -> None:
        # Registers this app's personal data with samenbieb.privacy (export, erasure).
        from samenbieb.circulation import privacy  # noqa: F401
