"""Reading MARC files into the catalogue: ISO 2709 (UTF-8 or MARC-8) and MARCXML.

Real files are messy. Every broken record is reported with its file, its number in the
file and (for ISO 2709) its byte offset, and skipped; every good record is kept. Records
are written in batches (:func:`~samenbieb.catalog.services.record_upsert_batch`), each in
its own transaction; a batch that fails as a whole is retried record by record, so one
bad row costs only itself.

ISO 2709 records are framed here rather than by :class:`pymarc.MARCReader`: the reader
trusts the length in each leader, so one wrong length loses every record after it (it
stops at the first "fatal" error). We split on the end-of-record mark (0x1D, which can
appear in neither UTF-8 nor MARC-8 text) and hand each record to :class:`pymarc.Record`
with the same options the reader uses (``to_unicode=True, force_utf8=False,
utf8_handling="strict"``; leader/09 chooses UTF-8 or MARC-8).
"""

from __future__ import annotations

import contextlib
import io
import logging
import multiprocessing
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO
from xml.sax import SAXParseException, make_parser
from xml.sax.handler import ContentHandler, feature_external_ges, feature_namespaces

from django.db import DatabaseError
from pymarc import Field, Indicators, Leader, Subfield
from pymarc import Record as MarcRecord
from pymarc.exceptions import PymarcException

from samenbieb.catalog.marc import (
    MAX_RECORD_BYTES,
    MarcMappingError,
    ParsedRecord,
    record_extract,
)
from samenbieb.catalog.services import record_upsert_batch

END_OF_RECORD = 0x1D
BLOCK_SIZE = 1 << 20
DEFAULT_BATCH_SIZE = 1000
# Files from this size on are parsed in a child process, in chunks of this many records.
PARALLEL_FROM_BYTES = 4 << 20
PARALLEL_CHUNK = 250
_SEPARATORS = b"\r\n\t \x00\x1a"  # line breaks and padding some systems put between records

Progress = Callable[[int], object]


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with a file or one of its records."""

    file: str
    record: int | None  # 1-based number of the record in its file; None for the whole file
    offset: int | None  # byte offset of the record in its file, where known
    reason: str
    skipped: bool = True  # False: the record was kept, the problem is a warning

    @property
    def position(self) -> str:
        if self.record is None:
            return ""
        return f"#{self.record}" + (f"(@{self.offset})" if self.offset is not None else "")

    def __str__(self) -> str:
        where = f"{self.file}:{self.position}" if self.position else self.file
        return f"{where}: {self.reason}" + ("" if self.skipped else " (record kept)")


@dataclass(slots=True)
class ImportReport:
    """What an import did: counts, and every problem in file order."""

    files: int = 0
    unreadable_files: int = 0
    read: int = 0  # records found in the files, good or bad
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0  # replaced by a later record with the same match key in one batch
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def skipped(self) -> int:
        return sum(1 for problem in self.problems if problem.skipped and problem.record)

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged

    @property
    def rate(self) -> float:
        return self.read / self.seconds if self.seconds else 0.0


@dataclass(slots=True)
class _Good:
    file: str
    number: int
    offset: int | None
    parsed: ParsedRecord


def import_marc_files(
    paths: Iterable[str | Path],
    *,
    actor: Any = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Progress | None = None,
) -> ImportReport:
    """Import every record of ``paths`` (ISO 2709 or MARCXML); never raises for bad data.

    ``progress`` is called with the number of bytes read since its last call.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    started = time.perf_counter()
    paths = list(paths)
    report = ImportReport()
    batch: dict[str, _Good] = {}
    for path in paths:
        report.files += 1
        for item in _read(Path(path), progress):
            if isinstance(item, Problem):
                report.problems.append(item)
                if item.record is None:
                    report.unreadable_files += 1
                elif item.skipped:
                    report.read += 1
                continue
            report.read += 1
            earlier = batch.pop(item.parsed.match_key, None)
            if earlier is not None:
                report.duplicates += 1
                report.problems.append(
                    Problem(
                        earlier.file,
                        earlier.number,
                        earlier.offset,
                        f"replaced by {item.file}#{item.number}, a later record with the "
                        f"same match key ({item.parsed.match_key})",
                    )
                )
            batch[item.parsed.match_key] = item
            if len(batch) >= batch_size:
                _write(batch, actor, report)
                batch = {}
    if batch:
        _write(batch, actor, report)
    order = {str(Path(path)): index for index, path in enumerate(paths)}
    report.problems.sort(key=lambda p: (order.get(p.file, len(order)), p.record or 0))
    report.seconds = time.perf_counter() - started
    return report


