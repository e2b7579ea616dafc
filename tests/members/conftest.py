from __future__ import annotations

import datetime as dt

import pytest

from samenbieb.members.plans import default_plans_create
from samenbieb.network.roles import Role
from tests.factories import OrganisationFactory, StaffRoleFactory

TODAY = dt.date(2026, 3, 2)


@pytest.fixture
def library():
    return OrganisationFactory(name="Bibliotheek Utrecht")


@pytest.fixture
def plans(library):
    return {plan.code: plan for plan in default_plans_create(organisation=library)}


@pytest.fixture
def desk(library):
    return StaffRoleFactory(organisation=library, role=Role.DESK).user


# A real SMTP server on localhost for the tests of mail to members (tests/members/smtp.py).
from tests.members.smtp import smtp_capture  # noqa: E402, F401
