"""Fuzzing a running SIP2 server (issue 6, point 5).

A real server (:class:`ServerThread`, an ephemeral port on localhost) and real sockets. Garbage
of every kind — random bytes, broken frames, wrong checksums, oversized messages, frames
that never end — gets a resend request (``96``) or a closed connection; the server goes on
serving every other connection, and nothing in the database changes. Every reply of an
ordinary kiosk session decodes with an independent SIP2 implementation (``pysip2``), in
each encoding a machine account can have, with and without error detection.
"""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pysip2 import codec as independent

from samenbieb.circulation.models import Charge, Hold, Loan, Transit
from samenbieb.core.models import AuditEvent
from samenbieb.interfaces.sip2 import codec
from samenbieb.interfaces.sip2.server import ServerOptions, ServerThread
from samenbieb.members.auth import member_password_set
from samenbieb.selfservice.services import kiosk_add
from tests.factories import (
    BranchFactory,
    CirculationRuleFactory,
    ItemFactory,
    LibraryCardFactory,
    MembershipFactory,
    OpeningHoursFactory,
    OrganisationFactory,
    PersonFactory,
    RecordFactory,
)

KIOSK_PASSWORD = "Zelfservice-Utrecht-2026"
PIN = "pin-of-marloes-1234"
RESEND = b"96\r"
READ_TIMEOUT_S = 10  # a bound on waiting for a reply, never a synchronisation sleep
MAX_MESSAGE_BYTES = 8192
TS = "20261121    101500"  # a transaction date as kiosks send it
BLANK = " " * 18

FUZZ = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@dataclass
class Live:
    port: int
    kiosk: str
    card: str
    barcodes: list[str]
    encoding: str
    connections: dict[str, Kiosk] = field(default_factory=dict)

    def session(self, name: str = "fuzz") -> Kiosk:
        """A logged-in connection kept across a property test's examples (a login costs an
        Argon2 hash); a new one when the server closed the last."""
        kiosk = self.connections.get(name)
        if kiosk is None or not kiosk.open:
            kiosk = self.connections[name] = Kiosk(self)
            kiosk.login()
        return kiosk


def _live_world(encoding: str) -> tuple[str, str, list[str]]:
    library = OrganisationFactory(name="Bibliotheek Ütrecht", isil="NL-UtrFuzz")
    branch = BranchFactory(organisation=library, code="centrum", name="Centrum")
    for weekday in range(7):
        OpeningHoursFactory(branch=branch, weekday=weekday)
    CirculationRuleFactory(organisation=library)
    person = PersonFactory(
        home_organisation=library, given_name="Marloes", family_name="Ĳzerman-Çelik"
    )
    card = LibraryCardFactory(person=person).barcode
    MembershipFactory(person=person, starts_on=dt.date(2020, 1, 1), ends_on=dt.date(2099, 1, 1))
    member_password_set(person=person, password=PIN)
    titles = ["De ontdekking van de hemel", "Één voor één: Ærø & Ødegård", "Über Café Noël"]
    barcodes = [
        ItemFactory(
            organisation=library, home_branch=branch, record=RecordFactory(title=title)
        ).barcode
        for title in titles
    ]
    kiosk = kiosk_add(
        actor=None,
        branch=branch,
        username=f"kiosk-fuzz-{encoding}",
        password=KIOSK_PASSWORD,
        encoding=encoding,
    )
    return kiosk.username, card, barcodes


@pytest.fixture(params=["utf-8"])
def live(request: pytest.FixtureRequest, transactional_db: None) -> Iterator[Live]:
    kiosk, card, barcodes = _live_world(request.param)
    options = ServerOptions(port=0, idle_timeout=60, workers=2, max_message_bytes=MAX_MESSAGE_BYTES)
    with ServerThread(options) as server:
        live = Live(server.server.port, kiosk, card, barcodes, request.param)
        yield live
        for connection in live.connections.values():
            connection.close()


