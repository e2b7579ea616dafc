"""The SIP2 server on a free localhost port, spoken to by an independent client library
(`sip2` from PyPI, the low-level ``Sip2`` class) and by raw sockets.

The server runs on its own event loop in a background thread of the test process, with the
test database (transactional, so its worker threads see what the test wrote).
"""

from __future__ import annotations

import datetime as dt
import logging
import socket
import ssl

import pytest
from django.utils import timezone
from Sip2.sip2 import Sip2

from samenbieb.circulation import queries as circulation_queries
from samenbieb.interfaces.sip2 import codec
from samenbieb.interfaces.sip2.server import ServerOptions, ServerThread, tls_context
from tests.factories import ConsentFactory, RecordFactory
from tests.interfaces.sip2.conftest import KIOSK_PASSWORD, PIN, world_build


@pytest.fixture
def world(transactional_db):
    return world_build()


def _serve(**options) -> ServerThread:
    server = ServerThread(ServerOptions(host="127.0.0.1", port=0, workers=4, **options))
    server.start()
    return server


@pytest.fixture
def server(world):
    running = _serve(idle_timeout=60)
    yield running
    running.stop()


def _client(port: int, tmp_path, *, tls: bool = False, institution: str = "") -> Sip2:
    client = Sip2()
    client.hostName = "localhost" if tls else "127.0.0.1"
    client.hostPort = port
    client.tlsEnable = tls
    client.tlsAcceptSelfsigned = True
    client.socketTimeout = 20
    client.logfile_path = str(tmp_path)
    # The library logs whole requests (PINs included) at INFO: keep its own log quiet.
    client.loglevel = "WARNING"
    client.institutionId = institution
    client.scLocation = "kiosk"
    client.connect()
    return client


def _close(client: Sip2) -> None:
    if client._socket is not None:
        client._socket.close()
        client._socket = None


def _login(client: Sip2, name: str = "kiosk-a1", password: str = KIOSK_PASSWORD) -> dict:
    return client.sip_login_response(client.get_response(client.sip_login_request(name, password)))


def _patron(client: Sip2, card: str, pin: str) -> None:
    client.patron = card
    client.patronpwd = pin


def _info(client: Sip2, kind: str = "none") -> dict:
    request = client.sip_patron_information_request(kind)
    return client.sip_patron_information_response(client.get_response(request))


def test_a_kiosk_logs_in_lends_and_takes_back_and_the_desk_sees_the_same_loans(
    world, server, tmp_path
):
    member = world.member(given_name="Sanne", family_name="Boer")
    ConsentFactory(person=member, kind="loan_history", given=True)
    item = world.copy(world.a1, record=RecordFactory(title="Max Havelaar"))
    client = _client(server.server.port, tmp_path, institution=world.a.isil)
    try:
        assert _login(client)["fixed"]["Ok"] == "1"
        status = client.sip_sc_status_response(client.get_response(client.sip_sc_status_request()))
        assert status["fixed"]["OnlineStatus"] == "Y"
        assert status["variable"]["AO"] == [world.a.isil]

        _patron(client, member.card, PIN)
        info = _info(client)
        assert info["variable"]["BL"] == ["Y"]
        assert info["variable"]["CQ"] == ["Y"]
        assert info["variable"]["AE"] == ["Sanne Boer"]
        assert info["fixed"]["ChargedItemsCount"] == "0000"

        out = client.sip_checkout_response(
            client.get_response(client.sip_checkout_request(item.barcode))
        )
        assert out["fixed"]["Ok"] == "1"
        assert out["variable"]["AJ"] == ["Max Havelaar"]
        loans = list(circulation_queries.loans_open(member))
        assert [loan.item_id for loan in loans] == [item.pk]
        assert out["variable"]["AH"] == [codec.format_date(loans[0].due_on)]
        assert _info(client, "charged")["variable"]["AU"] == [item.barcode]

        back = client.sip_checkin_response(
            client.get_response(client.sip_checkin_request(item.barcode))
        )
        assert back["fixed"]["Ok"] == "1"
        assert back["fixed"]["Alert"] == "N"
        assert not circulation_queries.loans_open(member).exists()
        history = list(circulation_queries.loan_history(member))
        assert [(loan.item_id, loan.branch_id, loan.return_branch_id) for loan in history] == [
            (item.pk, world.a1.pk, world.a1.pk)
        ]
        ended = client.sip_end_patron_session_response(
            client.get_response(client.sip_end_patron_session_request())
        )
        assert ended["fixed"]["EndSession"] == "Y"
    finally:
        _close(client)


def test_a_wrong_kiosk_password_is_refused_and_the_connection_closed(world, server, tmp_path):
    client = _client(server.server.port, tmp_path)
    try:
        assert _login(client, password="not-the-password")["fixed"]["Ok"] == "0"
        client._socket.settimeout(20)
        assert client._socket.recv(100) == b""  # the server hung up
    finally:
        _close(client)


def test_a_kiosk_outside_its_allowed_addresses_is_refused(world, server, tmp_path):
    world.kiosk.allowed_networks = "192.0.2.0/24"
    world.kiosk.save()
    client = _client(server.server.port, tmp_path)
    try:
        assert _login(client)["fixed"]["Ok"] == "0"
    finally:
        _close(client)
    world.kiosk.allowed_networks = "127.0.0.0/8"
    world.kiosk.save()
    client = _client(server.server.port, tmp_path)
    try:
        assert _login(client)["fixed"]["Ok"] == "1"
    finally:
        _close(client)


def test_a_wrong_pin_is_refused_and_repeated_wrong_pins_lock_the_card(
    world, server, tmp_path, settings
):
    settings.MEMBER_LOGIN_MAX_FAILURES = 2
    member = world.member()
    client = _client(server.server.port, tmp_path)
    try:
        _login(client)
        for _ in range(2):
            _patron(client, member.card, "wrong-pin")
            info = _info(client)
            assert info["variable"]["CQ"] == ["N"]
            assert info["variable"]["AE"] == [""]
        _patron(client, member.card, "")
        assert _info(client)["variable"]["CQ"] == ["N"]  # an empty PIN is never enough
        _patron(client, member.card, PIN)
        locked = _info(client)
        assert locked["variable"]["CQ"] == ["N"]
        assert "too often" in locked["variable"]["AF"][0]
    finally:
        _close(client)


def test_the_pin_and_the_kiosk_password_never_reach_the_logs(world, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    running = _serve(idle_timeout=60)
    member = world.member()
    item = world.copy(world.a1)
    client = _client(running.server.port, tmp_path)
    try:
        _login(client)
        _patron(client, member.card, PIN)
        _info(client)
        client.sip_checkout_response(client.get_response(client.sip_checkout_request(item.barcode)))
        _patron(client, member.card, "wrong-" + PIN)
        _info(client)
    finally:
        _close(client)
        running.stop()
    ours = [record for record in caplog.records if record.name != "Sip2"]
    text = "\n".join(record.getMessage() for record in ours)
    assert any("AD***" in record.getMessage() for record in ours)  # debug lines were written
    assert PIN not in text
    assert KIOSK_PASSWORD not in text


def test_an_idle_connection_is_closed_after_the_idle_timeout(world):
    running = _serve(idle_timeout=0.5)
    try:
        with socket.create_connection(("127.0.0.1", running.server.port), timeout=20) as kiosk:
            started = dt.datetime.now(dt.UTC)
            assert kiosk.recv(100) == b""  # blocks until the server closes
            assert dt.datetime.now(dt.UTC) - started < dt.timedelta(seconds=15)
    finally:
        running.stop()


def test_a_thousand_idle_connections_stay_open_together(world):
    running = _serve(idle_timeout=120)
    kiosks: list[socket.socket] = []
    try:
        for _ in range(1000):
            kiosks.append(socket.create_connection(("127.0.0.1", running.server.port), timeout=20))
        # Each connection is served: a garbled message is answered with "please resend".
        for kiosk in kiosks:
            kiosk.sendall(b"XX\r")
        for kiosk in kiosks:
            assert kiosk.recv(100) == b"96\r"
        # …and all of them are still open afterwards.
        for kiosk in kiosks:
            kiosk.sendall(b"XX\r")
        assert all(kiosk.recv(100) == b"96\r" for kiosk in kiosks)
        assert running.server.connections == 1000
    finally:
        for kiosk in kiosks:
            kiosk.close()
        running.stop()


def _exchange(kiosk: socket.socket, request: bytes) -> bytes:
    kiosk.sendall(request)
    reply = b""
    while not reply.endswith(b"\r"):
        chunk = kiosk.recv(4096)
        assert chunk, "connection closed"
        reply += chunk
    return reply


def test_a_bad_checksum_asks_for_a_resend_and_97_repeats_the_last_reply(world, server):
    with socket.create_connection(("127.0.0.1", server.server.port), timeout=20) as kiosk:
        login = f"9300CNkiosk-a1|CO{KIOSK_PASSWORD}|AY1AZ".encode()
        assert _exchange(kiosk, login + b"0000\r") == b"96\r"
        reply = _exchange(kiosk, login + codec.checksum(login).encode() + b"\r")
        assert codec.parse(reply, require_error_detection=True).fixed == {"ok": "1"}
        status = _exchange(
            kiosk, b"9900302.00AY2AZ" + codec.checksum(b"9900302.00AY2AZ").encode() + b"\r"
        )
        assert codec.parse(status).code == "98"
        assert _exchange(kiosk, b"97\r") == status


def test_messages_before_login_close_the_connection(world, server):
    with socket.create_connection(("127.0.0.1", server.server.port), timeout=20) as kiosk:
        kiosk.sendall(b"9900302.00\r")
        assert kiosk.recv(100) == b""


def _self_signed(tmp_path):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = timezone.now()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "sip2.pem", tmp_path / "sip2.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def test_over_tls_the_kiosk_logs_in_and_plain_text_is_not_understood(world, tmp_path):
    cert, key = _self_signed(tmp_path)
    running = _serve(idle_timeout=60, ssl_context=tls_context(cert, key))
    try:
        context = ssl.create_default_context(cafile=str(cert))
        with (
            socket.create_connection(("127.0.0.1", running.server.port), timeout=20) as raw,
            context.wrap_socket(raw, server_hostname="localhost") as kiosk,
        ):
            reply = _exchange(kiosk, f"9300CNkiosk-a1|CO{KIOSK_PASSWORD}|\r".encode())
            assert codec.parse(reply).fixed == {"ok": "1"}
        with socket.create_connection(("127.0.0.1", running.server.port), timeout=20) as plain:
            plain.sendall(f"9300CNkiosk-a1|CO{KIOSK_PASSWORD}|\r".encode())
            assert b"941" not in plain.recv(100)
    finally:
        running.stop()
