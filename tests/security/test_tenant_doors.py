"""The tenant matrix through the doors: every staff role of library A against library B's
rows, at every desk page that reads or changes them (the gate and the administration are
covered in tests/network/test_tenant_boundary.py, whose world this reuses), and at SIP2.

A new door (the REST API, OAI-PMH, SRU) adds its addresses for each model to ``READS`` and
``WRITES``; the world already holds a row of every tenant-owned model for both libraries.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from samenbieb.circulation.models import Charge, Hold, Loan
from samenbieb.holdings.models import Item
from samenbieb.incidents.models import Incident
from samenbieb.members.models import Person
from samenbieb.network.models import Branch
from samenbieb.programmes.models import Activity, Partner, Referral
from tests.factories import staff_login
from tests.network.test_tenant_boundary import ALL_ROLES
from tests.network.test_tenant_boundary import world as world

pk: Callable[[Any], list[Any]] = lambda obj: [obj.pk]  # noqa: E731
barcode: Callable[[Any], list[Any]] = lambda obj: [obj.barcode]  # noqa: E731

# (door, model, URL name, arguments from the row)
READS = [
    ("desk", Branch, "desk:branch", pk),
    ("desk", Item, "desk:item", barcode),
    ("desk", Item, "desk:item_change", barcode),
    ("desk", Person, "desk:member", pk),
    ("desk", Activity, "desk:activity", pk),
    ("desk", Partner, "desk:partner", pk),
    ("desk", Referral, "desk:referral", pk),
    ("desk", Incident, "desk:incident", pk),
    ("desk", Incident, "desk:incident_report", pk),
    ("desk", Incident, "desk:incident_report_json", pk),
    ("desk", Incident, "desk:incident_report_csv", pk),
]
# (door, model, URL name, arguments, form data)
WRITES = [
    ("desk", Item, "desk:item_change", barcode, {"status": "withdrawn", "shelf_mark": "X"}),
    ("desk", Person, "desk:member_card_replace", pk, {"new_barcode": "20000000055555"}),
    ("desk", Charge, "desk:charge_pay", pk, {"method": "cash"}),
    ("desk", Charge, "desk:charge_waive", pk, {"reason": "Overgenomen"}),
    ("desk", Loan, "desk:loan_renew", pk, {}),
    ("desk", Hold, "desk:hold_cancel", pk, {}),
    ("desk", Activity, "desk:activity_cancel", pk, {"reason": "Overgenomen"}),
    ("desk", Incident, "desk:incident_change", pk, {"severity": "low", "status": "closed"}),
    ("desk", Incident, "desk:incident_entry_add", pk, {"kind": "note", "text": "Overgenomen"}),
    ("desk", Incident, "desk:incident_notified", pk, {"at": "2026-01-01T10:00"}),
]


def _snapshot(obj: Any) -> dict[str, Any]:
    obj.refresh_from_db()
    state = {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}
    if isinstance(obj, Incident):
        state["entries"] = obj.entries.count()
    if isinstance(obj, Person):
        state["cards"] = sorted(obj.cards.values_list("barcode", "status"))
    return state


@pytest.mark.parametrize(
    ("door", "model", "name", "args"),
    READS,
    ids=[f"{door}:{name.split(':')[1]}" for door, _m, name, _a in READS],
)
def test_no_role_of_library_a_reads_library_bs_rows_through_the_door(
    world, door, model, name, args
):
    target = world.b[model]
    for role in ALL_ROLES:
        client = Client()
        staff_login(client, world.user(role))
        url = reverse(name, args=args(target))
        response = client.get(url)
        assert response.status_code in (302, 403, 404), (role, response.status_code)
        # The page may repeat its own address (the language switch does); nothing more.
        assert str(target) not in response.content.decode().replace(url, ""), role


@pytest.mark.parametrize(
    ("door", "model", "name", "args", "data"),
    WRITES,
    ids=[f"{door}:{name.split(':')[1]}" for door, _m, name, _a, _d in WRITES],
)
def test_no_role_of_library_a_changes_library_bs_rows_through_the_door(
    world, door, model, name, args, data
):
    target = world.b[model]
    before = _snapshot(target)
    for role in ALL_ROLES:
        client = Client()
        staff_login(client, world.user(role))
        response = client.post(reverse(name, args=args(target)), data)
        assert response.status_code in (302, 400, 403, 404, 405), (role, response.status_code)
        assert _snapshot(target) == before, role


def test_the_matrix_has_a_positive_control(world):
    """Library A's administrator does read A's incident and member through the same doors."""
    client = Client()
    staff_login(client, world.user("administrator"))
    assert client.get(reverse("desk:incident", args=[world.a[Incident].pk])).status_code == 200
    assert client.get(reverse("desk:member", args=[world.a[Person].pk])).status_code == 200
    own = world.a[Incident]
    entries = own.entries.count()
    client.post(reverse("desk:incident_entry_add", args=[own.pk]), {"kind": "note", "text": "Ok"})
    assert own.entries.count() == entries + 1
