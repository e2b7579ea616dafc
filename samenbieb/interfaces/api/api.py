"""REST API v1, mounted at ``/api/v1`` (ADR 5): the document at ``/api/v1/openapi.json``,
browsable docs at ``/api/v1/docs`` (Swagger UI served from our own static files, so the
strict content security policy holds)."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI, Swagger
from ninja.openapi.schema import OpenAPISchema

from samenbieb.interfaces.api import account, catalogue, places, problems, staff
from samenbieb.interfaces.api.problems import CONTENT_TYPE
from samenbieb.interfaces.api.throttles import ApiThrottle

DESCRIPTION = """\
The REST API of Samenbieb, the shared system of the Dutch public libraries.

* **Public**: search the catalogue of the whole network, a title (with ETags), where its
  copies are, libraries, opening hours and activities. No token needed.
* **My account** (`/me/…`): a member's loans, renewals, holds and charges, with an
  OpenID Connect access token of Samenbieb that has the scope `account`.
* **Staff** (`/staff/…`): a library's own systems, with a staff API token of that library.

Errors are RFC 9457 problem details (`application/problem+json`) with a stable `code`.
Lists are paged with an opaque `cursor`. Too many requests: 429 with `Retry-After`.
Guide with examples: docs/api.md.
"""

RETRY_AFTER = {
    "description": "Seconds to wait before the next request.",
    "schema": {"type": "integer", "minimum": 0},
}
ETAG = {"description": "The version of this representation.", "schema": {"type": "string"}}


class SamenbiebApi(NinjaAPI):
    """NinjaAPI with the OpenAPI document told what the exception handlers answer."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for methods in schema.get("paths", {}).values():
            for operation in methods.values():
                _document_answers(operation)
        return schema

    def get_openapi_operation_id(self, operation: Any) -> str:
        # Short, stable ids for generated clients: the function names are unique here.
        return str(operation.view_func.__name__)


def _document_answers(operation: dict[str, Any]) -> None:
    for status, answer in operation.get("responses", {}).items():
        code = int(status)
        content = answer.get("content", {})
        if code >= 400 and "application/json" in content:
            content[CONTENT_TYPE] = content.pop("application/json")
        if code == 429:
            answer.setdefault("headers", {})["Retry-After"] = RETRY_AFTER
            answer["description"] = "Too many requests"
        if code in (200, 304) and operation.get("operationId", "").endswith("record_detail"):
            answer.setdefault("headers", {})["ETag"] = ETAG
        if code == 304:
            answer["description"] = "Not modified (If-None-Match named the current ETag)"
            answer.pop("content", None)


api = SamenbiebApi(
    title="Samenbieb API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": False}),
    throttle=[ApiThrottle()],
)
problems.install(api)
api.add_router("", catalogue.router)
api.add_router("", places.router)
api.add_router("", account.router)
api.add_router("", staff.router)
