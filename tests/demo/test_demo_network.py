"""The demo network: built once through the services, with working staff accounts."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.utils import timezone

from samenbieb.core.models import AuditEvent
from samenbieb.network.calendar import next_open_day
from samenbieb.network.models import (
    Branch,
    BranchKind,
    Closure,
    OpeningHours,
    Organisation,
    OrganisationKind,
    StaffRole,
    StaffUser,
)
from samenbieb.network.roles import Role

pytestmark = pytest.mark.django_db

ACCOUNT_LINE = re.compile(r"^\s+(?P<username>\S+)\s+password\s+(?P<password>\S+)\s+(?P<role>\S+)\s")


def run_demo() -> str:
    output = io.StringIO()
    call_command("demo", stdout=output)
    return output.getvalue()


def printed_accounts(output: str) -> list[dict[str, str]]:
    """The staff accounts the demo prints (the section after "Staff accounts")."""
    staff_section = output.split("Staff accounts", 1)[1]
    return [
        match.groupdict()
        for line in staff_section.splitlines()
        if (match := ACCOUNT_LINE.match(line))
    ]


def counts() -> dict[str, int]:
    models = [Organisation, Branch, OpeningHours, Closure, StaffUser, StaffRole, AuditEvent]
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Argon2 is most of the demo's run time; how passwords are hashed is not under test here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo_output() -> str:
    return run_demo()


def test_the_demo_has_two_support_organisations_the_national_library_and_eight_libraries(
    demo_output,
):
    kinds = Organisation.objects.values_list("kind", flat=True)

    assert list(kinds).count(OrganisationKind.SUPPORT) == 2
    assert list(kinds).count(OrganisationKind.NATIONAL) == 1
    assert list(kinds).count(OrganisationKind.LIBRARY) >= 8


def test_every_library_organisation_has_a_support_organisation_and_municipalities(demo_output):
    for library in Organisation.objects.filter(kind=OrganisationKind.LIBRARY):
        assert library.support_organisation.kind == OrganisationKind.SUPPORT, library
        assert library.support_organisation.province == library.province, library
        assert library.municipalities.exists(), library


def test_the_demo_has_25_branches_including_a_school_library_and_an_information_point(
    demo_output,
):
    assert Branch.objects.count() == 25
    assert Branch.objects.filter(kind=BranchKind.SCHOOL_LIBRARY).exists()
    assert Branch.objects.filter(kind=BranchKind.INFORMATION_POINT).exists()


def test_every_branch_open_to_the_public_has_opening_hours(demo_output):
    without_hours = Branch.objects.exclude(kind=BranchKind.OFFICE).filter(
        opening_hours__isnull=True
    )

    assert list(without_hours) == []


def test_every_library_closes_on_christmas_day(demo_output):
    christmas = dt.date(timezone.localdate().year, 12, 25)
    libraries = Organisation.objects.filter(kind=OrganisationKind.LIBRARY)

    closed = Closure.objects.filter(
        reason="Eerste kerstdag", branch=None, start_date=christmas, end_date=christmas
    ).values_list("organisation_id", flat=True)

    assert sorted(closed) == sorted(libraries.values_list("pk", flat=True))
    for branch in Branch.objects.filter(organisation__in=libraries):
        assert next_open_day(branch, christmas) > christmas, branch


def test_the_demo_closes_one_branch_for_renovation(demo_output):
    renovation = Closure.objects.get(reason="Verbouwing")

    assert renovation.branch is not None
    assert renovation.branch.organisation == renovation.organisation
    assert renovation.end_date > renovation.start_date


def test_the_demo_has_a_staff_member_per_role_who_can_log_in_with_the_printed_password(
    demo_output,
):
    accounts = printed_accounts(demo_output)

    assert {account["role"] for account in accounts} == set(Role.values)
    for account in accounts:
        user = authenticate(username=account["username"], password=account["password"])
        assert user is not None, account["username"]
        assert StaffRole.objects.filter(user=user, role=account["role"]).exists(), account


def test_a_wrong_password_does_not_open_a_demo_account(demo_output):
    username = printed_accounts(demo_output)[0]["username"]

    assert authenticate(username=username, password="not-the-demo-password") is None


def test_the_demo_prints_every_staff_account_it_made(demo_output):
    printed = {account["username"] for account in printed_accounts(demo_output)}

    assert "Demo network created." in demo_output
    # Partner logins are staff accounts without a library role, printed in their own section.
    staff = StaffUser.objects.filter(partner_account__isnull=True)
    assert printed == set(staff.values_list("username", flat=True))


def test_running_the_demo_again_changes_nothing_and_says_so(demo_output):
    before = counts()

    second_output = run_demo()

    assert counts() == before
    assert "already present" in second_output
    assert printed_accounts(second_output) == printed_accounts(demo_output)


def test_the_demo_quiet_option_prints_nothing():
    output = io.StringIO()

    call_command("demo", "--quiet", stdout=output)

    assert output.getvalue() == ""
    assert Branch.objects.count() == 25


MEMBER_LINE = re.compile(r"^\s+(?P<card>2\d{13})\s+password\s+(?P<password>\S+)\s")


def test_every_printed_demo_member_logs_in_with_card_number_and_password(demo_output):
    from samenbieb.members.auth import member_authenticate

    members = [
        match.groupdict() for line in demo_output.splitlines() if (match := MEMBER_LINE.match(line))
    ]

    assert len(members) == 4
    for member in members:
        person = member_authenticate(identifier=member["card"], password=member["password"])
        assert person.cards.filter(barcode=member["card"]).exists()
