from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "samenbieb.members"
    label = "members"
    verbose_name = _("Members")

    def ready(self) -> None:
        # Registers this app's personal data with samenbieb.privacy (export, erasure).
        from samenbieb.members import privacy  # noqa: F401
