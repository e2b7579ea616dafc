"""A session that passed only the password is no staff session: the desk and the admin
refuse it. With SAMENBIEB_STAFF_OTP=off the password alone is enough."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from samenbieb.core.errors import NotPermitted
from samenbieb.core.models import AuditEvent
from samenbieb.interfaces.desk.forms import StaffLoginForm
from samenbieb.network.models import Branch
from samenbieb.network.roles import Role
from samenbieb.network.second_factor import staff_otp_reset
from tests.factories import (
    BranchFactory,
    OrganisationFactory,
    StaffRoleFactory,
    StaffUserFactory,
    staff_login,
    totp_code,
)
from tests.network.logins import is_staff_session, log_in

pytestmark = pytest.mark.django_db

STAFF_PAGES = [
    ("desk:home", ()),
    ("desk:items", ()),
    ("desk:members", ()),
    ("desk:member_register", ()),
    ("admin:index", ()),
    ("admin:network_branch_changelist", ()),
]


def _password_only(client: Client, user) -> None:
    """Django's login without the second factor: what a login before this change left."""
    client.force_login(user)


@pytest.mark.parametrize(("name", "args"), STAFF_PAGES)
def test_a_session_without_the_second_factor_is_sent_to_the_login(
    client: Client, staff, device, name, args
):
    _password_only(client, staff)

    response = client.get(reverse(name, args=args), follow=True)

    assert response.redirect_chain, "expected a redirect to the login"
    assert response.redirect_chain[-1][0].startswith(reverse("desk:login"))
    assert 'name="code"' in response.content.decode()


@pytest.mark.parametrize(("name", "args"), STAFF_PAGES)
def test_a_session_with_both_factors_gets_in(client: Client, staff, device, name, args):
    staff_login(client, staff, device)

    assert client.get(reverse(name, args=args)).status_code == 200


def test_an_admin_change_is_refused_without_the_second_factor(client: Client, staff, device):
    branch = BranchFactory(organisation=StaffRoleFactory(user=staff).organisation, name="Oud")
    _password_only(client, staff)

    client.post(
        reverse("admin:network_branch_change", args=[branch.pk]), {"name": "Nieuw"}, follow=True
    )

    assert Branch.objects.get(pk=branch.pk).name == "Oud"


def test_the_admin_sends_people_to_the_one_staff_login_and_back(client: Client, staff, device):
    response = client.get(reverse("admin:index"))
    assert response["Location"].startswith(reverse("admin:login"))

    response = client.get(response["Location"])

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('desk:login')}?next=%2Fbeheer%2F"
    log_in(client, staff, totp_code(device), next_url="/beheer/")
    assert client.get(reverse("admin:index")).status_code == 200


def test_staff_without_a_role_get_a_refusal_not_a_login_loop(client: Client):
    user = StaffUserFactory()
    staff_login(client, user)

    assert client.get(reverse("admin:login")).status_code == 403


def test_unlinking_the_app_ends_the_sessions_it_verified(client: Client, staff, device):
    staff_login(client, staff, device)
    assert is_staff_session(client)

    staff_otp_reset(actor=None, user=staff)

    assert not is_staff_session(client)
    assert not TOTPDevice.objects.filter(user=staff).exists()
    reset = AuditEvent.objects.get(event_type="network.staff.otp_reset")
    assert reset.object_id == str(staff.pk)
    assert reset.details == {"devices": 1}


def test_an_administrator_unlinks_the_app_of_staff_in_their_own_organisation_only(staff):
    colleague = StaffRoleFactory(organisation=staff.staff_roles.get().organisation).user
    stranger = StaffRoleFactory(organisation=OrganisationFactory()).user
    desk = StaffRoleFactory(organisation=staff.staff_roles.get().organisation, role=Role.DESK)

    staff_otp_reset(actor=staff, user=colleague)
    with pytest.raises(NotPermitted):
        staff_otp_reset(actor=staff, user=stranger)
    with pytest.raises(NotPermitted):
        staff_otp_reset(actor=desk.user, user=colleague)


def test_the_reset_command_unlinks_the_app(staff, device, capsys):
    call_command("staff_otp_reset", staff.username)

    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert staff.username in capsys.readouterr().out


# --- SAMENBIEB_STAFF_OTP=off -----------------------------------------------------------------


@pytest.fixture
def second_factor_off(settings):
    settings.STAFF_OTP_REQUIRED = False


def test_with_the_second_factor_off_the_password_alone_logs_in(
    client: Client, second_factor_off, staff
):
    form = client.get(reverse("desk:login")).content.decode()
    assert 'name="code"' not in form
    assert "code" not in StaffLoginForm().fields

    client.post(reverse("desk:login"), {"username": staff.username, "password": "wrong"})
    assert not is_staff_session(client)
    log_in(client, staff)

    assert is_staff_session(client)
    assert client.get(reverse("admin:index")).status_code == 200


def test_with_the_second_factor_off_an_earlier_password_session_is_enough(
    client: Client, second_factor_off, staff
):
    _password_only(client, staff)

    assert is_staff_session(client)
