from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo network across all apps; it sits above them so none depends on it."""

    name = "samenbieb.demo"
    label = "demo"
    verbose_name = _("Demo network")
