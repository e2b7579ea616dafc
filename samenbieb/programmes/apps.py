from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "samenbieb.programmes"
    label = "programmes"
    verbose_name = _("Programmes")

    def ready(self) -> None:
        # Registers this app's personal data with samenbieb.privacy (export, erasure).
        from samenbieb.programmes import privacy  # noqa: F401
