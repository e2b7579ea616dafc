import contextlib
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from samenbieb.catalog.importer import DEFAULT_BATCH_SIZE, ImportReport, import_marc_files


class Command(BaseCommand):
    help = (
        "Import MARC21 records into the shared catalogue: ISO 2709 files (UTF-8 or MARC-8, "
        "by leader/09) and MARCXML, told apart by their first bytes. A record already in the "
        "catalogue (same match key: 003:001, else ISBN, else title, author, year and format) "
        "is updated, never duplicated. Broken records are skipped and listed as "
        "FILE:#RECORD(@BYTE OFFSET): REASON; every good record is kept. Exit status: 0 when "
        "records were imported, even if others were skipped; 1 when nothing could be "
        "imported (every file unreadable or every record broken)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE", help="ISO 2709 or MARCXML file")
        parser.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULT_BATCH_SIZE,
            help=f"records per transaction (default {DEFAULT_BATCH_SIZE})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        paths: list[str] = options["files"]
        total = 0
        for path in paths:
            with contextlib.suppress(OSError):  # the import reports unreadable files itself
                total += Path(path).stat().st_size
        bar = None
        if sys.stderr.isatty():
            bar = tqdm(total=total, unit="B", unit_scale=True, desc="import-marc", leave=False)
        try:
            report = import_marc_files(
                paths, batch_size=options["batch_size"], progress=bar.update if bar else None
            )
        finally:
            if bar is not None:
                bar.close()
        self._summarise(report)
        if report.imported == 0 and report.problems:
            raise CommandError("nothing was imported: every file or record had a problem")

    def _summarise(self, report: ImportReport) -> None:
        write = self.stdout.write
        write(
            f"Read {report.read:,} records from {report.files:,} files in "
            f"{report.seconds:.1f} s ({report.rate:,.0f} records/s)."
        )
        write(f"  created           {report.created:>9,}")
        write(f"  updated           {report.updated:>9,}")
        write(f"  unchanged         {report.unchanged:>9,}")
        write(f"  skipped           {report.skipped:>9,}")
        if report.duplicates:
            write(
                f"    of which replaced by a later record with the same match key: "
                f"{report.duplicates:,}"
            )
        write(f"  unreadable files  {report.unreadable_files:>9,}")
        warnings = sum(1 for problem in report.problems if not problem.skipped)
        if warnings:
            write(f"  kept with warnings{warnings:>9,}")
        if report.problems:
            write("Problems:")
            for problem in report.problems:
                write(f"  {problem}")
