"""Every model that points to a member is covered by a contributor of the registry."""

from __future__ import annotations

from django.apps import apps
from django.db import models

from samenbieb.members.models import Person
from samenbieb.privacy import registry


def _points_to_person(model: type[models.Model]) -> bool:
    return any(
        isinstance(field, models.ForeignKey) and field.related_model is Person
        for field in model._meta.get_fields()
    )


def test_every_model_with_a_foreign_key_to_a_member_is_covered_by_a_contributor():
    holding = {model._meta.label_lower for model in apps.get_models() if _points_to_person(model)}
    holding.add("members.person")

    missing = holding - registry.covered_models()

    assert holding >= {"circulation.loan", "programmes.referral", "identity.grant"}
    assert not missing, f"register these in the app's privacy.py: {sorted(missing)}"


def test_the_audit_trail_and_every_app_with_personal_data_contribute():
    keys = [contributor.key for contributor in registry.contributors()]

    assert set(keys) == {"members", "circulation", "digital", "programmes", "identity", "audit"}
    # The member record goes after everything that points to it; the audit trail is last.
    assert keys[-2:] == ["members", "audit"]


def test_every_contributor_describes_its_processing_with_a_legal_basis_and_retention():
    for contributor in registry.contributors():
        assert contributor.processing, contributor.key
        for line in contributor.processing:
            assert str(line.legal_basis)
            assert str(line.purpose)
            assert str(line.retention())
