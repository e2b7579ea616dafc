"""ETags on records (and loans): If-None-Match gives 304, a stale If-Match gives 412."""

from __future__ import annotations

from samenbieb.circulation import services
from samenbieb.circulation.models import Loan
from tests.factories import RecordFactory
from tests.interfaces.api.conftest import API, PROBLEM, bearer, member_token


def test_a_record_answers_304_while_unchanged_and_200_with_a_new_etag_after_a_change(api, db):
    record = RecordFactory(title="De avonden")
    first = api.get(f"{API}/records/{record.pk}")
    tag = first["ETag"]
    assert first.status_code == 200
    assert tag.startswith('"')
    assert tag.endswith('"')

    unchanged = api.get(f"{API}/records/{record.pk}", HTTP_IF_NONE_MATCH=tag)
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged["ETag"] == tag
    assert api.get(f"{API}/records/{record.pk}", HTTP_IF_NONE_MATCH=f"W/{tag}").status_code == 304

    record.title = "De avonden (herziene druk)"
    record.save()  # updated_at moves: the row version changes
    changed = api.get(f"{API}/records/{record.pk}", HTTP_IF_NONE_MATCH=tag)
    assert changed.status_code == 200
    assert changed["ETag"] != tag
    assert changed.json()["title"] == "De avonden (herziene druk)"


def test_a_stale_if_match_on_a_record_is_412(api, db):
    record = RecordFactory()
    tag = api.get(f"{API}/records/{record.pk}")["ETag"]
    assert api.get(f"{API}/records/{record.pk}", HTTP_IF_MATCH=tag).status_code == 200
    stale = api.get(f"{API}/records/{record.pk}", HTTP_IF_MATCH='"something-else"')
    assert stale.status_code == 412
    assert stale["Content-Type"] == PROBLEM
    assert stale.json()["code"] == "precondition_failed"


def test_a_renewal_with_a_stale_if_match_changes_nothing(api, network, anna, register):
    copy = network.copy(network.a1)
    loan = services.loan_checkout(actor=None, branch=network.a1, person=anna, barcode=copy.barcode)
    token = member_token(anna, register)
    listed = api.get(f"{API}/me/loans", **bearer(token)).json()
    tag = listed[0]["etag"]

    renewed = api.post(f"{API}/me/loans/{loan.pk}/renew", HTTP_IF_MATCH=tag, **bearer(token))
    assert renewed.status_code == 200, renewed.content
    assert renewed.json()["renewals"] == 1

    # The same ETag again: the loan has moved on, so a second click does not renew twice.
    again = api.post(f"{API}/me/loans/{loan.pk}/renew", HTTP_IF_MATCH=tag, **bearer(token))
    assert again.status_code == 412
    assert again.json()["code"] == "precondition_failed"
    assert Loan.objects.get(pk=loan.pk).renewals == 1
