"""samenbieb settlement --month 2026-11: compute a month's settlement and print it as CSV."""

from __future__ import annotations

import csv
import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from samenbieb.circulation import queries, services


def _month(value: str) -> dt.date:
    try:
        year, month = (int(part) for part in value.split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        raise CommandError(f"--month must look like 2026-11, not {value!r}") from None


class Command(BaseCommand):
    help = (
        "Compute the settlement between libraries for one month (who lent to whom) and "
        "print the national lending per pair of libraries as CSV."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--month",
            type=_month,
            help="The month, as YYYY-MM. Default: last month.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        month = options["month"] or (timezone.localdate().replace(day=1) - dt.timedelta(days=1))
        month = month.replace(day=1)
        lines = services.settlement_compute(actor=None, month=month)
        self.stderr.write(f"{month:%Y-%m}: {lines} settlement lines computed.")
        writer = csv.writer(self.stdout)
        writer.writerow(["month", "lender", "borrower_library", "loans"])
        for row in queries.settlement_between_libraries(month):
            writer.writerow([f"{month:%Y-%m}", row.lender, row.borrower_library, row.loans])
