"""The one place where Samenbieb reads its environment.

Every setting comes from an environment variable with a safe default for the embedded
demo. A missing or malformed value raises :class:`ConfigError` naming the variable, so
the command line can stop with one clear line instead of a traceback.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ConfigError(Exception):
    """A setting is missing or malformed; the message starts with the variable's name."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable}: {problem}")
        self.variable = variable


@dataclass(frozen=True)
class Environment:
    """Typed access to a mapping of environment variables."""

    values: Mapping[str, str]

    def text(self, name: str, default: str) -> str:
        return self.values.get(name, default).strip()

    def flag(self, name: str, default: bool) -> bool:
        raw = self.values.get(name)
        if raw is None:
            return default
        value = raw.strip().lower()
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise ConfigError(name, f"expected true or false, got {raw!r}")

    def integer(self, name: str, default: int, *, minimum: int = 0) -> int:
        raw = self.values.get(name)
        if raw is None or not raw.strip():
            return default
        try:
            value = int(raw)
        except ValueError:
            raise ConfigError(name, f"expected a whole number, got {raw!r}") from None
        if value < minimum:
            raise ConfigError(name, f"must be at least {minimum}, got {value}")
        return value

    def words(self, name: str, default: list[str]) -> list[str]:
        raw = self.values.get(name)
        if raw is None:
            return default
        return [word.strip() for word in raw.split(",") if word.strip()]


def data_dir(env: Environment) -> Path:
    """The folder for the embedded database, the generated secret key and uploads."""
    path = Path(env.text("SAMENBIEB_DATA_DIR", str(PROJECT_ROOT / "data"))).expanduser()
    try:
        (path / "static").mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError("SAMENBIEB_DATA_DIR", f"cannot create {path}: {exc.strerror}") from None
    return path


def secret_key(env: Environment, folder: Path) -> str:
    """The secret key: from the environment, or kept in the data folder for the demo.

    A key generated once and stored beside the embedded database lets a second
    ``make run`` keep its sessions; production sets SAMENBIEB_SECRET_KEY.
    """
    key = env.text("SAMENBIEB_SECRET_KEY", "")
    if key:
        if len(key) < 50:
            raise ConfigError("SAMENBIEB_SECRET_KEY", "must be at least 50 characters long")
        return key
    if env.flag("SAMENBIEB_REQUIRE_SECRET_KEY", False):
        raise ConfigError("SAMENBIEB_SECRET_KEY", "is required in this deployment but not set")
    stored = folder / "secret_key"
    if stored.exists():
        return stored.read_text().strip()
    key = secrets.token_urlsafe(64)
    # Created readable by its owner only from the first byte on.
    descriptor = os.open(stored, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(key)
    return key


def database(env: Environment, folder: Path) -> dict[str, Any]:
    """Django's DATABASES['default'] from DATABASE_URL, or the embedded SQLite file."""
    url = env.text("DATABASE_URL", "")
    if not url:
        return sqlite_database(folder / "samenbieb.sqlite3")
    scheme = urlsplit(url).scheme
    if scheme not in {"postgres", "postgresql", "sqlite"}:
        raise ConfigError(
            "DATABASE_URL", f"unsupported scheme {scheme!r}; use postgres:// or sqlite://"
        )
    if scheme == "sqlite":
        path = url.removeprefix("sqlite://").lstrip("/")
        return sqlite_database(Path("/" + path) if path else folder / "samenbieb.sqlite3")
    try:
        config = dj_database_url.parse(url)
    except ValueError as exc:
        raise ConfigError("DATABASE_URL", f"cannot be read: {exc}") from None
    if not config.get("NAME"):
        raise ConfigError("DATABASE_URL", "names no database (postgres://user@host:port/NAME)")
    config["CONN_MAX_AGE"] = env.integer("SAMENBIEB_DB_CONN_MAX_AGE", 300)
    config["CONN_HEALTH_CHECKS"] = True
    config.setdefault("OPTIONS", {})
    config["OPTIONS"].setdefault("connect_timeout", 5)
    config["OPTIONS"].setdefault("application_name", "samenbieb")
    return dict(config)


def sqlite_database(path: Path) -> dict[str, Any]:
    """SQLite tuned for durability: WAL journal with synchronous FULL, IMMEDIATE transactions.

    IMMEDIATE makes a writing transaction take the write lock at BEGIN, so two writers
    queue on the busy timeout instead of failing half-way with 'database is locked'.
    """
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
            ),
        },
    }


def public_url(env: Environment) -> str:
    """The portal's public address (``https://bibliotheek.example``), without a trailing
    slash, or ``""`` to take it from each request.

    Links that leave the site for good (QR codes on printed posters, links in mail) must
    name the portal even when staff open them on the administration's own host name.
    """
    raw = env.text("SAMENBIEB_PUBLIC_URL", "")
    if not raw:
        return ""
    parts = urlsplit(raw)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ConfigError(
            "SAMENBIEB_PUBLIC_URL", f"expected an address like https://example.org, got {raw!r}"
        )
    if parts.path not in {"", "/"} or parts.query or parts.fragment:
        raise ConfigError(
            "SAMENBIEB_PUBLIC_URL", "must be the scheme and host only, without path or query"
        )
    return raw.rstrip("/")


def from_os() -> Environment:
    return Environment(dict(os.environ))
