import datetime as dt
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from pymarc import Record as MarcRecord
from pymarc import record_to_xml

from samenbieb.catalog.services import record_export_queryset

XML_HEADER = b'<?xml version="1.0" encoding="UTF-8"?>\n'
COLLECTION_START = b'<collection xmlns="http://www.loc.gov/MARC21/slim">\n'
COLLECTION_END = b"</collection>\n"
# Characters XML 1.0 cannot hold at all, not even escaped.
_NOT_XML = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class Command(BaseCommand):
    help = (
        "Write the catalogue's records (not the withdrawn ones) as stored, to OUTPUT ('-' for "
        "standard output): MARC21 (ISO 2709, UTF-8) or MARCXML. Streams, so any size fits. "
        "--since DATE (YYYY-MM-DD, or an ISO date and time; Europe/Amsterdam unless a zone is "
        "given) limits it to records changed since then."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("output", metavar="OUTPUT")
        parser.add_argument("--format", choices=["marc21", "marcxml"], default="marc21")
        parser.add_argument("--since", metavar="DATE")

    def handle(self, *args: Any, **options: Any) -> None:
        since = _since(options["since"]) if options["since"] else None
        records = record_export_queryset(since=since).values_list("marc", flat=True)
        as_xml = options["format"] == "marcxml"
        output = options["output"]
        if output == "-":
            count = _write(sys.stdout.buffer, records.iterator(chunk_size=2000), as_xml=as_xml)
        else:
            try:
                with Path(output).open("wb") as handle:
                    count = _write(handle, records.iterator(chunk_size=2000), as_xml=as_xml)
            except OSError as exc:
                raise CommandError(f"cannot write {output}: {exc.strerror or exc}") from exc
        if output != "-":
            self.stdout.write(f"{count:,} records written to {output}.")
        else:
            self.stderr.write(f"{count:,} records written.")


def _write(handle: BinaryIO, stored: Iterator[Any], *, as_xml: bool) -> int:
    count = 0
    if as_xml:
        handle.write(XML_HEADER + COLLECTION_START)
    for marc in stored:
        data = bytes(marc)
        if data:
            handle.write(_as_xml(data) if as_xml else data)
            count += 1
    if as_xml:
        handle.write(COLLECTION_END)
    return count


def _as_xml(data: bytes) -> bytes:
    record = MarcRecord(data, to_unicode=True, force_utf8=True)
    xml: bytes = record_to_xml(record)
    return _NOT_XML.sub(b"", xml) + b"\n"


def _since(text: str) -> dt.datetime:
    moment = parse_datetime(text)
    if moment is None:
        day = parse_date(text)
        if day is None:
            raise CommandError(f"--since wants a date (YYYY-MM-DD) or date and time, not {text!r}")
        moment = dt.datetime.combine(day, dt.time())
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment
