"""Who may register and change members: per role, and never for another library."""

from __future__ import annotations

import datetime as dt

import pytest

from samenbieb.core.errors import NotPermitted
from samenbieb.members import cards, queries, services
from samenbieb.members.models import Person
from samenbieb.network import tenancy
from samenbieb.network.roles import Capability, Role, roles_with
from tests.factories import (
    LibraryCardFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    StaffRoleFactory,
)

pytestmark = pytest.mark.django_db

MANAGERS = roles_with(Capability.MEMBERS_MANAGE)
VIEWERS = roles_with(Capability.MEMBERS_VIEW)


def test_desk_manager_and_administrator_manage_members_and_the_privacy_officer_only_views():
    assert set(MANAGERS) == {Role.DESK, Role.MANAGER, Role.ADMINISTRATOR}
    assert set(VIEWERS) == {Role.DESK, Role.MANAGER, Role.ADMINISTRATOR, Role.PRIVACY_OFFICER}


def _register(actor, organisation):
    return services.person_register(
        actor=actor,
        organisation=organisation,
        given_name="Piet",
        family_name="Puk",
        birth_date=dt.date(1970, 1, 1),
    )


@pytest.mark.parametrize("role", list(Role))
def test_only_roles_that_manage_members_may_register_them(library, role):
    user = StaffRoleFactory(organisation=library, role=role).user
    if role in MANAGERS:
        assert _register(user, library).home_organisation == library
    else:
        with pytest.raises(NotPermitted):
            _register(user, library)
        assert not Person.objects.exists()


@pytest.mark.parametrize("role", MANAGERS)
def test_nobody_registers_or_changes_members_of_another_library(library, role):
    other = OrganisationFactory()
    user = StaffRoleFactory(organisation=library, role=role).user
    stranger = PersonFactory(home_organisation=other, birth_date=dt.date(2017, 1, 1))
    card = LibraryCardFactory(person=stranger)
    membership = MembershipFactory(person=stranger)
    with pytest.raises(NotPermitted):
        _register(user, other)
    with pytest.raises(NotPermitted):
        cards.card_issue(actor=user, person=stranger, barcode="20009999", organisation=library)
    with pytest.raises(NotPermitted):
        cards.card_report_lost(actor=user, card=card)
    with pytest.raises(NotPermitted):
        services.membership_renew(actor=user, membership=membership, today=dt.date(2026, 3, 1))
    with pytest.raises(NotPermitted):
        services.membership_cancel(actor=user, membership=membership)
    with pytest.raises(NotPermitted):
        services.consent_record(
            actor=user, person=stranger, kind="news", given=True, text_version="1", via="desk"
        )
    with pytest.raises(NotPermitted):
        services.guardian_link(actor=user, child=stranger, guardian=PersonFactory())


def test_desk_search_finds_by_card_or_name_only_in_the_staff_members_own_library(library):
    user = StaffRoleFactory(organisation=library, role=Role.DESK).user
    ours = PersonFactory(home_organisation=library, given_name="Piet", family_name="Jansen")
    LibraryCardFactory(person=ours, barcode="20001111")
    theirs = PersonFactory(home_organisation=OrganisationFactory(), family_name="Jansen")
    LibraryCardFactory(person=theirs, barcode="20002222")

    assert queries.persons_for_desk(user, " 20001111 ") == [ours]
    assert queries.persons_for_desk(user, "20002222") == []
    assert queries.persons_for_desk(user, "jans") == [ours]
    assert queries.persons_for_desk(user, "piet jan") == [ours]
    assert queries.person_for_staff(user, theirs.pk) is None
    assert list(tenancy.visible(Person, user, Capability.MEMBERS_VIEW)) == [ours]


def test_desk_search_returns_at_most_25(library):
    user = StaffRoleFactory(organisation=library, role=Role.DESK).user
    PersonFactory.create_batch(30, home_organisation=library, family_name="Bakker")
    assert len(queries.persons_for_desk(user, "bakker")) == queries.DESK_SEARCH_LIMIT