def file_match_keys(path: str | Path) -> list[str]:
    """The match keys of the readable records in ``path``: which catalogue records came
    from a file, for a caller that works on them after importing it (the demo)."""
    return [item.parsed.match_key for item in _read(Path(path), None) if isinstance(item, _Good)]


def _write(batch: dict[str, _Good], actor: Any, report: ImportReport) -> None:
    goods = list(batch.values())
    try:
        created, updated = record_upsert_batch(
            actor=actor, parsed_records=[good.parsed for good in goods]
        )
    except DatabaseError:
        # Find the record the database refuses; the others are saved one by one.
        created = updated = 0
        for good in goods:
            try:
                one_created, one_updated = record_upsert_batch(
                    actor=actor, parsed_records=[good.parsed]
                )
            except DatabaseError as exc:
                first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
                report.problems.append(
                    Problem(
                        good.file,
                        good.number,
                        good.offset,
                        f"the database refused it: {type(exc).__name__}: {first_line}",
                    )
                )
                goods = [g for g in goods if g is not good]
                continue
            created += one_created
            updated += one_updated
    report.created += created
    report.updated += updated
    report.unchanged += len(goods) - created - updated


# --- files ------------------------------------------------------------------------------


def _read(path: Path, progress: Progress | None) -> Iterator[_Good | Problem]:
    """The file's records and problems; a large file is parsed in a second process.

    Parsing and mapping take about as long as writing, so with two cores a child process
    parses while this one writes. The child only reads the file; what it finds comes back
    in chunks of records, in file order.
    """
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    if size < PARALLEL_FROM_BYTES or "fork" not in multiprocessing.get_all_start_methods():
        yield from _read_file(path, progress)
        return
    context = multiprocessing.get_context("fork")
    queue: Any = context.Queue(maxsize=8)
    child = context.Process(target=_parse_into, args=(path, queue), daemon=True)
    child.start()
    try:
        while True:
            message = queue.get()
            if message is None:
                break
            read, items = message
            if progress and read:
                progress(read)
            yield from items
    finally:
        if child.is_alive():
            child.terminate()
        child.join()


def _parse_into(path: Path, queue: Any) -> None:
    """In the child: parse ``path`` and put (bytes read, items) chunks, then None."""
    chunk: list[_Good | Problem] = []
    read = 0

    def count(n: int) -> None:
        nonlocal read
        read += n

    for item in _read_file(path, count):
        chunk.append(item)
        if len(chunk) >= PARALLEL_CHUNK:
            queue.put((read, chunk))
            chunk, read = [], 0
    queue.put((read, chunk))
    queue.put(None)


def _read_file(path: Path, progress: Progress | None) -> Iterator[_Good | Problem]:
    name = str(path)
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield Problem(name, None, None, f"cannot be opened: {exc.strerror or exc}")
        return
    with handle:
        head = handle.read(64)
        handle.seek(0)
        kind = _sniff(head)
        if kind == "empty":
            yield Problem(name, None, None, "empty file: no records")
        elif kind == "xml":
            yield from _read_marcxml(name, handle, progress)
        elif kind == "iso2709":
            yield from _read_iso2709(name, handle, progress)
        else:
            if progress:
                progress(path.stat().st_size)
            yield Problem(
                name,
                None,
                None,
                "not a MARC file: it starts neither with an ISO 2709 leader (a 5-digit "
                f"record length) nor with XML ({head[:16]!r})",
            )


def _sniff(head: bytes) -> str:
    stripped = head.removeprefix(b"\xef\xbb\xbf").lstrip(_SEPARATORS)
    if not stripped:
        return "empty"
    if stripped.startswith(b"<"):
        return "xml"
    if stripped[:5].isdigit():
        return "iso2709"
    return "unknown"


# --- ISO 2709 ---------------------------------------------------------------------------


