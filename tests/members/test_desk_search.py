"""The desk's member search: a card number exactly, or the start of a name; within the
libraries whose members the staff member may see; at most 25, in name order."""

from __future__ import annotations

import pytest

from samenbieb.members import cards, queries
from samenbieb.network.roles import Role
from tests.factories import (
    LibraryCardFactory,
    OrganisationFactory,
    PersonFactory,
    StaffRoleFactory,
    StaffUserFactory,
)

pytestmark = pytest.mark.django_db


def names(found):
    return [(p.given_name, p.name_prefix, p.family_name) for p in found]


def test_a_name_with_its_prefix_finds_the_family_name_kept_apart(library, desk):
    PersonFactory(home_organisation=library, given_name="Jan", name_prefix="van der",
                  family_name="Berg")  # fmt: skip
    PersonFactory(home_organisation=library, given_name="Jannie", name_prefix="van den",
                  family_name="Berg")  # fmt: skip
    PersonFactory(home_organisation=library, given_name="Piet", name_prefix="van der",
                  family_name="Berg")  # fmt: skip

    found = queries.persons_for_desk(desk, "jan van der berg")

    assert names(found) == [("Jan", "van der", "Berg"), ("Jannie", "van den", "Berg")]


def test_first_name_and_family_name_prefix_match_whatever_their_case(library, desk):
    piet = PersonFactory(home_organisation=library, given_name="Piet", family_name="Jansen")
    PersonFactory(home_organisation=library, given_name="Pieter", family_name="de Vries")
    PersonFactory(home_organisation=library, given_name="Klaas", family_name="Jansen")

    assert queries.persons_for_desk(desk, "PIET JANS") == [piet]
    assert queries.persons_for_desk(desk, "  piet   jansen ") == [piet]


def test_results_come_in_order_of_family_name_then_first_name_ignoring_case(library, desk):
    for given, family in [("bram", "Jansen"), ("Anna", "janssen"), ("Zoë", "Jansen"),
                          ("Anna", "Jansen"), ("Cees", "Jans")]:  # fmt: skip
        PersonFactory(home_organisation=library, given_name=given, family_name=family)

    found = queries.persons_for_desk(desk, "jans")

    assert [(p.given_name, p.family_name) for p in found] == [
        ("Cees", "Jans"), ("Anna", "Jansen"), ("bram", "Jansen"), ("Zoë", "Jansen"),
        ("Anna", "janssen"),
    ]  # fmt: skip


def test_the_25_shown_are_the_first_in_name_order(library, desk):
    for number in range(40):
        PersonFactory(home_organisation=library, given_name=f"Kees{number:02d}",
                      family_name="Bakker")  # fmt: skip
    PersonFactory(home_organisation=library, given_name="Aad", family_name="Bakkum")

    found = queries.persons_for_desk(desk, "bakk")

    assert [p.given_name for p in found] == [f"Kees{n:02d}" for n in range(25)]


def test_a_lost_card_still_finds_whose_it_was(library, desk):
    person = PersonFactory(home_organisation=library)
    card = LibraryCardFactory(person=person, barcode="29000000000015")
    cards.card_report_lost(actor=desk, card=card)

    assert queries.persons_for_desk(desk, "29000000000015") == [person]


def test_a_card_number_that_is_also_a_name_finds_the_name_when_no_card_has_it(library, desk):
    bakker = PersonFactory(home_organisation=library, family_name="Bakker")

    assert queries.persons_for_desk(desk, "bakker") == [bakker]


def test_staff_of_two_libraries_see_the_members_of_both_and_no_others(library):
    other, third = OrganisationFactory(), OrganisationFactory()
    user = StaffUserFactory()
    StaffRoleFactory(user=user, organisation=library, role=Role.DESK)
    StaffRoleFactory(user=user, organisation=other, role=Role.DESK)
    ours = PersonFactory(home_organisation=library, given_name="Anna", family_name="Visser")
    theirs = PersonFactory(home_organisation=other, given_name="Bep", family_name="Visser")
    PersonFactory(home_organisation=third, given_name="Cor", family_name="Visser")

    assert queries.persons_for_desk(user, "viss") == [ours, theirs]


def test_a_platform_operator_sees_members_of_every_library(library):
    operator = StaffUserFactory(is_superuser=True)
    first = PersonFactory(home_organisation=library, given_name="Anna", family_name="Smit")
    second = PersonFactory(home_organisation=OrganisationFactory(), given_name="Bep",
                           family_name="Smit")  # fmt: skip

    assert queries.persons_for_desk(operator, "smit") == [first, second]


def test_wildcards_in_the_search_text_are_plain_characters(library, desk):
    PersonFactory(home_organisation=library, family_name="Jansen")

    assert queries.persons_for_desk(desk, "%") == []
    assert queries.persons_for_desk(desk, "j_ns") == []


def test_a_card_number_of_letters_only_finds_its_holder_before_any_name(library, desk):
    holder = PersonFactory(home_organisation=library, family_name="Visser")
    LibraryCardFactory(person=holder, barcode="JANS")
    PersonFactory(home_organisation=library, family_name="Jansen")

    assert queries.persons_for_desk(desk, "jans") == [holder]
