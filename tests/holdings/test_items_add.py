"""Adding many copies at once: the same rules as one by one, all or nothing."""

from __future__ import annotations

import pytest

from samenbieb.core.errors import NotPermitted
from samenbieb.core.models import AuditEvent
from samenbieb.holdings.errors import BranchOfAnotherOrganisation, DuplicateBarcode
from samenbieb.holdings.models import Item, ItemStatus
from samenbieb.holdings.services import NewItem, items_add
from tests.factories import (
    BranchFactory,
    ItemFactory,
    ItemTypeFactory,
    OrganisationFactory,
    RecordFactory,
    StaffRoleFactory,
)

pytestmark = pytest.mark.django_db


def _new(branch, barcode: str) -> NewItem:
    return NewItem(
        record=RecordFactory(),
        organisation=branch.organisation,
        home_branch=branch,
        barcode=barcode,
        item_type=ItemTypeFactory(),
    )


def test_copies_added_together_are_on_the_shelf_at_home_with_one_audit_event():
    branch = BranchFactory()
    created = items_add(actor=None, items=[_new(branch, " 1001 "), _new(branch, "1002")])
    assert [item.barcode for item in created] == ["1001", "1002"]
    assert set(Item.objects.values_list("status", "current_branch")) == {
        (ItemStatus.AVAILABLE, branch.pk)
    }
    event = AuditEvent.objects.get(event_type="holdings.item.added_in_bulk")
    assert event.details == {"count": 2}


def test_one_taken_barcode_refuses_the_whole_batch():
    branch = BranchFactory()
    ItemFactory(barcode="2002", organisation=branch.organisation, home_branch=branch)
    with pytest.raises(DuplicateBarcode):
        items_add(actor=None, items=[_new(branch, "2001"), _new(branch, "2002")])
    assert not Item.objects.filter(barcode="2001").exists()


def test_a_barcode_twice_in_one_batch_is_refused():
    branch = BranchFactory()
    with pytest.raises(DuplicateBarcode):
        items_add(actor=None, items=[_new(branch, "3001"), _new(branch, "3001")])
    assert not Item.objects.exists()


def test_a_home_branch_of_another_organisation_is_refused():
    branch = BranchFactory()
    other = BranchFactory(organisation=OrganisationFactory())
    item = _new(branch, "4001")
    wrong = NewItem(**{**item.__dict__, "home_branch": other})
    with pytest.raises(BranchOfAnotherOrganisation):
        items_add(actor=None, items=[wrong])


def test_staff_may_add_in_bulk_only_where_they_manage_holdings():
    branch = BranchFactory()
    desk = StaffRoleFactory(organisation=branch.organisation, role="desk").user
    cataloguer = StaffRoleFactory(organisation=branch.organisation, role="cataloguer").user
    with pytest.raises(NotPermitted):
        items_add(actor=desk, items=[_new(branch, "5001")])
    assert len(items_add(actor=cataloguer, items=[_new(branch, "5002")])) == 1
