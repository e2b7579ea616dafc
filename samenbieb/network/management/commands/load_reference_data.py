from typing import Any

from django.core.management.base import BaseCommand

from samenbieb.network.reference import municipalities_load


class Command(BaseCommand):
    help = "Load or refresh the Dutch municipalities and their CBS population figures."

    def handle(self, *args: Any, **options: Any) -> None:
        count = municipalities_load()
        self.stdout.write(f"{count} municipalities loaded.")
