"""SIP2 2.00 wire format: parse and format messages. Pure Python, no Django.

Stable API (helper code, fuzz tests and the benchmark build on it):

``parse(data: bytes, *, encoding="utf-8", require_error_detection=False) -> Message``
    One message as read from the wire, with or without its ``\\r`` (or ``\\r\\n``)
    terminator. Checks the command code, the fixed fields (length and, where the
    specification restricts them, characters), the variable fields (``XXvalue|``) and,
    when present, the error detection trailer ``AY<digit>AZ<4 hex>``: the checksum is
    verified over the raw bytes (after AY, one to four hex digits are accepted: some
    clients drop leading zeros). Anything wrong raises :class:`MalformedMessage`.

``format_message(message: Message, *, encoding="utf-8", sequence: int | None = None) -> bytes``
    The wire bytes, terminated by ``\\r``. With ``sequence`` (0-9) the error detection
    trailer ``AY<n>AZ<checksum>`` is appended. Fixed fields must have their exact
    length; values may not contain ``|``, ``\\r`` or ``\\n`` (``ValueError``). Characters
    the encoding cannot represent become ``?``.

``Message(code, fixed={name: value}, fields=((id, value), ...), sequence=None)``
    Frozen dataclass. ``fixed`` is keyed by the names in :data:`MESSAGES`; ``fields`` keeps
    order and repeats (AS, AT, AF … may repeat). ``message.get("AA")`` returns the first
    value or ``None``, ``message.get_all("AS")`` all values, ``message.name`` the
    specification's name. ``sequence`` is the AY number when the sender used error detection.

``checksum(data: bytes) -> str``          four upper-case hex digits (16-bit two's complement sum)
``format_timestamp(dt) -> str``           ``YYYYMMDDZZZZHHMMSS``; aware datetimes are converted to
                                          ``tz`` (default: their own zone) and written as local
                                          time (``ZZZZ`` = four spaces)
``parse_timestamp(text, tz) -> datetime | None``   blank → ``None``; ``ZZZZ`` ending in ``Z`` is UTC
``format_date(day) -> str``               a date as ``YYYYMMDD    235959`` (due dates)
``MESSAGES: dict[str, MessageSpec]``      every 2.00 message (requests and responses)
``FIELD_NAMES: dict[str, str]``           variable field ids → names (2.00 plus 3M extensions)
``ENCODINGS``                             the encodings kiosks may use: utf-8, latin-1, cp850

Framing: one message per ``\\r``; readers split on ``b"\\r"`` and hand each frame to
:func:`parse` (a leading ``\\n`` left over from ``\\r\\n`` is ignored).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo

__all__ = [
    "ENCODINGS",
    "FIELD_NAMES",
    "MESSAGES",
    "FixedField",
    "MalformedMessage",
    "Message",
    "MessageSpec",
    "checksum",
    "format_date",
    "format_message",
    "format_timestamp",
    "parse",
    "parse_timestamp",
]

ENCODINGS = ("utf-8", "latin-1", "cp850")
TERMINATOR = b"\r"
TIMESTAMP_LENGTH = 18


class MalformedMessage(ValueError):
    """The bytes are not a well-formed SIP2 2.00 message."""


@dataclass(frozen=True)
class FixedField:
    name: str
    length: int
    # Characters allowed in every position; None = anything printable.
    allowed: str | None = None


@dataclass(frozen=True)
class MessageSpec:
    code: str
    name: str
    fixed: tuple[FixedField, ...]

    @property
    def fixed_length(self) -> int:
        return sum(f.length for f in self.fixed)


YN = "YN"
YNU = "YNU"
BIT = "01"
DIGITS = "0123456789"
YSPACE = "Y "


def _date(name: str) -> FixedField:
    # Dates are checked by parse_timestamp where they are used; kiosks send blanks.
    return FixedField(name, TIMESTAMP_LENGTH)


_SPECS = [
    # Requests, SC → ACS
    MessageSpec(
        "23",
        "patron status request",
        (FixedField("language", 3, DIGITS), _date("transaction_date")),
    ),
    MessageSpec(
        "11",
        "checkout",
        (
            FixedField("sc_renewal_policy", 1, YN),
            FixedField("no_block", 1, YN),
            _date("transaction_date"),
            _date("nb_due_date"),
        ),
    ),
    MessageSpec(
        "09",
        "checkin",
        (FixedField("no_block", 1, YN), _date("transaction_date"), _date("return_date")),
    ),
    MessageSpec(
        "01",
        "block patron",
        (FixedField("card_retained", 1, YN), _date("transaction_date")),
    ),
    MessageSpec(
        "99",
        "SC status",
        (
            FixedField("status_code", 1, "012"),
            FixedField("max_print_width", 3, DIGITS),
            FixedField("protocol_version", 4),
        ),
    ),
    MessageSpec("97", "request ACS resend", ()),
    MessageSpec(
        "93",
        "login",
        (FixedField("uid_algorithm", 1), FixedField("pwd_algorithm", 1)),
    ),
    MessageSpec(
        "63",
        "patron information",
        (
            FixedField("language", 3, DIGITS),
            _date("transaction_date"),
            FixedField("summary", 10, YSPACE + "N"),
        ),
    ),
    MessageSpec("35", "end patron session", (_date("transaction_date"),)),
    MessageSpec(
        "37",
        "fee paid",
        (
            _date("transaction_date"),
            FixedField("fee_type", 2, DIGITS),
            FixedField("payment_type", 2, DIGITS),
            FixedField("currency_type", 3),
        ),
    ),
    MessageSpec("17", "item information", (_date("transaction_date"),)),
    MessageSpec("19", "item status update", (_date("transaction_date"),)),
    MessageSpec("25", "patron enable", (_date("transaction_date"),)),
    MessageSpec(
        "15",
        "hold",
        (FixedField("hold_mode", 1, "+-*"), _date("transaction_date")),
    ),
    MessageSpec(
        "29",
        "renew",
        (
            FixedField("third_party_allowed", 1, YN),
            FixedField("no_block", 1, YN),
            _date("transaction_date"),
            _date("nb_due_date"),
        ),
    ),
    MessageSpec("65", "renew all", (_date("transaction_date"),)),
    # Responses, ACS → SC
    MessageSpec(
        "24",
        "patron status response",
        (
            FixedField("patron_status", 14, YSPACE + "N"),
            FixedField("language", 3, DIGITS),
            _date("transaction_date"),
        ),
    ),
    MessageSpec(
        "12",
        "checkout response",
        (
            FixedField("ok", 1, BIT),
            FixedField("renewal_ok", 1, YN),
            FixedField("magnetic_media", 1, YNU),
            FixedField("desensitize", 1, YNU),
            _date("transaction_date"),
        ),
    ),
    MessageSpec(
        "10",
        "checkin response",
        (
            FixedField("ok", 1, BIT),
            FixedField("resensitize", 1, YN),
            FixedField("magnetic_media", 1, YNU),
            FixedField("alert", 1, YN),
            _date("transaction_date"),
        ),
    ),
    MessageSpec(
        "98",
        "ACS status",
        (
            FixedField("online_status", 1, YN),
            FixedField("checkin_ok", 1, YN),
            FixedField("checkout_ok", 1, YN),
            FixedField("acs_renewal_policy", 1, YN),
            FixedField("status_update_ok", 1, YN),
            FixedField("offline_ok", 1, YN),
            FixedField("timeout_period", 3, DIGITS),
            FixedField("retries_allowed", 3, DIGITS),
            _date("date_time_sync"),
            FixedField("protocol_version", 4),
        ),
    ),
    MessageSpec("96", "request SC resend", ()),
    MessageSpec("94", "login response", (FixedField("ok", 1, BIT),)),
    MessageSpec(
        "64",
        "patron information response",
        (
            FixedField("patron_status", 14, YSPACE + "N"),
            FixedField("language", 3, DIGITS),
            _date("transaction_date"),
            FixedField("hold_items_count", 4, DIGITS + " "),
            FixedField("overdue_items_count", 4, DIGITS + " "),
            FixedField("charged_items_count", 4, DIGITS + " "),
            FixedField("fine_items_count", 4, DIGITS + " "),
            FixedField("recall_items_count", 4, DIGITS + " "),
            FixedField("unavailable_holds_count", 4, DIGITS + " "),
        ),
    ),
    MessageSpec(
        "36",
        "end session response",
        (FixedField("end_session", 1, YN), _date("transaction_date")),
    ),
    MessageSpec(
        "38",
        "fee paid response",
        (FixedField("payment_accepted", 1, YN), _date("transaction_date")),
    ),
    MessageSpec(
        "18",
        "item information response",
        (
            FixedField("circulation_status", 2, DIGITS),
            FixedField("security_marker", 2, DIGITS),
            FixedField("fee_type", 2, DIGITS),
            _date("transaction_date"),
        ),
    ),
    MessageSpec(
        "20",
        "item status update response",
        (FixedField("item_properties_ok", 1, BIT), _date("transaction_date")),
    ),
    MessageSpec(
        "26",
        "patron enable response",
        (
            FixedField("patron_status", 14, YSPACE + "N"),
            FixedField("language", 3, DIGITS),
            _date("transaction_date"),
        ),
    ),
    MessageSpec(
        "16",
        "hold response",
        (
            FixedField("ok", 1, BIT),
            FixedField("available", 1, YN),
            _date("transaction_date"),
        ),
    ),
    MessageSpec(
        "30",
        "renew response",
        (
            FixedField("ok", 1, BIT),
            FixedField("renewal_ok", 1, YN),
            FixedField("magnetic_media", 1, YNU),
            FixedField("desensitize", 1, YNU),
            _date("transaction_date"),
        ),
    ),
    MessageSpec(
        "66",
        "renew all response",
        (
            FixedField("ok", 1, BIT),
            FixedField("renewed_count", 4, DIGITS),
            FixedField("unrenewed_count", 4, DIGITS),
            _date("transaction_date"),
        ),
    ),
]

MESSAGES: dict[str, MessageSpec] = {spec.code: spec for spec in _SPECS}

FIELD_NAMES: dict[str, str] = {
    "AA": "patron identifier",
    "AB": "item identifier",
    "AC": "terminal password",
    "AD": "patron password",
    "AE": "personal name",
    "AF": "screen message",
    "AG": "print line",
    "AH": "due date",
    "AJ": "title identifier",
    "AL": "blocked card msg",
    "AM": "library name",
    "AN": "terminal location",
    "AO": "institution id",
    "AP": "current location",
    "AQ": "permanent location",
    "AS": "hold items",
    "AT": "overdue items",
    "AU": "charged items",
    "AV": "fine items",
    "AY": "sequence number",
    "AZ": "checksum",
    "BD": "home address",
    "BE": "e-mail address",
    "BF": "home phone number",
    "BG": "owner",
    "BH": "currency type",
    "BI": "cancel",
    "BK": "transaction id",
    "BL": "valid patron",
    "BM": "renewed items",
    "BN": "unrenewed items",
    "BO": "fee acknowledged",
    "BP": "start item",
    "BQ": "end item",
    "BR": "queue position",
    "BS": "pickup location",
    "BT": "fee type",
    "BU": "recall items",
    "BV": "fee amount",
    "BW": "expiration date",
    "BX": "supported messages",
    "BY": "hold type",
    "BZ": "hold items limit",
    "CA": "overdue items limit",
    "CB": "charged items limit",
    "CC": "fee limit",
    "CD": "unavailable hold items",
    "CF": "hold queue length",
    "CG": "fee identifier",
    "CH": "item properties",
    "CI": "security inhibit",
    "CJ": "recall date",
    "CK": "media type",
    "CL": "sort bin",
    "CM": "hold pickup date",
    "CN": "login user id",
    "CO": "login password",
    "CP": "location code",
    "CQ": "valid patron password",
    # 3M extensions that return sorters and Koha use
    "CR": "collection code",
    "CS": "call number",
    "CT": "destination location",
    "CV": "alert type",
    "CY": "hold patron id",
    "DA": "hold patron name",
}


@dataclass(frozen=True)
class Message:
    code: str
    fixed: Mapping[str, str] = field(default_factory=dict)
    fields: tuple[tuple[str, str], ...] = ()
    sequence: int | None = None

    @property
    def name(self) -> str:
        spec = MESSAGES.get(self.code)
        return spec.name if spec else self.code

    def get(self, field_id: str, default: str | None = None) -> str | None:
        for fid, value in self.fields:
            if fid == field_id:
                return value
        return default

    def get_all(self, field_id: str) -> list[str]:
        return [value for fid, value in self.fields if fid == field_id]

    @classmethod
    def build(
        cls,
        code: str,
        fixed: Mapping[str, str] | None = None,
        fields: Iterable[tuple[str, str | None]] = (),
    ) -> Message:
        """A message from fixed values and fields; fields whose value is ``None`` are left out."""
        return cls(
            code=code,
            fixed=dict(fixed or {}),
            fields=tuple((fid, value) for fid, value in fields if value is not None),
        )


# The trailer is the last thing before the terminator: "AY" digit "AZ" four hex digits.
# Kiosks send it after a "|" or directly after the last value; both are accepted.
# Some clients drop the checksum's leading zeros (the `sip2` package on PyPI writes it with
# "%X"): one to four hex digits are accepted and compared as numbers.
_TRAILER = re.compile(rb"AY([0-9])AZ([0-9A-Fa-f]{1,4})\Z")
_CHECKSUM_ONLY = re.compile(rb"AZ([0-9A-Fa-f]{4})\Z")
_FIELD_ID = re.compile(r"[A-Z]{2}")


def checksum(data: bytes) -> str:
    """The SIP2 checksum of ``data`` (everything up to and including ``AZ``)."""
    return f"{(-sum(data)) & 0xFFFF:04X}"


def parse(
    data: bytes, *, encoding: str = "utf-8", require_error_detection: bool = False
) -> Message:
    """One SIP2 message from its wire bytes; raises :class:`MalformedMessage`."""
    if not isinstance(data, bytes | bytearray):
        raise MalformedMessage("expected bytes")
    raw = bytes(data)
    if raw.endswith(b"\r\n"):
        raw = raw[:-2]
    elif raw.endswith(b"\r"):
        raw = raw[:-1]
    if raw.startswith(b"\n"):
        raw = raw[1:]
    if b"\r" in raw:
        raise MalformedMessage("more than one message")

    sequence: int | None = None
    trailer = _TRAILER.search(raw)
    if trailer:
        _verify(raw, trailer.start(2), trailer.group(2))
        sequence = int(trailer.group(1))
        raw = raw[: trailer.start()]
    else:
        only_checksum = _CHECKSUM_ONLY.search(raw)
        if only_checksum and (
            only_checksum.start() == 0
            or raw[only_checksum.start() - 1 : only_checksum.start()] == b"|"
        ):
            _verify(raw, only_checksum.start(1), only_checksum.group(1))
            raw = raw[: only_checksum.start()]
        elif require_error_detection:
            raise MalformedMessage("missing sequence number and checksum")

    try:
        text = raw.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise MalformedMessage(f"cannot decode as {encoding}") from exc
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in text):
        raise MalformedMessage("control character in message")

    code = text[:2]
    spec = MESSAGES.get(code)
    if spec is None:
        raise MalformedMessage(f"unknown command {code!r}")
    position = 2
    fixed: dict[str, str] = {}
    for fixed_field in spec.fixed:
        value = text[position : position + fixed_field.length]
        if len(value) != fixed_field.length:
            raise MalformedMessage(f"{code}: fixed field {fixed_field.name} too short")
        if fixed_field.allowed is not None and any(c not in fixed_field.allowed for c in value):
            raise MalformedMessage(f"{code}: fixed field {fixed_field.name} invalid")
        fixed[fixed_field.name] = value
        position += fixed_field.length
    return Message(
        code=code, fixed=fixed, fields=_parse_fields(code, text[position:]), sequence=sequence
    )


def _verify(raw: bytes, checksum_at: int, given: bytes) -> None:
    if int(given, 16) != int(checksum(raw[:checksum_at]), 16):
        raise MalformedMessage("checksum mismatch")


def _parse_fields(code: str, rest: str) -> tuple[tuple[str, str], ...]:
    fields: list[tuple[str, str]] = []
    for segment in rest.split("|"):
        if not segment:
            continue
        field_id = segment[:2]
        if not _FIELD_ID.fullmatch(field_id):
            raise MalformedMessage(f"{code}: bad field identifier {field_id!r}")
        fields.append((field_id, segment[2:]))
    return tuple(fields)


def format_message(
    message: Message, *, encoding: str = "utf-8", sequence: int | None = None
) -> bytes:
    """The wire bytes of ``message``, ``\\r``-terminated, with AY/AZ when ``sequence`` is given."""
    spec = MESSAGES.get(message.code)
    if spec is None:
        raise ValueError(f"unknown command {message.code!r}")
    parts = [message.code]
    for fixed_field in spec.fixed:
        value = message.fixed.get(fixed_field.name)
        if value is None or len(value) != fixed_field.length:
            raise ValueError(
                f"{message.code}: fixed field {fixed_field.name} must be "
                f"{fixed_field.length} characters, got {value!r}"
            )
        _check_value(value)
        parts.append(value)
    for field_id, value in message.fields:
        if not _FIELD_ID.fullmatch(field_id):
            raise ValueError(f"bad field identifier {field_id!r}")
        _check_value(value)
        parts.append(f"{field_id}{value}|")
    body = "".join(parts).encode(encoding, errors="replace")
    if sequence is not None:
        if not 0 <= sequence <= 9:
            raise ValueError("sequence must be 0-9")
        body += f"AY{sequence}AZ".encode("ascii")
        body += checksum(body).encode("ascii")
    return body + TERMINATOR


def _check_value(value: str) -> None:
    if "|" in value or "\r" in value or "\n" in value:
        raise ValueError("a SIP2 value may not contain '|', CR or LF")


def format_timestamp(moment: datetime, tz: tzinfo | None = None) -> str:
    """``YYYYMMDDZZZZHHMMSS`` in local time (``ZZZZ`` blank), as the specification prefers."""
    if moment.tzinfo is not None and tz is not None:
        moment = moment.astimezone(tz)
    return moment.strftime("%Y%m%d") + "    " + moment.strftime("%H%M%S")


def parse_timestamp(text: str, tz: tzinfo) -> datetime | None:
    """A SIP2 timestamp as an aware datetime; blank → ``None``; invalid → MalformedMessage.

    ``ZZZZ`` ending in ``Z`` means UTC; any other zone text is read as local time in ``tz``
    (the specification does not standardise zone names).
    """
    if len(text) != TIMESTAMP_LENGTH:
        raise MalformedMessage("timestamp must be 18 characters")
    if not text.strip():
        return None
    try:
        naive = datetime.strptime(text[:8] + text[12:], "%Y%m%d%H%M%S")  # noqa: DTZ007
    except ValueError as exc:
        raise MalformedMessage("invalid timestamp") from exc
    if text[8:12].strip().upper() == "Z":
        return naive.replace(tzinfo=UTC)
    return naive.replace(tzinfo=tz)


def format_date(day: date) -> str:
    """A date (a due date) as a SIP2 timestamp at the end of that day, local time."""
    return day.strftime("%Y%m%d") + "    235959"
