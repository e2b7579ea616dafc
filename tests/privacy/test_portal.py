"""The demonstration: a member downloads their data and removes their account in the portal."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from samenbieb.circulation import services as circulation
from samenbieb.core import audit_chain
from samenbieb.core.audit import audit_record
from samenbieb.core.models import AuditEvent
from samenbieb.members.models import Person
from samenbieb.network.roles import Role
from tests.factories import BranchFactory, ChargeFactory, StaffRoleFactory
from tests.interfaces.portal.circulation_helpers import copy_at
from tests.interfaces.portal.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_member_downloads_their_data_and_removes_their_account(client, portal_member):
    person = portal_member.person
    assert portal_member.log_in(client).status_code == 302

    account = client.get(reverse("portal:account")).content.decode()
    assert reverse("portal:my_data") in account

    page = client.get(reverse("portal:my_data"))
    assert page.status_code == 200
    html = page.content.decode()
    assert person.given_name in html
    assert portal_member.card in html

    download = client.get(reverse("portal:my_data_download"))
    assert download["Content-Type"].startswith("application/json")
    assert "attachment" in download["Content-Disposition"]
    data = json.loads(download.content)
    members = next(s for s in data["sections"] if s["key"] == "members")["data"]
    assert members["person"]["given_name"] == person.given_name
    assert members["cards"][0]["card_number"] == portal_member.card

    confirm = client.get(reverse("portal:account_erase"))
    assert 'id="erase-form"' in confirm.content.decode()
    wrong = client.post(reverse("portal:account_erase"), {"password": "not-it", "confirm": "on"})
    assert wrong.status_code == 400
    assert Person.objects.get(pk=person.pk).erased_at is None

    removed = client.post(reverse("portal:account_erase"), {"password": PASSWORD, "confirm": "on"})

    assert removed["Location"] == reverse("portal:account_erased")
    erased = Person.objects.get(pk=person.pk)
    assert erased.erased_at is not None
    assert erased.given_name == ""
    # Logged out, and the card no longer opens anything.
    assert client.get(reverse("portal:account")).status_code == 302
    assert portal_member.log_in(client).status_code != 302
    assert audit_chain.verify().ok


def test_the_member_sees_exactly_what_blocks_removal(client, portal_member):
    ChargeFactory(person=portal_member.person, amount="3.00")
    portal_member.log_in(client)

    page = client.get(reverse("portal:account_erase")).content.decode()
    assert 'id="erase-blockers"' in page
    assert 'data-code="open_charges"' in page
    assert 'id="erase-form"' not in page

    refused = client.post(reverse("portal:account_erase"), {"password": PASSWORD, "confirm": "on"})
    assert refused.status_code == 400
    assert Person.objects.get(pk=portal_member.person.pk).erased_at is None


def test_the_member_sees_which_library_looked_at_their_record_but_not_who(
    client, portal_member, library
):
    staff = StaffRoleFactory(organisation=library, role=Role.DESK, user__username="balie-bea").user
    audit_record(
        actor=staff,
        event_type="members.person.viewed",
        organisation_id=library.pk,
        target=portal_member.person,
    )
    portal_member.log_in(client)

    html = client.get(reverse("portal:my_data_access")).content.decode()

    assert library.name in html
    assert "balie-bea" not in html


def test_the_processing_register_is_public_and_follows_the_retention_settings(client, settings):
    settings.PRIVACY = {**settings.PRIVACY, "LAPSED_MEMBER_DAYS": 999}

    html = client.get(reverse("portal:processing_register")).content.decode()

    assert "999" in html
    assert html.count('class="retention"') >= 7


def test_a_choice_made_in_the_portal_is_recorded_as_the_members_own_act(client, portal_member):
    portal_member.log_in(client)

    client.post(reverse("portal:consent_change"), {"kind": "news", "given": "ja"})

    event = AuditEvent.objects.get(event_type="members.consent.recorded")
    assert (event.actor_id, event.actor_label, event.actor_person_id) == (
        None,
        "member",
        portal_member.person.pk,
    )


def test_what_the_member_did_themselves_is_not_listed_as_library_staff_looking(
    client, portal_member, library
):
    """The access page lists staff only: the member's own holds (placed in the portal, now
    audited with them as the actor) and the system's jobs are not "a library looked"."""
    person = portal_member.person
    branch = BranchFactory(organisation=library)
    record = copy_at(branch).record
    circulation.hold_place(
        actor=None, person=person, record=record, pickup_branch=branch, member=person
    )
    staff = StaffRoleFactory(organisation=library, role=Role.DESK).user
    audit_record(
        actor=staff, event_type="members.person.viewed", organisation_id=library.pk, target=person
    )
    portal_member.log_in(client)

    lines = client.get(reverse("portal:my_data_access"), HTTP_ACCEPT_LANGUAGE="en").context["lines"]

    assert [(line.library, str(line.what)) for line in lines] == [
        (library.name, "looked at your details")
    ]
    download = json.loads(client.get(reverse("portal:my_data_download")).content)
    trail = next(s for s in download["sections"] if s["key"] == "audit")["data"]
    by = {row["event"]: row["by"] for row in trail}
    assert by["circulation.hold.placed"] == "you"
    assert by["members.person.viewed"] == "library staff"
