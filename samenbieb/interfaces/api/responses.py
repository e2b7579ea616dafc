"""The error answers an operation documents, so the OpenAPI document lists every status
the API can give (schemathesis checks that it does)."""

from __future__ import annotations

from typing import Any

from samenbieb.interfaces.api.problems import Problem

PUBLIC = (422, 429)
MEMBER = (401, 403, 422, 429)
STAFF = (401, 403, 422, 429)


def answers(ok: dict[int, Any], *errors: int, base: tuple[int, ...] = PUBLIC) -> dict[int, Any]:
    documented: dict[int, Any] = dict(ok)
    for status in (*base, *errors):
        documented[status] = Problem
    return documented
