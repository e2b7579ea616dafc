#!/usr/bin/env python
"""Django's manage.py for developers; users run the ``samenbieb`` command instead."""

import sys

from samenbieb.cli import main

if __name__ == "__main__":
    sys.exit(main())
