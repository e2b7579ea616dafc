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


def mail_dir(env: Environment) -> Path | None:
    """A folder to write outgoing mail into instead of sending it (the demo), or None.

    ``make run`` sets it, so a demo network's notices land as files a developer can open
    rather than failing against a mail server the machine does not have.
    """
    raw = env.text("SAMENBIEB_MAIL_DIR", "")
    if not raw:
        return None
    path = Path(raw).expanduser().resolve()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError("SAMENBIEB_MAIL_DIR", f"cannot create {path}: {exc.strerror}") from None
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


STAFF_OTP_CHOICES = ("required", "off")


def staff_otp_required(env: Environment) -> bool:
    """Whether staff need a TOTP second factor (SAMENBIEB_STAFF_OTP, ``required`` by default).

    ``off`` exists for local development without an authenticator app; it is refused
    together with SAMENBIEB_HTTPS, which marks a real deployment.
    """
    value = env.text("SAMENBIEB_STAFF_OTP", "").lower() or "required"
    if value not in STAFF_OTP_CHOICES:
        raise ConfigError("SAMENBIEB_STAFF_OTP", f"expected required or off, got {value!r}")
    if value == "off" and env.flag("SAMENBIEB_HTTPS", False):
        raise ConfigError(
            "SAMENBIEB_STAFF_OTP", "off is for local development and not allowed with HTTPS"
        )
    return value == "required"


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
    # Short queries under concurrency: JIT compilation of a catalogue search whose estimated
    # cost passes jit_above_cost took longer than running it (measured at 1M records).
    config["OPTIONS"].setdefault("options", "-c jit=off")
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


@dataclass(frozen=True)
class SigningKeys:
    """The OpenID Connect signing keys: the active PEM and the older, inactive ones.

    Inactive keys sign nothing; they stay in the JWKS so tokens signed before a
    rotation still validate until they expire.
    """

    active: str
    inactive: list[str]


OIDC_ACTIVE_KEY = "signing-key.pem"
OIDC_INACTIVE_DIR = "inactive"
OIDC_RSA_BITS = 3072


def oidc_key_dir(env: Environment, folder: Path) -> Path:
    """Where the OpenID Connect keys live: SAMENBIEB_OIDC_KEY_DIR or ``<data>/oidc``."""
    path = Path(env.text("SAMENBIEB_OIDC_KEY_DIR", str(folder / "oidc"))).expanduser()
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        (path / OIDC_INACTIVE_DIR).mkdir(mode=0o700, exist_ok=True)
    except OSError as exc:
        raise ConfigError(
            "SAMENBIEB_OIDC_KEY_DIR", f"cannot create {path}: {exc.strerror}"
        ) from None
    return path


def _new_rsa_pem() -> str:
    from jwcrypto import jwk

    key = jwk.JWK.generate(kty="RSA", size=OIDC_RSA_BITS)
    return key.export_to_pem(private_key=True, password=None).decode("ascii")


def _write_private(path: Path, text: str) -> bool:
    """Create ``path`` with ``text``, readable by its owner only; False if it exists.

    The content is written to a private temporary file first and then linked into
    place, so a second process starting at the same moment either sees the whole
    file or creates it itself, never half a key.
    """
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    try:
        os.link(temporary, path)
    except FileExistsError:
        return False
    finally:
        temporary.unlink()
    return True


def oidc_signing_keys(key_dir: Path) -> SigningKeys:
    """The active RS256 key (generated on first use) and the inactive keys, newest first."""
    active = key_dir / OIDC_ACTIVE_KEY
    if not active.exists():
        _write_private(active, _new_rsa_pem())
    inactive = sorted((key_dir / OIDC_INACTIVE_DIR).glob("*.pem"), reverse=True)
    return SigningKeys(active=active.read_text(), inactive=[path.read_text() for path in inactive])


def oidc_signing_key_rotate(key_dir: Path, *, stamp: str) -> SigningKeys:
    """Make a new active key; the old one is kept as inactive under ``stamp``.

    ``stamp`` (a UTC time such as 20261121T103000Z) orders the inactive keys. Running
    servers pick up the new key when they restart.
    """
    active = key_dir / OIDC_ACTIVE_KEY
    if active.exists():
        retired = key_dir / OIDC_INACTIVE_DIR / f"{stamp}.pem"
        if not _write_private(retired, active.read_text()):
            raise ConfigError("SAMENBIEB_OIDC_KEY_DIR", f"{retired} exists already")
    fresh = key_dir / f".{OIDC_ACTIVE_KEY}.new"
    fresh.unlink(missing_ok=True)
    _write_private(fresh, _new_rsa_pem())
    os.replace(fresh, active)
    return oidc_signing_keys(key_dir)


def oidc_pairwise_key(env: Environment, key_dir: Path) -> str:
    """The secret behind every member's pairwise subject identifier.

    Deliberately not SECRET_KEY: changing it changes every member's ``sub`` at every
    connected service, so it is kept like a database key, never rotated. From
    SAMENBIEB_OIDC_PAIRWISE_KEY, or generated once into the key folder for the demo.
    """
    key = env.text("SAMENBIEB_OIDC_PAIRWISE_KEY", "")
    if key:
        if len(key) < 32:
            raise ConfigError("SAMENBIEB_OIDC_PAIRWISE_KEY", "must be at least 32 characters long")
        return key
    if env.flag("SAMENBIEB_REQUIRE_SECRET_KEY", False):
        raise ConfigError(
            "SAMENBIEB_OIDC_PAIRWISE_KEY", "is required in this deployment but not set"
        )
    stored = key_dir / "pairwise-key"
    if not stored.exists():
        _write_private(stored, secrets.token_urlsafe(48))
    return stored.read_text().strip()