class Kiosk:
    """A blocking SIP2 client: one socket, one request and one reply at a time."""

    def __init__(self, live: Live) -> None:
        self.live = live
        self.sock = socket.create_connection(("127.0.0.1", live.port), timeout=READ_TIMEOUT_S)
        self.buffer = b""
        self.open = True

    def close(self) -> None:
        self.sock.close()

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def reply(self) -> bytes:
        """The next reply (with its ``\\r``), or ``b""`` when the server closed the connection."""
        while b"\r" not in self.buffer:
            try:
                chunk = self.sock.recv(65536)
            except ConnectionResetError:
                chunk = b""
            if not chunk:
                self.open = False
                return b""
            self.buffer += chunk
        reply, _, self.buffer = self.buffer.partition(b"\r")
        return reply + b"\r"

    def ask(self, message: codec.Message, sequence: int | None = None) -> bytes:
        self.send(codec.format_message(message, encoding=self.live.encoding, sequence=sequence))
        return self.reply()

    def login(self) -> None:
        reply = self.ask(
            codec.Message.build("93", {"uid_algorithm": "0", "pwd_algorithm": "0"},
                                [("CN", self.live.kiosk), ("CO", KIOSK_PASSWORD), ("CP", "x")])
        )  # fmt: skip
        assert reply == b"941\r"

    def closed(self) -> bool:
        """Whether the server has closed this connection (reads what is left, without waiting
        for anything that is not already on its way)."""
        return self.reply() == b""


def status() -> codec.Message:
    return codec.Message.build(
        "99", {"status_code": "0", "max_print_width": "040", "protocol_version": "2.00"}
    )


def patron_information(card: str, pin: str | None = PIN) -> codec.Message:
    return codec.Message.build(
        "63",
        {"language": "005", "transaction_date": TS, "summary": "  Y       "},
        [("AO", "NL-UtrFuzz"), ("AA", card), ("AC", ""), ("AD", pin)],
    )


def checkout(card: str, barcode: str) -> codec.Message:
    return codec.Message.build(
        "11",
        {"sc_renewal_policy": "Y", "no_block": "N", "transaction_date": TS, "nb_due_date": BLANK},
        [("AO", "NL-UtrFuzz"), ("AA", card), ("AB", barcode), ("AC", ""), ("AD", PIN)],
    )


def checkin(barcode: str) -> codec.Message:
    return codec.Message.build(
        "09",
        {"no_block": "N", "transaction_date": TS, "return_date": BLANK},
        [("AP", "centrum"), ("AO", "NL-UtrFuzz"), ("AB", barcode), ("AC", "")],
    )


def state() -> dict[str, int]:
    """What a malformed message must never change."""
    return {
        "loans": Loan.objects.count(),
        "open_loans": Loan.objects.filter(returned_at__isnull=True).count(),
        "charges": Charge.objects.count(),
        "holds": Hold.objects.count(),
        "transits": Transit.objects.count(),
        "audit_events": AuditEvent.objects.count(),
    }


def serves(live: Live) -> bool:
    """A fresh connection can log in and get the status: the server is up and answering."""
    kiosk = Kiosk(live)
    try:
        kiosk.login()
        return kiosk.ask(status()).startswith(b"98")
    finally:
        kiosk.close()


def independent_decode(reply: bytes, encoding: str) -> object:
    return independent.decode_message(reply, encoding=encoding).message


# --- every reply decodes with an independent codec -------------------------------------


