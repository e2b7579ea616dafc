from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CockpitDoorConfig(AppConfig):
    name = "samenbieb.interfaces.cockpit"
    label = "cockpit_door"
    verbose_name = _("Public cockpit")
