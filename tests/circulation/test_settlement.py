"""Settlement between libraries: a month's loans counted by member's library, owner and
lending branch, worked out by hand for a small network."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from samenbieb.circulation import queries, services
from samenbieb.circulation.models import SettlementLine
from tests.circulation.conftest import NOW

pytestmark = pytest.mark.django_db


def lend(network, member, branch, owner_branch, now=NOW):
    item = network.copy(owner_branch)
    loan = services.loan_checkout(
        actor=None, branch=branch, person=member, barcode=item.barcode, now=now
    )
    services.loan_checkin(
        actor=None, branch=branch, barcode=item.barcode, now=now + dt.timedelta(days=3)
    )
    return loan


def test_a_month_is_counted_by_home_library_owner_and_lending_branch(network):
    of_a, of_c = network.member(network.a), network.member(network.c)
    lend(network, of_a, network.a1, network.a1)  # A's member, A's book, at A1
    lend(network, of_a, network.a1, network.b1)  # national lending: B's book to A's member
    lend(network, of_a, network.a2, network.b1)  # the same, at A2
    lend(network, of_c, network.a1, network.a1)  # guest lending: C's member at A1
    lend(network, of_c, network.a1, network.a1)
    # December does not count for November.
    lend(
        network,
        of_a,
        network.a1,
        network.b1,
        now=dt.datetime(2026, 12, 1, 0, 30, tzinfo=NOW.tzinfo),
    )
    assert services.settlement_compute(actor=None, month=dt.date(2026, 11, 1)) == 4
    lines = {
        (
            line.home_organisation.short_name,
            line.owner_organisation.short_name,
            line.branch.name,
        ): line.loans
        for line in SettlementLine.objects.filter(month=dt.date(2026, 11, 1))
    }
    assert lines == {
        ("A", "A", "A-Centrum"): 1,
        ("A", "B", "A-Centrum"): 1,
        ("A", "B", "A-Noord"): 1,
        ("C", "A", "A-Centrum"): 2,
    }
    between = {
        (r.lender, r.borrower_library): r.loans
        for r in queries.settlement_between_libraries(dt.date(2026, 11, 1))
    }
    assert between == {(network.a.name, network.c.name): 2, (network.b.name, network.a.name): 2}


def test_recomputing_a_month_replaces_its_lines(network):
    member = network.member(network.a)
    lend(network, member, network.a1, network.b1)
    services.settlement_compute(actor=None, month=dt.date(2026, 11, 1))
    lend(network, member, network.a1, network.b1)
    services.settlement_compute(actor=None, month=dt.date(2026, 11, 1))
    assert SettlementLine.objects.get().loans == 2


def test_the_settlement_command_prints_national_lending_as_csv(network, capsys):
    lend(network, network.member(network.a), network.a1, network.b1)
    call_command("settlement", "--month", "2026-11")
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "month,lender,borrower_library,loans"
    assert out[1] == f"2026-11,{network.b.name},{network.a.name},1"


def test_the_nightly_job_settles_last_month(network):
    from django.utils import timezone

    from samenbieb.circulation import tasks

    first_of_this_month = timezone.localdate().replace(day=1)
    last_month = first_of_this_month - dt.timedelta(days=1)
    in_last_month = dt.datetime.combine(last_month, dt.time(12), tzinfo=NOW.tzinfo)
    lend(network, network.member(network.a), network.a1, network.b1, now=in_last_month)
    tasks.settlement_compute_last_month.enqueue()
    line = SettlementLine.objects.get()
    assert line.month == last_month.replace(day=1)
    assert line.owner_organisation == network.b
