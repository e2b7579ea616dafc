"""OAI-PMH 2.0 requests: arguments checked as the protocol says, dates, and resumption tokens.

Nothing here reads the database. Every mistake in a request becomes an :class:`OaiError`
with one of the protocol's error codes, which the view answers as an OAI-PMH error
response (HTTP 200), never as a server error.

Resumption tokens are stateless: they carry the request's own arguments (prefix, set,
from, until), the id of the last record sent and how many were sent. Nothing is kept on
the server, so a token never expires, survives restarts and works on any server of a
cluster; because pages go by record id (see :mod:`samenbieb.catalog.harvest`) records
that change meanwhile are neither skipped nor sent twice.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

VERBS = (
    "Identify",
    "ListMetadataFormats",
    "ListSets",
    "GetRecord",
    "ListIdentifiers",
    "ListRecords",
)
# Per verb: (required, optional, exclusive) arguments.
_ARGUMENTS: dict[str, tuple[frozenset[str], frozenset[str], str | None]] = {
    "Identify": (frozenset(), frozenset(), None),
    "ListMetadataFormats": (frozenset(), frozenset({"identifier"}), None),
    "ListSets": (frozenset(), frozenset(), "resumptionToken"),
    "GetRecord": (frozenset({"identifier", "metadataPrefix"}), frozenset(), None),
    "ListIdentifiers": (
        frozenset({"metadataPrefix"}),
        frozenset({"from", "until", "set"}),
        "resumptionToken",
    ),
    "ListRecords": (
        frozenset({"metadataPrefix"}),
        frozenset({"from", "until", "set"}),
        "resumptionToken",
    ),
}
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_SECOND = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
_TOKEN_VERSION = "1"  # noqa: S105 - the format of our resumption tokens
_SAFE_VALUE = re.compile(r"[A-Za-z0-9\-_.!~*'():]*")


class OaiError(Exception):
    """A request the protocol refuses; ``code`` is one of OAI-PMH's error codes."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class OaiRequest:
    """A checked request. For a resumed list, the fields come from the token."""

    verb: str
    arguments: dict[str, str]
    identifier: str | None = None
    prefix: str | None = None
    set_spec: str | None = None
    from_text: str | None = None
    until_text: str | None = None
    after_id: int = 0
    cursor: int = 0
    resumed: bool = False

    @property
    def since(self) -> dt.datetime | None:
        return parse_datestamp(self.from_text) if self.from_text else None

    @property
    def before(self) -> dt.datetime | None:
        """The first moment past ``until``: until is inclusive at its own granularity."""
        if not self.until_text:
            return None
        step = dt.timedelta(days=1) if _DAY.fullmatch(self.until_text) else dt.timedelta(seconds=1)
        return parse_datestamp(self.until_text) + step


def parse_datestamp(text: str) -> dt.datetime:
    """A UTC moment from ``YYYY-MM-DD`` or ``YYYY-MM-DDThh:mm:ssZ``."""
    try:
        if _DAY.fullmatch(text):
            return dt.datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=dt.UTC)
        if _SECOND.fullmatch(text):
            return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    except ValueError:
        pass
    raise OaiError(
        "badArgument", f"Not a date of the form YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ: {text}"
    )


def datestamp(moment: dt.datetime) -> str:
    """``moment`` as an OAI-PMH datestamp (UTC, seconds)."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_request(query: Mapping[str, Sequence[str]]) -> OaiRequest:
    """Check the arguments of a request (each name with its list of values)."""
    verbs = query.get("verb", [])
    if len(verbs) != 1 or verbs[0] not in VERBS:
        raise OaiError("badVerb", "The verb is missing, repeated or not an OAI-PMH verb.")
    verb = verbs[0]
    arguments: dict[str, str] = {}
    for name, values in query.items():
        if name == "verb":
            continue
        if len(values) != 1:
            raise OaiError("badArgument", f"The argument {name} is repeated.")
        arguments[name] = values[0]
    required, optional, exclusive = _ARGUMENTS[verb]
    if exclusive and exclusive in arguments:
        if len(arguments) > 1:
            raise OaiError("badArgument", f"{exclusive} must be the only argument.")
        return _resumed(verb, arguments, arguments[exclusive])
    unknown = set(arguments) - required - optional
    if unknown:
        raise OaiError("badArgument", f"Not an argument of {verb}: {', '.join(sorted(unknown))}.")
    missing = required - set(arguments)
    if missing:
        raise OaiError("badArgument", f"{verb} needs: {', '.join(sorted(missing))}.")
    request = OaiRequest(
        verb=verb,
        arguments=arguments,
        identifier=arguments.get("identifier"),
        prefix=arguments.get("metadataPrefix"),
        set_spec=arguments.get("set"),
        from_text=arguments.get("from"),
        until_text=arguments.get("until"),
    )
    _check_dates(request)
    return request


def _check_dates(request: OaiRequest) -> None:
    since, before = request.since, request.before  # parsing raises badArgument
    if since and before and request.from_text and request.until_text:
        if len(request.from_text) != len(request.until_text):
            raise OaiError("badArgument", "from and until must have the same granularity.")
        if since >= before:
            raise OaiError("badArgument", "from is later than until.")


def resumption_token(request: OaiRequest, *, after_id: int, cursor: int) -> str:
    """The token that continues ``request`` after record ``after_id``."""
    parts = [
        _TOKEN_VERSION,
        request.verb,
        request.prefix or "",
        request.set_spec or "",
        request.from_text or "",
        request.until_text or "",
        str(after_id),
        str(cursor),
    ]
    return base64.urlsafe_b64encode("|".join(parts).encode()).decode().rstrip("=")


def _resumed(verb: str, arguments: dict[str, str], token: str) -> OaiRequest:
    bad = OaiError("badResumptionToken", "This resumption token is not valid.")
    if verb == "ListSets":
        raise bad  # the list of sets comes whole: no token was ever given out for it
    try:
        padded = token + "=" * (-len(token) % 4)
        text = base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8")
    except (UnicodeError, ValueError, binascii.Error):
        raise bad from None
    parts = text.split("|")
    if len(parts) != 8 or parts[0] != _TOKEN_VERSION or parts[1] != verb:
        raise bad
    _, _, prefix, set_spec, from_text, until_text, after, cursor = parts
    if not (after.isascii() and after.isdigit() and cursor.isascii() and cursor.isdigit()):
        raise bad
    if not all(_SAFE_VALUE.fullmatch(value) for value in (prefix, set_spec, from_text, until_text)):
        raise bad
    if verb != "ListSets" and not prefix:
        raise bad
    request = OaiRequest(
        verb=verb,
        arguments=arguments,
        prefix=prefix or None,
        set_spec=set_spec or None,
        from_text=from_text or None,
        until_text=until_text or None,
        after_id=int(after),
        cursor=int(cursor),
        resumed=True,
    )
    try:
        _check_dates(request)
    except OaiError:
        raise bad from None
    return request
