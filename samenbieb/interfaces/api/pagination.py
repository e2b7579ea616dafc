"""Cursor pagination: keyset on an ordering that ends in a unique tie-breaker (the id).

A cursor is opaque to clients (URL-safe base64 of the last row's sort key), so a page
never repeats or skips a row when rows are added in between, and deep pages cost the
same as the first. Only ascending orderings are used.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Sequence
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet

from samenbieb.interfaces.api.errors import InvalidCursor

M = TypeVar("M", bound=Model)

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def encode(values: Sequence[Any]) -> str:
    text = json.dumps([_plain(value) for value in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode(cursor: str, size: int) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, UnicodeError, binascii.Error):
        raise InvalidCursor() from None
    if not isinstance(values, list) or len(values) != size:
        raise InvalidCursor()
    if not all(isinstance(value, str | int) and not isinstance(value, bool) for value in values):
        raise InvalidCursor()
    return values


def _after(keys: Sequence[str], values: Sequence[Any], model: type[Model]) -> Q:
    """Rows strictly after ``values`` in the ordering ``keys`` (lexicographic)."""
    parsed = [_parse(model, key, value) for key, value in zip(keys, values, strict=True)]
    condition = Q()
    for index, key in enumerate(keys):
        step = Q(**{f"{key}__gt": parsed[index]})
        for before in range(index):
            step &= Q(**{keys[before]: parsed[before]})
        condition |= step
    return condition


def _parse(model: type[Model], key: str, value: Any) -> Any:
    if isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            raise InvalidCursor() from None
        if parsed.tzinfo is None:
            raise InvalidCursor()
        return parsed
    if key in {"id", "pk"} and not 0 < value < 2**63:
        raise InvalidCursor()
    return value


def page(
    rows: QuerySet[M], *, keys: Sequence[str], size: int, cursor: str | None
) -> tuple[list[M], str | None]:
    """One page of ``rows`` ordered by ``keys`` (the last unique) after ``cursor``, and the
    cursor of the next page (None on the last)."""
    rows = rows.order_by(*keys)
    if cursor:
        rows = rows.filter(_after(keys, decode(cursor, len(keys)), rows.model))
    found = list(rows[: size + 1])
    more = len(found) > size
    found = found[:size]
    if not more or not found:
        return found, None
    last = found[-1]
    return found, encode([getattr(last, key) for key in keys])
