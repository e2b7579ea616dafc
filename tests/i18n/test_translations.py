"""Every text a person can see exists in Dutch: the catalogue is complete and current."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import samenbieb

PACKAGE = Path(samenbieb.__file__).resolve().parent


def _samenbieb_command() -> str:
    return shutil.which("samenbieb") or str(Path(sys.executable).with_name("samenbieb"))


def test_every_message_in_the_source_has_a_dutch_translation(tmp_path: Path):
    # Extract the messages afresh from a copy of the source, so a string added to a
    # template or to Python code without a translation fails here.
    copy = tmp_path / "samenbieb"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    subprocess.run(
        [_samenbieb_command(), "makemessages", "-l", "nl", "--ignore", "*/migrations/*", "-v0"],
        cwd=copy,
        check=True,
    )
    catalogue = copy / "locale" / "nl" / "LC_MESSAGES" / "django.po"
    for flag in ("--untranslated", "--only-fuzzy"):
        result = subprocess.run(
            ["msgattrib", flag, "--no-obsolete", str(catalogue)],
            capture_output=True,
            text=True,
            check=True,
        )
        missing = [line for line in result.stdout.splitlines() if line.startswith("msgid ")]
        missing = [line for line in missing if line != 'msgid ""']
        assert not missing, f"{flag[2:]} Dutch messages:\n" + "\n".join(missing)


def test_the_dutch_catalogue_compiles_without_errors():
    catalogue = PACKAGE / "locale" / "nl" / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(catalogue)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
