"""The synthetic benchmark network: deterministic, replaceable, realistic, and never the demo."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from samenbieb.core.models import AuditEvent
from samenbieb.network.calendar import next_open_day
from samenbieb.network.generate import (
    GENERATED_ISIL_PREFIX,
    SUPPORT_GROUPS,
    network_generate,
    synthetic_network_delete,
)
from samenbieb.network.models import Branch, Closure, OpeningHours, Organisation

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)
GENERATED = {"isil__startswith": GENERATED_ISIL_PREFIX}


def snapshot(**only: str) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the network (or the rows matching ``only``), without database ids."""
    organisations = Organisation.objects.filter(**only)
    return {
        "organisations": sorted(
            organisations.values_list(
                "isil", "name", "kind", "province", "support_organisation__isil"
            )
        ),
        "municipalities": sorted(organisations.values_list("isil", "municipalities__cbs_code")),
        "branches": sorted(
            Branch.objects.filter(organisation__in=organisations).values_list(
                "organisation__isil",
                "code",
                "name",
                "kind",
                "street",
                "house_number",
                "postcode",
                "city",
                "municipality__cbs_code",
                "latitude",
                "longitude",
            )
        ),
        "opening_hours": sorted(
            OpeningHours.objects.filter(branch__organisation__in=organisations).values_list(
                "branch__organisation__isil", "branch__code", "weekday", "opens", "closes"
            )
        ),
        "closures": sorted(
            Closure.objects.filter(organisation__in=organisations).values_list(
                "organisation__isil", "branch__code", "start_date", "end_date", "reason"
            ),
            key=repr,
        ),
    }


def generated() -> dict[str, list[tuple[object, ...]]]:
    return snapshot(**GENERATED)


def test_the_same_seed_generates_the_same_network():
    network_generate(scale="small", seed=7, today=TODAY)
    first = generated()

    network_generate(scale="small", seed=7, today=TODAY)

    assert generated() == first
    assert len(first["organisations"]) == 15 + len(SUPPORT_GROUPS) + 1


def test_another_seed_generates_another_network():
    network_generate(scale="small", seed=7, today=TODAY)
    first = generated()

    network_generate(scale="small", seed=8, today=TODAY)

    second = generated()
    assert second["organisations"] != first["organisations"]
    assert second["branches"] != first["branches"]


def test_generating_twice_replaces_the_previous_synthetic_network():
    network_generate(scale="small", seed=1, today=TODAY)

    network = network_generate(scale="tiny", seed=2, today=TODAY)

    assert Organisation.objects.filter(**GENERATED, kind="library").count() == 3
    assert Organisation.objects.filter(**GENERATED).count() == network.counts["organisations"]
    generated_branches = Branch.objects.filter(organisation__isil__startswith=GENERATED_ISIL_PREFIX)
    assert generated_branches.count() == network.counts["branches"]
    assert OpeningHours.objects.count() == network.counts["opening_hours"]
    assert Closure.objects.count() == network.counts["closures"]


def test_generating_leaves_the_demo_network_untouched():
    call_command("demo", "--quiet")
    demo = snapshot()
    assert demo["branches"]

    network_generate(scale="tiny", today=TODAY)
    network_generate(scale="small", today=TODAY)
    synthetic_network_delete()

    assert snapshot() == demo


def test_every_generated_branch_is_open_some_day_soon_all_year_round():
    network_generate(scale="small", today=TODAY)
    branches = list(Branch.objects.filter(organisation__isil__startswith=GENERATED_ISIL_PREFIX))
    assert len(branches) > 15

    for branch in branches:
        for day in (TODAY, dt.date(2027, 7, 30), dt.date(2027, 12, 24)):
            assert day <= next_open_day(branch, day) < day + dt.timedelta(days=50)


def test_generated_rows_pass_model_validation():
    network_generate(scale="small", today=TODAY)

    for organisation in Organisation.objects.filter(**GENERATED):
        organisation.full_clean()
    for branch in Branch.objects.filter(organisation__isil__startswith=GENERATED_ISIL_PREFIX):
        branch.full_clean()
        assert branch.latitude is not None
        assert 50.7 < branch.latitude < 53.6


def test_libraries_serve_one_to_three_municipalities_of_their_own_province():
    network_generate(scale="network", today=TODAY)

    libraries = Organisation.objects.filter(**GENERATED, kind="library").prefetch_related(
        "municipalities", "branches", "support_organisation"
    )
    assert len(libraries) == 150
    provinces_of = {isil: group for isil, _name, group in SUPPORT_GROUPS}
    for library in libraries:
        provinces = {m.province for m in library.municipalities.all()}
        assert 1 <= library.municipalities.count() <= 3
        assert provinces == {library.province}
        assert library.support_organisation is not None
        assert library.province in provinces_of[library.support_organisation.isil]
        assert {b.municipality_id for b in library.branches.all()} == {
            m.pk for m in library.municipalities.all()
        }
        assert [b.kind for b in library.branches.all()].count("main") == 1


def test_the_network_scale_is_about_the_size_of_the_real_dutch_network():
    network = network_generate(scale="network", today=TODAY)

    assert Organisation.objects.filter(**GENERATED, kind="support").count() == 9
    assert Organisation.objects.filter(**GENERATED, kind="national").count() == 1
    assert 650 <= network.counts["branches"] <= 850


def test_a_number_of_libraries_may_be_asked_for():
    network_generate(scale=4, today=TODAY)

    assert Organisation.objects.filter(**GENERATED, kind="library").count() == 4


@pytest.mark.parametrize("scale", ["huge", 0, "0"])
def test_an_unknown_scale_is_refused(scale: str | int):
    with pytest.raises(ValueError, match=r"scale|number of libraries"):
        network_generate(scale=scale)


def test_generating_is_recorded_in_the_audit_trail():
    network_generate(scale="tiny", seed=5, today=TODAY)

    event = AuditEvent.objects.get(event_type="network.synthetic_network.generated")
    assert event.details["seed"] == 5
    assert event.details["counts"]["organisations"] == 13


def test_the_generate_command_prints_the_counts():
    out = StringIO()

    call_command("generate", "--scale", "tiny", "--seed", "3", stdout=out)

    assert "generated in" in out.getvalue()
    assert "branches" in out.getvalue()
    assert Organisation.objects.filter(**GENERATED, kind="library").count() == 3


def test_the_generate_command_refuses_an_unknown_scale():
    with pytest.raises(CommandError, match="unknown scale"):
        call_command("generate", "--scale", "enormous", stdout=StringIO())


def test_the_generate_command_can_delete_the_synthetic_network():
    call_command("generate", "--scale", "tiny", stdout=StringIO())

    call_command("generate", "--delete", stdout=StringIO())

    assert not Organisation.objects.filter(**GENERATED).exists()