@pytest.mark.parametrize("live", ["utf-8", "latin-1", "cp850"], indirect=True)
@pytest.mark.parametrize("sequence", [None, 3])
def test_every_reply_of_a_kiosk_session_decodes_with_an_independent_codec(
    live: Live, sequence: int | None
) -> None:
    kiosk = Kiosk(live)
    card, (first, second, third) = live.card, live.barcodes

    messages = [
        codec.Message.build("93", {"uid_algorithm": "0", "pwd_algorithm": "0"},
                            [("CN", live.kiosk), ("CO", KIOSK_PASSWORD)]),
        status(),
        codec.Message.build("23", {"language": "005", "transaction_date": TS},
                            [("AO", "NL-UtrFuzz"), ("AA", card), ("AC", ""), ("AD", PIN)]),
        patron_information(card),
        checkout(card, first),
        checkout(card, second),
        checkout(card, first),  # already on loan to this member: a renewal
        codec.Message.build(
            "63", {"language": "001", "transaction_date": TS, "summary": "  Y       "},
            [("AO", "NL-UtrFuzz"), ("AA", card), ("AD", PIN), ("BP", "1"), ("BQ", "5")]),
        codec.Message.build("17", {"transaction_date": TS}, [("AO", "x"), ("AB", first)]),
        codec.Message.build("17", {"transaction_date": TS}, [("AO", "x"), ("AB", "0000000")]),
        codec.Message.build("29", {"third_party_allowed": "N", "no_block": "N",
                                   "transaction_date": TS, "nb_due_date": BLANK},
                            [("AO", "x"), ("AA", card), ("AB", second), ("AD", PIN)]),
        codec.Message.build("65", {"transaction_date": TS},
                            [("AO", "x"), ("AA", card), ("AD", PIN)]),
        checkin(first),
        checkin(second),
        checkin(first),  # not on loan any more
        checkin("9999999999999"),  # unknown item
        checkout(card, third),
        checkout("0000000000000", third),  # unknown card
        codec.Message.build("37", {"transaction_date": TS, "fee_type": "01",
                                   "payment_type": "00", "currency_type": "EUR"},
                            [("AO", "x"), ("AA", card), ("AD", PIN), ("BV", "1.00")]),
        codec.Message.build("15", {"hold_mode": "+", "transaction_date": TS},
                            [("AO", "x"), ("AA", card), ("AB", third)]),
        codec.Message.build("19", {"transaction_date": TS},
                            [("AO", "x"), ("AB", third), ("CH", "x")]),
        codec.Message.build("35", {"transaction_date": TS}, [("AO", "x"), ("AA", card)]),
        patron_information(card, pin="wrong pin"),
        patron_information(card, pin=None),
    ]  # fmt: skip
    expected = ["94", "98", "24", "64", "12", "12", "12", "64", "18", "18", "30", "66",
                "10", "10", "10", "10", "12", "12", "38", "16", "20", "36",
                "64", "64"]  # fmt: skip
    try:
        for message, code in zip(messages, expected, strict=True):
            reply = kiosk.ask(message, sequence=sequence)
            assert reply[:2].decode() == code, (message.code, reply)
            decoded = independent.decode_message(reply, encoding=live.encoding)
            assert decoded.sequence_number == sequence
            assert (decoded.checksum is not None) == (sequence is not None)
            # And ours agrees with itself: the reply parses with the kiosk's settings.
            codec.parse(reply, encoding=live.encoding, require_error_detection=sequence is not None)
    finally:
        kiosk.close()


@pytest.mark.parametrize(("request_code", "reply_code"), [("01", "24"), ("25", "26")])
def test_block_patron_and_patron_enable_replies_decode_with_an_independent_codec(
    live: Live, request_code: str, reply_code: str
) -> None:
    message = {
        "01": codec.Message.build("01", {"card_retained": "N", "transaction_date": TS},
                                  [("AO", "x"), ("AL", "weg"), ("AA", live.card), ("AC", "")]),
        "25": codec.Message.build("25", {"transaction_date": TS},
                                  [("AO", "x"), ("AA", live.card)]),
    }[request_code]  # fmt: skip
    kiosk = Kiosk(live)
    try:
        kiosk.login()
        reply = kiosk.ask(message)
    finally:
        kiosk.close()
    assert reply.startswith(reply_code.encode())
    independent.decode_message(reply, encoding=live.encoding)


# --- malformed input -------------------------------------------------------------------

frame_bodies = st.one_of(
    st.binary(max_size=300),
    st.builds(
        lambda code, noise: code + noise,
        st.sampled_from([c.encode() for c in sorted(codec.MESSAGES)]),
        st.binary(max_size=200),
    ),
    st.lists(
        st.sampled_from([*"0123456789AZYNOBC |\n\t\x00\x7féü", "AY", "AZ", "AA"]), max_size=80
    ).map(lambda pieces: "".join(pieces).encode("utf-8")),
).map(lambda body: body.replace(b"\r", b""))


