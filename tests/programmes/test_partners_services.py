"""Partners and referrals through the services: consent first, minimal data, a status that
moves only by the state table, and the person's details erased after closing."""

from __future__ import annotations

import datetime as dt

import pytest

from samenbieb.core.errors import NotPermitted
from samenbieb.core.models import AuditEvent
from samenbieb.network.models import StaffRole
from samenbieb.network.roles import Role
from samenbieb.programmes.errors_partners import (
    PartnerAccountUsernameTaken,
    PartnerInactive,
    PartnerNotOfLibrary,
    ReferralActivityNotOpen,
    ReferralCardUnknown,
    ReferralConsentMissing,
    ReferralDataInvalid,
    ReferralPersonMissing,
    ReferralTransitionRefused,
)
from samenbieb.programmes.models import (
    ActivityPartner,
    ActivityStatus,
    PartnerAccount,
    PartnerRole,
    Referral,
    ReferralDirection,
    ReferralStatus,
)
from samenbieb.programmes.services import partners as services
from tests.factories import LibraryCardFactory, OrganisationFactory, StaffRoleFactory
from tests.programmes.factories import NOW, ActivityFactory
from tests.programmes.factories_partners import (
    PartnerFactory,
    ReferralFactory,
    partner_user,
)

pytestmark = pytest.mark.django_db

VERSION = services.REFERRAL_CONSENT_TEXT_VERSION


@pytest.fixture
def library():
    return OrganisationFactory(name="Bibliotheek Utrecht")


@pytest.fixture
def partner(library):
    return PartnerFactory(organisation=library, name="Gemeente Utrecht")


@pytest.fixture
def partner_login(partner):
    return partner_user(partner)


@pytest.fixture
def coordinator(library):
    return StaffRoleFactory(organisation=library, role=Role.PROGRAMME_COORDINATOR).user


@pytest.fixture
def desk(library):
    return StaffRoleFactory(organisation=library, role=Role.DESK).user


@pytest.fixture
def course(library):
    return ActivityFactory(organisation=library, title="Digisterker")


def refer(actor, activity, **overrides):
    values = {
        "actor": actor,
        "activity": activity,
        "name": "Fatima El Amrani",
        "phone": "06 12345678",
        "consent_given": True,
        "consent_text_version": VERSION,
        "now": NOW,
    }
    values.update(overrides)
    return services.referral_create_incoming(**values)


# --- consent and minimal data ----------------------------------------------------------------


def test_a_partner_refers_a_person_with_their_consent_recorded_with_its_text_version(
    partner_login, partner, course
):
    referral = refer(partner_login, course)

    assert referral.direction == ReferralDirection.INCOMING
    assert referral.partner == partner
    assert referral.organisation_id == course.organisation_id
    assert referral.status == ReferralStatus.SENT
    assert referral.consent_given_at == NOW
    assert referral.consent_text_version == VERSION
    assert referral.phone == "+31612345678"


def test_an_incoming_referral_without_consent_is_refused_and_nothing_is_kept(partner_login, course):
    with pytest.raises(ReferralConsentMissing) as refused:
        refer(partner_login, course, consent_given=False)

    assert refused.value.field == "consent_given"
    assert not Referral.objects.exists()


def test_an_outgoing_referral_without_consent_is_refused(desk, partner):
    with pytest.raises(ReferralConsentMissing):
        services.referral_create_outgoing(
            actor=desk,
            partner=partner,
            name="Piet",
            phone="0612345678",
            consent_given=False,
            consent_text_version=VERSION,
        )

    assert not Referral.objects.exists()


def test_consent_without_the_version_of_the_text_agreed_to_is_no_consent(partner_login, course):
    with pytest.raises(ReferralConsentMissing):
        refer(partner_login, course, consent_text_version=" ")


def test_a_referral_needs_a_name(partner_login, course):
    with pytest.raises(ReferralPersonMissing):
        refer(partner_login, course, name="")


def test_a_referral_needs_a_phone_number_or_a_library_card(partner_login, course):
    with pytest.raises(ReferralPersonMissing):
        refer(partner_login, course, phone="", card="")


