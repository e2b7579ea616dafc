"""samenbieb cockpit-rollup --month 2026-10: compute the cockpit's figures for a month."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from samenbieb.cockpit import services


def _month(value: str) -> dt.date:
    try:
        year, month = (int(part) for part in value.split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        raise CommandError(f"--month must look like 2026-11, not {value!r}") from None


class Command(BaseCommand):
    help = (
        "Compute the cockpit's figures for one month or a range of months, from the "
        "operational data (default: this month). Re-running a month replaces its figures."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", type=_month, help="The month, as YYYY-MM.")
        parser.add_argument(
            "--until",
            type=_month,
            help="With --month: every month from --month up to and including this one.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        month = options["month"] or timezone.localdate().replace(day=1)
        until = options["until"] or month
        if until < month:
            raise CommandError("--until lies before --month")
        while month <= until:
            started = time.perf_counter()
            figures = services.cockpit_rollup(actor=None, month=month)
            self.stdout.write(
                f"{month:%Y-%m}: {figures} figures in {time.perf_counter() - started:.1f} s"
            )
            month = (month + dt.timedelta(days=32)).replace(day=1)