@FUZZ
@given(body=frame_bodies)
def test_malformed_frames_get_a_resend_request_or_a_closed_connection_and_change_nothing(
    live: Live, body: bytes
) -> None:
    frame = body + b"\r"
    try:
        codec.parse(frame, encoding=live.encoding)
    except codec.MalformedMessage:
        malformed = True
    else:
        malformed = False
    kiosk = live.session()
    before = state()
    kiosk.send(frame)
    reply = kiosk.reply()
    if malformed:
        assert reply in (RESEND, b"")
        assert state() == before
    if reply == RESEND:
        # The same connection goes on as if nothing happened.
        assert kiosk.ask(status()).startswith(b"98")
    elif reply:
        independent_decode(reply, live.encoding)
    # And another kiosk's connection is served.
    assert live.session("witness").ask(status()).startswith(b"98")


@FUZZ
@given(data=st.data(), sequence=st.integers(min_value=0, max_value=9))
def test_a_checkout_changed_in_transit_is_refused_with_a_resend_request(
    live: Live, data: st.DataObject, sequence: int
) -> None:
    """Any byte of the message changed (the error detection trailer intact): the checksum
    does not match, the reply is 96 and no loan is made."""
    wire = codec.format_message(
        checkout(live.card, live.barcodes[0]), encoding=live.encoding, sequence=sequence
    )
    trailer = len(wire) - len(b"AY0AZ0000\r")
    position = data.draw(st.integers(min_value=0, max_value=trailer - 1), label="position")
    byte = data.draw(st.integers(1, 255).filter(lambda b: b not in (wire[position], 13)))
    tampered = wire[:position] + bytes([byte]) + wire[position + 1 :]
    kiosk = live.session()
    assert kiosk.ask(patron_information(live.card)).startswith(b"64")
    before = state()
    kiosk.send(tampered)
    assert kiosk.reply() in (RESEND, b"")
    assert state() == before


@pytest.mark.parametrize(
    ("damage", "replacement"),
    [("sequence digit", b" "), ("AY", b"AX"), ("checksum digit", b"G")],
)
def test_a_checkout_whose_error_detection_trailer_was_damaged_is_not_executed(
    live: Live, damage: str, replacement: bytes
) -> None:
    kiosk = Kiosk(live)
    try:
        kiosk.login()
        assert kiosk.ask(patron_information(live.card), sequence=0).startswith(b"64")
        wire = codec.format_message(checkout(live.card, live.barcodes[0]), sequence=1)
        trailer = len(wire) - len(b"AY0AZ0000\r")
        position = {"sequence digit": trailer + 2, "AY": trailer, "checksum digit": trailer + 6}
        at = position[damage]
        tampered = wire[:at] + replacement + wire[at + len(replacement) :]
        kiosk.send(tampered)
        assert kiosk.reply() in (RESEND, b"")
        assert Loan.objects.count() == 0
    finally:
        kiosk.close()


def test_the_intact_checkout_after_a_resend_request_goes_through(live: Live) -> None:
    """The other half of the test above: the refusal was about the checksum."""
    wire = codec.format_message(checkout(live.card, live.barcodes[0]), sequence=1)
    kiosk = Kiosk(live)
    try:
        kiosk.login()
        kiosk.send(wire[:-5] + b"%04X" % ((int(wire[-5:-1], 16) + 1) & 0xFFFF) + b"\r")
        assert kiosk.reply() == RESEND
        assert Loan.objects.count() == 0
        kiosk.send(wire)
        reply = kiosk.reply()
        assert reply.startswith(b"121"), reply
        assert Loan.objects.filter(item__barcode=live.barcodes[0]).count() == 1
    finally:
        kiosk.close()


def test_request_acs_resend_repeats_the_last_reply_without_doing_it_again(live: Live) -> None:
    kiosk = Kiosk(live)
    try:
        kiosk.login()
        first = kiosk.ask(checkout(live.card, live.barcodes[0]), sequence=4)
        assert first.startswith(b"121")
        again = kiosk.ask(codec.Message.build("97"))
        assert again == first
        assert Loan.objects.count() == 1
    finally:
        kiosk.close()