def test_a_referral_with_a_library_card_links_the_member_and_needs_no_phone(partner_login, course):
    card = LibraryCardFactory()

    referral = refer(partner_login, course, phone="", card=card.barcode.lower())

    assert referral.person == card.person
    assert referral.phone == ""


def test_a_card_that_is_not_in_use_is_refused(partner_login, course):
    with pytest.raises(ReferralCardUnknown):
        refer(partner_login, course, phone="", card="29999999999999")


def test_a_phone_number_that_cannot_be_called_is_refused(partner_login, course):
    with pytest.raises(ReferralDataInvalid) as refused:
        refer(partner_login, course, phone="12345")

    assert refused.value.field == "phone"


def test_a_note_longer_than_300_characters_is_refused(partner_login, course):
    with pytest.raises(ReferralDataInvalid) as refused:
        refer(partner_login, course, note="x" * 301)

    assert refused.value.field == "note"


def test_the_audit_trail_records_the_referral_without_the_persons_details(partner_login, course):
    referral = refer(partner_login, course, note="Wil DigiD aanvragen")

    event = AuditEvent.objects.get(event_type="programmes.referral.received")
    assert event.object_id == str(referral.pk)
    assert event.organisation_id == course.organisation_id
    flat = f"{event.details} {event.reason}"
    assert "Fatima" not in flat
    assert "612345678" not in flat
    assert "DigiD" not in flat


# --- what a partner may refer to ----------------------------------------------------------


def test_a_partner_refers_only_to_published_activities_of_its_own_library(partner_login, library):
    elsewhere = ActivityFactory(title="Digisterker in Arnhem")
    draft = ActivityFactory(organisation=library, status=ActivityStatus.DRAFT)

    for activity in (elsewhere, draft):
        with pytest.raises(ReferralActivityNotOpen):
            refer(partner_login, activity)


def test_a_partner_login_refers_in_its_own_name_whatever_partner_it_passes(
    partner_login, partner, library, course
):
    other = PartnerFactory(organisation=library)

    referral = refer(partner_login, course, partner=other)

    assert referral.partner == partner


def test_staff_type_in_a_referral_for_a_partner_after_a_phone_call(coordinator, partner, course):
    referral = refer(coordinator, course, partner=partner)

    assert referral.partner == partner
    assert referral.created_by == coordinator


def test_staff_cannot_file_a_referral_for_another_librarys_partner(coordinator, course):
    with pytest.raises(PartnerNotOfLibrary):
        refer(coordinator, course, partner=PartnerFactory())


def test_desk_staff_without_programmes_management_cannot_type_in_incoming_referrals(
    desk, partner, course
):
    with pytest.raises(NotPermitted):
        refer(desk, course, partner=partner)


def test_the_login_of_a_partner_that_stopped_refers_no_one(partner_login, partner, course):
    partner.is_active = False
    partner.save()
    partner_login.__dict__.pop("_partner_of", None)

    with pytest.raises(NotPermitted):
        refer(partner_login, course)


def test_desk_staff_refer_a_person_to_a_partner_from_the_social_map(desk, partner):
    referral = services.referral_create_outgoing(
        actor=desk,
        partner=partner,
        name="Piet de Vries",
        phone="030 1234567",
        consent_given=True,
        consent_text_version=VERSION,
        now=NOW,
    )

    assert referral.direction == ReferralDirection.OUTGOING
    assert referral.activity is None
    assert referral.organisation_id == partner.organisation_id
    assert AuditEvent.objects.filter(event_type="programmes.referral.sent").exists()


def test_no_outgoing_referral_to_a_partner_that_stopped(desk, partner):
    partner.is_active = False
    partner.save()

    with pytest.raises(PartnerInactive):
        services.referral_create_outgoing(
            actor=desk,
            partner=partner,
            name="Piet",
            phone="0612345678",
            consent_given=True,
            consent_text_version=VERSION,
        )


def test_a_partner_login_cannot_send_outgoing_referrals_as_the_library(partner_login, partner):
    with pytest.raises(NotPermitted):
        services.referral_create_outgoing(
            actor=partner_login,
            partner=partner,
            name="Piet",
            phone="0612345678",
            consent_given=True,
            consent_text_version=VERSION,
        )


# --- the state table -------------------------------------------------------------------------


def step(actor, referral, status, **kwargs):
    return services.referral_status_set(
        actor=actor, referral=referral, status=status, now=NOW, **kwargs
    )


