"""Synthetic members (step ``persons`` of ``samenbieb generate``): realistic, valid,
unique, deterministic, and replaceable without touching anything else."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from samenbieb.holdings.models import Item
from samenbieb.members import queries
from samenbieb.members.cards import card_number_normalise
from samenbieb.members.generate import (
    card_number,
    synthetic_persons,
    synthetic_persons_replace,
)
from samenbieb.members.identity import identity_key
from samenbieb.members.models import (
    CardStatus,
    Consent,
    GuardianLink,
    LibraryCard,
    Membership,
    MembershipPlan,
    Person,
)
from samenbieb.members.services import age_on
from samenbieb.network.generate import (
    GENERATED_ISIL_PREFIX,
    PERSONS,
    areas,
    network_generate,
    scale_persons,
    synthetic_network_delete,
)
from samenbieb.network.models import Organisation
from samenbieb.network.roles import Role
from samenbieb.network.validators import validate_postcode
from tests.factories import StaffRoleFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def tiny() -> dict[str, int]:
    return network_generate(scale="tiny", today=TODAY).counts


def luhn_valid(number: str) -> bool:
    total = 0
    for position, digit in enumerate(reversed(number)):
        value = int(digit) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def people() -> list[tuple[object, ...]]:
    return list(
        synthetic_persons()
        .order_by("id", "cards__barcode")
        .values_list(
            "given_name", "name_prefix", "family_name", "birth_date", "postcode", "email",
            "home_organisation__isil", "cards__barcode", "cards__status",
        )
    )  # fmt: skip


def test_the_tiny_scale_has_500_members_of_the_synthetic_libraries_only(tiny):
    persons = synthetic_persons()
    assert tiny["persons"] == persons.count() == PERSONS["tiny"] == 500
    assert Person.objects.count() == 500
    libraries = Organisation.objects.filter(isil__startswith=GENERATED_ISIL_PREFIX, kind="library")
    homes = Counter(persons.values_list("home_organisation_id", flat=True))
    assert set(homes) == set(libraries.values_list("id", flat=True))
    assert tiny["plans"] == MembershipPlan.objects.count() == 3 * libraries.count()


def test_members_live_at_valid_postcodes_in_a_municipality_their_library_serves(tiny):
    served = {
        library.pk: {pc4 for m in library.municipalities.all() for pc4 in areas()[m.cbs_code].pc4}
        for library in Organisation.objects.filter(isil__startswith=GENERATED_ISIL_PREFIX)
    }
    for person in synthetic_persons():
        validate_postcode(person.postcode)
        assert re.fullmatch(r"[1-9]\d{3} [A-Z]{2}", person.postcode)
        assert person.postcode[:4] in served[person.home_organisation_id]
        assert person.street
        assert person.house_number
        assert person.city
    for person in synthetic_persons().order_by("id")[:100]:
        person.full_clean()


def test_every_member_has_one_active_card_and_every_card_number_is_valid_and_unique(tiny):
    cards = list(LibraryCard.objects.values_list("barcode", "person_id", "status", "issued_by"))
    barcodes = [barcode for barcode, _person, _status, _by in cards]
    assert len(barcodes) == len(set(barcodes)) == tiny["cards"]
    for barcode in barcodes:
        assert card_number_normalise(barcode) == barcode
        assert re.fullmatch(r"29\d{12}", barcode)
        assert luhn_valid(barcode)
    active = Counter(person for _b, person, status, _by in cards if status == CardStatus.ACTIVE)
    assert set(active.values()) == {1}
    assert len(active) == 500
    ended = Counter(status for _b, _p, status, _by in cards if status != CardStatus.ACTIVE)
    assert set(ended) <= {CardStatus.LOST, CardStatus.REPLACED}
    assert sum(ended.values()) > 0
    homes = dict(Person.objects.values_list("id", "home_organisation_id"))
    assert all(issued_by == homes[person] for _b, person, _s, issued_by in cards)


def test_card_numbers_never_meet_demo_cards_or_item_barcodes():
    call_command("demo", "--quiet")
    demo_cards = set(LibraryCard.objects.values_list("barcode", flat=True))
    network_generate(scale="tiny", today=TODAY, records=50, items=200)

    generated = set(
        LibraryCard.objects.filter(person__in=synthetic_persons()).values_list("barcode", flat=True)
    )
    items = set(Item.objects.values_list("barcode", flat=True))
    assert demo_cards
    assert items
    assert len(generated) >= 500
    assert not generated & demo_cards
    assert not generated & items
    assert demo_cards <= set(LibraryCard.objects.values_list("barcode", flat=True))


def test_synthetic_card_numbers_are_distinct_over_a_large_range():
    numbers = [card_number(index) for index in range(1, 20_001)]
    assert len(set(numbers)) == len(numbers)
    assert all(len(number) == 14 and luhn_valid(number) for number in numbers)


def test_memberships_are_on_the_home_librarys_plans_for_the_members_age(tiny):
    memberships = Membership.objects.select_related("plan", "person")
    assert memberships.count() == 500
    lapsed = 0
    for membership in memberships:
        person = membership.person
        assert membership.plan.organisation_id == person.home_organisation_id
        assert membership.organisation_id == person.home_organisation_id
        age = age_on(person.birth_date, membership.starts_on)
        assert membership.plan.min_age <= age
        assert membership.plan.max_age is None or age <= membership.plan.max_age
        assert person.birth_date <= membership.starts_on <= membership.ends_on
        lapsed += membership.ends_on < TODAY
    codes = Counter(memberships.values_list("plan__code", flat=True))
    assert set(codes) == {"jeugd", "volwassen", "basis"}
    assert 0 < lapsed < 150
    valid = [queries.membership_valid(person, TODAY) for person in synthetic_persons()[:50]]
    assert any(valid)


def test_about_a_fifth_are_children_each_linked_to_an_adult_of_their_household(tiny):
    births = synthetic_persons().values_list("birth_date", flat=True)
    ages = [age_on(birth, TODAY) for birth in births]
    children = sum(age < 18 for age in ages)
    assert 0.12 * 500 <= children <= 0.3 * 500
    assert max(ages) >= 70
    assert min(ages) <= 5
    links = GuardianLink.objects.select_related("child", "guardian")
    assert links.count() == tiny["guardian_links"] > 0.5 * children
    for link in links:
        assert age_on(link.child.birth_date, TODAY) < 18 <= age_on(link.guardian.birth_date, TODAY)
        assert link.child.postcode == link.guardian.postcode
        assert link.child.home_organisation_id == link.guardian.home_organisation_id


def test_no_two_members_share_an_identity_and_the_key_is_the_registrations(tiny):
    persons = list(synthetic_persons())
    keys = [person.identity_key for person in persons]
    assert len(set(keys)) == len(keys)
    assert len({(p.given_name, p.name_prefix, p.family_name, p.birth_date, p.postcode)
                for p in persons}) == len(persons)  # fmt: skip
    for person in persons:
        assert person.identity_key == identity_key(
            given_name=person.given_name,
            name_prefix=person.name_prefix,
            family_name=person.family_name,
            birth_date=person.birth_date,
            postcode=person.postcode,
        )


def test_names_are_dutch_with_prefixes_apart_and_e_mail_only_at_example_domains(tiny):
    persons = list(synthetic_persons())
    prefixes = Counter(person.name_prefix for person in persons)
    assert {"van", "de"} <= set(prefixes)
    assert prefixes[""] > 250
    assert all(not person.family_name.lower().startswith(("van ", "de ")) for person in persons)
    adults = [person for person in persons if age_on(person.birth_date, TODAY) >= 18]
    with_email = [person for person in adults if person.email]
    assert 0.7 * len(adults) <= len(with_email) < len(adults)
    emails = [person.email for person in persons if person.email]
    assert len({email.lower() for email in emails}) == len(emails)
    assert all(re.fullmatch(r"[a-z0-9.]+@[a-z0-9]+\.example", email) for email in emails)
    assert all(not person.email for person in persons if age_on(person.birth_date, TODAY) < 13)


def test_generated_members_have_no_password_and_cannot_log_in(tiny):
    assert not synthetic_persons().exclude(password="").exists()
    person = synthetic_persons().first()
    assert person is not None
    assert not person.check_password("")
    card = LibraryCard.objects.get(person=person, status=CardStatus.ACTIVE)
    assert queries.person_for_login(card.barcode) == person  # found, but no password to match


def test_a_share_of_members_recorded_consents(tiny):
    consenting = Consent.objects.values("person").distinct().count()
    assert 0.4 * 500 <= consenting <= 0.8 * 500
    assert set(Consent.objects.values_list("kind", flat=True)) == {"loan_history", "news"}


def test_the_same_seed_generates_the_same_members():
    network_generate(scale="tiny", seed=5, today=TODAY)
    first = people()

    network_generate(scale="tiny", seed=5, today=TODAY)

    assert people() == first
    network_generate(scale="tiny", seed=6, today=TODAY)
    assert people() != first


def test_replacing_only_the_members_keeps_the_catalogue_and_gives_the_same_members():
    network_generate(scale="tiny", seed=3, today=TODAY, records=40, items=80)
    first = people()
    items = sorted(Item.objects.values_list("barcode", "record_id", "home_branch_id"))

    counts = synthetic_persons_replace(count=500, seed=3, today=TODAY)

    assert counts["persons"] == 500
    assert people() == first
    assert sorted(Item.objects.values_list("barcode", "record_id", "home_branch_id")) == items
    synthetic_persons_replace(count=120, seed=3, today=TODAY)
    assert synthetic_persons().count() == Person.objects.count() == 120
    assert MembershipPlan.objects.count() == 3 * 3


def test_deleting_the_synthetic_network_deletes_its_members_and_leaves_the_demos():
    call_command("demo", "--quiet")
    demo = sorted(Person.objects.values_list("identity_key", flat=True))
    network_generate(scale="tiny", today=TODAY)

    synthetic_network_delete()

    assert sorted(Person.objects.values_list("identity_key", flat=True)) == demo
    assert not MembershipPlan.objects.filter(organisation__isil__startswith=GENERATED_ISIL_PREFIX)


def test_the_desk_finds_generated_members_by_card_and_name_within_its_library(tiny):
    library = Organisation.objects.filter(
        isil__startswith=GENERATED_ISIL_PREFIX, kind="library"
    ).first()
    user = StaffRoleFactory(organisation=library, role=Role.DESK).user
    person = synthetic_persons().filter(home_organisation=library).order_by("id").first()
    stranger = synthetic_persons().exclude(home_organisation=library).first()
    assert person is not None
    assert stranger is not None
    card = LibraryCard.objects.get(person=person, status=CardStatus.ACTIVE)
    other_card = LibraryCard.objects.get(person=stranger, status=CardStatus.ACTIVE)

    assert queries.persons_for_desk(user, card.barcode) == [person]
    assert queries.persons_for_desk(user, other_card.barcode) == []
    found = queries.persons_for_desk(user, f"{person.given_name} {person.family_name[:3]}")
    assert person in found
    assert all(p.home_organisation_id == library.pk for p in found)


def test_persons_per_scale_and_the_command_option():
    assert scale_persons("national") == 1_000_000
    assert scale_persons("tiny") == 500
    assert scale_persons(40) == 0
    assert scale_persons(40, 10) == 10
    with pytest.raises(ValueError, match="persons"):
        scale_persons("tiny", -1)
    out = StringIO()
    call_command("generate", "--scale", "tiny", "--persons", "30", stdout=out)
    assert re.search(r"persons\s+30\b", out.getvalue())
    assert synthetic_persons().count() == 30