def test_an_oversized_message_closes_that_connection_only(live: Live) -> None:
    other = Kiosk(live)
    kiosk = Kiosk(live)
    try:
        other.login()
        kiosk.login()
        before = state()
        kiosk.send(b"63000" + TS.encode() + b"Y         AA" + b"7" * (4 * MAX_MESSAGE_BYTES))
        assert kiosk.closed()
        assert other.ask(status()).startswith(b"98")
        assert state() == before
    finally:
        kiosk.close()
        other.close()
    assert serves(live)


def _with(message: codec.Message, field_id: str, value: str) -> codec.Message:
    """``message`` with the field's value replaced, or the field added."""
    fields = list(message.fields)
    for index, (fid, _value) in enumerate(fields):
        if fid == field_id:
            fields[index] = (fid, value)
            break
    else:
        fields.append((field_id, value))
    return codec.Message(code=message.code, fixed=message.fixed, fields=tuple(fields))


@pytest.mark.parametrize(
    "field_id",
    [
        "AA",
        "AB",
        "AD",
        "AO",
        "AF",
        "BP",
        "ZZ",
    ],
)
def test_an_oversized_field_within_the_message_limit_is_answered_and_changes_nothing(
    live: Live, field_id: str
) -> None:
    """The specification allows 255 characters per field; a kiosk sending 5,000 gets an
    answer (a refusal) or a resend request, not a crash."""
    huge = "9" * 5000
    messages = [
        _with(patron_information(live.card), field_id, huge),
        _with(checkout(live.card, "nothing"), field_id, huge),
        _with(checkin("nothing"), field_id, huge),
    ]
    kiosk = Kiosk(live)
    try:
        kiosk.login()
        before = state()
        for message in messages:
            reply = kiosk.ask(message)
            assert reply == RESEND or reply[:2] in (b"64", b"12", b"10"), reply
            if reply != RESEND:
                independent_decode(reply, live.encoding)
        assert state() == before
    finally:
        kiosk.close()
    assert serves(live)


def test_a_message_that_never_ends_is_not_answered_and_hanging_up_is_harmless(
    live: Live,
) -> None:
    kiosk = Kiosk(live)
    try:
        kiosk.login()
        before = state()
        kiosk.send(codec.format_message(checkout(live.card, live.barcodes[0]))[:-1])
        kiosk.sock.shutdown(socket.SHUT_WR)  # no terminator will come
        assert kiosk.closed()
        assert state() == before
    finally:
        kiosk.close()
    assert serves(live)


def test_garbage_before_login_gets_resend_and_a_real_message_before_login_closes(
    live: Live,
) -> None:
    kiosk = Kiosk(live)
    try:
        kiosk.send(b"\x00\xff\xfegarbage\r")
        assert kiosk.reply() == RESEND
        kiosk.send(codec.format_message(checkout(live.card, live.barcodes[0])))
        assert kiosk.closed()
    finally:
        kiosk.close()
    assert Loan.objects.count() == 0


def test_a_refused_login_closes_the_connection(live: Live) -> None:
    kiosk = Kiosk(live)
    try:
        reply = kiosk.ask(
            codec.Message.build("93", {"uid_algorithm": "0", "pwd_algorithm": "0"},
                                [("CN", live.kiosk), ("CO", "not the password")])
        )  # fmt: skip
        assert reply == b"940\r"
        assert kiosk.closed()
    finally:
        kiosk.close()


def test_many_connections_of_noise_at_once_leave_the_server_serving(live: Live) -> None:
    noisy = [Kiosk(live) for _ in range(40)]
    before = state()
    try:
        for number, kiosk in enumerate(noisy):
            kiosk.send(bytes(range(number, 256)).replace(b"\r", b"") * 3 + b"\r")
        for kiosk in noisy:
            assert kiosk.reply() in (RESEND, b"")
        assert state() == before
        assert serves(live)
    finally:
        for kiosk in noisy:
            kiosk.close()
