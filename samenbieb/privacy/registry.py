"""The personal-data registry: every app that holds personal data registers a contributor.

A contributor (pretix calls them "shredders") says which of its models hold data about a
member, exports that data, anonymises it on erasure, names what blocks an erasure, and
describes the processing for the processing register. Apps register in their
``AppConfig.ready`` from their own ``privacy.py``; a test walks the model graph and fails
when a model that points to a member is covered by no contributor.

This module imports no domain app, so every app may depend on it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class Blocker:
    """Something that must be settled before a member's data can be erased."""

    code: str
    message: str | Promise
    count: int = 1


@dataclass(frozen=True)
class Processing:
    """One line of the processing register (AVG article 30)."""

    name: str | Promise
    purpose: str | Promise
    legal_basis: str | Promise
    categories: tuple[str | Promise, ...]
    # A callable so the text follows the current settings (retention is configuration).
    retention: Callable[[], str | Promise]
    recipients: str | Promise = ""


@dataclass(frozen=True)
class Contributor:
    """What one app holds about a member and how it is exported and anonymised.

    ``export(person)`` returns JSON-ready data; ``anonymise(person, now)`` removes or
    unlinks the member's data (it runs inside the erasure's transaction, after every
    ``blockers`` list came back empty); ``order`` runs anonymisers from low to high, so the
    member record itself goes last.
    """

    key: str
    label: str | Promise
    models: tuple[str, ...]
    export: Callable[[Any], Any]
    anonymise: Callable[[Any, dt.datetime], int]
    blockers: Callable[[Any], list[Blocker]] = lambda person: []
    processing: tuple[Processing, ...] = field(default_factory=tuple)
    order: int = 50


_contributors: dict[str, Contributor] = {}


def register(contributor: Contributor) -> None:
    """Add ``contributor``; registering the same key again replaces it (reloads, tests)."""
    _contributors[contributor.key] = contributor


def contributors() -> list[Contributor]:
    return sorted(_contributors.values(), key=lambda c: (c.order, c.key))


def covered_models() -> set[str]:
    return {label for contributor in _contributors.values() for label in contributor.models}
