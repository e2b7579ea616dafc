"""Registering a member: every field checked, one identity per person, all or nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.hashers import identify_hasher

from samenbieb.circulation.models import Charge
from samenbieb.core.models import AuditEvent
from samenbieb.members import services
from samenbieb.members.errors import (
    CardNumberTaken,
    DuplicateEmail,
    GuardianRequired,
    InvalidPerson,
    PossibleDuplicate,
)
from samenbieb.members.models import Consent, GuardianLink, LibraryCard, Membership, Person
from tests.factories import LibraryCardFactory, PersonFactory
from tests.members.conftest import TODAY

pytestmark = pytest.mark.django_db


def _register(desk, library, **overrides):
    fields = {
        "actor": desk,
        "organisation": library,
        "given_name": "Anna",
        "name_prefix": "de",
        "family_name": "Vries",
        "birth_date": dt.date(1990, 6, 1),
        "street": "Oudegracht",
        "house_number": "12a",
        "postcode": "3511ab",
        "city": "Utrecht",
        "email": "anna@example.org",
        "phone": "030 123 4567",
        "today": TODAY,
    } | overrides
    return services.person_register(**fields)


def test_a_registration_stores_the_person_with_a_normalised_postcode_and_identity_key(
    desk, library
):
    person = _register(desk, library)
    person.refresh_from_db()
    assert person.postcode == "3511 AB"
    assert person.identity_key == "devries|anna|1990-06-01|3511AB"
    assert person.home_organisation == library
    assert person.full_name == "Anna de Vries"


def test_a_registration_with_card_plan_consents_and_password_does_it_all(desk, library, plans):
    person = _register(
        desk,
        library,
        card_barcode=" 20000000000099\r\n",
        plan=plans["volwassen"],
        password="lezen-is-leuk-2026",
        consents={"loan_history": True, "news": False},
    )
    assert person.cards.get().barcode == "20000000000099"
    membership = person.memberships.get()
    assert (membership.starts_on, membership.ends_on) == (TODAY, dt.date(2027, 3, 1))
    assert Charge.objects.get(person=person).amount == Decimal("52.00")
    assert {c.kind: c.given for c in person.consents.all()} == {
        "loan_history": True,
        "news": False,
    }
    assert identify_hasher(person.password).algorithm == "argon2"
    assert person.check_password("lezen-is-leuk-2026")


def test_every_invalid_field_is_reported_at_once_with_its_name(desk, library):
    with pytest.raises(InvalidPerson) as raised:
        _register(
            desk,
            library,
            given_name="",
            postcode="0123 AB",
            email="not-an-address",
            card_barcode="12-34",
            birth_date=dt.date(2030, 1, 1),
        )
    assert {"given_name", "postcode", "email", "card_barcode", "birth_date"} <= set(
        raised.value.errors
    )
    assert not Person.objects.exists()


def test_an_e_mail_address_in_use_is_refused_whatever_its_case(desk, library):
    PersonFactory(email="Anna@Example.org")
    with pytest.raises(DuplicateEmail):
        _register(desk, library, email="anna@EXAMPLE.org")
    assert Person.objects.count() == 1


def test_the_same_name_birth_date_and_postcode_is_flagged_as_a_possible_duplicate(desk, library):
    existing = _register(desk, library)
    with pytest.raises(PossibleDuplicate) as raised:
        _register(
            desk, library, name_prefix="", family_name="De Vries", email="", postcode="3511 AB"
        )
    assert raised.value.person_id == existing.pk
    assert Person.objects.count() == 1


def test_the_desk_may_register_a_flagged_duplicate_after_checking(desk, library):
    _register(desk, library)
    second = _register(desk, library, email="andere.anna@example.org", allow_duplicate=True)
    assert Person.objects.count() == 2
    assert AuditEvent.objects.get(
        event_type="members.person.registered", object_id=str(second.pk)
    ).details == {"via": "desk", "allow_duplicate": True}


def test_a_taken_card_number_leaves_no_person_membership_charge_or_consent_behind(
    desk, library, plans
):
    LibraryCardFactory(barcode="20000000000042")
    with pytest.raises(CardNumberTaken):
        _register(
            desk,
            library,
            card_barcode="20000000000042",
            plan=plans["volwassen"],
            consents={"news": True},
        )
    assert Person.objects.count() == 1  # only the card's own holder
    assert not Membership.objects.exists()
    assert not Charge.objects.exists()
    assert not Consent.objects.exists()
    assert LibraryCard.objects.count() == 1


def test_a_plan_the_person_is_too_young_for_saves_nothing(desk, library, plans):
    from samenbieb.members.errors import AgeOutsidePlan

    with pytest.raises(AgeOutsidePlan):
        _register(
            desk,
            library,
            birth_date=dt.date(2015, 1, 1),
            plan=plans["volwassen"],
            card_barcode="20000000000043",
        )
    assert not Person.objects.exists()
    assert not LibraryCard.objects.exists()


def test_a_weak_password_is_refused_as_a_field_error(desk, library):
    with pytest.raises(InvalidPerson) as raised:
        _register(desk, library, password="1234")
    assert "password" in raised.value.errors


def test_a_child_under_16_cannot_register_online_without_a_guardian(library):
    with pytest.raises(GuardianRequired):
        _register(None, library, birth_date=dt.date(2012, 1, 1), via="portal")
    assert not Person.objects.exists()


def test_a_16_year_old_may_register_online(library):
    person = _register(None, library, birth_date=dt.date(2010, 3, 1), via="portal")
    assert person.pk is not None


def test_a_child_registered_at_the_desk_is_linked_to_an_adult_guardian(desk, library, plans):
    parent = _register(desk, library)
    child = _register(
        desk,
        library,
        given_name="Bo",
        email="",
        birth_date=dt.date(2017, 1, 10),
        plan=plans["jeugd"],
        guardian=parent,
    )
    assert GuardianLink.objects.get(child=child).guardian == parent
    assert not Charge.objects.filter(person=child).exists()


def test_the_audit_trail_of_a_registration_holds_ids_and_no_personal_data(desk, library, plans):
    _register(desk, library, card_barcode="20000000000044", plan=plans["volwassen"])
    text = " ".join(str(event.details) for event in AuditEvent.objects.all())
    for personal in ("Anna", "Vries", "3511", "anna@example.org", "20000000000044", "1990"):
        assert personal not in text