def _iso2709_chunks(
    handle: BinaryIO, progress: Progress | None
) -> Iterator[tuple[int, bytes, str]]:
    """(offset, bytes, trouble) per record; ``trouble`` is "" for a terminated record."""
    buffer = b""
    base = 0  # file offset of buffer[0]
    discarding = False  # inside an over-long stretch without end-of-record mark
    while block := handle.read(BLOCK_SIZE):
        if progress:
            progress(len(block))
        buffer = buffer + block if buffer else block
        start = 0
        while (end := buffer.find(b"\x1d", start)) >= 0:
            if discarding:
                discarding = False
            else:
                chunk = buffer[start : end + 1]
                stripped = chunk.lstrip(_SEPARATORS)
                if len(stripped) > 1:
                    yield base + start + len(chunk) - len(stripped), stripped, ""
            start = end + 1
        buffer = buffer[start:]
        base += start
        if len(buffer.lstrip(_SEPARATORS)) > MAX_RECORD_BYTES:
            if not discarding:
                stripped = buffer.lstrip(_SEPARATORS)
                yield base + len(buffer) - len(stripped), stripped[:100], "absurd"
            discarding = True
            base += len(buffer)
            buffer = b""
    rest = buffer.lstrip(_SEPARATORS)
    if rest and not discarding:
        yield base + len(buffer) - len(rest), rest, "truncated"


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def _pymarc_log() -> Iterator[_Collect]:
    """pymarc logs repairs (missing indicators, …); they become warnings of the record."""
    logger = logging.getLogger("pymarc")
    collect = _Collect()
    propagate = logger.propagate
    logger.addHandler(collect)
    logger.propagate = False
    try:
        yield collect
    finally:
        logger.removeHandler(collect)
        logger.propagate = propagate


def _read_iso2709(
    name: str, handle: BinaryIO, progress: Progress | None
) -> Iterator[_Good | Problem]:
    number = 0
    stderr = io.StringIO()
    with warnings.catch_warnings(record=True) as caught, _pymarc_log() as logged:
        warnings.simplefilter("always")
        for offset, chunk, trouble in _iso2709_chunks(handle, progress):
            number += 1
            if trouble == "absurd":
                yield Problem(
                    name,
                    number,
                    offset,
                    f"no end-of-record mark within {MAX_RECORD_BYTES:,} bytes, the most a "
                    "MARC record can hold; skipped up to the next end-of-record mark",
                )
                continue
            if trouble == "truncated":
                yield Problem(
                    name,
                    number,
                    offset,
                    f"truncated: the file ends inside a record ({len(chunk):,} bytes without "
                    "an end-of-record mark)",
                )
                continue
            caught.clear()
            logged.messages.clear()
            record, source, notes, reason = _decode(chunk, stderr)
            if record is None:
                yield Problem(name, number, offset, reason)
                continue
            notes.extend(_warning_text(warning.message) for warning in caught)
            notes.extend(f"repaired: {_warning_text(message)}" for message in logged.messages)
            try:
                parsed = record_extract(record, source=None if notes else source)
            except MarcMappingError as exc:
                yield Problem(name, number, offset, str(exc))
                continue
            for note in notes:
                yield Problem(name, number, offset, note, skipped=False)
            yield _Good(name, number, offset, parsed)


def _warning_text(message: Warning | str) -> str:
    text = str(message)
    return text if len(text) <= 200 else text[:200] + "…"


