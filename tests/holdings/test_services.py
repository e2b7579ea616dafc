"""Adding, changing and moving items through the holdings services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from samenbieb.core.errors import NotPermitted
from samenbieb.core.models import AuditEvent
from samenbieb.holdings import services
from samenbieb.holdings.errors import (
    BranchOfAnotherOrganisation,
    DuplicateBarcode,
    FieldNotEditable,
    InvalidBarcode,
    InvalidTransition,
)
from samenbieb.holdings.models import Item, ItemStatus
from samenbieb.holdings.states import Trigger
from samenbieb.network.roles import Capability, Role, roles_with
from tests.factories import (
    BranchFactory,
    ItemFactory,
    ItemTypeFactory,
    OrganisationFactory,
    RecordFactory,
)

pytestmark = pytest.mark.django_db

MANAGERS = roles_with(Capability.HOLDINGS_MANAGE)
NOT_MANAGERS = [role for role in Role if role not in MANAGERS]


@pytest.fixture
def library():
    return OrganisationFactory(name="Bibliotheek Utrecht")


@pytest.fixture
def branch(library):
    return BranchFactory(organisation=library, name="Neude")


@pytest.fixture
def cataloguer(library, staff_with_role):
    return staff_with_role(library, Role.CATALOGUER)


def _add(actor, branch, barcode="30001234", **fields):
    return services.item_add(
        actor=actor,
        record=fields.pop("record", None) or RecordFactory(),
        organisation=branch.organisation,
        home_branch=branch,
        barcode=barcode,
        item_type=ItemTypeFactory(),
        **fields,
    )


def test_a_cataloguer_adds_an_item_on_the_shelf_at_its_home_branch(cataloguer, branch):
    item = _add(
        cataloguer,
        branch,
        barcode=" 3000abc1\r\n",
        shelf_mark=" ROMA JANS ",
        acquired_on=dt.date(2026, 3, 1),
        replacement_price=Decimal("24.95"),
    )
    item.refresh_from_db()
    assert item.barcode == "3000ABC1"
    assert item.status == ItemStatus.AVAILABLE
    assert item.current_branch == item.home_branch == branch
    assert item.shelf_mark == "ROMA JANS"
    assert item.replacement_price == Decimal("24.95")
    event = AuditEvent.objects.get(event_type="holdings.item.added")
    assert event.actor == cataloguer
    assert event.organisation_id == branch.organisation_id
    assert event.object_id == str(item.pk)


def test_an_invalid_barcode_is_refused_with_a_message(cataloguer, branch):
    with pytest.raises(InvalidBarcode) as refused:
        _add(cataloguer, branch, barcode="30-01")
    assert "30-01" in str(refused.value)
    assert not Item.objects.exists()


def test_a_duplicate_barcode_names_where_the_other_item_is_when_the_actor_may_see_it(
    cataloguer, branch
):
    _add(cataloguer, branch, barcode="30001234")
    with pytest.raises(DuplicateBarcode) as refused:
        _add(cataloguer, branch, barcode="30001234")
    assert refused.value.code == "duplicate_barcode"
    assert "30001234" in str(refused.value)
    assert "Bibliotheek Utrecht" in str(refused.value)
    assert "Neude" in str(refused.value)
    assert Item.objects.count() == 1


def test_a_duplicate_barcode_of_another_library_does_not_say_which_library(cataloguer, branch):
    other = BranchFactory(organisation=OrganisationFactory(name="Bibliotheek Arnhem"))
    ItemFactory(barcode="30009999", organisation=other.organisation, home_branch=other)
    with pytest.raises(DuplicateBarcode) as refused:
        _add(cataloguer, branch, barcode="30009999")
    assert "30009999" in str(refused.value)
    assert "Arnhem" not in str(refused.value)
    assert refused.value.where is None


def test_the_system_may_add_items_and_sees_duplicates_everywhere(branch):
    other = BranchFactory(organisation=OrganisationFactory(name="Bibliotheek Arnhem"))
    ItemFactory(barcode="30009999", organisation=other.organisation, home_branch=other)
    assert _add(None, branch, barcode="30001111").pk
    with pytest.raises(DuplicateBarcode, match="Arnhem"):
        _add(None, branch, barcode="30009999")
    assert AuditEvent.objects.get(event_type="holdings.item.added").actor_label == "system"


def test_a_home_branch_of_another_organisation_is_refused(cataloguer, library):
    elsewhere = BranchFactory()
    with pytest.raises(BranchOfAnotherOrganisation):
        services.item_add(
            actor=cataloguer,
            record=RecordFactory(),
            organisation=library,
            home_branch=elsewhere,
            barcode="30001234",
            item_type=ItemTypeFactory(),
        )
    assert not Item.objects.exists()


def test_a_negative_replacement_price_is_refused(cataloguer, branch):
    with pytest.raises(ValidationError):
        _add(cataloguer, branch, replacement_price=Decimal("-1"))


@pytest.mark.parametrize("role", MANAGERS)
def test_roles_that_manage_holdings_add_items_for_their_own_organisation(
    role, library, branch, staff_with_role
):
    assert _add(staff_with_role(library, role), branch).pk


@pytest.mark.parametrize("role", NOT_MANAGERS)
def test_other_roles_may_not_add_items(role, library, branch, staff_with_role):
    with pytest.raises(NotPermitted):
        _add(staff_with_role(library, role), branch)
    assert not Item.objects.exists()


@pytest.mark.parametrize("role", list(Role))
def test_nobody_adds_update_or_moves_items_of_another_organisation(role, staff_with_role):
    outsider = staff_with_role(OrganisationFactory(), role)
    item = ItemFactory()
    with pytest.raises(NotPermitted):
        _add(outsider, item.home_branch)
    with pytest.raises(NotPermitted):
        services.item_update(actor=outsider, item=item, shelf_mark="WEG")
    with pytest.raises(NotPermitted):
        services.item_transition(actor=outsider, item=item, trigger=Trigger.WITHDRAW)
    item.refresh_from_db()
    assert (item.shelf_mark, item.status) == ("", ItemStatus.AVAILABLE)
    assert not AuditEvent.objects.filter(event_type__startswith="holdings.").exists()


def test_update_changes_descriptive_fields_and_records_what_changed(cataloguer, branch):
    item = ItemFactory(organisation=branch.organisation, home_branch=branch)
    second = BranchFactory(organisation=branch.organisation)
    services.item_update(
        actor=cataloguer,
        item=item,
        shelf_mark="JEUGD A",
        home_branch=second,
        replacement_price=Decimal("12.50"),
    )
    item.refresh_from_db()
    assert (item.shelf_mark, item.home_branch, item.replacement_price) == (
        "JEUGD A",
        second,
        Decimal("12.50"),
    )
    assert item.current_branch == branch  # a new home does not move the copy
    event = AuditEvent.objects.get(event_type="holdings.item.changed")
    assert set(event.details["changed"]) == {"shelf_mark", "home_branch", "replacement_price"}


def test_update_without_changes_writes_no_audit_event(cataloguer, branch):
    item = ItemFactory(organisation=branch.organisation, home_branch=branch, shelf_mark="A")
    services.item_update(actor=cataloguer, item=item, shelf_mark="A")
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("field", ["status", "current_branch", "organisation", "created_at"])
def test_update_never_changes_status_location_or_owner(cataloguer, branch, field):
    item = ItemFactory(organisation=branch.organisation, home_branch=branch)
    value = {
        "status": ItemStatus.WITHDRAWN,
        "current_branch": BranchFactory(organisation=branch.organisation),
        "organisation": OrganisationFactory(),
        "created_at": dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
    }[field]
    with pytest.raises(FieldNotEditable, match=field):
        services.item_update(actor=cataloguer, item=item, shelf_mark="X", **{field: value})
    item.refresh_from_db()
    assert item.status == ItemStatus.AVAILABLE
    assert item.current_branch == branch
    assert item.shelf_mark == ""


def test_update_refuses_a_home_branch_of_another_organisation(cataloguer, branch):
    item = ItemFactory(organisation=branch.organisation, home_branch=branch)
    with pytest.raises(BranchOfAnotherOrganisation):
        services.item_update(actor=cataloguer, item=item, home_branch=BranchFactory())


def test_update_refuses_a_barcode_that_is_taken(cataloguer, branch):
    ItemFactory(barcode="30000001", organisation=branch.organisation, home_branch=branch)
    item = ItemFactory(barcode="30000002", organisation=branch.organisation, home_branch=branch)
    with pytest.raises(DuplicateBarcode):
        services.item_update(actor=cataloguer, item=item, barcode="30000001")
    item.refresh_from_db()
    assert item.barcode == "30000002"


def test_a_transition_follows_the_table_and_is_audited(cataloguer, branch):
    item = ItemFactory(organisation=branch.organisation, home_branch=branch)
    elsewhere = BranchFactory()
    services.item_transition(actor=cataloguer, item=item, trigger=Trigger.SEND)
    assert item.status == ItemStatus.IN_TRANSIT
    services.item_transition(actor=cataloguer, item=item, trigger="receive", branch=elsewhere)
    item.refresh_from_db()
    assert item.status == ItemStatus.AVAILABLE
    assert item.current_branch == elsewhere
    assert item.home_branch == branch
    events = list(
        AuditEvent.objects.filter(event_type__startswith="holdings.item.")
        .order_by("pk")
        .values_list("event_type", "details")
    )
    assert [event_type for event_type, _ in events] == [
        "holdings.item.send",
        "holdings.item.receive",
    ]
    assert events[1][1]["from"] == "in_transit"
    assert events[1][1]["to"] == "available"


def test_a_refused_transition_changes_nothing_and_is_not_audited(cataloguer, branch):
    item = ItemFactory(organisation=branch.organisation, home_branch=branch)
    services.item_transition(actor=cataloguer, item=item, trigger=Trigger.CHECKOUT)
    with pytest.raises(InvalidTransition):
        services.item_transition(actor=cataloguer, item=item, trigger=Trigger.WITHDRAW)
    item.refresh_from_db()
    assert item.status == ItemStatus.ON_LOAN
    assert AuditEvent.objects.filter(event_type__startswith="holdings.").count() == 1


def test_a_transition_reads_the_status_from_the_database_not_from_a_stale_instance(branch):
    item = ItemFactory(organisation=branch.organisation, home_branch=branch)
    stale = Item.objects.get(pk=item.pk)
    services.item_transition(actor=None, item=item, trigger=Trigger.CHECKOUT)
    with pytest.raises(InvalidTransition):
        services.item_transition(actor=None, item=stale, trigger=Trigger.CHECKOUT)


@pytest.mark.parametrize("role", NOT_MANAGERS)
def test_staff_without_holdings_rights_cannot_change_the_status_through_holdings(
    role, library, branch, staff_with_role
):
    item = ItemFactory(organisation=library, home_branch=branch)
    with pytest.raises(NotPermitted):
        services.item_transition(
            actor=staff_with_role(library, role), item=item, trigger=Trigger.MARK_MISSING
        )
