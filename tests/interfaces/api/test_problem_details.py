"""Every error is an RFC 9457 problem (application/problem+json) with a stable code, and
bad input never becomes a server error."""

from __future__ import annotations

import json

import pytest

from tests.interfaces.api.conftest import API, PROBLEM, bearer, member_token


def problem_of(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["type"] == f"urn:samenbieb:problem:{code}"
    assert body["code"] == code
    assert body["status"] == status
    assert body["title"]
    assert body["detail"]
    assert body["instance"].startswith(API)
    return body


def test_an_oversized_page_size_is_a_problem_that_names_the_parameter(api, db):
    body = problem_of(api.get(f"{API}/records", {"page_size": 1000}), 422, "invalid_request")
    assert body["errors"] == [
        {"location": ["query", "page_size"], "message": "Input should be less than or equal to 100"}
    ]


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/records", {"page_size": "veel"}),
        ("/records", {"page_size": 0}),
        ("/records", {"year_from": "-3"}),
        ("/records", {"format": "kleitablet"}),
        ("/records", {"q": "x" * 301}),
        ("/activities", {"kind": "feest"}),
        ("/activities", {"library": "99999999999999999999999"}),
        ("/branches/1/opening-hours", {"days": 400}),
        ("/branches/1/opening-hours", {"start": "morgen"}),
        ("/records/0", {}),
        ("/records/abc", {}),
        ("/records/99999999999999999999999", {}),
    ],
)
def test_malformed_parameters_are_a_problem(api, db, path, query):
    problem_of(api.get(f"{API}{path}", query), 422, "invalid_request")


@pytest.mark.parametrize("cursor", ["%%%", "bm9uc2Vuc2U", "WzEsMiwzXQ", "WyJ4IiwxXQ", "W3RydWVd"])
def test_a_cursor_that_was_not_ours_is_a_problem(api, db, cursor):
    problem_of(api.get(f"{API}/activities", {"cursor": cursor}), 400, "invalid_cursor")
    problem_of(api.get(f"{API}/records", {"cursor": cursor}), 400, "invalid_cursor")


def test_an_unknown_record_is_not_found(api, db):
    body = problem_of(api.get(f"{API}/records/424242"), 404, "not_found")
    assert "titel" in body["detail"].lower() or "title" in body["detail"].lower()


def test_the_detail_is_in_the_language_the_client_asks_for_dutch_by_default(api, db):
    dutch = api.get(f"{API}/records/424242")
    english = api.get(f"{API}/records/424242", HTTP_ACCEPT_LANGUAGE="en")
    assert dutch["Content-Language"] == "nl"
    assert english["Content-Language"] == "en"
    assert english.json()["detail"] == "No title in the catalogue has this number."


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer",
        "Bearer ",
        "Bearer nonsense",
        "Basic YWxhZGRpbjpvcGVuc2VzYW1l",
        "Bearer " + "x" * 5000,
        "Bearer sbk_stolen",
    ],
)
def test_a_missing_or_bad_token_is_401_with_a_bearer_challenge(api, db, header):
    extra = {"HTTP_AUTHORIZATION": header} if header is not None else {}
    for path in ("/me/loans", "/staff/items/3000000001"):
        response = api.get(f"{API}{path}", **extra)
        problem_of(response, 401, "unauthenticated")
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_member_token_without_the_account_scope_is_403_insufficient_scope(api, anna, register):
    token = member_token(anna, register, scopes="openid")
    response = api.get(f"{API}/me/loans", **bearer(token))
    problem_of(response, 403, "insufficient_scope")
    assert 'error="insufficient_scope"' in response["WWW-Authenticate"]


def test_a_member_token_is_no_staff_token_and_the_other_way_round(
    api, network, anna, register, staff_token
):
    member = member_token(anna, register)
    staff = staff_token(network.a)
    problem_of(api.get(f"{API}/staff/items/1", **bearer(member)), 401, "unauthenticated")
    problem_of(api.get(f"{API}/me/loans", **bearer(staff)), 401, "unauthenticated")


def test_an_access_token_in_the_query_string_is_refused(api, anna, register):
    token = member_token(anna, register)
    response = api.get(f"{API}/me/loans?access_token={token}")
    problem_of(response, 401, "unauthenticated")


@pytest.mark.parametrize(
    "body",
    ["{not json", "[]", json.dumps({"record_id": "een"}), json.dumps({"record_id": -1}), ""],
)
def test_a_malformed_body_is_a_problem(api, anna, register, body):
    token = member_token(anna, register)
    response = api.post(f"{API}/me/holds", body, content_type="application/json", **bearer(token))
    assert response.status_code in (400, 422), response.content
    assert response["Content-Type"] == PROBLEM


def test_an_address_the_api_does_not_have_is_a_problem_too(api, db):
    problem_of(api.get(f"{API}/boeken"), 404, "not_found")
    problem_of(api.get(f"{API}/records/1/reviews"), 404, "not_found")


def test_a_method_the_address_does_not_accept_is_a_problem_naming_the_allowed_methods(api, db):
    response = api.delete(f"{API}/records")

    body = problem_of(response, 405, "method_not_allowed")
    assert response["Allow"] == "GET"
    assert "GET" in body["detail"]
