"""Property-based tests of the SIP2 codec (issue 6, point 5).

What a kiosk may send is anything: the codec either returns a :class:`Message` or raises
:class:`MalformedMessage`, never another exception. Messages we format parse back to the
same message, and agree field by field with an independent implementation of SIP2 2.00
(the ``pysip2`` package, written from the same specification by other people) in both
directions: what it encodes, we parse; what we format, it decodes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import string
import zoneinfo
from functools import cache
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pysip2 import codec as independent
from pysip2.models import MESSAGE_SPECS_BY_ID, SIPMessage

from samenbieb.interfaces.sip2.codec import (
    ENCODINGS,
    MESSAGES,
    MalformedMessage,
    Message,
    checksum,
    format_message,
    parse,
    parse_timestamp,
)

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- what a kiosk can legitimately put in a value ---------------------------------------


@cache
def _alphabet(encoding: str) -> str:
    """Printable characters ``encoding`` can carry, without the field separator."""
    if encoding == "utf-8":
        # Dutch names and titles, and well beyond: Latin, Greek, Cyrillic, CJK, emoji.
        ranges = [(0x20, 0x7E), (0xA0, 0x17F), (0x370, 0x3FF), (0x400, 0x4FF), (0x4E00, 0x4E80)]
        chars = "".join(chr(c) for low, high in ranges for c in range(low, high + 1))
        chars += "€–\u2018\u2019\u201c\u201d\U0001f600"  # curly quotes and an emoji
    else:
        chars = bytes(range(0x20, 0x100)).decode(encoding)
    return "".join(c for c in chars if c != "|" and c.isprintable())


def values(encoding: str, max_size: int = 40) -> st.SearchStrategy[str]:
    return st.text(alphabet=_alphabet(encoding), max_size=max_size)


# SIP2 timestamps as kiosks send them: blank, local time (ZZZZ blank) or UTC.
timestamps = st.one_of(
    st.just(" " * 18),
    st.builds(
        lambda day, zone, time: f"{day:%Y%m%d}{zone}{time:%H%M%S}",
        st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)),
        st.sampled_from(["    ", "   Z", " UTC"]),
        st.times(),
    ),
)

field_ids = st.text(alphabet=string.ascii_uppercase, min_size=2, max_size=2)


@st.composite
def messages(draw: st.DrawFn, encoding: str) -> Message:
    """Any message of the specification, fixed fields filled as the specification allows."""
    spec = MESSAGES[draw(st.sampled_from(sorted(MESSAGES)))]
    fixed: dict[str, str] = {}
    for fixed_field in spec.fixed:
        if fixed_field.length == 18 and fixed_field.allowed is None:
            fixed[fixed_field.name] = draw(timestamps)
        else:
            alphabet = fixed_field.allowed or string.printable[:95].replace("|", "")
            fixed[fixed_field.name] = draw(
                st.text(alphabet=alphabet, min_size=fixed_field.length, max_size=fixed_field.length)
            )
    fields = draw(st.lists(st.tuples(field_ids, values(encoding)), max_size=8))
    return Message(code=spec.code, fixed=fixed, fields=tuple(fields))


sequences = st.one_of(st.none(), st.integers(min_value=0, max_value=9))
terminators = st.sampled_from([b"\r", b"\r\n", b""])


# --- round trips -------------------------------------------------------------------------


@FUZZ
@given(data=st.data(), encoding=st.sampled_from(ENCODINGS), sequence=sequences)
def test_every_message_we_format_parses_back_to_the_same_message(
    data: st.DataObject, encoding: str, sequence: int | None
) -> None:
    message = data.draw(messages(encoding))
    wire = format_message(message, encoding=encoding, sequence=sequence)
    assert wire.endswith(b"\r")
    assert b"\r" not in wire[:-1]
    parsed = parse(wire, encoding=encoding, require_error_detection=sequence is not None)
    assert parsed.code == message.code
    assert dict(parsed.fixed) == dict(message.fixed)
    assert parsed.fields == message.fields
    assert parsed.sequence == sequence


@FUZZ
@given(data=st.data(), terminator=terminators, leading_newline=st.booleans())
def test_a_message_parses_the_same_with_any_accepted_terminator(
    data: st.DataObject, terminator: bytes, leading_newline: bool
) -> None:
    """CR, CR LF, or none at all (the reader already split on CR); a LF left over from
    the previous CR LF in front is ignored."""
    message = data.draw(messages("utf-8"))
    wire = format_message(message, sequence=data.draw(sequences))
    variant = (b"\n" if leading_newline else b"") + wire[:-1] + terminator
    assert parse(variant) == parse(wire)


# --- the independent codec ---------------------------------------------------------------


def _printable(encoding: str) -> st.SearchStrategy[str]:
    # The independent codec caps values at 255 encoded bytes, as the specification does.
    return values(encoding, max_size=60)


def _strategy_for(kind: Any, encoding: str) -> st.SearchStrategy[Any]:
    if isinstance(kind, msgspec.inspect.UnionType):
        inner = [t for t in kind.types if not isinstance(t, msgspec.inspect.NoneType)]
        return st.one_of(st.none(), _strategy_for(inner[0], encoding))
    if isinstance(kind, msgspec.inspect.VarTupleType | msgspec.inspect.ListType):
        return st.lists(_strategy_for(kind.item_type, encoding), max_size=3).map(tuple)
    assert isinstance(kind, msgspec.inspect.StrType), kind
    if kind.pattern:
        return st.from_regex(kind.pattern, fullmatch=True).filter(str.isascii)
    if kind.min_length:  # an unconstrained fixed character (the 93's algorithms)
        return st.text(
            alphabet=string.ascii_letters + string.digits,
            min_size=kind.min_length,
            max_size=kind.max_length,
        )
    return _printable(encoding)


@st.composite
def independent_messages(draw: st.DrawFn, encoding: str) -> SIPMessage:
    """A message of every kind both codecs know, built by the independent codec's models."""
    code = draw(st.sampled_from(sorted(set(MESSAGE_SPECS_BY_ID) & set(MESSAGES))))
    struct = MESSAGE_SPECS_BY_ID[code].struct_type
    info = msgspec.inspect.type_info(struct)
    assert isinstance(info, msgspec.inspect.StructType)
    raw = {f.name: draw(_strategy_for(f.type, encoding)) for f in info.fields}
    return msgspec.convert(raw, type=struct)