def _decode(chunk: bytes, stderr: io.StringIO) -> tuple[MarcRecord | None, bytes, list[str], str]:
    """(record, sound source bytes, warnings, reason it was refused)."""
    notes: list[str] = []
    if len(chunk) > MAX_RECORD_BYTES:
        return (
            None,
            chunk,
            notes,
            f"no end-of-record mark within {MAX_RECORD_BYTES:,} bytes, the most a MARC "
            f"record can hold ({len(chunk):,} bytes up to the next mark)",
        )
    if len(chunk) < 26:
        return None, chunk, notes, f"too short for a MARC record ({len(chunk)} bytes)"
    if not chunk[:5].isdigit():
        return (
            None,
            chunk,
            notes,
            f"the leader does not start with a 5-digit length: {chunk[:24]!r}",
        )
    declared = int(chunk[:5])
    if declared != len(chunk):
        if not _directory_fits(chunk):
            return (
                None,
                chunk,
                notes,
                f"the leader gives a length of {declared:,} bytes but the record is "
                f"{len(chunk):,} bytes (wrong length, or a missing end-of-record mark)",
            )
        notes.append(
            f"the leader gives a length of {declared:,} bytes but the record is "
            f"{len(chunk):,} bytes; the directory is intact, so the length was corrected"
        )
        chunk = b"%05d" % len(chunk) + chunk[5:]
    marc8 = chunk[9] != ord("a")
    try:
        if marc8:
            stderr.seek(0)
            stderr.truncate()
            with contextlib.redirect_stderr(stderr):
                record = MarcRecord(
                    chunk, to_unicode=True, force_utf8=False, utf8_handling="strict"
                )
        else:
            record = MarcRecord(chunk, to_unicode=True, force_utf8=False, utf8_handling="strict")
    except UnicodeDecodeError as exc:
        return None, chunk, notes, _decode_problem(chunk, exc, marc8)
    except (PymarcException, ValueError, IndexError) as exc:
        return None, chunk, notes, _structure_problem(exc)
    if marc8:
        reason = _marc8_problem(record, stderr.getvalue())
        if reason:
            return None, chunk, notes, reason
    if not _directory_fits(chunk):
        notes.append("the directory does not account for every byte of the record")
    return record, chunk, notes, ""


def _directory_fits(chunk: bytes) -> bool:
    """True when the directory's entries end exactly where the record ends."""
    try:
        base = int(chunk[12:17])
        directory = chunk[24 : base - 1]
        if base <= 24 or len(directory) % 12 or chunk[base - 1] != 0x1E:
            return False
        end = max(
            (int(directory[i + 3 : i + 7]) + int(directory[i + 7 : i + 12]))
            for i in range(0, len(directory), 12)
        )
    except (ValueError, IndexError):
        return False
    return base + end + 1 == len(chunk)


