"""Sets ``request.member``: the logged-in member, looked up only when something asks."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from samenbieb.members.auth import current_member


class MemberMiddleware:
    """Must come after SessionMiddleware; never touches ``request.user`` (staff only)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Falsy when nobody is logged in: use `if request.member`, not `is None`.
        request.member = SimpleLazyObject(lambda: current_member(request))  # type: ignore[attr-defined]
        return self.get_response(request)