def _their_view(message: SIPMessage) -> tuple[str, list[str], list[tuple[str, str]]]:
    """(code, fixed values in wire order, (field id, value) in wire order) of their model."""
    spec = next(s for s in MESSAGE_SPECS_BY_ID.values() if s.struct_type is type(message))
    fixed = [getattr(message, f.name) for f in spec.fields if f.field_id is None]
    fields: list[tuple[str, str]] = []
    for f in spec.fields:
        if f.field_id is None:
            continue
        value = getattr(message, f.name)
        if f.repeatable:
            fields += [(f.field_id, item) for item in value]
        elif value is not None:
            fields.append((f.field_id, value))
    return spec.command_id, fixed, fields


def _our_view(message: Message) -> tuple[str, list[str], list[tuple[str, str]]]:
    spec = MESSAGES[message.code]
    return message.code, [message.fixed[f.name] for f in spec.fixed], list(message.fields)


@FUZZ
@given(data=st.data(), encoding=st.sampled_from(ENCODINGS), sequence=sequences)
def test_we_parse_what_an_independent_codec_encodes(
    data: st.DataObject, encoding: str, sequence: int | None
) -> None:
    theirs = data.draw(independent_messages(encoding))
    code = _their_view(theirs)[0]
    # 96/97 carry a checksum without a sequence number; tested on their own below.
    assume(sequence is None or code not in ("96", "97"))
    wire = independent.encode_message(
        theirs, encoding=encoding, checksum=sequence is not None, sequence_number=sequence
    )
    ours = parse(wire, encoding=encoding, require_error_detection=sequence is not None)
    assert _our_view(ours) == _their_view(theirs)
    assert ours.sequence == sequence


@FUZZ
@given(data=st.data(), encoding=st.sampled_from(ENCODINGS), sequence=sequences)
def test_what_we_format_decodes_with_an_independent_codec(
    data: st.DataObject, encoding: str, sequence: int | None
) -> None:
    theirs = data.draw(independent_messages(encoding))
    code, fixed, fields = _their_view(theirs)
    assume(sequence is None or code not in ("96", "97"))
    spec = MESSAGES[code]
    ours = Message(
        code=code,
        fixed={f.name: value for f, value in zip(spec.fixed, fixed, strict=True)},
        fields=tuple(fields),
    )
    wire = format_message(ours, encoding=encoding, sequence=sequence)
    decoded = independent.decode_message(wire, encoding=encoding)
    assert decoded.message == theirs
    assert decoded.sequence_number == sequence
    if sequence is not None:
        assert decoded.checksum == wire[-5:-1].decode("ascii")


@pytest.mark.parametrize("code", ["96", "97"])
def test_a_resend_request_with_a_checksum_is_understood(code: str) -> None:
    """The specification's 96 and 97 carry ``AZ`` without ``AY`` when error detection is on
    ("97AZFEF5")."""
    wire = b"%sAZ%s\r" % (code.encode(), checksum(code.encode() + b"AZ").encode())
    assert parse(wire).code == code


# --- malformed input ---------------------------------------------------------------------


def _parses_or_refuses(data: bytes, **options: Any) -> Message | None:
    try:
        return parse(data, **options)
    except MalformedMessage:
        return None


@FUZZ
@given(
    data=st.binary(max_size=400),
    encoding=st.sampled_from(ENCODINGS),
    require_error_detection=st.booleans(),
)
def test_random_bytes_parse_or_raise_malformed_message_and_nothing_else(
    data: bytes, encoding: str, require_error_detection: bool
) -> None:
    _parses_or_refuses(data, encoding=encoding, require_error_detection=require_error_detection)


