"""What every benchmark shares: Django set-up, timing, percentiles and the final JSON line.

Import this module first: it sets Django up against the database ``bench/run`` chose.
Progress goes to standard error; standard output gets exactly one JSON line, at the end.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import sqlite3
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samenbieb.config.settings")

import django

django.setup()

from django.db import connection  # noqa: E402


def note(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def analyse(*tables: str) -> None:
    """Refresh the planner's statistics (and on PostgreSQL drop dead rows) after bulk changes.

    Bulk loads and deletes leave PostgreSQL with stale statistics and dead rows until
    autovacuum comes by; a benchmark should not measure that accident. Runs outside a
    transaction, as VACUUM must.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"VACUUM ANALYZE {', '.join(tables)}" if tables else "VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")


def measure(
    fn: Callable[[int], object], n: int, *, after: Callable[[], object] | None = None
) -> list[float]:
    """Call ``fn(0)`` … ``fn(n - 1)``; returns each call's duration in seconds.

    ``after`` runs after each call, outside the timing (to clean up between loads).
    """
    latencies: list[float] = []
    for index in range(n):
        start = time.perf_counter()
        fn(index)
        latencies.append(time.perf_counter() - start)
        if after is not None:
            after()
    return latencies


def percentile(values: list[float], p: float) -> float:
    """The ``p``-th percentile (0–100), interpolating between the nearest ranks."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class Figures:
    """Durations of the calls measured; each call handled ``per_call`` units (lookups, rows)."""

    latencies_s: list[float]
    unit: str = "ops"
    per_call: int = 1

    @property
    def rate(self) -> float:
        return self.per_call * len(self.latencies_s) / sum(self.latencies_s)

    def summary(self, prefix: str = "") -> dict[str, float]:
        return {
            f"{prefix}p50_ms": round(percentile(self.latencies_s, 50) * 1000, 3),
            f"{prefix}p95_ms": round(percentile(self.latencies_s, 95) * 1000, 3),
            f"{prefix}{self.unit}_per_s": round(self.rate, 1),
        }


def database_label() -> str:
    if connection.vendor == "postgresql":
        version = connection.pg_version  # e.g. 150020
        return f"postgresql {version // 10000}.{version % 100}"
    return f"{connection.vendor} {sqlite3.sqlite_version}"


def emit(name: str, ours: Figures, baseline: Figures, **extra: Any) -> dict[str, Any]:
    """Print the one JSON line: our figures, the baseline's, and ratio (higher is better)."""
    line: dict[str, Any] = {
        "benchmark": name,
        "database": database_label(),
        "date": dt.date.today().isoformat(),  # noqa: DTZ011 (a label, not a due date)
        "n": len(ours.latencies_s),
        **ours.summary(),
        **baseline.summary("baseline_"),
        "ratio": round(ours.rate / baseline.rate, 2),
        **extra,
    }
    print(json.dumps(line, ensure_ascii=False), flush=True)
    return line


def process_rss_mb(pid: int) -> float:
    """A process's resident memory (``VmRSS`` in ``/proc/PID/status``), in MiB; Linux only."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")
