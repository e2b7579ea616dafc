"""``samenbieb restore FILE --yes``: replace the whole database by a backup (docs/security.md).

Stop the server first (`samenbieb serve`, the jobs and SIP2): a restore replaces every table.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from samenbieb.security.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Replace the whole database by the backup in FILE (all or nothing)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--yes", action="store_true", help="Confirm that every table may be replaced."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["yes"]:
            raise CommandError(
                "A restore replaces all data in the database. Stop the server, then run "
                "again with --yes."
            )
        try:
            backup_restore(options["file"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Database restored from {options['file']}")
