"""bulk_insert: plain rows straight into a table (COPY on PostgreSQL), in the caller's
transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import FieldDoesNotExist
from django.db import IntegrityError, transaction
from django.db.models.signals import post_save
from django.utils import timezone

from samenbieb.core.bulk import bulk_insert
from samenbieb.network.models import Branch, Closure, Municipality, OpeningHours, Organisation
from tests.factories import BranchFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

CLOSURE_FIELDS = ("organisation", "branch", "start_date", "end_date", "reason")


def test_rows_land_with_their_values_including_nulls_dates_and_unicode():
    organisation = OrganisationFactory()
    branch = BranchFactory(organisation=organisation)
    rows = [
        (organisation.pk, None, dt.date(2026, 12, 25), dt.date(2026, 12, 26), "Kerst in Fryslân"),
        (organisation.pk, branch.pk, dt.date(2027, 1, 12), dt.date(2027, 1, 24), "Verbouwing — ø"),
    ]

    count = bulk_insert(Closure, rows, CLOSURE_FIELDS)

    assert count == 2
    assert list(Closure.objects.order_by("start_date").values_list(*CLOSURE_FIELDS)) == rows


def test_decimals_times_and_aware_datetimes_keep_their_exact_values():
    organisation = OrganisationFactory()
    utrecht = Municipality.objects.get(cbs_code="GM0344")
    fields = (
        "organisation",
        "code",
        "name",
        "kind",
        "street",
        "house_number",
        "postcode",
        "city",
        "municipality",
        "latitude",
        "longitude",
        "phone",
        "email",
        "is_active",
    )
    bulk_insert(
        Branch,
        [
            (organisation.pk, "neude", "Neude", "main", "Neude", "11", "3511 TX", "Utrecht",
             utrecht.pk, Decimal("52.088329"), Decimal("5.115990"), "", "", True),
            (organisation.pk, "elders", "Elders", "branch", "", "", "", "", None, None, None,
             "", "", False),
        ],
        fields,
    )  # fmt: skip
    neude, elders = Branch.objects.filter(organisation=organisation).order_by("-code")
    assert (neude.latitude, neude.longitude, neude.municipality, neude.is_active) == (
        Decimal("52.088329"), Decimal("5.115990"), utrecht, True,
    )  # fmt: skip
    assert (elders.latitude, elders.municipality, elders.is_active) == (None, None, False)

    bulk_insert(
        OpeningHours,
        [(neude.pk, 2, dt.time(10), dt.time(17, 30)), (neude.pk, 2, dt.time(18, 45), dt.time(21))],
        ("branch", "weekday", "opens", "closes"),
    )
    assert list(neude.opening_hours.order_by("opens").values_list("opens", "closes")) == [
        (dt.time(10), dt.time(17, 30)),
        (dt.time(18, 45), dt.time(21)),
    ]

    created = dt.datetime(2026, 11, 21, 9, 30, tzinfo=dt.UTC)
    bulk_insert(
        Organisation,
        [("NL-BulkT", "Bibliotheek Bulk", "Bulk", "library", "FR", "", "", "", True, created)],
        ("isil", "name", "short_name", "kind", "province", "website", "email", "phone",
         "is_active", "created_at"),
    )  # fmt: skip
    assert Organisation.objects.get(isil="NL-BulkT").created_at == created
    assert timezone.is_aware(Organisation.objects.get(isil="NL-BulkT").created_at)


def test_foreign_keys_may_be_named_by_column_and_many_to_many_rows_go_through_the_through_model():
    organisation = OrganisationFactory()
    codes = ["GM0344", "GM0307"]
    ids = list(Municipality.objects.filter(cbs_code__in=codes).values_list("id", flat=True))

    count = bulk_insert(
        Organisation.municipalities.through,
        [(organisation.pk, pk) for pk in ids],
        ("organisation_id", "municipality_id"),
    )

    assert count == 2
    assert set(organisation.municipalities.values_list("cbs_code", flat=True)) == set(codes)


def test_the_count_covers_a_lazy_generator_of_several_batches():
    organisation = OrganisationFactory()
    first = dt.date(2026, 1, 1)
    rows = (
        (
            organisation.pk,
            None,
            first + dt.timedelta(days=n),
            first + dt.timedelta(days=n),
            f"Dag {n}",
        )
        for n in range(2_345)
    )

    assert bulk_insert(Closure, rows, CLOSURE_FIELDS, batch_size=1_000) == 2_345
    assert Closure.objects.filter(organisation=organisation).count() == 2_345


def test_no_rows_insert_nothing_and_return_zero():
    assert bulk_insert(Closure, [], CLOSURE_FIELDS) == 0
    assert not Closure.objects.exists()


def test_rows_disappear_when_the_outer_transaction_rolls_back():
    organisation = OrganisationFactory()
    row = (organisation.pk, None, dt.date(2026, 12, 25), dt.date(2026, 12, 25), "Kerst")

    def load_then_fail() -> None:
        with transaction.atomic():
            bulk_insert(Closure, [row], CLOSURE_FIELDS)
            assert Closure.objects.count() == 1
            raise RuntimeError("the caller gives up")

    with pytest.raises(RuntimeError):
        load_then_fail()

    assert not Closure.objects.exists()


def test_no_save_signal_is_sent():
    organisation = OrganisationFactory()
    saved: list[object] = []

    def receiver(sender: object, **kwargs: object) -> None:
        saved.append(sender)

    post_save.connect(receiver, sender=Closure)
    try:
        new_year = dt.date(2026, 1, 1)
        bulk_insert(
            Closure, [(organisation.pk, None, new_year, new_year, "Nieuwjaar")], CLOSURE_FIELDS
        )
    finally:
        post_save.disconnect(receiver, sender=Closure)

    assert saved == []
    assert Closure.objects.count() == 1


def test_the_database_still_enforces_its_constraints():
    organisation = OrganisationFactory()
    backwards = (
        organisation.pk,
        None,
        dt.date(2026, 12, 26),
        dt.date(2026, 12, 25),
        "Achterstevoren",
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        bulk_insert(Closure, [backwards], CLOSURE_FIELDS)

    assert not Closure.objects.exists()


def test_a_row_of_the_wrong_width_is_refused():
    with pytest.raises(ValueError, match="expected 5 values"), transaction.atomic():
        bulk_insert(Closure, [(1, None, dt.date(2026, 1, 1))], CLOSURE_FIELDS)


def test_an_unknown_field_is_refused_before_anything_is_sent():
    with pytest.raises(FieldDoesNotExist):
        bulk_insert(Closure, [(1,)], ("colour",))
