"""The ``samenbieb`` command: every Django management command, with friendly failures.

``samenbieb import-marc FILE`` runs the management command ``import_marc``; with no
arguments it lists the commands. Configuration errors and an unreachable database end
in one line on standard error and exit status 2, never a traceback.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samenbieb.config.settings")
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    args[0] = "samenbieb"

    from samenbieb.config.env import ConfigError

    try:
        import django

        django.setup()
    except ConfigError as exc:
        print(f"samenbieb: configuration error: {exc}", file=sys.stderr)
        return 2

    from django.core.management import execute_from_command_line
    from django.db.utils import OperationalError

    try:
        execute_from_command_line(args)
    except ConfigError as exc:
        print(f"samenbieb: configuration error: {exc}", file=sys.stderr)
        return 2
    except OperationalError as exc:
        print(f"samenbieb: {database_problem(exc)}", file=sys.stderr)
        return 2
    return 0


def database_problem(exc: Exception) -> str:
    """One line that says which database could not be used and why."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if db["ENGINE"].endswith("postgresql"):
        where = f"{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}/{db.get('NAME')}"
        return f"cannot use PostgreSQL at {where} (DATABASE_URL): {first_line}"
    return f"cannot use the SQLite database {db['NAME']}: {first_line}"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