def _structure_problem(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    if isinstance(exc, PymarcException):
        return f"broken record structure: {text}"
    if isinstance(exc, ValueError):
        return f"broken leader or directory (not a number where one is required): {text}"
    return f"broken record structure: {type(exc).__name__}: {text}"


def _decode_problem(chunk: bytes, exc: UnicodeDecodeError, marc8: bool) -> str:
    if exc.encoding == "ascii":
        return (
            f"the leader or directory holds non-ASCII bytes ({exc.object[exc.start : exc.end]!r})"
        )
    where = _field_of(chunk, exc.object) if isinstance(exc.object, bytes) else ""
    bad = exc.object[exc.start : exc.end]
    if marc8:
        return f"invalid MARC-8{where}: {exc.reason} ({bad!r})"
    return f"invalid UTF-8{where} (leader/09 says UTF-8): bytes {bad!r} ({exc.reason})"


def _field_of(chunk: bytes, data: bytes) -> str:
    """ " in field 245" for the field whose bytes hold ``data``, when the directory says."""
    try:
        base = int(chunk[12:17])
        directory = chunk[24 : base - 1]
        for i in range(0, len(directory), 12):
            length = int(directory[i + 3 : i + 7])
            start = base + int(directory[i + 7 : i + 12])
            if data in chunk[start : start + length]:
                return f" in field {directory[i : i + 3].decode('ascii', 'replace')}"
    except (ValueError, IndexError):
        pass
    return ""


def _marc8_problem(record: MarcRecord, messages: str) -> str:
    if messages.strip():
        lines = [line for line in messages.splitlines() if line.strip()]
        return (
            f"not valid MARC-8 ({lines[0]}; {len(lines)} problem(s)): is the record in "
            "another character set, such as CP1251 or Latin-1, with leader/09 blank?"
        )
    for fld in record.fields:
        if fld.is_control_field():
            continue
        for code, value in fld.subfields:
            if "\x1b" in value:
                return f"a broken MARC-8 escape sequence in field {fld.tag} ${code}: {value!r}"
    return ""


# --- MARCXML ----------------------------------------------------------------------------


class _MarcXmlHandler(ContentHandler):
    """Builds one pymarc Record per <record>; a broken record becomes a reason, not an abort."""

    def __init__(self) -> None:
        super().__init__()
        self.done: list[tuple[int, MarcRecord | None, str]] = []
        self.number = 0
        self._record: MarcRecord | None = None
        self._error = ""
        self._tag = ""
        self._indicators = Indicators(" ", " ")
        self._subfields: list[Subfield] = []
        self._code = ""
        self._text: list[str] = []

    @property
    def in_record(self) -> bool:
        return self._record is not None

    def startElementNS(self, name: tuple[str | None, str], qname: Any, attrs: Any) -> None:
        element = name[1]
        self._text = []
        if element == "record":
            self.number += 1
            self._record = MarcRecord()
            self._error = ""
        elif self._record is None or self._error:
            return
        elif element in ("controlfield", "datafield"):
            self._tag = attrs.get((None, "tag"), "")
            if not (1 <= len(self._tag) <= 3 and self._tag.isalnum() and self._tag.isascii()):
                self._error = f"a {element} has an invalid tag {self._tag!r}"
            if element == "datafield":
                first = attrs.get((None, "ind1"), " ") or " "
                second = attrs.get((None, "ind2"), " ") or " "
                if len(first) != 1 or len(second) != 1:
                    self._error = f"field {self._tag} has invalid indicators {first!r}, {second!r}"
                self._indicators = Indicators(first, second)
                self._subfields = []
        elif element == "subfield":
            self._code = attrs.get((None, "code"), "")
            if len(self._code) != 1:
                self._error = f"field {self._tag} has an invalid subfield code {self._code!r}"

    def endElementNS(self, name: tuple[str | None, str], qname: Any) -> None:
        element = name[1]
        if element == "record":
            if self._record is not None:
                self.done.append((self.number, None if self._error else self._record, self._error))
            self._record = None
            return
        record = self._record
        if record is None or self._error:
            return
        text = "".join(self._text)
        if element == "leader":
            if len(text) != 24:
                self._error = f"the leader has {len(text)} characters instead of 24: {text!r}"
            else:
                record.leader = Leader(text)
        elif element == "controlfield":
            record.add_field(Field(tag=self._tag.zfill(3), data=text))
        elif element == "datafield":
            record.add_field(
                Field(
                    tag=self._tag.zfill(3), indicators=self._indicators, subfields=self._subfields
                )
            )
        elif element == "subfield":
            self._subfields.append(Subfield(code=self._code, value=text))

    def characters(self, content: str) -> None:
        self._text.append(content)


def _read_marcxml(
    name: str, handle: BinaryIO, progress: Progress | None
) -> Iterator[_Good | Problem]:
    handler = _MarcXmlHandler()
    # No defusedxml in our dependencies: external entities are switched off below, and the
    # libexpat bundled with Python 3.11 refuses entity expansion attacks ("billion laughs").
    parser = make_parser()  # noqa: S317
    parser.setFeature(feature_namespaces, True)
    parser.setFeature(feature_external_ges, False)  # never fetch external entities
    parser.setContentHandler(handler)
    failure = ""
    while True:
        block = handle.read(BLOCK_SIZE)
        try:
            if block:
                parser.feed(block)  # type: ignore[attr-defined]
            else:
                parser.close()  # type: ignore[attr-defined]
        except SAXParseException as exc:
            failure = (
                f"the XML is not well-formed at line {exc.getLineNumber()}, column "
                f"{exc.getColumnNumber()}: {exc.getMessage()}; the records after it are not read"
            )
        if progress and block:
            progress(len(block))
        for number, record, reason in handler.done:
            if record is None:
                yield Problem(name, number, None, reason)
                continue
            try:
                parsed = record_extract(record)
            except MarcMappingError as exc:
                yield Problem(name, number, None, str(exc))
                continue
            yield _Good(name, number, None, parsed)
        handler.done.clear()
        if failure:
            if handler.number == 0:
                yield Problem(name, None, None, f"not MARCXML: {failure}")
            else:
                number = handler.number if handler.in_record else handler.number + 1
                yield Problem(name, number, None, failure)
            return
        if not block:
            break
    if handler.number == 0:
        yield Problem(name, None, None, "not MARCXML: the XML holds no <record> element")
