"""The desk's member pages through the Django test client: find, register, the member page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from samenbieb.circulation.models import Charge
from samenbieb.members.models import CardStatus, Consent, LibraryCard, Person
from samenbieb.members.plans import default_plans_create
from samenbieb.network.roles import Role
from tests.factories import (
    LibraryCardFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    StaffRoleFactory,
    staff_login,
)

pytestmark = pytest.mark.django_db

POSTCODE_MESSAGE = _("Enter a Dutch postcode: four digits and two letters, such as 3511 AB.")


@pytest.fixture
def library():
    return OrganisationFactory(name="Bibliotheek Utrecht", short_name="Utrecht")


@pytest.fixture
def plans(library):
    return {plan.code: plan for plan in default_plans_create(organisation=library)}


def _client(user) -> Client:
    client = Client()
    staff_login(client, user)
    return client


@pytest.fixture
def desk(library):
    return _client(StaffRoleFactory(organisation=library, role=Role.DESK).user)


def _form(plans, **overrides):
    return {
        "card_barcode": "20000000000100\r\n",
        "given_name": "Anna",
        "name_prefix": "de",
        "family_name": "Vries",
        "birth_date": "01-06-1990",
        "street": "",
        "house_number": "",
        "postcode": "3511ab",
        "city": "",
        "email": "",
        "phone": "",
        "plan": str(plans["volwassen"].pk),
        "guardian_card": "",
        "consent_news": "on",
        **overrides,
    }


def test_the_registration_form_has_the_card_field_first_and_focused(desk, plans):
    html = desk.get(reverse("desk:member_register")).content.decode()
    first_input = html.index('name="card_barcode"')
    assert first_input < html.index('name="given_name"')
    assert "autofocus" in html[html.rfind("<input", 0, first_input) : first_input + 200]
    # One library: no library to choose; the plans are that library's.
    assert 'name="organisation"' not in html
    assert "Volwassen" in html


def test_registering_with_the_few_required_fields_goes_to_the_new_members_page(
    desk, plans, library
):
    response = desk.post(reverse("desk:member_register"), _form(plans))
    person = Person.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("desk:member", args=[person.pk])
    assert person.home_organisation == library
    assert person.cards.get().barcode == "20000000000100"
    assert Charge.objects.get(person=person).amount == plans["volwassen"].price
    assert {(c.kind, c.given) for c in Consent.objects.all()} == {
        ("news", True),
        ("loan_history", False),
    }
    page = desk.get(response["Location"]).content.decode()
    assert "Anna de Vries" in page
    assert "20000000000100" in page


def test_field_errors_appear_in_dutch_beside_their_fields_and_nothing_is_saved(desk, plans):
    response = desk.post(
        reverse("desk:member_register"),
        _form(plans, card_barcode="12", postcode="1234 SA", email="geen-adres", given_name=""),
    )
    assert response.status_code == 200
    html = response.content.decode()
    for field in ("card_barcode", "postcode", "email", "given_name"):
        assert f'id="id_{field}_error"' in html, field
    assert "Voer een geldig e-mailadres in." in html  # Django's own Dutch
    assert "Dit veld is verplicht." in html
    with translation.override("nl"):
        # The network's postcode rule, in its Dutch translation.
        assert str(POSTCODE_MESSAGE) in html
    assert not Person.objects.exists()


def test_a_taken_card_number_is_shown_beside_the_card_field(desk, plans):
    LibraryCardFactory(barcode="20000000000100")
    response = desk.post(reverse("desk:member_register"), _form(plans))
    assert response.status_code == 200
    assert 'id="id_card_barcode_error"' in response.content.decode()
    assert Person.objects.count() == 1


def test_a_duplicate_e_mail_is_shown_beside_the_e_mail_field(desk, plans):
    PersonFactory(email="anna@example.org")
    response = desk.post(reverse("desk:member_register"), _form(plans, email="ANNA@example.org"))
    assert 'id="id_email_error"' in response.content.decode()
    assert Person.objects.count() == 1


def test_a_possible_duplicate_shows_the_existing_member_and_continues_after_checking(
    desk, plans, library
):
    existing = PersonFactory(
        home_organisation=library,
        given_name="Anna",
        name_prefix="de",
        family_name="Vries",
        birth_date=dt.date(1990, 6, 1),
        identity_key="devries|anna|1990-06-01|3511AB",
    )
    response = desk.post(reverse("desk:member_register"), _form(plans))
    html = response.content.decode()
    assert reverse("desk:member", args=[existing.pk]) in html
    assert 'name="different_person"' in html
    assert Person.objects.count() == 1

    response = desk.post(reverse("desk:member_register"), _form(plans, different_person="on"))
    assert response.status_code == 302
    assert Person.objects.count() == 2


def test_the_guardian_card_links_a_child_and_an_unknown_card_is_a_field_error(desk, plans, library):
    parent = PersonFactory(home_organisation=library, birth_date=dt.date(1985, 1, 1))
    LibraryCardFactory(person=parent, barcode="20000000000200")
    child = _form(
        plans,
        birth_date="10-01-2017",
        plan=str(plans["jeugd"].pk),
        guardian_card="2000 0000 0009 9",
    )
    response = desk.post(reverse("desk:member_register"), child)
    assert 'id="id_guardian_card_error"' in response.content.decode()

    child["guardian_card"] = "20000000000200"
    response = desk.post(reverse("desk:member_register"), child)
    assert response.status_code == 302
    registered = Person.objects.get(birth_date=dt.date(2017, 1, 10))
    assert registered.guardian_links.get().guardian == parent
    assert not Charge.objects.filter(person=registered).exists()


def test_a_plan_for_adults_chosen_for_a_child_is_shown_beside_the_plan(desk, plans):
    response = desk.post(reverse("desk:member_register"), _form(plans, birth_date="10-01-2017"))
    assert 'id="id_plan_error"' in response.content.decode()
    assert not Person.objects.exists()


def test_scanning_a_card_goes_straight_to_the_member_and_a_name_lists_matches(desk, library):
    person = PersonFactory(home_organisation=library, family_name="Bakker")
    LibraryCardFactory(person=person, barcode="20000000000300")
    response = desk.get(reverse("desk:members"), {"q": "20000000000300\r\n"})
    assert response["Location"] == reverse("desk:member", args=[person.pk])
    html = desk.get(reverse("desk:members"), {"q": "bak"}).content.decode()
    assert reverse("desk:member", args=[person.pk]) in html


def test_a_member_of_another_library_is_not_found(desk):
    stranger = PersonFactory(home_organisation=OrganisationFactory())
    LibraryCardFactory(person=stranger, barcode="20000000000400")
    assert desk.get(reverse("desk:member", args=[stranger.pk])).status_code == 404
    response = desk.post(
        reverse("desk:member_card_replace", args=[stranger.pk]), {"new_barcode": "20000000000401"}
    )
    assert response.status_code == 404
    html = desk.get(reverse("desk:members"), {"q": "20000000000400"}).content.decode()
    assert 'id="member-none-found"' in html


def test_replacing_a_lost_card_at_the_desk_keeps_the_membership(desk, library):
    person = PersonFactory(home_organisation=library)
    old = LibraryCardFactory(person=person, barcode="20000000000500")
    MembershipFactory(person=person)
    response = desk.post(
        reverse("desk:member_card_replace", args=[person.pk]), {"new_barcode": "20000000000501"}
    )
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.status == CardStatus.LOST
    assert person.memberships.count() == 1
    again = desk.post(
        reverse("desk:member_card_replace", args=[person.pk]), {"new_barcode": "20000000000500"}
    )
    assert again.status_code == 400
    assert 'id="replace-new_barcode_error"' in again.content.decode()
    assert LibraryCard.objects.get(status=CardStatus.ACTIVE).barcode == "20000000000501"


def test_renewing_at_the_desk_adds_the_next_period(desk, library, plans):
    person = PersonFactory(home_organisation=library)
    membership = MembershipFactory(person=person, plan=plans["volwassen"])
    response = desk.post(reverse("desk:member_membership_renew", args=[person.pk, membership.pk]))
    assert response.status_code == 302
    assert person.memberships.count() == 2


@pytest.mark.parametrize(
    "role", [Role.CATALOGUER, Role.PROGRAMME_COORDINATOR, Role.NETWORK_ANALYST]
)
def test_roles_without_member_rights_cannot_open_the_member_pages(library, role):
    client = _client(StaffRoleFactory(organisation=library, role=role).user)
    person = PersonFactory(home_organisation=library)
    assert client.get(reverse("desk:members")).status_code == 403
    assert client.get(reverse("desk:member_register")).status_code == 403
    assert client.get(reverse("desk:member", args=[person.pk])).status_code == 404


def test_a_privacy_officer_sees_a_member_but_cannot_register_or_replace_cards(library):
    client = _client(StaffRoleFactory(organisation=library, role=Role.PRIVACY_OFFICER).user)
    person = PersonFactory(home_organisation=library)
    LibraryCardFactory(person=person, barcode="20000000000600")
    page = client.get(reverse("desk:member", args=[person.pk]))
    assert page.status_code == 200
    assert 'id="card-replace-form"' not in page.content.decode()
    assert client.get(reverse("desk:member_register")).status_code == 403
    response = client.post(
        reverse("desk:member_card_replace", args=[person.pk]), {"new_barcode": "20000000000601"}
    )
    assert response.status_code == 403