def test_the_library_accepts_an_incoming_referral_records_the_person_was_helped_and_closes(
    coordinator, partner
):
    referral = ReferralFactory(partner=partner)

    for status in (ReferralStatus.ACCEPTED, ReferralStatus.HELPED, ReferralStatus.CLOSED):
        referral = step(coordinator, referral, status)
        assert referral.status == status

    changes = AuditEvent.objects.filter(event_type="programmes.referral.status_changed")
    assert [e.details["target"] for e in changes.order_by("pk")] == [
        "accepted",
        "helped",
        "closed",
    ]


def test_a_referral_does_not_skip_from_sent_to_helped(coordinator, partner):
    referral = ReferralFactory(partner=partner)

    with pytest.raises(ReferralTransitionRefused):
        step(coordinator, referral, ReferralStatus.HELPED)

    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT


def test_a_closed_referral_stays_closed(coordinator, partner):
    referral = ReferralFactory(partner=partner, status=ReferralStatus.CLOSED)

    for status in ReferralStatus.values:
        with pytest.raises(ReferralTransitionRefused):
            step(coordinator, referral, status)


def test_a_partner_cannot_accept_its_own_referral_for_the_library(partner_login, partner):
    referral = ReferralFactory(partner=partner)

    with pytest.raises(ReferralTransitionRefused):
        step(partner_login, referral, ReferralStatus.ACCEPTED)


def test_a_partner_withdraws_its_referral_until_the_library_accepted_it(
    partner_login, partner, coordinator
):
    withdrawn = step(partner_login, ReferralFactory(partner=partner), ReferralStatus.CLOSED)
    accepted = step(coordinator, ReferralFactory(partner=partner), ReferralStatus.ACCEPTED)

    assert withdrawn.status == ReferralStatus.CLOSED
    with pytest.raises(ReferralTransitionRefused):
        step(partner_login, accepted, ReferralStatus.CLOSED)


def test_the_partner_accepts_and_helps_a_person_the_library_referred_to_it(partner_login, partner):
    referral = ReferralFactory(partner=partner, direction=ReferralDirection.OUTGOING, activity=None)

    referral = step(partner_login, referral, ReferralStatus.ACCEPTED)
    referral = step(partner_login, referral, ReferralStatus.HELPED)

    assert referral.status == ReferralStatus.HELPED


def test_a_partner_cannot_change_another_partners_referral(partner_login, library):
    other = ReferralFactory(partner=PartnerFactory(organisation=library))

    with pytest.raises(NotPermitted):
        step(partner_login, other, ReferralStatus.CLOSED)


def test_staff_of_another_library_cannot_change_the_status(partner):
    stranger = StaffRoleFactory(role=Role.PROGRAMME_COORDINATOR).user

    with pytest.raises(NotPermitted):
        step(stranger, ReferralFactory(partner=partner), ReferralStatus.ACCEPTED)


def test_only_accepting_an_incoming_referral_registers_the_person(coordinator, partner):
    referral = ReferralFactory(partner=partner, direction=ReferralDirection.OUTGOING, activity=None)

    with pytest.raises(ReferralTransitionRefused):
        step(coordinator, referral, ReferralStatus.ACCEPTED, register=True)


def test_accepting_with_registration_registers_the_person_without_an_account(
    coordinator, partner, course
):
    referral = ReferralFactory(partner=partner, activity=course)

    referral = step(coordinator, referral, ReferralStatus.ACCEPTED, register=True)

    registration = referral.registration
    assert registration is not None
    assert registration.activity == course
    assert registration.via == "referral"
    assert registration.name == referral.name
    assert registration.phone == referral.phone
    assert registration.person is None


# --- erasure after closing -------------------------------------------------------------------


