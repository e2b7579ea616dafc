"""``samenbieb audit verify``: check the audit trail's hash chains."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from samenbieb.core import audit_chain


class Command(BaseCommand):
    help = "Check the audit trail: 'verify' reports the first broken event of each chain."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_chain.verify()
        for head in result.heads:
            self.stdout.write(
                f"chain {head.chain}: {head.events} events, head {head.chain_seq} {head.row_hash}"
            )
        if result.ok:
            self.stdout.write(self.style.SUCCESS("audit trail intact"))
            return
        for chain_break in result.breaks:
            self.stderr.write(f"BROKEN {chain_break}")
        raise CommandError(f"audit trail broken in {len(result.breaks)} chain(s)")
