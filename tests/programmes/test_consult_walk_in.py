"""Walk-in contacts are counted anonymously by topic and outcome, per branch and month."""

from __future__ import annotations

import datetime as dt

import pytest

from samenbieb.core.errors import NotPermitted
from samenbieb.programmes import queries_consultations as queries
from samenbieb.programmes import services
from samenbieb.programmes.errors_consult import ContactInvalid
from samenbieb.programmes.models import WalkInContact
from tests.programmes.factories_consult import NOW, TODAY, PartnerFactory, consult_world, topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return consult_world()


def record(world, **fields):
    values = {
        "actor": None,
        "activity": world.ido,
        "branch": world.centrum,
        "topic": topic("digid"),
        "outcome": "helped",
        "now": NOW,
    }
    values.update(fields)
    return services.walk_in_contact_record(**values)


def test_a_contact_records_only_place_day_topic_and_outcome(world, staff_with_role):
    desk = staff_with_role(world.utrecht, "desk")
    contact = record(world, actor=desk, topic=topic("allowances"), outcome="follow_up")
    assert (contact.branch, contact.topic.code, contact.outcome) == (
        world.centrum,
        "allowances",
        "follow_up",
    )
    assert contact.occurred_on == TODAY
    assert contact.recorded_by == desk


def test_a_referral_names_a_partner_of_the_library(world):
    with pytest.raises(ContactInvalid):
        record(world, outcome="referred")
    with pytest.raises(ContactInvalid):
        record(world, outcome="referred", partner=PartnerFactory(organisation=world.arnhem))
    with pytest.raises(ContactInvalid):
        record(world, outcome="helped", partner=PartnerFactory(organisation=world.utrecht))
    partner = PartnerFactory(organisation=world.utrecht, name="Juridisch Loket")
    assert record(world, outcome="referred", partner=partner).partner == partner
    assert WalkInContact.objects.count() == 1


@pytest.mark.parametrize(
    "fields",
    [
        {"outcome": "gone"},
        {"occurred_on": TODAY + dt.timedelta(days=1)},
    ],
)
def test_impossible_contacts_are_refused(world, fields):
    with pytest.raises(ContactInvalid):
        record(world, **fields)
    assert not WalkInContact.objects.exists()


def test_another_librarys_staff_cannot_record_contacts_here(world, staff_with_role):
    with pytest.raises(NotPermitted):
        record(world, actor=staff_with_role(world.arnhem, "desk"))
    with pytest.raises(NotPermitted):
        record(world, actor=staff_with_role(world.utrecht, "cataloguer"))


def test_contacts_are_counted_by_branch_month_topic_and_outcome(world):
    november, october = TODAY, dt.date(2026, 10, 5)
    for _ in range(3):
        record(world, topic=topic("digid"), outcome="helped")
    record(world, topic=topic("digid"), outcome="follow_up")
    record(world, topic=topic("allowances"), outcome="helped", occurred_on=october)
    record(world, branch=world.oost, topic=topic("digid"), outcome="helped")
    rows = queries.contact_counts(first=dt.date(2026, 10, 1), last=dt.date(2026, 11, 30))
    counted = {
        (row["branch"], row["month"].month, row["topic"], row["outcome"]): row["count"]
        for row in rows
    }
    assert counted == {
        ("Bibliotheek Centrum", 10, "allowances", "helped"): 1,
        ("Bibliotheek Centrum", 11, "digid", "helped"): 3,
        ("Bibliotheek Centrum", 11, "digid", "follow_up"): 1,
        ("Bibliotheek Oost", 11, "digid", "helped"): 1,
    }
    only_oost = queries.contact_counts(first=november, last=november, branches=[world.oost.pk])
    assert [row["count"] for row in only_oost] == [1]
    assert queries.contact_totals_today(branch=world.centrum, day=TODAY) == {
        "all": 4,
        "helped": 3,
        "referred": 0,
        "follow_up": 1,
    }
