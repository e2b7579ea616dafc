"""The real Samenbieb server (`samenbieb serve`) as a child process on free localhost ports,
against the test database: for tests that must kill it, restart it, or read its logs."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection

from samenbieb.interfaces.sip2 import codec

READY_SECONDS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def database_url() -> str:
    """The URL of the database this test runs on (the test database, not the real one)."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        user = db.get("USER") or "postgres"
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        host = db.get("HOST") or "127.0.0.1"
        return f"postgres://{user}{password}@{host}:{db.get('PORT') or 5432}/{db['NAME']}"
    return f"sqlite:///{db['NAME']}"


@dataclass
class Server:
    log: Path
    env: dict[str, str] = field(default_factory=dict)
    web_port: int = field(default_factory=free_port)
    sip2_port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> Server:
        environment = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "DJANGO_SETTINGS_MODULE": "samenbieb.config.settings",
            "SAMENBIEB_LOG_LEVEL": "DEBUG",
            **self.env,
        }
        with self.log.open("ab") as out:
            # Its own process group, so SIGKILL reaches gunicorn, its workers and SIP2 at once.
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "samenbieb.cli",
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.web_port),
                    "--sip2-port",
                    str(self.sip2_port),
                    "--no-jobs",
                ],
                env=environment,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._wait_until_listening(self.web_port)
        self._wait_until_listening(self.sip2_port)
        return self

    def _wait_until_listening(self, port: int) -> None:
        deadline = time.monotonic() + READY_SECONDS
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise AssertionError(f"the server stopped: {self.log.read_text()[-3000:]}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                return
            time.sleep(0.1)  # polling a port for readiness, not synchronising a result
        raise AssertionError(f"nothing listens on {port}: {self.log.read_text()[-3000:]}")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Send ``sig`` to the whole process group and wait until the leader is gone."""
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, sig)
        self.process.wait(timeout=60)
        # Children outlive a killed leader for a moment; the group must be empty.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                os.killpg(self.process.pid, 0)
            except ProcessLookupError:
                return
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.kill(signal.SIGTERM)
        if self.process is not None:
            self.kill(signal.SIGKILL)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"


class Sip2Connection:
    """A raw SIP2 connection: one request, one reply, as a kiosk speaks."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.buffer = b""

    def send(self, request: str) -> codec.Message:
        self.sock.sendall(request.encode() + b"\r")
        while b"\r" not in self.buffer:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("the server closed the connection")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\r", 1)
        return codec.parse(line + b"\r")

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.close()
