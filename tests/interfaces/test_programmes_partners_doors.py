"""The partner pages and the library's desk pages for partners and referrals, through the
test client: a partner refers someone and follows the status; the library keeps its social
map, handles referrals in and out."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from samenbieb.network.roles import Role
from samenbieb.programmes.models import (
    ActivityPartner,
    ActivityStatus,
    Partner,
    PartnerRole,
    Referral,
    ReferralDirection,
    ReferralStatus,
)
from tests.factories import StaffRoleFactory, staff_login
from tests.programmes.factories import ActivityFactory
from tests.programmes.factories_partners import (
    PartnerContactFactory,
    PartnerFactory,
    ReferralFactory,
    partner_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _client(user) -> Client:
    client = Client()
    staff_login(client, user)
    return client


@pytest.fixture
def partner():
    return PartnerFactory(name="Gemeente Utrecht")


@pytest.fixture
def library(partner):
    return partner.organisation


@pytest.fixture
def partner_client(partner):
    return _client(partner_user(partner))


@pytest.fixture
def coordinator(library):
    return _client(StaffRoleFactory(organisation=library, role=Role.PROGRAMME_COORDINATOR).user)


@pytest.fixture
def desk(library):
    return _client(StaffRoleFactory(organisation=library, role=Role.DESK).user)


def referral_data(activity, **overrides):
    data = {
        "activity": activity.pk,
        "name": "Fatima El Amrani",
        "phone": "06 12345678",
        "topic": "",
        "note": "Wil leren DigiD gebruiken",
        "consent_given": "on",
    }
    data.update(overrides)
    return data


# --- the partner's pages ---------------------------------------------------------------------


def test_a_partner_refers_someone_and_sees_the_referral_sent(partner_client, library, partner):
    course = ActivityFactory(organisation=library, title="Digisterker")

    response = partner_client.post(reverse("desk:partner_referral_new"), referral_data(course))

    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("desk:partner_referral", args=[referral.pk])
    assert (referral.partner, referral.activity, referral.status) == (partner, course, "sent")
    page = partner_client.get(response["Location"]).content.decode()
    assert 'data-status="sent"' in page
    home = partner_client.get(reverse("desk:partner_home")).content.decode()
    assert "Fatima El Amrani" in home
    assert "Digisterker" in home


def test_without_consent_the_partner_is_told_and_nothing_is_sent(partner_client, library):
    course = ActivityFactory(organisation=library)

    response = partner_client.post(
        reverse("desk:partner_referral_new"), referral_data(course, consent_given="")
    )

    assert response.status_code == 200
    assert "consent_given" in response.context["form"].errors
    assert 'id="partner-referral-form-errors"' in response.content.decode()
    assert not Referral.objects.exists()


def test_the_partner_chooses_from_published_activities_those_it_refers_to_first(
    partner_client, library, partner
):
    ActivityFactory(organisation=library, title="Aardig Digitaal")
    asked = ActivityFactory(organisation=library, title="Zo Digisterker")
    ActivityFactory(organisation=library, title="Concept", status=ActivityStatus.DRAFT)
    ActivityPartner.objects.create(activity=asked, partner=partner, role=PartnerRole.REFERS)

    form = partner_client.get(reverse("desk:partner_referral_new")).context["form"]

    titles = [activity.title for activity in form.fields["activity"].queryset]
    assert titles == ["Zo Digisterker", "Aardig Digitaal"]


def test_a_partner_without_activities_to_refer_to_is_told_to_call(partner_client):
    html = partner_client.get(reverse("desk:partner_referral_new")).content.decode()

    assert 'id="partner-no-activities"' in html


def test_a_partner_withdraws_its_referral(partner_client, partner):
    referral = ReferralFactory(partner=partner)

    partner_client.post(
        reverse("desk:partner_referral_status", args=[referral.pk]), {"status": "closed"}
    )

    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CLOSED


def test_the_partner_accepts_a_person_the_library_referred_to_it(partner_client, partner):
    referral = ReferralFactory(partner=partner, direction=ReferralDirection.OUTGOING, activity=None)

    page = partner_client.get(reverse("desk:partner_referral", args=[referral.pk]))
    partner_client.post(
        reverse("desk:partner_referral_status", args=[referral.pk]), {"status": "accepted"}
    )

    assert 'id="referral-to-accepted"' in page.content.decode()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED


# --- the library's pages -------------------------------------------------------------------


def test_the_social_map_shows_partners_with_their_contact_persons(desk, partner):
    PartnerContactFactory(partner=partner, name="Sanne Wijkhuis", phone="030 2860000")

    html = desk.get(reverse("desk:partners")).content.decode()

    assert "Gemeente Utrecht" in html
    assert "Sanne Wijkhuis" in html
    assert 'id="partner-add-link"' not in html  # desk staff refer, coordinators manage


def test_the_desk_home_links_to_the_social_map_and_referrals(coordinator):
    html = coordinator.get(reverse("desk:home")).content.decode()

    assert 'id="home-partners-link"' in html
    assert 'id="home-referrals-link"' in html


def test_a_coordinator_adds_a_partner_a_contact_person_and_its_role_in_an_activity(
    coordinator, library
):
    course = ActivityFactory(organisation=library, title="Digisterker")

    response = coordinator.post(
        reverse("desk:partner_add"),
        {"organisation": library.pk, "name": "SeniorWeb Utrecht", "kind": "seniorweb"},
    )
    partner = Partner.objects.get(name="SeniorWeb Utrecht")
    assert response["Location"] == reverse("desk:partner", args=[partner.pk])
    coordinator.post(
        reverse("desk:partner_contact_add", args=[partner.pk]),
        {"contact-name": "Els Klik", "contact-role": "Vrijwilliger"},
    )
    coordinator.post(
        reverse("desk:partner_activity_set", args=[partner.pk]),
        {"role-activity": course.pk, "role-roles": ["teaches"]},
    )

    html = coordinator.get(reverse("desk:partner", args=[partner.pk])).content.decode()
    assert "Els Klik" in html
    assert "Digisterker: Geeft les" in html


def test_desk_staff_cannot_add_partners(desk, library):
    response = desk.post(
        reverse("desk:partner_add"), {"organisation": library.pk, "name": "X", "kind": "other"}
    )

    assert response.status_code == 403
    assert not Partner.objects.filter(name="X").exists()


def test_desk_staff_refer_someone_to_a_partner(desk, partner):
    response = desk.post(
        reverse("desk:referral_outgoing_new"),
        {
            "partner": partner.pk,
            "name": "Piet de Vries",
            "phone": "030 1234567",
            "topic": "",
            "note": "",
            "consent_given": "on",
        },
    )

    referral = Referral.objects.get()
    assert response.status_code == 302
    assert referral.direction == ReferralDirection.OUTGOING
    assert referral.partner == partner
    assert referral.consent_text_version


def test_the_coordinator_sees_referrals_both_ways_and_filters_them(coordinator, partner):
    ReferralFactory(partner=partner, name="Anna Binnen")
    ReferralFactory(
        partner=partner, direction=ReferralDirection.OUTGOING, activity=None, name="Bert Buiten"
    )

    both = coordinator.get(reverse("desk:referrals")).content.decode()
    incoming = coordinator.get(reverse("desk:referrals"), {"direction": "incoming"})

    assert "Anna Binnen" in both
    assert "Bert Buiten" in both
    assert "Bert Buiten" not in incoming.content.decode()


def test_the_referral_list_takes_a_fixed_number_of_queries(
    coordinator, partner, django_assert_max_num_queries
):
    for _ in range(15):
        ReferralFactory(partner=partner)

    with django_assert_max_num_queries(12):
        response = coordinator.get(reverse("desk:referrals"))

    assert response.status_code == 200


def test_the_coordinator_accepts_and_then_closes_an_incoming_referral(coordinator, partner):
    referral = ReferralFactory(partner=partner)
    url = reverse("desk:referral_status", args=[referral.pk])

    page = coordinator.get(reverse("desk:referral", args=[referral.pk])).content.decode()
    coordinator.post(url, {"status": "accepted"})
    coordinator.post(url, {"status": "closed"})

    assert 'id="referral-accept-register"' in page
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CLOSED


def test_a_step_the_state_table_does_not_have_is_refused_with_a_message(coordinator, partner):
    referral = ReferralFactory(partner=partner)

    response = coordinator.post(
        reverse("desk:referral_status", args=[referral.pk]), {"status": "helped"}, follow=True
    )

    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT
    assert "kan niet op deze manier worden gewijzigd" in response.content.decode()
