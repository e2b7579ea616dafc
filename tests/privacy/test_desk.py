"""Staff: a reason before a member's details, the export on request, the officer's viewer."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from samenbieb.core.models import AuditEvent
from samenbieb.network.roles import Role
from tests.factories import (
    BranchFactory,
    LibraryCardFactory,
    OrganisationFactory,
    PersonFactory,
    StaffRoleFactory,
    staff_login,
)

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    staff_login(client, user)
    return client


@pytest.fixture
def member(library):
    person = PersonFactory(home_organisation=library, email="sanne@example.org", phone="0612345678")
    LibraryCardFactory(person=person, barcode="20000000000777")
    return person


def test_opening_a_member_is_recorded_and_details_need_a_reason(library, member):
    desk = StaffRoleFactory(organisation=library, role=Role.DESK).user
    client = _client(desk)

    page = client.get(reverse("desk:member", args=[member.pk])).content.decode()

    assert "sanne@example.org" not in page
    assert 'id="member-details-form"' in page
    viewed = AuditEvent.objects.get(event_type="members.person.viewed")
    assert (viewed.actor_id, viewed.subject_person_id, viewed.details) == (
        desk.pk,
        member.pk,
        {"view": "summary"},
    )

    without = client.post(reverse("desk:member_details", args=[member.pk]), {"reason": "Other"})
    assert without.status_code == 400
    assert "sanne@example.org" not in without.content.decode()

    shown = client.post(
        reverse("desk:member_details", args=[member.pk]),
        {"reason": "The member called or e-mailed", "explanation": "adres gewijzigd"},
    )
    assert shown.status_code == 200
    assert "sanne@example.org" in shown.content.decode()
    details = AuditEvent.objects.get(event_type="members.person.details_viewed")
    assert details.reason == "The member called or e-mailed: adres gewijzigd"
    assert details.actor_label == desk.username


def test_scanning_a_card_at_the_circulation_desk_is_recorded_as_a_read(library, member):
    BranchFactory(organisation=library)
    desk = StaffRoleFactory(organisation=library, role=Role.DESK).user
    client = _client(desk)

    response = client.post(reverse("desk:circulation_scan"), {"barcode": "20000000000777"})

    assert response.status_code == 302
    read = AuditEvent.objects.get(event_type="members.person.viewed")
    assert (read.actor_id, read.subject_person_id, read.details) == (
        desk.pk,
        member.pk,
        {"view": "circulation"},
    )
    # An item scan for the same patron is a loan, not another read.
    client.post(reverse("desk:circulation_scan"), {"barcode": "30000000000000"})
    assert AuditEvent.objects.filter(event_type="members.person.viewed").count() == 1


def test_opening_a_member_in_the_administration_is_recorded_as_a_read(library, member):
    administrator = StaffRoleFactory(organisation=library, role=Role.ADMINISTRATOR).user
    client = _client(administrator)

    page = client.get(reverse("admin:members_person_change", args=[member.pk]))

    assert page.status_code == 200
    read = AuditEvent.objects.get(event_type="members.person.viewed")
    assert (read.actor_id, read.subject_person_id, read.details) == (
        administrator.pk,
        member.pk,
        {"view": "admin"},
    )


def test_a_member_of_another_library_is_not_opened_nor_recorded_in_the_administration(member):
    elsewhere = StaffRoleFactory(organisation=OrganisationFactory(), role=Role.ADMINISTRATOR).user

    page = _client(elsewhere).get(reverse("admin:members_person_change", args=[member.pk]))

    assert page.status_code == 302  # the admin's "no such object", back to the list
    assert not AuditEvent.objects.filter(event_type="members.person.viewed").exists()


def test_a_member_of_another_library_has_no_details_page(library):
    desk = StaffRoleFactory(organisation=library, role=Role.DESK).user
    stranger = PersonFactory(home_organisation=OrganisationFactory())
    response = _client(desk).post(
        reverse("desk:member_details", args=[stranger.pk]),
        {"reason": "The member is at the desk"},
    )
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(subject_person_id=stranger.pk).exists()


def test_the_privacy_officer_produces_the_export_on_request_and_desk_staff_cannot(library, member):
    officer = StaffRoleFactory(organisation=library, role=Role.PRIVACY_OFFICER).user
    desk = StaffRoleFactory(organisation=library, role=Role.DESK).user
    url = reverse("desk:member_export", args=[member.pk])
    form = {"export-reason": "Other", "export-explanation": "verzoek per brief 12-11"}

    assert (
        'id="member-export-form"'
        not in _client(desk).get(reverse("desk:member", args=[member.pk])).content.decode()
    )
    assert _client(desk).post(url, form).status_code == 403

    response = _client(officer).post(url, form)

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    members = next(s for s in data["sections"] if s["key"] == "members")["data"]
    assert members["person"]["email"] == "sanne@example.org"
    exported = AuditEvent.objects.get(event_type="privacy.person.exported")
    assert (exported.actor_id, exported.reason) == (officer.pk, "Other: verzoek per brief 12-11")


def test_the_officer_searches_the_trail_of_their_own_libraries_only(library, member):
    officer = StaffRoleFactory(organisation=library, role=Role.PRIVACY_OFFICER).user
    desk = StaffRoleFactory(organisation=library, role=Role.DESK, user__username="balie-bea").user
    _client(desk).get(reverse("desk:member", args=[member.pk]))
    elsewhere = PersonFactory(home_organisation=OrganisationFactory())
    other_desk = StaffRoleFactory(organisation=elsewhere.home_organisation, role=Role.DESK).user
    _client(other_desk).get(reverse("desk:member", args=[elsewhere.pk]))
    client = _client(officer)

    by_card = client.get(reverse("desk:audit_trail"), {"card": "20000000000777"}).content.decode()
    by_actor = client.get(reverse("desk:audit_trail"), {"actor": other_desk.username})
    by_type = client.get(
        reverse("desk:audit_trail"), {"event_type": "members.person", "since": "01-01-2020"}
    ).content.decode()

    assert "balie-bea" in by_card
    assert "members.person.viewed" in by_card
    assert (
        "Niets gevonden" in by_actor.content.decode()
        or "Nothing found" in by_actor.content.decode()
    )
    assert by_type.count("members.person.viewed") == 1
    assert _client(desk).get(reverse("desk:audit_trail")).status_code == 403
