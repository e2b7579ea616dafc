"""Notices leave only with a real commit: these tests commit and roll back for real
(no test transaction around them), with the mail read from a real SMTP server."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from samenbieb.circulation import services
from samenbieb.circulation.models import Loan
from tests.circulation.conftest import AMSTERDAM, NOW
from tests.factories import RecordFactory

pytestmark = pytest.mark.django_db(transaction=True)

THREE_DAYS_BEFORE_DUE = dt.datetime(2026, 12, 6, 7, 0, tzinfo=AMSTERDAM)


class Interrupted(Exception):
    """Something later in the same transaction failed."""


@pytest.fixture
def loan(network):
    ben = network.member(network.a, given_name="Ben", email="ben@example.org")
    item = network.copy(network.a1, RecordFactory(title="Matilda"))
    return services.loan_checkout(
        actor=None, branch=network.a1, person=ben, barcode=item.barcode, now=NOW
    )


def test_the_notice_is_mailed_once_the_transaction_commits(loan, smtp_capture):
    with transaction.atomic():
        services.loans_notify_due_soon(actor=None, now=THREE_DAYS_BEFORE_DUE)
        assert smtp_capture.messages == []  # not before the commit
    assert len(smtp_capture.to("ben@example.org")) == 1


def test_no_notice_is_mailed_when_the_transaction_rolls_back(loan, smtp_capture):
    def notify_then_fail():
        with transaction.atomic():
            services.loans_notify_due_soon(actor=None, now=THREE_DAYS_BEFORE_DUE)
            raise Interrupted

    with pytest.raises(Interrupted):
        notify_then_fail()

    assert smtp_capture.messages == []
    loan.refresh_from_db()
    assert loan.due_soon_notified_on is None
    # Nothing was lost: the next run tells the member.
    services.loans_notify_due_soon(actor=None, now=THREE_DAYS_BEFORE_DUE)
    assert len(smtp_capture.to("ben@example.org")) == 1
    assert Loan.objects.get(pk=loan.pk).due_soon_notified_on == THREE_DAYS_BEFORE_DUE.date()