@FUZZ
@given(
    code=st.sampled_from(sorted(MESSAGES)),
    rest=st.binary(max_size=300),
    encoding=st.sampled_from(ENCODINGS),
)
def test_a_known_command_followed_by_noise_parses_or_raises_malformed_message(
    code: str, rest: bytes, encoding: str
) -> None:
    _parses_or_refuses(code.encode() + rest + b"\r", encoding=encoding)


@FUZZ
@given(data=st.data(), encoding=st.sampled_from(ENCODINGS))
def test_any_text_after_a_command_parses_or_raises_malformed_message(
    data: st.DataObject, encoding: str
) -> None:
    """Closer to real traffic than random bytes: decodable text with separators, field
    ids, stray AY/AZ and control characters in it."""
    pieces = st.one_of(
        values(encoding, max_size=10),
        st.sampled_from(["|", "AY", "AZ", "AO", "AA", "\n", "\t", "\x00", "\x7f", "AY1AZ"]),
        field_ids,
    )
    text = data.draw(st.sampled_from(sorted(MESSAGES))) + "".join(
        data.draw(st.lists(pieces, max_size=30))
    )
    _parses_or_refuses(text.encode(encoding, errors="replace") + b"\r", encoding=encoding)


@FUZZ
@given(data=st.data(), sequence=st.integers(min_value=0, max_value=9), wrong=st.integers(0, 0xFFFF))
def test_a_wrong_checksum_is_malformed(data: st.DataObject, sequence: int, wrong: int) -> None:
    wire = format_message(data.draw(messages("utf-8")), sequence=sequence)
    right = int(wire[-5:-1], 16)
    assume(wrong != right)
    tampered = wire[:-5] + b"%04X" % wrong + b"\r"
    with pytest.raises(MalformedMessage):
        parse(tampered)


@FUZZ
@given(data=st.data(), sequence=st.integers(min_value=0, max_value=9))
def test_any_byte_changed_in_a_checksummed_message_is_malformed(
    data: st.DataObject, sequence: int
) -> None:
    """With error detection on for the kiosk, one byte changed anywhere in transit (the
    checksum itself, the trailer or the terminator included) is caught."""
    wire = format_message(data.draw(messages("utf-8")), sequence=sequence)
    position = data.draw(st.integers(min_value=0, max_value=len(wire) - 1))
    replacement = data.draw(
        st.integers(min_value=0, max_value=255).filter(lambda b: b != wire[position])
    )
    tampered = wire[:position] + bytes([replacement]) + wire[position + 1 :]
    in_checksum = len(wire) - 5 <= position < len(wire) - 1
    # The checksum's hex digits are read case-insensitively: "a" for "A" is no change.
    assume(not (in_checksum and chr(replacement).upper() == chr(wire[position]).upper()))
    # Cutting the message short at a CR that was not there before is a frame of its own.
    with pytest.raises(MalformedMessage):
        parse(tampered, require_error_detection=True)


@FUZZ
@given(data=st.data(), cut=st.integers(min_value=1, max_value=60))
def test_a_checksummed_message_cut_short_is_malformed(data: st.DataObject, cut: int) -> None:
    """A frame that lost its end (connection dropped, buffer overrun) fails the check."""
    wire = format_message(data.draw(messages("utf-8")), sequence=data.draw(st.integers(0, 9)))
    assume(cut < len(wire) - 1)
    with pytest.raises(MalformedMessage):
        parse(wire[: len(wire) - 1 - cut], require_error_detection=True)


@pytest.mark.parametrize(
    "wire",
    [
        b"",
        b"\r",
        b"\r\n",
        b"1",
        b"XX\r",
        b"00\r",
        b"11\r",  # checkout without its fixed fields
        b"11YN20261123    120000\r",  # cut inside the fixed fields
        b"11QN20261123    120000                  AOx|\r",  # Q is not Y or N
        b"23000\r",
        b"63000" + b"20261123    120000" + b"Y         " + b"A\r",  # half a field id
        b"63000" + b"20261123    120000" + b"Y         " + b"aa1|\r",  # lower-case field id
        b"99012.00\x00\r",
        b"9900802.00\rAOx|\r",  # two frames in one
        b"93  CNkiosk|COpass\x00|\r",
        b"\xff\xfe\xfd\r",
        b"9900802.00AY1AZ0000\r",
    ],
)
def test_known_bad_frames_are_malformed(wire: bytes) -> None:
    with pytest.raises(MalformedMessage):
        parse(wire)


@pytest.mark.parametrize("encoding", ["latin-1", "cp850"])
def test_bytes_that_are_not_in_the_kiosks_encoding_are_malformed_not_replaced(
    encoding: str,
) -> None:
    """A latin-1 "é" on a UTF-8 connection is an error, not a silent "?"."""
    wire = "63000" + "20261123    120000" + "Y         " + "AOÅ|AAé|\r"
    with pytest.raises(MalformedMessage):
        parse(wire.encode(encoding), encoding="utf-8")


@FUZZ
@given(text=st.text(max_size=18).map(lambda t: t.ljust(18)[:18]))
def test_any_timestamp_text_is_a_moment_blank_or_malformed(text: str) -> None:
    with contextlib.suppress(MalformedMessage):
        parse_timestamp(text, zoneinfo.ZoneInfo("Europe/Amsterdam"))
