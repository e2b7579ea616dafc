"""The ``samenbieb`` console command: bad configuration ends in one line and exit status 2."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

UNREACHABLE_POSTGRES = "postgres://postgres@127.0.0.1:1/nothing"


def samenbieb_executable() -> str:
    found = shutil.which("samenbieb")
    if found:
        return found
    beside_python = Path(sys.executable).parent / "samenbieb"
    if not beside_python.exists():
        pytest.fail("the samenbieb console script is not installed")
    return str(beside_python)


@pytest.fixture
def samenbieb(tmp_path):
    """Run the installed console script with a clean environment and its own data folder."""

    def run(*args: str, **variables: str) -> subprocess.CompletedProcess[str]:
        env = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith("SAMENBIEB_")
            and name not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
        }
        env["SAMENBIEB_DATA_DIR"] = str(tmp_path / "data")
        env.update(variables)
        return subprocess.run(
            [samenbieb_executable(), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    return run


def the_one_line(stream: str) -> str:
    lines = stream.splitlines()
    assert len(lines) == 1, f"expected one line, got:\n{stream}"
    assert "Traceback" not in stream
    return lines[0]


def test_a_malformed_flag_stops_the_command_with_one_line_naming_the_variable(samenbieb):
    result = samenbieb("check", SAMENBIEB_DEBUG="maybe")

    assert result.returncode == 2
    line = the_one_line(result.stderr)
    assert "SAMENBIEB_DEBUG" in line
    assert "maybe" in line
    assert result.stdout == ""


def test_an_unreachable_postgresql_stops_migrate_with_one_line(samenbieb):
    result = samenbieb("migrate", "--noinput", DATABASE_URL=UNREACHABLE_POSTGRES)

    assert result.returncode == 2
    line = the_one_line(result.stderr)
    assert "PostgreSQL" in line
    assert "DATABASE_URL" in line
    assert "127.0.0.1:1/nothing" in line


def test_an_unusable_sqlite_file_stops_migrate_with_one_line(samenbieb, tmp_path):
    missing_folder = tmp_path / "no-such-folder" / "db.sqlite3"

    result = samenbieb("migrate", "--noinput", DATABASE_URL=f"sqlite:///{missing_folder}")

    assert result.returncode == 2
    line = the_one_line(result.stderr)
    assert "SQLite" in line
    assert str(missing_folder) in line


def test_an_unsupported_database_url_stops_the_command_with_one_line(samenbieb):
    result = samenbieb("check", DATABASE_URL="mysql://x/y")

    assert result.returncode == 2
    line = the_one_line(result.stderr)
    assert "DATABASE_URL" in line
    assert "mysql" in line


def test_a_short_secret_key_stops_the_command_with_one_line(samenbieb):
    result = samenbieb("check", SAMENBIEB_SECRET_KEY="too-short")

    assert result.returncode == 2
    line = the_one_line(result.stderr)
    assert "SAMENBIEB_SECRET_KEY" in line
    assert "too-short" not in line


def test_hyphenated_command_names_run_the_matching_management_command(samenbieb):
    result = samenbieb("load-reference-data", "--help")

    assert result.returncode == 0, result.stderr
    assert "load_reference_data" in result.stdout
    assert "municipalities" in result.stdout


def test_an_unknown_command_fails_without_a_traceback(samenbieb):
    result = samenbieb("no-such-command")

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "no_such_command" in result.stderr


def test_with_a_mail_folder_the_commands_write_mail_there_instead_of_sending_it(
    samenbieb, tmp_path
):
    folder = tmp_path / "mail"
    send = (
        "from django.core.mail import send_mail; "
        "send_mail('Je boek ligt klaar', 'Haal het op bij de Centrale.', None, ['lid@example.nl'])"
    )

    result = samenbieb("shell", "-c", send, SAMENBIEB_MAIL_DIR=str(folder))

    assert result.returncode == 0, result.stderr
    (written,) = folder.iterdir()
    message = written.read_text()
    assert "Subject: Je boek ligt klaar" in message
    assert "To: lid@example.nl" in message
