"""schemathesis against the OpenAPI document, in-process: generated requests for every
operation (valid and invalid ones) with a member's and a staff token, and no answer may
be a server error, an undocumented status, or a body or content type the document does
not describe. Bounded so it takes about a minute."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from samenbieb.circulation import services
from samenbieb.interfaces.api.services import api_token_create
from tests.factories import StaffRoleFactory
from tests.interfaces.api.conftest import member_token
from tests.programmes.factories import ActivityFactory

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    content_type_conformance,
    response_headers_conformance,
]
EXAMPLES = 40
PLENTY = {"RATES": {"anonymous": "100000/min", "member": "100000/min", "staff": "100000/min"}}


@contextmanager
def in_process() -> Iterator[WSGIHandler]:
    """Django's WSGI handler in the test's own transaction, as Django's test client runs it:
    a finished request must not close the connection that holds the transaction. (The test
    client connects the signal again after each of its own requests, so this wraps only
    the schemathesis run.)"""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def world(network, anna, register):
    copies = [network.copy(network.a1) for _ in range(3)]
    services.loan_checkout(actor=None, branch=network.a1, person=anna, barcode=copies[0].barcode)
    ActivityFactory(organisation=network.a, branch=network.a1)
    staff = StaffRoleFactory(organisation=network.a, role="desk").user
    return {
        "member": member_token(anna, register),
        "staff": api_token_create(
            actor=staff,
            organisation=network.a,
            name="schemathesis",
            capabilities=["network.view", "circulation.lend"],
        ).secret,
    }


@override_settings(API=PLENTY)
def test_the_api_keeps_to_its_openapi_document(world):
    seen: dict[str, set[int]] = {}
    with in_process() as app:
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 15
        for operation in operations:
            path = operation.path
            token = (
                world["staff"] if "/staff/" in path else world["member"] if "/me/" in path else None
            )
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            seen[operation.label] = _exercise(operation, headers)

    # The tokens worked, so the generated requests reached the operations themselves.
    authenticated = [label for label in seen if "/me/" in label or "/staff/" in label]
    assert all(seen[label] - {401} for label in authenticated), seen
    for label in ("GET /api/v1/records", "GET /api/v1/me/loans", "GET /api/v1/activities"):
        assert 200 in seen[label], seen[label]


def _exercise(operation, headers: dict[str, str]) -> set[int]:
    statuses: set[int] = set()

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def exercise(case):
        statuses.add(case.call_and_validate(headers=headers, checks=CHECKS).status_code)

    exercise()
    return statuses
