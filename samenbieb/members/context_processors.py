"""Templates see ``member``: the logged-in member, or something falsy."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from samenbieb.members.auth import current_member


def member(request: HttpRequest) -> dict[str, object]:
    return {"member": SimpleLazyObject(lambda: current_member(request))}
