"""The demo network offers twenty titles online, of every kind and under both licences."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from samenbieb.catalog.models import DigitalResource

pytestmark = pytest.mark.django_db


def test_the_demo_has_twenty_online_titles_of_every_kind_and_both_licences(db):
    call_command("demo", "--quiet")
    resources = list(DigitalResource.objects.select_related("record"))
    assert len(resources) == 20
    assert {resource.kind for resource in resources} == {
        "ebook",
        "audiobook",
        "podcast",
        "database",
    }
    assert {resource.licence for resource in resources} == {"one_copy_one_user", "simultaneous"}
    assert all(r.access_url.startswith("https://example.org/") for r in resources)
    assert all(r.record.language == "dut" for r in resources)
    assert len({r.record_id for r in resources}) == 20
    call_command("demo", "--quiet")
    assert DigitalResource.objects.count() == 20
