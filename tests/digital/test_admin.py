"""Staff manage digital resources in the administration, with the QR code for posters."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from samenbieb.catalog.models import DigitalResource
from samenbieb.core.models import AuditEvent
from samenbieb.network.roles import Role
from tests.factories import (
    DigitalLoanFactory,
    DigitalResourceFactory,
    RecordFactory,
    StaffRoleFactory,
    staff_login,
)

pytestmark = pytest.mark.django_db


def _staff(role: str) -> Client:
    client = Client()
    staff_login(client, StaffRoleFactory(role=role).user)
    return client


def test_the_resource_page_shows_the_qr_code_and_links_to_download_both(settings):
    settings.PUBLIC_URL = "https://bibliotheek.example"
    resource = DigitalResourceFactory(copies=2)
    DigitalLoanFactory(resource=resource)
    response = _staff(Role.CATALOGUER).get(
        reverse("admin:catalog_digitalresource_change", args=[resource.pk])
    )
    assert response.status_code == 200
    page = response.content.decode()
    svg = reverse("portal:digital_qr_svg", args=[resource.token])
    png = reverse("portal:digital_qr_png", args=[resource.token])
    assert f'<img src="{svg}"' in page
    assert f'<a href="{svg}" download>' in page
    assert f'<a href="{png}" download>' in page
    access = reverse("portal:digital_access", args=[resource.token])
    assert f"https://bibliotheek.example{access}" in page
    assert "1 / 2" in page  # copies in use now


def test_a_cataloguer_adds_online_access_to_a_record_and_it_is_audited():
    record = RecordFactory()
    response = _staff(Role.CATALOGUER).post(
        reverse("admin:catalog_digitalresource_add"),
        {
            "record": record.pk,
            "kind": "audiobook",
            "licence": "one_copy_one_user",
            "copies": "2",
            "provider": "Luisterplatform",
            "access_url": "https://provider.example/luister/1",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    resource = DigitalResource.objects.get(record=record)
    event = AuditEvent.objects.get(event_type="catalog.digital_resource.created")
    assert event.object_id == str(resource.pk)
    assert event.details["record"] == record.pk


def test_a_one_user_licence_without_copies_is_refused_in_the_form():
    record = RecordFactory()
    response = _staff(Role.CATALOGUER).post(
        reverse("admin:catalog_digitalresource_add"),
        {
            "record": record.pk,
            "kind": "ebook",
            "licence": "one_copy_one_user",
            "copies": "",
            "access_url": "https://provider.example/boek/1",
        },
    )
    assert response.status_code == 200
    assert not DigitalResource.objects.exists()


def test_desk_staff_may_read_but_not_change_digital_resources():
    resource = DigitalResourceFactory()
    desk = _staff(Role.DESK)
    change = reverse("admin:catalog_digitalresource_change", args=[resource.pk])
    assert desk.get(change).status_code == 200
    desk.post(change, {"record": resource.record_id, "kind": "podcast", "licence": "simultaneous"})
    resource.refresh_from_db()
    assert resource.kind == "ebook"