def test_details_of_referrals_closed_longer_than_the_retention_are_erased(partner, settings):
    settings.SAMENBIEB = {**settings.SAMENBIEB, "REFERRAL_RETENTION_DAYS": 30}
    card = LibraryCardFactory()
    old = ReferralFactory(
        partner=partner,
        status=ReferralStatus.CLOSED,
        updated_at=NOW - dt.timedelta(days=31),
        note="Wil DigiD",
        person=card.person,
    )
    recent = ReferralFactory(
        partner=partner, status=ReferralStatus.CLOSED, updated_at=NOW - dt.timedelta(days=29)
    )
    still_open = ReferralFactory(
        partner=partner, status=ReferralStatus.ACCEPTED, updated_at=NOW - dt.timedelta(days=90)
    )

    assert services.referrals_anonymise_closed(now=NOW) == 1

    old.refresh_from_db()
    assert (old.name, old.phone, old.note, old.person, old.anonymised_at) == ("", "", "", None, NOW)
    assert old.partner == partner
    assert old.activity is not None
    for kept in (recent, still_open):
        kept.refresh_from_db()
        assert kept.name
        assert kept.anonymised_at is None
    event = AuditEvent.objects.get(event_type="programmes.referral.anonymised")
    assert event.details["count"] == 1
    assert services.referrals_anonymise_closed(now=NOW) == 0


# --- partners, roles per activity, partner logins -------------------------------------------


def test_a_coordinator_puts_a_partner_with_a_contact_person_on_the_social_map(coordinator, library):
    partner = services.partner_create(
        actor=coordinator, organisation=library, name="SeniorWeb Utrecht", kind="seniorweb"
    )
    contact = services.partner_contact_add(
        actor=coordinator, partner=partner, name="Els Klik", role="Vrijwilliger"
    )

    assert partner.organisation == library
    assert list(partner.contacts.all()) == [contact]


def test_desk_staff_do_not_change_the_social_map(desk, library, partner):
    with pytest.raises(NotPermitted):
        services.partner_create(actor=desk, organisation=library, name="X", kind="other")
    with pytest.raises(NotPermitted):
        services.partner_update(actor=desk, partner=partner, name="Overgenomen")


def test_a_coordinator_cannot_add_a_partner_to_another_library(coordinator):
    with pytest.raises(NotPermitted):
        services.partner_create(
            actor=coordinator, organisation=OrganisationFactory(), name="X", kind="other"
        )


def test_a_partner_stops(coordinator, partner):
    partner = services.partner_update(actor=coordinator, partner=partner, is_active=False)

    assert partner.is_active is False


def test_setting_a_partners_roles_for_an_activity_replaces_the_old_ones(
    coordinator, partner, course
):
    services.activity_partner_set(
        actor=coordinator, activity=course, partner=partner, roles=[PartnerRole.REFERS]
    )
    services.activity_partner_set(
        actor=coordinator,
        activity=course,
        partner=partner,
        roles=[PartnerRole.TEACHES, PartnerRole.CO_DESIGNS],
    )

    roles = set(
        ActivityPartner.objects.filter(activity=course, partner=partner).values_list(
            "role", flat=True
        )
    )
    assert roles == {"teaches", "co_designs"}


def test_a_partner_of_another_library_gets_no_role_in_an_activity(coordinator, course):
    with pytest.raises(PartnerNotOfLibrary):
        services.activity_partner_set(
            actor=coordinator, activity=course, partner=PartnerFactory(), roles=["refers"]
        )


def test_a_partner_login_is_a_staff_account_without_any_library_role(library, partner):
    administrator = StaffRoleFactory(organisation=library, role=Role.ADMINISTRATOR).user

    account = services.partner_account_create(
        actor=administrator, partner=partner, username="partner-gemeente", password="x" * 16
    )

    assert account.partner == partner
    assert account.user.check_password("x" * 16)
    assert not StaffRole.objects.filter(user=account.user).exists()
    assert AuditEvent.objects.filter(event_type="programmes.partner_account.created").exists()


def test_only_who_manages_the_librarys_staff_makes_partner_logins(coordinator, partner):
    with pytest.raises(NotPermitted):
        services.partner_account_create(
            actor=coordinator, partner=partner, username="sneaky", password="x" * 16
        )
    assert not PartnerAccount.objects.exists()


def test_a_partner_login_needs_a_user_name_of_its_own(library, partner):
    administrator = StaffRoleFactory(organisation=library, role=Role.ADMINISTRATOR).user

    with pytest.raises(PartnerAccountUsernameTaken):
        services.partner_account_create(
            actor=administrator,
            partner=partner,
            username=administrator.username.upper(),
            password="x" * 16,
        )
