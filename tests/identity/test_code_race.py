"""Two token requests redeem one authorization code at the same moment: one gets tokens.

Needs PostgreSQL (SQLite serialises writers anyway); each thread has its own connection.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.test import Client

from samenbieb.identity.models import AccessToken
from tests.identity.conftest import Flow, code_for, exchange, log_in

pytestmark = [pytest.mark.postgres]


@pytest.fixture
def postgres(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent redemption needs PostgreSQL")


def test_two_simultaneous_redemptions_of_one_code_issue_tokens_once(
    postgres, client, member, register
):
    service = register(confidential=False).service
    log_in(client, member)
    flow = Flow(service.client_id)
    code = code_for(client, flow)
    start = threading.Barrier(2)
    statuses: list[int] = []

    def service_backend() -> None:
        try:
            start.wait()
            statuses.append(exchange(Client(), flow, code).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=service_backend) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(statuses) == [200, 400]
    # The loser either lost the conditional update (the winner's tokens stand) or came
    # after it and was taken for a replay (the winner's tokens were revoked): never two.
    assert AccessToken.objects.filter(user=member).count() <= 1
