"""Run background jobs: the database worker and the scheduler of periodic jobs.

One process does both (docs/decisions/0006-job-queue.md): every ``--tick`` seconds the
scheduler enqueues the periodic jobs whose time slot came (each slot claimed by a row,
so a second ``samenbieb jobs`` never runs it twice); in between the worker runs the
queued jobs. SIGTERM or Ctrl+C lets the running job finish, then stops.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, close_old_connections
from django.utils.crypto import get_random_string
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker

from samenbieb.core.jobs import schedule_tick, scheduler_name

logger = logging.getLogger("samenbieb.jobs")

# Jobs run per turn of the loop before the scheduler gets its turn again.
BATCH = 50


class Command(BaseCommand):
    help = "Run background jobs and the schedule of periodic jobs (Ctrl+C stops)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Seconds to wait when the queue is empty (default: 1).",
        )
        parser.add_argument(
            "--tick",
            type=float,
            default=30.0,
            help="Seconds between two looks at the schedule (default: 30).",
        )
        parser.add_argument(
            "--no-scheduler",
            action="store_true",
            help="Only run queued jobs; another process schedules the periodic ones.",
        )
        parser.add_argument(
            "--once",
            action="store_true",
            help="Look at the schedule once, run every job that is due, then stop.",
        )
        # `samenbieb serve` passes its own process id: the jobs stop when the server does,
        # even when the server was killed without a chance to stop them.
        parser.add_argument("--parent", type=int, default=None, help="(internal)")

    def handle(self, *args: Any, **options: Any) -> None:
        backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
        if not isinstance(backend, DatabaseBackend):
            raise CommandError(
                "samenbieb jobs runs the database job queue, but TASKS['default'] uses "
                f"{type(backend).__name__}."
            )
        if options["interval"] < 0 or options["tick"] <= 0:
            raise CommandError("--interval must be 0 or more and --tick more than 0")
        self.stopping = threading.Event()
        self.worker: Worker | None = None
        previous = {}
        if not options["once"]:
            for sig in (signal.SIGINT, signal.SIGTERM):
                previous[sig] = signal.signal(sig, self._stop)
        try:
            self._run(options)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _run(self, options: dict[str, Any]) -> None:
        if options["verbosity"] < 2:
            # The worker announces itself at every turn of the loop; jobs log on their own.
            logging.getLogger("django_tasks_db").setLevel(logging.WARNING)
        worker_id = get_random_string(32)
        scheduler = not options["no_scheduler"]
        self.stdout.write(
            f"Samenbieb jobs: worker {worker_id[:8]}"
            + (f", scheduler {scheduler_name()}" if scheduler else "")
        )
        next_tick = 0.0
        while not self.stopping.is_set():
            if options["parent"] is not None and os.getppid() != options["parent"]:
                logger.warning("the server that started the jobs is gone: stopping")
                break
            if scheduler and time.monotonic() >= next_tick:
                self._tick()
                next_tick = time.monotonic() + options["tick"]
            ran = self._drain(worker_id)
            if options["once"]:
                if ran:
                    continue  # a job may have queued another (a retry, a notice)
                break
            if not ran:
                self.stopping.wait(options["interval"])
        self.stdout.write("Samenbieb jobs stopped")

    def _tick(self) -> None:
        try:
            schedule_tick()
        except DatabaseError:
            # The database may be restarting; the next tick tries again.
            logger.exception("the scheduler could not reach the database")
            close_old_connections()

    def _drain(self, worker_id: str) -> int:
        """Run up to BATCH queued jobs; returns how many ran."""
        self.worker = Worker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=False,
            max_tasks=BATCH,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        try:
            self.worker.run()
        except DatabaseError:
            logger.exception("the worker could not reach the database")
            close_old_connections()
            return 0
        return self.worker._run_tasks

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        if self.stopping.is_set():
            raise SystemExit(1)  # asked twice: stop the running job too
        logger.warning("%s: stopping after the running job", signal.strsignal(signum))
        self.stopping.set()
        if self.worker is not None:
            self.worker.running = False
