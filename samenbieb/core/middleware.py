from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

# Features a library web page never needs; denying them limits what injected code can do.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)


def _logged_in(request: HttpRequest) -> bool:
    """A staff login (``request.user``) or a member session (docs/decisions/0004)."""
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        return True
    # Set lazily by the members middleware; falsy when no member is logged in.
    return bool(getattr(request, "member", None))


class SecurityHeadersMiddleware:
    """Adds the security headers Django does not set itself."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if _logged_in(request):
            # Pages behind a login show personal or internal data: never cache them.
            response.setdefault("Cache-Control", "no-store")
        return response
