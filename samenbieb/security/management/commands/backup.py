"""``samenbieb backup FILE``: a consistent copy of the whole database (docs/security.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from samenbieb.security.backup import BackupError, backup_make


class Command(BaseCommand):
    help = "Write a backup of the whole database to FILE (pg_dump, or SQLite's backup API)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            path = backup_make(options["file"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Backup written to {path} ({path.stat().st_size} bytes)")
