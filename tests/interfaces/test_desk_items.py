"""The desk's item pages through the Django test client: scan, look up, add, change."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from samenbieb.holdings.models import Item, ItemStatus
from samenbieb.network.roles import Capability, Role, roles_with
from tests.factories import (
    BranchFactory,
    ItemFactory,
    ItemTypeFactory,
    OrganisationFactory,
    RecordFactory,
    StaffRoleFactory,
    staff_login,
)

pytestmark = pytest.mark.django_db

MANAGERS = roles_with(Capability.HOLDINGS_MANAGE)
NOT_MANAGERS = [role for role in Role if role not in MANAGERS]


@pytest.fixture
def branch():
    return BranchFactory(organisation=OrganisationFactory(name="Bibliotheek Utrecht"))


def _client(user) -> Client:
    client = Client()
    staff_login(client, user)
    return client


@pytest.fixture
def cataloguer(branch, staff_with_role):
    return _client(staff_with_role(branch.organisation, Role.CATALOGUER))


@pytest.fixture
def desk(branch, staff_with_role):
    return _client(staff_with_role(branch.organisation, Role.DESK))


def _add_data(branch, title, **overrides):
    return {
        "record": title.isbn or str(title.pk),
        "home_branch": str(branch.pk),
        "item_type": str(ItemTypeFactory().pk),
        "shelf_mark": "ROMA BOS",
        "acquired_on": "2026-02-01",
        "replacement_price": "19,95",
        "barcode": "30001234",
        **overrides,
    }


def test_the_items_page_asks_for_a_scan_with_the_field_focused(desk):
    html = desk.get(reverse("desk:items")).content.decode()
    assert 'id="scan-barcode"' in html
    assert "autofocus" in html


def test_scanning_a_barcode_goes_straight_to_the_item_page(desk, branch):
    item = ItemFactory(barcode="30005555", organisation=branch.organisation, home_branch=branch)
    response = desk.get(reverse("desk:items"), {"barcode": " 30005555\r\n"})
    assert response.status_code == 302
    assert response["Location"] == reverse("desk:item", args=[item.barcode])


def test_an_unknown_barcode_gives_a_clear_message_and_keeps_the_scanned_value(desk):
    response = desk.get(reverse("desk:items"), {"barcode": "30009876"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="scan-not-found"' in html
    assert 'value="30009876"' in html


def test_a_barcode_of_another_library_is_not_found_but_its_owner_is_named(desk):
    other = ItemFactory(organisation=OrganisationFactory(name="Bibliotheek Arnhem"))
    response = desk.get(reverse("desk:items"), {"barcode": other.barcode})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="scan-not-found"' in html
    assert "Bibliotheek Arnhem" in html
    assert other.record.title not in html


def test_an_impossible_barcode_is_explained_and_kept(desk):
    html = desk.get(reverse("desk:items"), {"barcode": "<b>30"}).content.decode()
    assert 'id="scan-barcode-error"' in html
    assert "<b>30" not in html
    assert "&lt;B&gt;30" in html or "&lt;b&gt;30" in html


def test_the_item_page_shows_the_item_with_its_title_escaped(desk, branch):
    record = RecordFactory(title="<script>alert('x')</script> & Co", subtitle="<i>deel 2</i>")
    item = ItemFactory(
        record=record,
        organisation=branch.organisation,
        home_branch=branch,
        shelf_mark="<b>ROMA</b>",
        replacement_price=Decimal("19.95"),
    )
    response = desk.get(reverse("desk:item", args=[item.barcode]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; Co" in html
    assert "<i>deel 2</i>" not in html
    assert "<b>ROMA</b>" not in html
    assert 'data-status="available"' in html
    assert branch.name in html
    assert "19,95" in html


def test_another_organisations_item_page_is_not_found(branch, staff_with_role):
    other = ItemFactory()
    for role in Role:
        client = _client(staff_with_role(branch.organisation, role))
        assert client.get(reverse("desk:item", args=[other.barcode])).status_code == 404
        assert client.get(reverse("desk:item_change", args=[other.barcode])).status_code == 404
        response = client.post(
            reverse("desk:item_change", args=[other.barcode]), {"shelf_mark": "WEG"}
        )
        assert response.status_code == 404
    other.refresh_from_db()
    assert other.shelf_mark == ""


@pytest.mark.parametrize("role", NOT_MANAGERS)
def test_staff_without_holdings_rights_see_items_but_cannot_add_or_change_them(
    role, branch, staff_with_role
):
    client = _client(staff_with_role(branch.organisation, role))
    item = ItemFactory(organisation=branch.organisation, home_branch=branch)
    assert 'id="item-add-link"' not in client.get(reverse("desk:items")).content.decode()
    page = client.get(reverse("desk:item", args=[item.barcode]))
    assert page.status_code == 200
    assert 'id="item-change-link"' not in page.content.decode()
    assert client.get(reverse("desk:item_add")).status_code == 403
    assert client.post(reverse("desk:item_add"), _add_data(branch, item.record)).status_code == 403
    assert client.get(reverse("desk:item_change", args=[item.barcode])).status_code == 403
    assert Item.objects.count() == 1


@pytest.mark.parametrize("role", MANAGERS)
def test_cataloguers_and_administrators_see_the_add_and_change_buttons(
    role, branch, staff_with_role
):
    client = _client(staff_with_role(branch.organisation, role))
    item = ItemFactory(organisation=branch.organisation, home_branch=branch)
    assert 'id="item-add-link"' in client.get(reverse("desk:items")).content.decode()
    page = client.get(reverse("desk:item", args=[item.barcode])).content.decode()
    assert 'id="item-change-link"' in page


def test_adding_an_item_leaves_the_form_ready_for_the_next_scan(cataloguer, branch):
    record = RecordFactory(isbn="9780306406157", title="Het <em>grote</em> boek")
    response = cataloguer.post(reverse("desk:item_add"), _add_data(branch, record))
    assert response.status_code == 302
    item = Item.objects.get()
    assert (item.barcode, item.record, item.home_branch, item.current_branch) == (
        "30001234",
        record,
        branch,
        branch,
    )
    assert item.replacement_price == Decimal("19.95")
    assert item.status == ItemStatus.AVAILABLE

    next_form = cataloguer.get(response["Location"])
    html = next_form.content.decode()
    assert "30001234" in html  # the success message names the item
    assert "Het &lt;em&gt;grote&lt;/em&gt; boek" in html
    assert "<em>grote</em>" not in html
    form = next_form.context["form"]
    assert form["record"].value() == "9780306406157"
    assert str(form["home_branch"].value()) == str(branch.pk)
    assert form["shelf_mark"].value() == "ROMA BOS"
    assert not form["barcode"].value()
    assert "autofocus" in str(form["barcode"])


def test_a_duplicate_barcode_shows_the_error_and_keeps_everything_else(cataloguer, branch):
    ItemFactory(barcode="30001234", organisation=branch.organisation, home_branch=branch)
    record = RecordFactory(isbn="9780306406157")
    data = _add_data(branch, record, shelf_mark="JEUGD <A>")
    response = cataloguer.post(reverse("desk:item_add"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["barcode"]
    assert "30001234" in form.errors["barcode"][0]
    assert branch.name in form.errors["barcode"][0]
    html = response.content.decode()
    assert 'id="item-form-errors"' in html
    assert 'value="JEUGD &lt;A&gt;"' in html
    assert 'value="9780306406157"' in html
    assert 'value="2026-02-01"' in html
    assert Item.objects.count() == 1


def test_an_unknown_isbn_is_a_form_error_on_the_record_field(cataloguer, branch):
    data = _add_data(branch, RecordFactory(), record="9789027439642")
    response = cataloguer.post(reverse("desk:item_add"), data)
    assert list(response.context["form"].errors) == ["record"]
    assert "9789027439642" in response.context["form"].errors["record"][0]


def test_the_home_branch_list_holds_only_branches_the_user_manages(branch, staff_with_role):
    user = staff_with_role(branch.organisation, Role.ADMINISTRATOR)
    elsewhere = BranchFactory()
    # A desk role elsewhere lets the user see, not add.
    StaffRoleFactory(user=user, organisation=elsewhere.organisation, role=Role.DESK)
    client = _client(user)
    choices = client.get(reverse("desk:item_add")).context["form"].fields["home_branch"].queryset
    assert list(choices) == [branch]
    data = _add_data(branch, RecordFactory(), home_branch=str(elsewhere.pk))
    response = client.post(reverse("desk:item_add"), data)
    assert list(response.context["form"].errors) == ["home_branch"]
    assert not Item.objects.exists()


def test_changing_an_item_keeps_its_status(cataloguer, branch):
    item = ItemFactory(
        organisation=branch.organisation, home_branch=branch, status=ItemStatus.ON_LOAN
    )
    url = reverse("desk:item_change", args=[item.barcode])
    form = cataloguer.get(url).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(shelf_mark="STRIP KUIF", barcode="3000NEW1", status="available")
    response = cataloguer.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("desk:item", args=["3000NEW1"])
    item.refresh_from_db()
    assert (item.shelf_mark, item.barcode, item.status) == ("STRIP KUIF", "3000NEW1", "on_loan")


def test_changing_to_a_taken_barcode_is_a_form_error(cataloguer, branch):
    ItemFactory(barcode="30000001", organisation=branch.organisation, home_branch=branch)
    item = ItemFactory(barcode="30000002", organisation=branch.organisation, home_branch=branch)
    url = reverse("desk:item_change", args=[item.barcode])
    form = cataloguer.get(url).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(barcode="30000001", shelf_mark="NIEUW")
    response = cataloguer.post(url, data)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["barcode"]
    item.refresh_from_db()
    assert (item.barcode, item.shelf_mark) == ("30000002", "")
