"""The demo members: plans everywhere, four people to log in as, loaded once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from samenbieb.demo.members import DEMO_MEMBER_PASSWORD, members_load
from samenbieb.members import queries
from samenbieb.members.models import MembershipPlan, Person
from samenbieb.network.demo.loader import demo_load
from samenbieb.network.models import Organisation, OrganisationKind

pytestmark = pytest.mark.django_db


def test_demo_members_can_log_in_and_have_what_the_demo_promises():
    today = timezone.localdate()
    demo_load(today=today)
    members = members_load(today=today)
    assert [m.card for m in members] == [f"2000000000000{n}" for n in range(1, 5)]
    libraries = Organisation.objects.filter(kind=OrganisationKind.LIBRARY).count()
    assert MembershipPlan.objects.count() == 3 * libraries

    adult, child, arnhem, senior = (queries.person_for_login(m.card) for m in members)
    assert adult is not None
    assert adult.check_password(DEMO_MEMBER_PASSWORD)
    assert child is not None
    assert child.guardian_links.get().guardian == adult
    assert queries.membership_valid(child, today).plan.code == "jeugd"
    assert not child.charges.exists()
    assert adult.charges.count() == 1
    assert arnhem is not None
    assert arnhem.home_organisation.isil == "NL-ArBR"
    assert senior is not None
    assert queries.membership_valid(senior, today) is None
    assert senior.memberships.get().ends_on < today - dt.timedelta(days=30)

    members_load(today=today)
    assert Person.objects.count() == 4
