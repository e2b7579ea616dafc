"""Rate limits: over the limit, 429 with a problem and Retry-After, documented in OpenAPI."""

from __future__ import annotations

from django.test import override_settings

from tests.interfaces.api.conftest import API, PROBLEM, bearer, member_token

LOW = {"RATES": {"anonymous": "3/min", "member": "2/min", "staff": "2/min"}}


@override_settings(API=LOW)
def test_an_anonymous_client_gets_429_with_retry_after_over_its_limit(api, db):
    for _ in range(3):
        assert api.get(f"{API}/libraries").status_code == 200
    over = api.get(f"{API}/libraries")
    assert over.status_code == 429
    assert over["Content-Type"] == PROBLEM
    assert over.json()["code"] == "too_many_requests"
    assert 1 <= int(over["Retry-After"]) <= 60
    # Another address has its own allowance.
    assert api.get(f"{API}/libraries", REMOTE_ADDR="192.0.2.7").status_code == 200


@override_settings(API=LOW)
def test_members_are_counted_per_member_not_per_address(api, anna, register):
    token = member_token(anna, register)
    for _ in range(2):
        assert api.get(f"{API}/me/loans", **bearer(token)).status_code == 200
    assert api.get(f"{API}/me/loans", **bearer(token)).status_code == 429
    # The same address without a token is counted on its own.
    assert api.get(f"{API}/libraries").status_code == 200


@override_settings(API=LOW)
def test_staff_tokens_are_counted_per_token(api, network, staff_token):
    first, second = staff_token(network.a), staff_token(network.a)
    for _ in range(2):
        assert api.get(f"{API}/staff/items/1", **bearer(first)).status_code == 404
    assert api.get(f"{API}/staff/items/1", **bearer(first)).status_code == 429
    assert api.get(f"{API}/staff/items/1", **bearer(second)).status_code == 404


def test_every_operation_documents_429_with_retry_after(api, db):
    document = api.get(f"{API}/openapi.json").json()
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            answer = operation["responses"].get("429")
            assert answer is not None, f"{method} {path} does not document 429"
            assert "Retry-After" in answer["headers"]
            assert "application/problem+json" in answer["content"]
