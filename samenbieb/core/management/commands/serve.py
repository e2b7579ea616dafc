"""Serve Samenbieb's web interface with gunicorn (a production WSGI server), with the
background jobs (``samenbieb jobs``) in a child process unless ``--no-jobs``, and the SIP2
server for self-service machines (``samenbieb sip2``) in another unless ``--no-sip2``."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from gunicorn.app.base import BaseApplication

from samenbieb.config.wsgi import application


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return application


class Command(BaseCommand):
    help = "Serve the web interface (portal, desk, administration) on HOST:PORT."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--threads", type=int, default=4)
        parser.add_argument(
            "--no-jobs",
            action="store_true",
            help="Do not run the background jobs beside the server (run `samenbieb jobs`).",
        )
        parser.add_argument(
            "--no-sip2",
            action="store_true",
            help="Do not run the SIP2 server for self-service machines (run `samenbieb sip2`).",
        )
        parser.add_argument(
            "--sip2-port",
            type=int,
            default=settings.SIP2["PORT"],
            help="Port of the SIP2 server (default 6001).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not 0 < options["port"] < 65536:
            raise CommandError(f"--port must be between 1 and 65535, got {options['port']}")
        # Fail here with one clear line rather than in every worker.
        connection.ensure_connection()
        connection.close()
        if settings.MAIL_DIR is not None:
            self.stdout.write(f"Mail is not sent: each message is written to {settings.MAIL_DIR}")
        jobs = None if options["no_jobs"] else jobs_start()
        sip2 = None
        if not options["no_sip2"]:
            sip2 = sip2_start(host=options["host"], port=options["sip2_port"])
            scheme = "TLS" if settings.SIP2["TLS_CERT"] else "plain TCP, this machine only"
            self.stdout.write(
                f"SIP2 for self-service machines on port {options['sip2_port']} ({scheme})"
            )
        try:
            self._serve(options)
        finally:
            if sip2 is not None:
                child_stop(sip2, timeout=10)
            if jobs is not None:
                jobs_stop(jobs)

    def _serve(self, options: dict[str, Any]) -> None:
        address = f"http://{options['host']}:{options['port']}/"

        def when_ready(_arbiter: Any) -> None:
            # Written once gunicorn listens: scripts and tests wait for this line.
            self.stdout.write(f"Samenbieb serves {address} (Ctrl+C stops)")
            self.stdout.flush()

        _Gunicorn(
            {
                "bind": f"{options['host']}:{options['port']}",
                "workers": options["workers"],
                "threads": options["threads"],
                "worker_class": "gthread",
                "accesslog": None,
                "errorlog": "-",
                "loglevel": "warning",
                "timeout": 60,
                "when_ready": when_ready,
            }
        ).run()


def jobs_start() -> subprocess.Popen[bytes]:
    """Start ``samenbieb jobs`` as a child process that stops when this one does."""
    return subprocess.Popen(  # noqa: S603 - our own interpreter and module, fixed arguments
        [sys.executable, "-m", "samenbieb.cli", "jobs", "--parent", str(os.getpid())]
    )


def jobs_stop(jobs: subprocess.Popen[bytes], *, timeout: float = 30) -> None:
    """Ask the jobs to stop after the running one; kill them if they take too long."""
    child_stop(jobs, timeout=timeout)


def child_stop(child: subprocess.Popen[bytes], *, timeout: float = 30) -> None:
    """Ask a child process to stop; kill it if it takes too long."""
    if child.poll() is not None:
        return
    child.terminate()
    try:
        child.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


def sip2_start(*, host: str, port: int) -> subprocess.Popen[bytes]:
    """Start ``samenbieb sip2`` as a child process that stops when this one does.

    With a TLS certificate configured (SAMENBIEB_SIP2_TLS_CERT/KEY) it listens on the web
    server's host over TLS; without, on 127.0.0.1 in plain TCP, so PINs never cross a
    network unencrypted (the demo's kiosks run on the same machine).
    """
    arguments = ["--port", str(port), "--parent", str(os.getpid())]
    if settings.SIP2["TLS_CERT"] and settings.SIP2["TLS_KEY"]:
        arguments += ["--host", host]
    else:
        arguments += ["--host", "127.0.0.1", "--allow-plain"]
    return subprocess.Popen(  # noqa: S603 - our own interpreter and module, fixed arguments
        [sys.executable, "-m", "samenbieb.cli", "sip2", *arguments]
    )
