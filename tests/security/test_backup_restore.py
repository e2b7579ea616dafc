"""`samenbieb backup` and `samenbieb restore`: back up, change, restore, and the change is gone.

On PostgreSQL the commands run as a person runs them (the `samenbieb` command in a child
process, pg_dump and pg_restore); on SQLite through the same command in this process, whose
test database lives in memory.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from samenbieb.network.models import Organisation
from tests.factories import OrganisationFactory
from tests.security.server import database_url


def _samenbieb(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "samenbieb.cli", *args],
        env={
            **os.environ,
            "DATABASE_URL": database_url(),
            "DJANGO_SETTINGS_MODULE": "samenbieb.config.settings",
        },
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _run(*args: str) -> None:
    if connection.vendor == "postgresql":
        done = _samenbieb(*args)
        assert done.returncode == 0, done.stderr
    else:
        call_command(*args)


def test_a_restore_brings_back_the_database_as_it_was_at_the_backup(transactional_db, tmp_path):
    kept = OrganisationFactory(name="Bibliotheek Bewaard")
    backup = tmp_path / "backups" / "samenbieb.backup"
    _run("backup", str(backup))
    assert backup.stat().st_size > 0
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600, "a backup holds personal data"

    Organisation.objects.filter(pk=kept.pk).update(name="Veranderd")
    OrganisationFactory(name="Na de back-up")

    _run("restore", str(backup), "--yes")
    connection.close()  # read what the restore wrote, not a connection's old view

    assert Organisation.objects.get(pk=kept.pk).name == "Bibliotheek Bewaard"
    assert not Organisation.objects.filter(name="Na de back-up").exists()


def test_a_restore_needs_confirmation(db, tmp_path):
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(tmp_path / "any.backup"))


def test_a_file_that_is_no_backup_is_refused_before_anything_changes(transactional_db, tmp_path):
    OrganisationFactory(name="Blijft staan")
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"not a backup at all")
    with pytest.raises(CommandError):
        call_command("restore", str(junk), "--yes")
    connection.close()
    assert Organisation.objects.filter(name="Blijft staan").exists()
