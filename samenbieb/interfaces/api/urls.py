from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils.translation import gettext as _

from samenbieb.interfaces.api.api import api
from samenbieb.interfaces.api.problems import problem


def unknown_address(request: HttpRequest, rest: str) -> HttpResponse:
    """Anything under /api/v1/ that is no operation: a problem, not the portal's HTML page."""
    return problem(request, 404, "not_found", _("The API has no such address. See /api/v1/docs."))


def method_not_allowed_as_problem(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """django-ninja answers a method an address lacks with a bare 405: make it a problem,
    keeping the Allow header that says which methods the address has."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code != 405:
            return response
        allowed = response.get("Allow", "")
        return problem(
            request,
            405,
            "method_not_allowed",
            _("This address does not accept %(method)s. It accepts: %(allowed)s.")
            % {"method": request.method, "allowed": allowed},
            headers={"Allow": allowed},
        )

    return wrapped


def _api_urls() -> tuple[list[Any], str, str]:
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if pattern.callback is not None:
            pattern.callback = method_not_allowed_as_problem(pattern.callback)
    return patterns, app_name, namespace


urlpatterns = [
    path("api/v1/", _api_urls()),
    path("api/v1/<path:rest>", unknown_address),
]
