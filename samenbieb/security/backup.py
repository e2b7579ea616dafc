"""Back up and restore the whole database: ``samenbieb backup FILE``, ``samenbieb restore FILE``.

PostgreSQL: ``pg_dump`` in its custom format and ``pg_restore`` in one transaction, so a
restore that fails half-way leaves the database as it was. SQLite: the sqlite3 online
backup API, which copies a consistent snapshot while the site keeps running. A backup
holds personal data: the file is created readable by its owner only.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from django.db import connection


class BackupError(Exception):
    """A backup or restore could not be made; the message says why in one line."""


def _postgres_args(db: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = ["--host", db.get("HOST") or "127.0.0.1", "--port", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return path


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(  # noqa: S603 - fixed tools, arguments from our settings
        command, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines()
        raise BackupError(f"{Path(command[0]).name} failed: {lines[0] if lines else 'no output'}")


def backup_make(path: Path) -> Path:
    """Write a consistent copy of the database to ``path`` (replaced only when complete)."""
    path = path.expanduser().resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=".backup-", dir=path.parent)
    os.close(descriptor)
    os.chmod(temporary, 0o600)
    try:
        db = connection.settings_dict
        if connection.vendor == "postgresql":
            args, env = _postgres_args(db)
            _run(
                [
                    _tool("pg_dump"),
                    *args,
                    "--format=custom",
                    "--no-owner",
                    "--file",
                    temporary,
                    db["NAME"],
                ],
                env,
            )
        elif connection.vendor == "sqlite":
            connection.ensure_connection()
            target = sqlite3.connect(temporary)
            try:
                connection.connection.backup(target)
            finally:
                target.close()
        else:  # pragma: no cover - only the two supported databases
            raise BackupError(f"cannot back up a {connection.vendor} database")
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return path


def backup_check(path: Path) -> None:
    """Refuse a file that is not a backup of this kind of database, before touching anything."""
    if not path.is_file():
        raise BackupError(f"no backup at {path}")
    if connection.vendor == "postgresql":
        _run([_tool("pg_restore"), "--list", str(path)], {**os.environ})
    else:
        with path.open("rb") as file:
            if file.read(16) != b"SQLite format 3\x00":
                raise BackupError(f"{path} is not an SQLite backup")


def backup_restore(path: Path) -> None:
    """Replace the whole database by the backup at ``path``; all or nothing."""
    path = path.expanduser().resolve()
    backup_check(path)
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        connection.close()
        args, env = _postgres_args(db)
        _run(
            [
                _tool("pg_restore"),
                *args,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                "--dbname",
                db["NAME"],
                str(path),
            ],
            env,
        )
    else:
        connection.ensure_connection()
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
