"""Reading items: the desk look-up through the tenant gate, the network-wide locate, and
availability per branch for the catalogue."""

from __future__ import annotations

import pytest

from samenbieb.catalog.models import Identifier
from samenbieb.holdings.models import ItemStatus
from samenbieb.holdings.queries import (
    item_for_staff,
    item_locate,
    record_availability,
    records_for_item_entry,
)
from samenbieb.network.roles import Role
from tests.factories import BranchFactory, ItemFactory, OrganisationFactory, RecordFactory

pytestmark = pytest.mark.django_db


def test_record_availability_counts_copies_per_organisation_and_branch_in_one_query(
    django_assert_num_queries,
):
    record = RecordFactory()
    utrecht = OrganisationFactory(name="Bibliotheek Utrecht")
    neude = BranchFactory(organisation=utrecht, name="Neude")
    overvecht = BranchFactory(organisation=utrecht, name="Overvecht")
    arnhem = BranchFactory(organisation=OrganisationFactory(name="Bibliotheek Arnhem"))

    def copies(branch, *statuses):
        for status in statuses:
            ItemFactory(
                record=record, organisation=branch.organisation, home_branch=branch, status=status
            )

    copies(neude, "available", "available", "on_loan", "in_transit", "missing", "withdrawn")
    copies(overvecht, "on_loan", "on_hold_shelf", "damaged", "lost")
    copies(arnhem, "available")
    ItemFactory(home_branch=neude, organisation=utrecht)  # another record

    with django_assert_num_queries(1):
        rows = record_availability(record)

    summary = [
        (
            r.organisation_name,
            r.branch_name,
            r.copies,
            r.available,
            r.on_loan,
            r.in_transit,
            r.other,
        )
        for r in rows
    ]
    assert summary == [
        ("Bibliotheek Arnhem", arnhem.name, 1, 1, 0, 0, 0),
        ("Bibliotheek Utrecht", "Neude", 5, 2, 1, 1, 1),
        ("Bibliotheek Utrecht", "Overvecht", 4, 0, 1, 0, 3),
    ]


def test_availability_counts_a_copy_where_it_is_now():
    record = RecordFactory()
    item = ItemFactory(record=record)
    elsewhere = BranchFactory(organisation=item.organisation, name="Leidsche Rijn")
    item.current_branch = elsewhere
    item.save()
    assert [row.branch_name for row in record_availability(record)] == ["Leidsche Rijn"]


def test_a_record_without_copies_has_no_availability_rows():
    assert record_availability(RecordFactory()) == []


def test_staff_find_their_own_items_by_a_scanned_barcode(staff_with_role):
    item = ItemFactory(barcode="3000ABCD")
    user = staff_with_role(item.organisation, Role.DESK)
    assert item_for_staff(user, " 3000abcd\n") == item


def test_another_organisations_item_is_not_found_at_the_desk(staff_with_role):
    item = ItemFactory()
    user = staff_with_role(OrganisationFactory(), Role.ADMINISTRATOR)
    assert item_for_staff(user, item.barcode) is None


def test_a_barcode_that_cannot_exist_is_simply_not_found(staff_with_role):
    user = staff_with_role(OrganisationFactory(), Role.DESK)
    assert item_for_staff(user, "<script>") is None
    assert item_locate("") is None


def test_item_locate_tells_any_library_only_the_owner_and_the_status():
    item = ItemFactory(organisation=OrganisationFactory(name="Bibliotheek Arnhem"))
    location = item_locate(item.barcode.lower())
    assert location is not None
    assert location.organisation_name == "Bibliotheek Arnhem"
    assert location.status == ItemStatus.AVAILABLE
    assert set(vars(location)) == {"barcode", "organisation_id", "organisation_name", "status"}
    assert item_locate("99999999") is None


def test_a_record_is_found_by_isbn_13_isbn_10_an_extra_identifier_or_its_number():
    record = RecordFactory(isbn="9780306406157")
    other = RecordFactory()
    Identifier.objects.create(record=other, kind="isbn", value="9789027439642")
    assert records_for_item_entry("978-0-306-40615-7") == [record]
    assert records_for_item_entry("0-306-40615-2") == [record]
    assert records_for_item_entry("9789027439642") == [other]
    assert records_for_item_entry(str(other.pk)) == [other]
    assert records_for_item_entry("9780306406158") == []  # wrong check digit
    assert records_for_item_entry("geen nummer") == []
