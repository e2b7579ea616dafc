"""Circulation rules in the administration (/beheer/): a library's administrators edit their
library's rules only; colleagues read them; the network's operators keep the defaults."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from samenbieb.circulation.models import AgeBand, CirculationRule
from samenbieb.core.models import AuditEvent
from samenbieb.network.roles import Role
from tests.factories import (
    CirculationRuleFactory,
    ItemTypeFactory,
    MembershipPlanFactory,
    OrganisationFactory,
    StaffRoleFactory,
    StaffUserFactory,
    staff_login,
)

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:circulation_circulationrule_changelist"
ADD = "admin:circulation_circulationrule_add"


def _change(rule: CirculationRule) -> str:
    return reverse("admin:circulation_circulationrule_change", args=[rule.pk])


def _delete(rule: CirculationRule) -> str:
    return reverse("admin:circulation_circulationrule_delete", args=[rule.pk])


def _form(**fields: Any) -> dict[str, Any]:
    data = {
        "organisation": "",
        "item_type": "",
        "plan": "",
        "age_band": "",
        "loan_days": "14",
        "renewals_allowed": "1",
        "max_loans": "10",
        "holds_allowed": "on",
        "hold_fee": "0.50",
        "fine_per_day": "0.20",
        "fine_cap": "4.00",
        "may_travel": "on",
    }
    data.update({name: "" if value is None else value for name, value in fields.items()})
    return data


@pytest.fixture
def a():
    return OrganisationFactory(name="Bibliotheek A")


@pytest.fixture
def b():
    return OrganisationFactory(name="Bibliotheek B")


def _client_for(user) -> Client:
    client = Client()
    staff_login(client, user)
    return client


@pytest.fixture
def admin_a(a) -> Client:
    return _client_for(StaffRoleFactory(organisation=a, role=Role.ADMINISTRATOR).user)


@pytest.fixture
def operator() -> Client:
    return _client_for(StaffUserFactory(is_superuser=True))


def test_a_library_administrator_sees_only_their_librarys_rules(a, b, admin_a):
    own = CirculationRuleFactory(organisation=a)
    CirculationRuleFactory(organisation=b)
    CirculationRuleFactory(organisation=None)

    response = admin_a.get(reverse(CHANGELIST))

    assert response.status_code == 200
    assert [rule.pk for rule in response.context["cl"].queryset] == [own.pk]


def test_the_list_takes_as_many_queries_for_many_rules_as_for_one(a, admin_a):
    def queries_for_the_list() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert admin_a.get(reverse(CHANGELIST)).status_code == 200
        return len(queries)

    CirculationRuleFactory(organisation=a)
    queries_for_the_list()  # the session and staff scope warmed up
    one = queries_for_the_list()
    for number in range(5):
        CirculationRuleFactory(
            organisation=a,
            plan=MembershipPlanFactory(organisation=a),
            item_type=ItemTypeFactory(code=f"type-{number}"),
        )
    assert queries_for_the_list() == one


def test_an_administrator_adds_a_rule_for_their_library_through_the_service(a, admin_a):
    dvd = ItemTypeFactory(code="dvd")
    response = admin_a.post(reverse(ADD), _form(organisation=a.pk, item_type=dvd.pk))

    assert response.status_code == 302, response.content.decode()[:3000]
    rule = CirculationRule.objects.get()
    assert (rule.organisation, rule.item_type, rule.loan_days) == (a, dvd, 14)
    event = AuditEvent.objects.get(event_type="circulation.rule.changed")
    assert event.object_id == str(rule.pk)
    assert event.details["created"] is True


def test_the_add_form_offers_only_the_administrators_library_and_its_plans(a, b, admin_a):
    own_plan = MembershipPlanFactory(organisation=a)
    MembershipPlanFactory(organisation=b)

    form = admin_a.get(reverse(ADD)).context["adminform"].form

    assert list(form.fields["organisation"].queryset) == [a]
    assert form.fields["organisation"].required
    assert form.initial["organisation"] == a.pk
    assert list(form.fields["plan"].queryset) == [own_plan]


def test_an_administrator_cannot_add_a_rule_for_another_library(b, admin_a):
    response = admin_a.post(reverse(ADD), _form(organisation=b.pk))
    assert response.status_code == 200  # the form again, with its error
    assert not CirculationRule.objects.exists()


def test_an_administrator_cannot_add_a_network_default(admin_a):
    response = admin_a.post(reverse(ADD), _form(organisation=None))
    assert response.status_code == 200
    assert not CirculationRule.objects.exists()


def test_an_administrator_cannot_use_another_librarys_plan(a, b, admin_a):
    response = admin_a.post(
        reverse(ADD), _form(organisation=a.pk, plan=MembershipPlanFactory(organisation=b).pk)
    )
    assert response.status_code == 200
    assert not CirculationRule.objects.exists()


def test_a_duplicate_rule_is_a_form_error(a, admin_a):
    CirculationRuleFactory(organisation=a)
    response = admin_a.post(reverse(ADD), _form(organisation=a.pk))
    assert response.status_code == 200
    assert "Er is al een regel" in response.content.decode()
    assert CirculationRule.objects.count() == 1


def test_a_plan_and_an_age_band_together_are_a_form_error(a, admin_a):
    plan = MembershipPlanFactory(organisation=a)
    response = admin_a.post(
        reverse(ADD), _form(organisation=a.pk, plan=plan.pk, age_band=AgeBand.CHILD)
    )
    assert response.status_code == 200
    assert "niet allebei" in response.content.decode()
    assert not CirculationRule.objects.exists()


def test_an_administrator_changes_their_librarys_rule(a, admin_a):
    rule = CirculationRuleFactory(organisation=a, loan_days=21)
    response = admin_a.post(_change(rule), _form(organisation=a.pk, loan_days=28))
    assert response.status_code == 302, response.content.decode()[:3000]
    rule.refresh_from_db()
    assert rule.loan_days == 28
    event = AuditEvent.objects.get(event_type="circulation.rule.changed")
    assert event.details["before"]["loan_days"] == 21


def test_an_administrator_deletes_their_librarys_rule(a, admin_a):
    rule = CirculationRuleFactory(organisation=a)
    response = admin_a.post(_delete(rule), {"post": "yes"})
    assert response.status_code == 302
    assert not CirculationRule.objects.exists()
    assert AuditEvent.objects.filter(event_type="circulation.rule.deleted").exists()


def test_deleting_several_rules_goes_through_the_service_for_each(a, admin_a):
    rules = [CirculationRuleFactory(organisation=a, age_band=band) for band in (AgeBand.CHILD, "")]
    admin_a.post(
        reverse(CHANGELIST),
        {"action": "delete_selected", "_selected_action": [r.pk for r in rules], "post": "yes"},
    )
    assert not CirculationRule.objects.exists()
    assert AuditEvent.objects.filter(event_type="circulation.rule.deleted").count() == 2


@pytest.mark.parametrize("whose", ["other library", "network default"])
def test_an_administrator_can_neither_open_change_nor_delete_rules_not_theirs(a, b, admin_a, whose):
    rule = CirculationRuleFactory(organisation=b if whose == "other library" else None)

    assert admin_a.get(_change(rule)).status_code in (302, 404)
    admin_a.post(_change(rule), _form(organisation=a.pk, loan_days=99))
    admin_a.post(_delete(rule), {"post": "yes"})

    rule.refresh_from_db()
    assert rule.loan_days == 21
    assert rule.organisation_id == (b.pk if whose == "other library" else None)
    assert not AuditEvent.objects.filter(event_type__startswith="circulation.rule.").exists()


@pytest.mark.parametrize("role", [role for role in Role if role != Role.ADMINISTRATOR])
def test_colleagues_read_their_librarys_rules_but_change_nothing(a, role):
    rule = CirculationRuleFactory(organisation=a)
    client = _client_for(StaffRoleFactory(organisation=a, role=role).user)

    assert client.get(reverse(CHANGELIST)).status_code == 200
    assert client.get(_change(rule)).status_code == 200
    assert client.get(reverse(ADD)).status_code == 403
    client.post(_change(rule), _form(organisation=a.pk, loan_days=99))
    client.post(_delete(rule), {"post": "yes"})

    rule.refresh_from_db()
    assert rule.loan_days == 21


def test_the_network_operators_keep_the_network_defaults(operator):
    response = operator.post(reverse(ADD), _form(organisation=None, age_band=AgeBand.CHILD))
    assert response.status_code == 302, response.content.decode()[:3000]
    rule = CirculationRule.objects.get()
    assert rule.organisation is None
    assert rule.age_band == AgeBand.CHILD
    assert operator.get(reverse(CHANGELIST)).context["cl"].queryset.count() == 1
