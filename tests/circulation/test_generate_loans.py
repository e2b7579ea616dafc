"""Synthetic loans (step ``loans`` of ``samenbieb generate``): consistent with the copies,
the members and their choices, deterministic, and replaced with the network."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from io import StringIO
from itertools import pairwise

import pytest
from django.core.management import call_command
from django.utils import timezone

from samenbieb.circulation.generate import synthetic_loans, synthetic_loans_replace
from samenbieb.circulation.models import Loan, age_band_of
from samenbieb.holdings.models import Item, ItemStatus
from samenbieb.members.dates import age_on
from samenbieb.members.models import Consent, ConsentKind, Membership
from samenbieb.network.generate import (
    GENERATED_ISIL_PREFIX,
    network_generate,
    synthetic_network_delete,
)
from samenbieb.network.models import OpeningHours

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)
LOANS = 3_000


@pytest.fixture
def network() -> dict[str, int]:
    return network_generate(
        scale="tiny", seed=11, today=TODAY, records=300, items=600, persons=400, loans=LOANS
    ).counts


def synthetic_items():
    return Item.objects.filter(organisation__isil__startswith=GENERATED_ISIL_PREFIX)


def snapshot() -> list[tuple[object, ...]]:
    """The loans without database ids: by copy, member identity, places and times."""
    return list(
        Loan.objects.order_by("checked_out_at", "item__barcode").values_list(
            "item__barcode", "person__identity_key", "branch__code", "return_branch__code",
            "owner_organisation__isil", "home_organisation__isil", "age_band", "plan__code",
            "checked_out_at", "due_on", "returned_at", "renewals",
        )
    )  # fmt: skip


def test_the_loans_asked_for_are_made_by_the_synthetic_libraries(network):
    assert network["loans"] == LOANS == Loan.objects.count() == synthetic_loans().count()
    open_loans = Loan.objects.filter(returned_at__isnull=True)
    assert network["open_loans"] == open_loans.count()
    assert 0 < open_loans.count() < LOANS / 5
    assert not Loan.objects.exclude(organisation__isil__startswith=GENERATED_ISIL_PREFIX).exists()


def test_exactly_the_copies_with_an_open_loan_are_on_loan(network):
    on_loan = set(synthetic_items().filter(status=ItemStatus.ON_LOAN).values_list("id", flat=True))
    lent = list(Loan.objects.filter(returned_at__isnull=True).values_list("item_id", flat=True))

    assert on_loan
    assert len(lent) == len(set(lent))
    assert set(lent) == on_loan


def test_a_copy_is_lent_to_one_member_at_a_time(network):
    periods: dict[int, list[tuple[dt.datetime, dt.datetime]]] = {}
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    for item, out, back in Loan.objects.values_list("item_id", "checked_out_at", "returned_at"):
        periods.setdefault(item, []).append((out, back or far))
    for loans in periods.values():
        loans.sort()
        for (_out, back), (next_out, _back) in pairwise(loans):
            assert back <= next_out


def test_returned_loans_keep_their_member_only_when_the_member_keeps_their_history(network):
    latest: dict[int, bool] = {}
    for person, given in (
        Consent.objects.filter(kind=ConsentKind.LOAN_HISTORY)
        .order_by("person_id", "recorded_at", "id")
        .values_list("person_id", "given")
    ):
        latest[person] = given
    keepers = {person for person, given in latest.items() if given}
    returned = Loan.objects.filter(returned_at__isnull=False)

    linked = set(returned.filter(person__isnull=False).values_list("person_id", flat=True))
    assert linked
    assert linked <= keepers
    assert returned.filter(person__isnull=True).count() > returned.count() / 2
    assert not Loan.objects.filter(returned_at__isnull=True, person__isnull=True).exists()


def test_loans_fall_in_the_three_years_before_today_while_the_branch_is_open(network):
    start = dt.datetime.combine(TODAY - dt.timedelta(days=3 * 365), dt.time(), tzinfo=dt.UTC)
    hours: dict[tuple[int, int], list[tuple[dt.time, dt.time]]] = {}
    for branch, weekday, opens, closes in OpeningHours.objects.values_list(
        "branch_id", "weekday", "opens", "closes"
    ):
        hours.setdefault((branch, weekday), []).append((opens, closes))
    tomorrow = TODAY + dt.timedelta(days=1)
    weekdays: Counter[int] = Counter()
    for loan in Loan.objects.all():
        local = timezone.localtime(loan.checked_out_at)
        assert start <= loan.checked_out_at
        assert local.date() < TODAY
        periods = hours[loan.branch_id, local.weekday()]
        assert any(opens <= local.time() < closes for opens, closes in periods)
        assert local.date() < loan.due_on
        assert loan.renewals <= loan.renewals_allowed
        if loan.returned_at is not None:
            assert loan.checked_out_at < loan.returned_at
            assert timezone.localdate(loan.returned_at) < tomorrow
        weekdays[local.weekday()] += 1
    assert weekdays[5] > weekdays[0] > weekdays[6]  # Saturday busiest, Sunday quietest


def test_age_bands_and_plans_are_the_members_on_the_day_of_the_loan(network):
    members = 0
    for loan in Loan.objects.filter(person__isnull=False).select_related("person", "plan"):
        day = timezone.localdate(loan.checked_out_at)
        assert loan.age_band == age_band_of(age_on(loan.person.birth_date, day))
        assert loan.home_organisation_id == loan.person.home_organisation_id
        assert Membership.objects.filter(person=loan.person, ends_on__gte=day).exists()
        if loan.organisation_id == loan.person.home_organisation_id:
            assert loan.plan is not None
            assert loan.plan.organisation_id == loan.organisation_id
            assert (loan.plan.code == "jeugd") == (age_on(loan.person.birth_date, day) < 18)
        else:
            assert loan.plan is None
        members += 1
    assert members > 50


def test_most_loans_stay_within_the_members_library_and_some_travel(network):
    loans = list(
        Loan.objects.values_list("organisation_id", "owner_organisation_id", "home_organisation_id")
    )
    at_home = sum(1 for lender, owner, home in loans if lender == owner == home)
    assert at_home > 0.8 * len(loans)
    assert any(owner != lender for lender, owner, _home in loans)
    assert any(lender != home for lender, _owner, home in loans)


def test_the_same_seed_gives_the_same_loans_and_another_seed_others():
    kwargs = {"scale": "tiny", "today": TODAY, "records": 100, "items": 200, "persons": 150}
    network_generate(seed=5, loans=500, **kwargs)
    first = snapshot()
    network_generate(seed=5, loans=500, **kwargs)
    assert snapshot() == first
    network_generate(seed=6, loans=500, **kwargs)
    assert snapshot() != first


def test_replacing_the_loans_keeps_the_network_and_deleting_the_network_takes_them(network):
    items = synthetic_items().count()

    counts = synthetic_loans_replace(count=800, seed=3, today=TODAY)

    assert counts["loans"] == Loan.objects.count() == 800
    assert synthetic_items().count() == items
    on_loan = set(synthetic_items().filter(status=ItemStatus.ON_LOAN).values_list("id", flat=True))
    assert on_loan == set(
        Loan.objects.filter(returned_at__isnull=True).values_list("item_id", flat=True)
    )
    synthetic_network_delete()
    assert not Loan.objects.exists()


def test_the_command_takes_a_number_of_loans():
    out = StringIO()
    call_command(
        "generate", "--scale", "tiny", "--records", "50", "--items", "100", "--loans", "200",
        stdout=out,
    )  # fmt: skip
    assert Loan.objects.count() == 200
    assert "loans" in out.getvalue()


def test_without_loans_the_copies_keep_their_status():
    network_generate(scale="tiny", today=TODAY, records=100, items=300)

    assert not Loan.objects.exists()
    assert synthetic_items().filter(status=ItemStatus.ON_LOAN).exists()


def test_a_whole_network_with_a_bulk_load_of_loans_is_made_in_one_call(monkeypatch):
    """On PostgreSQL a large load drops the loan table's indexes and foreign keys and
    builds them again, in the same transaction as the rest of the network."""
    from django.db import connection

    from samenbieb.circulation import generate

    if connection.vendor != "postgresql":
        pytest.skip("the index rebuild is PostgreSQL only")

    def loan_constraints() -> list[tuple[str, str]]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT conname, contype FROM pg_constraint"
                " WHERE conrelid = 'circulation_loan'::regclass ORDER BY conname"
            )
            keys = cursor.fetchall()
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'circulation_loan'"
                " ORDER BY indexname"
            )
            return keys + cursor.fetchall()

    before = loan_constraints()
    monkeypatch.setattr(generate, "REBUILD_FROM", 500)

    counts = network_generate(
        scale="tiny", seed=11, today=TODAY, records=100, items=200, persons=150, loans=1_000
    ).counts

    assert counts["loans"] == 1_000
    assert loan_constraints() == before
