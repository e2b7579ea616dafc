"""The SIP2 server: one asyncio coroutine per kiosk connection, circulation in worker threads.

An idle connection costs a coroutine and a socket, nothing more, so one process holds
thousands of kiosks. Each message is parsed here, handled by :mod:`handlers` in a bounded
thread pool (Django's database access is synchronous), and answered in order. Framing:
one message per ``\\r``; a malformed message (or a wrong checksum) is answered with
"96" (please resend), as the specification asks. A connection that says nothing for the
idle timeout is closed. Messages are never logged whole: they carry PINs and passwords.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from django.db import close_old_connections, connections

from samenbieb.interfaces.sip2 import codec, handlers

logger = logging.getLogger(__name__)

RESEND = codec.Message.build("96")


@dataclass(frozen=True)
class ServerOptions:
    host: str = "127.0.0.1"
    port: int = 6001
    ssl_context: ssl.SSLContext | None = None
    idle_timeout: float = 600
    workers: int = 8
    max_message_bytes: int = 8192


def tls_context(cert: str | Path, key: str | Path) -> ssl.SSLContext:
    """A server TLS context (TLS 1.2 or newer) from PEM certificate and key files."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(certfile=str(cert), keyfile=str(key))
    return context


def _handle_in_thread(state: handlers.SessionState, message: codec.Message) -> codec.Message:
    # Like a web request: a fresh or healthy database connection for each message.
    close_old_connections()
    try:
        return handlers.handle(state, message)
    finally:
        close_old_connections()


class Sip2Server:
    def __init__(self, options: ServerOptions) -> None:
        self.options = options
        self.connections = 0
        self._server: asyncio.Server | None = None
        self._executor = ThreadPoolExecutor(max_workers=options.workers, thread_name_prefix="sip2")

    @property
    def port(self) -> int:
        """The port listened on (useful when started on port 0)."""
        if self._server is None or not self._server.sockets:
            return self.options.port
        return int(self._server.sockets[0].getsockname()[1])

    async def start(self) -> None:
        self._server = await asyncio.start_server(
            self._connection,
            self.options.host,
            self.options.port,
            ssl=self.options.ssl_context,
            limit=self.options.max_message_bytes,
            backlog=1024,
            ssl_handshake_timeout=30 if self.options.ssl_context else None,
        )

    async def serve_forever(self) -> None:
        if self._server is None:
            await self.start()
        assert self._server is not None  # noqa: S101 - set by start()
        async with self._server:
            await self._server.serve_forever()

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), timeout=5)
        await asyncio.get_running_loop().run_in_executor(None, self._workers_stop)

    def _workers_stop(self) -> None:
        """Close every worker thread's database connection (kept open between messages),
        then the pool. One task per worker, held at a barrier so each runs on its own thread."""
        workers = self.options.workers
        barrier = threading.Barrier(workers)

        def close_connection() -> None:
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=10)
            connections.close_all()

        for future in [self._executor.submit(close_connection) for _ in range(workers)]:
            with contextlib.suppress(Exception):
                future.result(timeout=30)
        self._executor.shutdown(wait=True, cancel_futures=True)

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peername") or ("?", 0)
        state = handlers.SessionState(peer_ip=str(peer[0]))
        self.connections += 1
        logger.debug("connection from %s", state.peer_ip)
        try:
            await self._converse(reader, writer, state)
        except (ConnectionError, ssl.SSLError) as exc:
            logger.debug("connection from %s ended: %s", state.peer_ip, type(exc).__name__)
        finally:
            self.connections -= 1
            writer.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(writer.wait_closed(), timeout=5)

    async def _converse(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        state: handlers.SessionState,
    ) -> None:
        loop = asyncio.get_running_loop()
        last_reply: bytes | None = None
        while True:
            try:
                frame = await asyncio.wait_for(
                    reader.readuntil(codec.TERMINATOR), timeout=self.options.idle_timeout
                )
            except TimeoutError:
                logger.info("closing idle connection from %s", state.peer_ip)
                return
            except asyncio.IncompleteReadError:
                return  # the kiosk hung up
            except asyncio.LimitOverrunError:
                logger.warning("message too long from %s: closing", state.peer_ip)
                return
            try:
                message = codec.parse(
                    frame,
                    encoding=state.encoding,
                    # A resend request may come bare, even on a checksummed connection.
                    require_error_detection=state.uses_error_detection
                    and not frame.startswith((b"96", b"97")),
                )
            except codec.MalformedMessage as exc:
                logger.info("malformed message from %s: %s", state.peer_ip, exc)
                writer.write(codec.format_message(RESEND))
                await writer.drain()
                continue
            if message.sequence is not None:
                state.uses_error_detection = True
            if logger.isEnabledFor(logging.DEBUG):
                logger.debug("%s → %s", state.peer_ip, handlers.redacted(message))
            if message.code == "97":
                writer.write(last_reply or codec.format_message(RESEND))
                await writer.drain()
                continue
            try:
                reply = await loop.run_in_executor(
                    self._executor, _handle_in_thread, state, message
                )
            except handlers.NotLoggedIn:
                logger.info("message %s before login from %s: closing", message.code, state.peer_ip)
                return
            except Exception:
                logger.exception("SIP2 message %s from %s failed", message.code, state.peer_ip)
                return
            last_reply = codec.format_message(
                reply, encoding=state.encoding, sequence=message.sequence
            )
            writer.write(last_reply)
            await writer.drain()
            if state.close_after_reply:
                return


class ServerThread:
    """The server on its own event loop in a background thread (tests, benchmarks)."""

    def __init__(self, options: ServerOptions) -> None:
        self.server = Sip2Server(options)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="sip2-server", daemon=True)
        self._started = threading.Event()
        self._error: BaseException | None = None

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self.server.start())
        except BaseException as exc:  # reported by start()
            self._error = exc
            self._started.set()
            return
        self._started.set()
        self._loop.run_forever()
        self._loop.run_until_complete(self.server.close())
        self._loop.close()

    def start(self) -> int:
        """Start serving; returns the port."""
        self._thread.start()
        self._started.wait(timeout=30)
        if self._error is not None:
            raise self._error
        return self.server.port

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=30)

    def __enter__(self) -> ServerThread:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
