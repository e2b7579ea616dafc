"""The real Samenbieb server (`samenbieb serve`) as a child process on free localhost ports,
against the test database: for tests that must kill it, restart it, or read its logs."""

from __future__ import annotations

import contextlib
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

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


WEB_READY = "Samenbieb serves http://"
SIP2_READY = "Samenbieb SIP2 serves"


class _Output(threading.Thread):
    """Copies the server's output into its log, line by line, and lets a test wait for a
    line (the server prints one when each part listens) or for the output to end."""

    def __init__(self, stream: IO[bytes], log: Path) -> None:
        super().__init__(daemon=True)
        self.stream, self.log = stream, log
        self.lines: list[str] = []
        self.ended = False
        self.changed = threading.Condition()

    def run(self) -> None:
        with self.log.open("ab") as out:
            for raw in self.stream:
                out.write(raw)
                out.flush()
                with self.changed:
                    self.lines.append(raw.decode(errors="replace"))
                    self.changed.notify_all()
        with self.changed:
            self.ended = True
            self.changed.notify_all()

    def wait_for(self, *prefixes: str, timeout: float) -> bool:
        """True once a line starting with each prefix has appeared; False if the output
        ended or ``timeout`` passed first."""

        def seen() -> bool:
            return all(any(line.startswith(p) for line in self.lines) for p in prefixes)

        with self.changed:
            self.changed.wait_for(lambda: seen() or self.ended, timeout)
            return seen()


def _group_members(group: int) -> list[int]:
    """The processes in process group ``group`` (from /proc: field 5 of each stat line)."""
    members = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                stat = (entry / "stat").read_text()
                # The command name in parentheses may hold spaces: split after it.
                fields = stat[stat.rindex(")") + 2 :].split()
                if int(fields[2]) == group:
                    members.append(int(entry.name))
    return members


def _wait_for_exit(pids: list[int], timeout: float) -> bool:
    """Block until every process in ``pids`` has exited (pidfds become readable when a
    process ends), or ``timeout`` passes; True when all are gone."""
    descriptors = []
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            descriptors.append(os.pidfd_open(pid))
    try:
        deadline = time.monotonic() + timeout
        waiting = list(descriptors)
        while waiting:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            ready, _, _ = select.select(waiting, [], [], remaining)
            waiting = [fd for fd in waiting if fd not in ready]
        return True
    finally:
        for descriptor in descriptors:
            os.close(descriptor)


@dataclass
class Server:
    log: Path
    env: dict[str, str] = field(default_factory=dict)
    web_port: int = field(default_factory=free_port)
    sip2_port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    output: _Output | None = None

    def start(self) -> Server:
        environment = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "DJANGO_SETTINGS_MODULE": "samenbieb.config.settings",
            "SAMENBIEB_LOG_LEVEL": "DEBUG",
            "PYTHONUNBUFFERED": "1",
            **self.env,
        }
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
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        assert self.process.stdout is not None
        self.output = _Output(self.process.stdout, self.log)
        self.output.start()
        if not self.output.wait_for(WEB_READY, SIP2_READY, timeout=READY_SECONDS):
            self.kill()
            raise AssertionError(f"the server did not start: {self.log.read_text()[-3000:]}")
        return self

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Send ``sig`` to the whole process group and wait until every member is gone."""
        assert self.process is not None
        group = self.process.pid
        members = _group_members(group)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, sig)
        self.process.wait(timeout=60)
        if not _wait_for_exit(members, timeout=30):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGKILL)
            assert _wait_for_exit(members, timeout=30), "the server's processes outlived SIGKILL"
        if self.output is not None:
            self.output.join(timeout=30)

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
