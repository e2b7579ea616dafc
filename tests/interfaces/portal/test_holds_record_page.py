"""Placing a hold on the record page: the member chooses where to pick it up, circulation
decides, and every refusal shows its reason beside the form with nothing changed."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samenbieb.circulation.errors import Reason
from samenbieb.circulation.models import Charge, ChargeKind, Hold, HoldStatus
from samenbieb.core.models import AuditEvent
from tests.factories import (
    BranchFactory,
    ChargeFactory,
    CirculationRuleFactory,
    OrganisationFactory,
    RecordFactory,
)
from tests.interfaces.portal.circulation_helpers import copy_at, lend, lend_copy, member, reserve

pytestmark = pytest.mark.django_db


@pytest.fixture
def home_branch(library):
    return BranchFactory(organisation=library, name="Centrale Bibliotheek", kind="main")


@pytest.fixture
def other_branch():
    return BranchFactory(
        organisation=OrganisationFactory(name="Bibliotheek Amersfoort"), name="Eemhuis"
    )


@pytest.fixture
def record(other_branch):
    """A title whose only copy is lent to someone else, so a hold waits in the queue."""
    title = RecordFactory(title="De avond is ongemak")
    lend_copy(member(), copy_at(other_branch, title))
    return title


def _record_url(record) -> str:
    return reverse("portal:record", args=[record.pk])


# The pages in English, whatever the Dutch translations say.
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _place(client: Client, record, branch, **extra):
    return client.post(
        reverse("portal:hold_place", args=[record.pk]),
        {"pickup_branch": branch.pk, **extra},
        **EN,
    )


def test_the_form_offers_every_pickup_branch_grouped_by_library_with_the_members_own_first_chosen(
    logged_in, record, home_branch, other_branch, library
):
    office = BranchFactory(organisation=library, name="Kantoor", kind="office")
    response = logged_in.get(_record_url(record))
    page = response.content.decode()
    assert 'id="hold-form"' in page
    assert '<optgroup label="Bibliotheek Amersfoort">' in page
    assert '<optgroup label="Bibliotheek Utrecht">' in page
    assert f'<option value="{home_branch.pk}" selected>Centrale Bibliotheek</option>' in page
    assert f'<option value="{other_branch.pk}">Eemhuis</option>' in page
    assert f'value="{office.pk}"' not in page


def test_a_visitor_is_asked_to_log_in_and_comes_back_to_the_form(
    client: Client, portal_member, record, home_branch
):
    page = client.get(_record_url(record)).content.decode()
    assert 'id="hold-form"' not in page
    login_link = re.search(r'href="([^"]+)" id="hold-login"', page).group(1)
    assert login_link.startswith(reverse("portal:login") + "?volgende=")

    # A form sent without a session: to the login, then back to the form, nothing placed.
    response = _place(client, record, home_branch)
    assert response.status_code == 302
    login = response["Location"]
    assert login.startswith(reverse("portal:login"))
    back = portal_member.log_in(client, volgende=reverse("portal:hold_place", args=[record.pk]))
    assert back["Location"] == reverse("portal:hold_place", args=[record.pk])
    response = client.get(back["Location"])
    assert response["Location"] == f"{_record_url(record)}#reserveren"
    assert not Hold.objects.exists()


def test_placing_a_hold_shows_the_place_in_the_queue_and_what_happens_next(
    logged_in, portal_member, record, home_branch, other_branch
):
    first = reserve(member(), record, other_branch)
    response = _place(logged_in, record, home_branch)
    hold = Hold.objects.get(person=portal_member.person)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:hold", args=[hold.pk])
    assert (hold.record, hold.pickup_branch, hold.status) == (record, home_branch, "waiting")
    first.refresh_from_db()
    assert first.status == HoldStatus.WAITING

    page = logged_in.get(response["Location"], **EN)
    assert page.context["row"].position == 2
    text = page.content.decode()
    assert 'id="hold-position">2<' in text
    assert "Your hold is placed." in text
    assert "you are number 2 in the queue" in text
    assert "sent to Centrale Bibliotheek" in text


def test_a_hold_for_one_particular_copy(logged_in, portal_member, record, home_branch):
    second = copy_at(home_branch, record, shelf_mark="R AVON")
    page = logged_in.get(_record_url(record)).content.decode()
    assert f'<option value="{second.pk}">' in page
    assert "R AVON" in page
    _place(logged_in, record, home_branch, item=second.pk)
    hold = Hold.objects.get(person=portal_member.person)
    assert hold.item_specific
    assert hold.item == second


def test_a_copy_of_another_title_is_a_form_error_and_no_hold(logged_in, record, home_branch):
    stranger = copy_at(home_branch)
    response = _place(logged_in, record, home_branch, item=stranger.pk)
    assert response.status_code == 200
    assert 'id="form-errors"' in response.content.decode()
    assert not Hold.objects.exists()


def test_the_hold_fee_of_the_members_library_is_shown_and_charged(
    logged_in, portal_member, record, home_branch, library
):
    CirculationRuleFactory(organisation=library, hold_fee="0.75")
    page = logged_in.get(_record_url(record), **EN).content.decode()
    assert 'id="hold-fee"' in page
    assert "A hold at Bibliotheek Utrecht costs € 0.75." in page
    _place(logged_in, record, home_branch)
    charge = Charge.objects.get(person=portal_member.person)
    assert (charge.kind, str(charge.amount)) == (ChargeKind.HOLD_FEE, "0.75")


def test_no_fee_line_when_holds_are_free(logged_in, record, home_branch):
    assert 'id="hold-fee"' not in logged_in.get(_record_url(record)).content.decode()


def test_a_member_with_a_hold_on_the_title_sees_it_instead_of_the_form(
    logged_in, portal_member, record, home_branch
):
    hold = reserve(portal_member.person, record, home_branch)
    page = logged_in.get(_record_url(record)).content.decode()
    assert 'id="hold-current"' in page
    assert reverse("portal:hold", args=[hold.pk]) in page
    assert 'id="hold-form"' not in page


# --- refusals: the service's reason beside the form, and nothing changed ---------------


def _assert_refused(response, reason: Reason) -> None:
    assert response.status_code == 409
    page = response.content.decode()
    assert 'id="hold-refused"' in page
    assert f'data-reason="{reason}"' in page
    assert str(response.context["hold"]["refusal"].message) in page
    assert 'id="hold-form"' in page  # still there, to try again


def test_refused_when_the_library_does_not_allow_holds(logged_in, record, home_branch, library):
    CirculationRuleFactory(organisation=library, holds_allowed=False)
    _assert_refused(_place(logged_in, record, home_branch), Reason.HOLDS_NOT_ALLOWED)
    assert not Hold.objects.exists()


def test_refused_when_the_member_already_has_a_hold_on_the_title(
    logged_in, portal_member, record, home_branch
):
    reserve(portal_member.person, record, home_branch)
    _assert_refused(_place(logged_in, record, home_branch), Reason.HOLD_EXISTS)
    assert Hold.objects.count() == 1


def test_refused_when_the_membership_has_ended(
    client: Client, portal_member_factory, record, home_branch
):
    today = timezone.localdate()
    lapsed = portal_member_factory(
        starts_on=today - dt.timedelta(days=400), ends_on=today - dt.timedelta(days=1)
    )
    lapsed.log_in(client)
    _assert_refused(_place(client, record, home_branch), Reason.MEMBERSHIP_LAPSED)
    assert not Hold.objects.exists()


def test_refused_when_the_member_owes_too_much(logged_in, portal_member, record, home_branch):
    ChargeFactory(person=portal_member.person, amount="25.00")
    _assert_refused(_place(logged_in, record, home_branch), Reason.CHARGES_ABOVE_THRESHOLD)
    assert not Hold.objects.exists()
    assert Charge.objects.count() == 1


def test_refused_when_there_is_no_copy_to_reserve(logged_in, home_branch):
    nothing = RecordFactory()
    page = logged_in.get(_record_url(nothing)).content.decode()
    assert 'id="hold-form"' not in page  # no copies: no form to begin with
    _assert_refused(_place(logged_in, nothing, home_branch), Reason.NOTHING_TO_HOLD)
    assert not Hold.objects.exists()


def test_refused_when_the_branch_is_not_a_pickup_branch(logged_in, record, library):
    office = BranchFactory(organisation=library, kind="office", name="Kantoor")
    _assert_refused(_place(logged_in, record, office), Reason.BRANCH_CLOSED_FOR_PICKUP)
    assert not Hold.objects.exists()


def test_refused_when_the_member_has_the_title_on_loan(
    logged_in, portal_member, record, home_branch
):
    lend(portal_member.person, home_branch, record)
    _assert_refused(_place(logged_in, record, home_branch), Reason.ALREADY_ON_LOAN_FOR_HOLD)
    assert not Hold.objects.exists()


def test_placing_needs_the_csrf_token(logged_in, record, home_branch):
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = logged_in.cookies
    assert _place(strict, record, home_branch).status_code == 403
    assert not Hold.objects.exists()


def test_a_hold_placed_in_the_portal_is_audited_with_the_member_as_actor(
    logged_in, portal_member, record, home_branch
):
    assert _place(logged_in, record, home_branch).status_code == 302

    event = AuditEvent.objects.get(event_type="circulation.hold.placed")
    assert (event.actor_label, event.actor_id, event.actor_person_id) == (
        "member",
        None,
        portal_member.person.pk,
    )
    assert event.subject_person_id == portal_member.person.pk
