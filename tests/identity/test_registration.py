"""Registering connected services: by the network in the admin, by scripts, by the demo."""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import CommandError, call_command
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse

from samenbieb.core.errors import NotPermitted
from samenbieb.core.models import AuditEvent
from samenbieb.identity.demo import DEMO_CLIENT_ID, demo_service_register
from samenbieb.identity.errors import InvalidService
from samenbieb.identity.models import ConnectedService
from samenbieb.identity.services import connected_service_register
from samenbieb.network.models import OrganisationKind
from samenbieb.network.roles import Role
from tests.factories import OrganisationFactory, StaffRoleFactory, StaffUserFactory, staff_login

pytestmark = pytest.mark.django_db

ADD = reverse("admin:identity_connectedservice_add")
CHANGELIST = reverse("admin:identity_connectedservice_changelist")


@pytest.fixture
def network_admin():
    national = OrganisationFactory(kind=OrganisationKind.NATIONAL, province="")
    return StaffRoleFactory(organisation=national, role=Role.ADMINISTRATOR).user


@pytest.fixture
def library_admin():
    return StaffRoleFactory(role=Role.ADMINISTRATOR).user


def _form(**changes):
    data = {
        "display_name": "Nationaal e-bookplatform",
        "name": "ebooks",
        "description": "Leen e-books.",
        "client_type": "confidential",
        "redirect_uris": "https://ebooks.example.nl/callback",
        "post_logout_redirect_uris": "",
        "scopes": ["openid", "email"],
        "sector_identifier": "",
        "is_active": "on",
    }
    data.update(changes)
    return data


def test_a_network_administrator_registers_a_service_and_sees_its_secret_once(
    client, network_admin
):
    staff_login(client, network_admin)
    response = client.post(ADD, _form())
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    secret = re.search(r'id="client-secret">([^<]+)<', page).group(1)
    service = ConnectedService.objects.get()
    assert service.client_id in page
    assert service.client_secret != secret
    assert check_password(secret, service.client_secret)
    assert service.scope_list == ["openid", "email"]
    assert service.user == network_admin
    assert service.authorization_grant_type == "authorization-code"
    assert service.algorithm == "RS256"
    event = AuditEvent.objects.get(event_type="identity.connected_service.registered")
    assert event.actor == network_admin
    assert secret not in str(event.details)
    # Opening it again shows no secret: only the hash exists.
    change = client.get(reverse("admin:identity_connectedservice_change", args=[service.pk]))
    assert secret not in change.content.decode()


def test_the_admin_refuses_plain_http_redirects_outside_localhost(client, network_admin):
    staff_login(client, network_admin)
    response = client.post(ADD, _form(redirect_uris="http://ebooks.example.nl/callback"))
    assert response.status_code == 200
    assert not ConnectedService.objects.exists()


def test_a_library_administrator_cannot_manage_connected_services(client, library_admin):
    staff_login(client, library_admin)
    assert client.get(CHANGELIST).status_code == 403
    client.post(ADD, _form())
    assert not ConnectedService.objects.exists()
    with pytest.raises(NotPermitted):
        connected_service_register(
            actor=library_admin,
            display_name="Stiekem",
            redirect_uris=["https://stiekem.example/cb"],
        )


def test_a_platform_operator_manages_connected_services(client):
    staff_login(client, StaffUserFactory(is_superuser=True))
    assert client.get(CHANGELIST).status_code == 200


def test_a_script_registers_a_service_with_the_command():
    output = io.StringIO()
    call_command(
        "oidc_client_add",
        "Leerplatform",
        "--redirect-uri",
        "https://leren.example.org/cb",
        "--scope",
        "email",
        stdout=output,
    )
    text = output.getvalue()
    service = ConnectedService.objects.get()
    assert f"client_id      {service.client_id}" in text
    secret = re.search(r"client_secret  (\S+)", text).group(1)
    assert check_password(secret, service.client_secret)
    assert service.scope_list == ["openid", "email"]


def test_the_command_registers_a_public_client_without_a_secret():
    output = io.StringIO()
    call_command(
        "oidc_client_add",
        "App",
        "--redirect-uri",
        "https://app.example.org/cb",
        "--public",
        stdout=output,
    )
    assert "client_secret" not in output.getvalue()
    assert ConnectedService.objects.get().client_type == "public"


def test_the_command_says_what_is_wrong():
    with pytest.raises(CommandError, match="redirect_uris"):
        call_command("oidc_client_add", "App", "--redirect-uri", "http://app.example.org/cb")


def test_services_with_redirects_on_several_hosts_must_name_their_sector():
    with pytest.raises(InvalidService) as refused:
        connected_service_register(
            actor=None,
            display_name="Twee hosts",
            redirect_uris=["https://a.example.org/cb", "https://b.example.org/cb"],
        )
    assert "sector_identifier" in refused.value.errors


def test_the_demo_registers_the_e_book_platform_once():
    first = demo_service_register()
    second = demo_service_register()
    assert first == second
    assert first.client_id == DEMO_CLIENT_ID
    service = ConnectedService.objects.get()
    assert service.display_name == "Nationaal e-bookplatform (demo)"
    assert service.client_type == "public"


def test_identitys_first_migration_does_not_wait_for_dots_migrations():
    """DOT's migrations depend on the swapped models; ours must not depend on DOT's, or
    the graph has a cycle (DOT issues #634 and #871)."""
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    ours = graph.node_map[("identity", "0001_connected_services_and_member_tokens")]
    assert not any(parent.key[0] == "oauth2_provider" for parent in ours.parents)
    theirs = [node for key, node in graph.node_map.items() if key[0] == "oauth2_provider"]
    assert any(parent.key[0] == "identity" for node in theirs for parent in node.parents)


def test_the_sector_is_fixed_at_registration_so_subs_survive_new_redirect_uris():
    service = connected_service_register(
        actor=None, display_name="App", redirect_uris=["https://app.example.org/cb"]
    ).service
    service.redirect_uris = "https://nieuw.example.net/cb"
    service.save()
    service.refresh_from_db()
    assert service.sector == "app.example.org"
