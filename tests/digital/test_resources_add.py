"""Adding online access to records in bulk: valid, audited, and only by cataloguers."""

from __future__ import annotations

import pytest

from samenbieb.catalog.models import DigitalResource
from samenbieb.core.errors import NotPermitted
from samenbieb.core.models import AuditEvent
from samenbieb.digital import services
from samenbieb.digital.errors import InvalidDigitalResource
from samenbieb.network.roles import Role
from tests.factories import RecordFactory, StaffRoleFactory

pytestmark = pytest.mark.django_db


def _new(**fields):
    return services.NewDigitalResource(
        **{
            "record": RecordFactory(),
            "kind": "ebook",
            "licence": "one_copy_one_user",
            "copies": 1,
            "access_url": "https://provider.example/boek/1",
            **fields,
        }
    )


def test_a_cataloguer_adds_online_access_and_each_addition_is_audited():
    cataloguer = StaffRoleFactory(role=Role.CATALOGUER).user
    added = services.digital_resources_add(
        actor=cataloguer,
        resources=[_new(), _new(kind="podcast", licence="simultaneous", copies=None)],
    )
    assert DigitalResource.objects.count() == 2
    events = AuditEvent.objects.filter(event_type="digital.resource.added")
    assert sorted(int(e.object_id) for e in events) == sorted(r.pk for r in added)
    assert all(e.actor == cataloguer for e in events)


def test_desk_staff_may_not_add_online_access():
    with pytest.raises(NotPermitted):
        services.digital_resources_add(
            actor=StaffRoleFactory(role=Role.DESK).user, resources=[_new()]
        )
    assert not DigitalResource.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"copies": None}, "copies"),
        ({"access_url": "not an address"}, "access_url"),
        ({"kind": "vinyl"}, "kind"),
    ],
)
def test_incomplete_online_access_is_refused_as_a_whole(fields, field):
    with pytest.raises(InvalidDigitalResource) as refusal:
        services.digital_resources_add(actor=None, resources=[_new(), _new(**fields)])
    assert field in refusal.value.errors
    assert not DigitalResource.objects.exists()
