"""The roll-up computes, on a network built by hand, the figures worked out by hand
(see tests/cockpit/network.py for the network and the reasoning)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from samenbieb.circulation.models import Loan
from samenbieb.cockpit import services
from samenbieb.cockpit.models import Figure
from tests.cockpit.network import OCTOBER, hand_network

pytestmark = pytest.mark.django_db


def figures(**where) -> dict[tuple[str, str], int]:
    rows = Figure.objects.filter(period_kind="month", period=OCTOBER, **where)
    return {(row.indicator, row.breakdown): row.value for row in rows}


@pytest.fixture
def net():
    network = hand_network()
    services.cockpit_rollup(actor=None, month=OCTOBER)
    return network


def test_library_figures_match_the_hand_worked_answers(net):
    a = figures(level="organisation", organisation=net.a)
    assert a == {
        ("members", ""): 3,
        ("members", "age_band:adult"): 2,
        ("members", "age_band:child"): 1,
        ("members", "plan:volwassen"): 2,
        ("members", "plan:jeugd"): 1,
        ("members_new", ""): 1,
        ("members_new", "age_band:child"): 1,
        ("members_lapsed", ""): 1,
        ("active_users", ""): 3,
        ("loans", ""): 5,
        ("loans", "age_band:adult"): 3,
        ("loans", "age_band:child"): 1,
        ("loans", "age_band:senior"): 1,
        ("loans", f"item_type:{Loan.objects.first().item_type.code}"): 5,
        ("network_loans_in", ""): 1,
        ("network_loans_out", ""): 1,
        ("guest_loans", ""): 1,
        ("holds", ""): 1,
        ("digital_loans", ""): 1,
        ("activities", ""): 1,
        ("activities", "theme:digital_government"): 1,
        ("activities", "programme:digisterker"): 1,
        ("participants", ""): 2,
        ("participants", "theme:digital_government"): 1 + 1,
        ("participants", "programme:digisterker"): 2,
        ("consultations", ""): 1,
        ("consultations", "topic:digid"): 1,
        ("consultations", "outcome:helped"): 1,
    }
    b = figures(level="organisation", organisation=net.b)
    assert b == {
        ("members", ""): 1,
        ("members", "age_band:senior"): 1,
        ("members", "plan:basis"): 1,
        ("active_users", ""): 1,
        ("network_loans_in", ""): 1,
        ("network_loans_out", ""): 1,
    }


def test_branch_figures_split_the_library(net):
    assert figures(level="branch", branch=net.a1)[("loans", "")] == 4
    assert figures(level="branch", branch=net.a1)[("guest_loans", "")] == 1
    assert figures(level="branch", branch=net.a2)[("loans", "")] == 1
    assert figures(level="branch", branch=net.a2)[("holds", "")] == 1


def test_provinces_and_the_network_add_up(net):
    assert figures(level="province", province="UT")[("loans", "")] == 5
    assert figures(level="province", province="GE")[("members", "")] == 1
    network = figures(level="network")
    assert network[("members", "")] == 4
    assert network[("members", "age_band:adult")] == 2
    assert network[("active_users", "")] == 4
    assert network[("loans", "")] == 5
    assert network[("network_loans_in", "")] == 2


def test_the_year_sums_its_months_and_keeps_the_last_stock(net):
    year = {
        (row.indicator, row.breakdown): row.value
        for row in Figure.objects.filter(
            period_kind="year", period=dt.date(2026, 1, 1), level="organisation", organisation=net.a
        )
    }
    assert year[("loans", "")] == 5
    assert year[("members", "")] == 3
    assert year[("active_users", "")] == 3


def test_a_rollup_run_twice_gives_the_same_figures(net):
    def snapshot():
        return sorted(
            Figure.objects.values_list(
                "period_kind", "period", "level", "province", "organisation_id", "branch_id",
                "indicator", "breakdown", "value", "suppressed",
            )
        )  # fmt: skip

    first = snapshot()
    services.cockpit_rollup(actor=None, month=OCTOBER)
    assert snapshot() == first


def test_active_users_survive_the_anonymisation_of_loans(net):
    """Re-running a past month after its loans lost their members gives the same count."""
    Loan.objects.update(person=None)
    services.cockpit_rollup(actor=None, month=OCTOBER)
    assert figures(level="organisation", organisation=net.a)[("active_users", "")] == 3
    assert figures(level="network")[("active_users", "")] == 4


def test_the_command_rolls_up_a_range_of_months(net, capsys):
    call_command("cockpit_rollup", "--month", "2026-09", "--until", "2026-10")
    out = capsys.readouterr().out
    assert "2026-09" in out
    assert "2026-10" in out
    september = Figure.objects.filter(
        period_kind="month", period=dt.date(2026, 9, 1), level="organisation",
        organisation=net.a, indicator="loans", breakdown="",
    ).get()  # fmt: skip
    assert september.value == 1
