"""Errors as RFC 9457 problem details: one place maps every error to one response.

``type`` is ``urn:samenbieb:problem:<code>`` with the stable ``code`` of the
:class:`~samenbieb.core.errors.DomainError` (docs/api.md lists them); ``detail`` is the
domain's own message, in the language the client asked for (Dutch by default).
"""

from __future__ import annotations

import json
import logging
from http import HTTPStatus
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from pydantic import Field

from samenbieb.circulation.errors import Refused
from samenbieb.core.errors import DomainError, NotFound, NotPermitted
from samenbieb.interfaces.api.errors import InsufficientScope, InvalidCursor, PreconditionFailed

logger = logging.getLogger("samenbieb.api")

CONTENT_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:samenbieb:problem:"


class FieldError(Schema):
    location: list[str | int] = Field(description="Where: ['query', 'page_size'] and the like.")
    message: str


class Problem(Schema):
    """RFC 9457 problem details, with the stable ``code`` as an extension member."""

    type: str = Field(examples=["urn:samenbieb:problem:renewal_limit"])
    title: str
    status: int
    detail: str
    instance: str
    code: str = Field(description="Stable and machine-readable; the last part of `type`.")
    errors: list[FieldError] | None = Field(
        default=None, description="Per parameter, when the request did not validate."
    )


def _status_of(error: DomainError) -> int:
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, NotPermitted):
        return 403
    if isinstance(error, InvalidCursor):
        return 400
    if isinstance(error, PreconditionFailed):
        return 412
    if isinstance(error, InsufficientScope):
        return 403
    # A business rule said no to this request in the current state (Refused and the rest).
    return 409


def problem(
    request: HttpRequest,
    status: int,
    code: str,
    detail: str,
    *,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": TYPE_PREFIX + code,
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": request.get_full_path(),
        "code": code,
    }
    if errors is not None:
        body["errors"] = errors
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=CONTENT_TYPE
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _validation_errors(error: ValidationError) -> list[dict[str, Any]]:
    found = []
    for item in error.errors:
        location = [part for part in item.get("loc", ()) if isinstance(part, str | int)]
        found.append({"location": location, "message": str(item.get("msg", ""))})
    return found


def install(api: NinjaAPI) -> None:
    """Register the one set of exception handlers on ``api``."""

    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, error: DomainError) -> HttpResponse:
        headers = {}
        if isinstance(error, InsufficientScope):
            headers["WWW-Authenticate"] = (
                f'Bearer error="insufficient_scope", scope="{error.scope}"'
            )
        code = str(error.reason) if isinstance(error, Refused) else error.code
        return problem(request, _status_of(error), code, str(error.message), headers=headers)

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, error: ValidationError) -> HttpResponse:
        return problem(
            request,
            422,
            "invalid_request",
            _("Some parameters are missing or not valid."),
            errors=_validation_errors(error),
        )

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
        given = request.headers.get("Authorization", "")
        challenge = 'Bearer error="invalid_token"' if given else "Bearer"
        return problem(
            request,
            401,
            "unauthenticated",
            _("Send a valid access token: Authorization: Bearer <token>."),
            headers={"WWW-Authenticate": challenge},
        )

    @api.exception_handler(Throttled)
    def throttled(request: HttpRequest, error: Throttled) -> HttpResponse:
        # Retry-After is added by django-ninja from the throttle's wait.
        return problem(
            request, 429, "too_many_requests", _("Too many requests. Wait a moment and try again.")
        )

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, error: Http404) -> HttpResponse:
        return problem(request, 404, NotFound.code, _("Not found."))

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
        status = error.status_code
        code = (
            "bad_request" if status == 400 else HTTPStatus(status).phrase.lower().replace(" ", "_")
        )
        return problem(request, status, code, str(error.message))

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, error: Exception) -> HttpResponse:
        logger.exception("API error at %s", request.path)
        return problem(request, 500, "server_error", _("Something went wrong on our side."))
