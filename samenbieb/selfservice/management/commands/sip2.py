"""Serve SIP2 to self-service machines (kiosks, return sorters): ``samenbieb sip2``.

TLS with ``--tls-cert`` and ``--tls-key``; plain TCP only with ``--allow-plain`` (kiosk
PINs cross the wire, so plain TCP belongs on a closed network or on localhost). SIGTERM
or Ctrl+C stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import resource
import signal
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from samenbieb.interfaces.sip2.server import ServerOptions, Sip2Server, tls_context

logger = logging.getLogger("samenbieb.sip2")


def open_files_raise() -> int:
    """Raise this process's limit of open files to the hard limit: one per kiosk."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        target = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


class Command(BaseCommand):
    help = "Serve SIP2 2.00 to self-service machines on HOST:PORT (Ctrl+C stops)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=6001)
        parser.add_argument("--tls-cert", default=settings.SIP2["TLS_CERT"], help="PEM file")
        parser.add_argument("--tls-key", default=settings.SIP2["TLS_KEY"], help="PEM file")
        parser.add_argument(
            "--allow-plain",
            action="store_true",
            help="Serve unencrypted TCP (closed networks and localhost only).",
        )
        parser.add_argument(
            "--idle-timeout",
            type=float,
            default=settings.SIP2["IDLE_TIMEOUT_SECONDS"],
            help="Close a connection that sends nothing for this many seconds.",
        )
        # `samenbieb serve` passes its own process id: stop when the server does.
        parser.add_argument("--parent", type=int, default=None, help="(internal)")

    def handle(self, *args: Any, **options: Any) -> None:
        if not 0 < options["port"] < 65536:
            raise CommandError(f"--port must be between 1 and 65535, got {options['port']}")
        cert, key = options["tls_cert"], options["tls_key"]
        if bool(cert) != bool(key):
            raise CommandError("Give both --tls-cert and --tls-key, or neither.")
        if not cert and not options["allow_plain"]:
            raise CommandError(
                "SIP2 carries PINs: give --tls-cert and --tls-key, or --allow-plain for "
                "a closed network or localhost."
            )
        try:
            context = tls_context(cert, key) if cert else None
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot load the TLS certificate or key: {exc}") from exc
        connection.ensure_connection()
        connection.close()
        files = open_files_raise()
        server = Sip2Server(
            ServerOptions(
                host=options["host"],
                port=options["port"],
                ssl_context=context,
                idle_timeout=options["idle_timeout"],
                workers=int(str(settings.SIP2["WORKERS"])),
                max_message_bytes=int(str(settings.SIP2["MAX_MESSAGE_BYTES"])),
            )
        )
        scheme = "TLS" if context else "plain TCP"
        # Written once the socket listens: scripts and tests wait for this line.
        listening = (
            f"Samenbieb SIP2 serves {scheme} on {options['host']}:{options['port']} "
            f"(up to {files} open files; Ctrl+C stops)"
        )
        asyncio.run(self._run(server, options["parent"], listening))
        self.stdout.write("Samenbieb SIP2 stopped")

    async def _run(self, server: Sip2Server, parent: int | None, listening: str) -> None:
        try:
            await server.start()
        except OSError as exc:
            raise CommandError(f"Cannot listen: {exc}") from exc
        self.stdout.write(listening)
        self.stdout.flush()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        serving = asyncio.create_task(server.serve_forever())
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=2)
            if parent is not None and os.getppid() != parent:
                logger.warning("the server that started SIP2 is gone: stopping")
                break
        serving.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await serving
        await server.close()
