"""No model that points at a library organisation or branch escapes the tenant matrix by
forgetting ``tenant_path`` (ADR 3): it either declares one, or it is named below with the
reason why no door shows its rows per organisation."""

from __future__ import annotations

from django.apps import apps

from samenbieb.network import tenancy
from samenbieb.network.models import Branch, Organisation

# label → why it has no tenant_path
NO_TENANT_PATH = {
    "circulation.transit": (
        "a network flow between two branches, often of two libraries; each desk reads it "
        "through its own branch queries (circulation.queries.transits_*)"
    ),
    "cockpit.activitymark": (
        "keyed-hash pseudonyms that only the cockpit roll-up reads, turning them into "
        "counts; no door, admin page or staff view shows them"
    ),
}


def _points_at_an_organisation(model: type) -> bool:
    return any(
        field.is_relation and field.concrete and field.related_model in (Organisation, Branch)
        for field in model._meta.get_fields()
    )


def test_every_model_that_points_at_an_organisation_or_branch_declares_its_tenant_path():
    escaped = sorted(
        model._meta.label_lower
        for model in apps.get_models()
        if _points_at_an_organisation(model)
        and not tenancy.is_tenant_owned(model)
        and model._meta.label_lower not in NO_TENANT_PATH
    )
    assert not escaped, (
        "these models point at an organisation or branch but declare no tenant_path, so the "
        f"tenant matrix cannot see them: {escaped}. Declare tenant_path, or add the model to "
        "NO_TENANT_PATH with the reason no door shows its rows per organisation."
    )


def test_every_exception_still_points_at_an_organisation_and_really_has_no_tenant_path():
    for label in NO_TENANT_PATH:
        model = apps.get_model(label)
        assert _points_at_an_organisation(model), f"{label} no longer points at one: drop it"
        assert not tenancy.is_tenant_owned(model), f"{label} has a tenant_path now: drop it"
