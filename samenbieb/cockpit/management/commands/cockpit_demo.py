"""samenbieb cockpit-demo: figures for the demo's cockpit (once)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from samenbieb.cockpit.demo import cockpit_demo_load


class Command(BaseCommand):
    help = (
        "Give the demo's cockpit figures: a small synthetic network beside the demo "
        "libraries and the last twelve months rolled up (once)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        done = cockpit_demo_load(today=timezone.localdate(), progress=self.stdout.write)
        if not done:
            self.stdout.write("Cockpit figures already present; nothing changed.")
        self.stdout.write("Public cockpit: http://127.0.0.1:8000/cockpit/")
