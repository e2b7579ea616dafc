"""The tenant boundary: the one place that decides which organisations' data a staff member sees.

Every model that holds organisation-owned data declares ``tenant_path``, the lookup from
the model to its organisation's id (``"organisation_id"``, ``"branch__organisation_id"``).
Admin, desk, API and any other door get querysets through :func:`visible` and check
writes with :func:`require`; nothing else filters on organisation for access control.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.apps import apps
from django.db import models
from django.utils.translation import gettext as _

from samenbieb.core.errors import NotPermitted
from samenbieb.network.roles import ROLE_CAPABILITIES, Capability, roles_with

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class TenantScope:
    """The organisations an actor may act on; ``None`` means every organisation."""

    organisation_ids: frozenset[int] | None

    def allows(self, organisation_id: int | None) -> bool:
        if self.organisation_ids is None:
            return True
        return organisation_id is not None and organisation_id in self.organisation_ids

    @property
    def is_empty(self) -> bool:
        return self.organisation_ids is not None and not self.organisation_ids


EVERYTHING = TenantScope(None)
NOTHING = TenantScope(frozenset())


def staff_scope(user: Any, capability: str = Capability.NETWORK_VIEW) -> TenantScope:
    """Where ``user`` holds a role that grants ``capability``; cached on the user object.

    Superusers are platform operators and see the whole network. Anonymous and inactive
    accounts see nothing.
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    if user.is_superuser:
        return EVERYTHING
    cache: dict[str, TenantScope] = user.__dict__.setdefault("_tenant_scopes", {})
    if capability not in cache:
        ids = user.staff_roles.filter(role__in=roles_with(capability)).values_list(
            "organisation_id", flat=True
        )
        cache[capability] = TenantScope(frozenset(ids))
    return cache[capability]


def narrowed(user: Any, *, organisation_id: int, capabilities: Iterable[str]) -> Any:
    """``user`` acting only in ``organisation_id`` and only with those of ``capabilities``
    they hold there: a staff API token acting for the staff member who made it.

    Returns a copy whose scopes are fixed now (one query), so every service and gate
    called with it sees the narrowed boundary; a platform operator's token is narrowed too.
    """
    wanted = set(capabilities)
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        held: set[str] = set()
    elif user.is_superuser:
        held = set(Capability.values)
    else:
        roles = user.staff_roles.filter(organisation_id=organisation_id).values_list(
            "role", flat=True
        )
        held = {capability for role in roles for capability in ROLE_CAPABILITIES.get(role, ())}
    actor = copy.copy(user)
    actor.is_superuser = False
    actor.__dict__["_tenant_scopes"] = {
        capability: TenantScope(frozenset({organisation_id}))
        if capability in wanted and capability in held
        else NOTHING
        for capability in Capability.values
    }
    return actor


def is_tenant_owned(model: type[models.Model]) -> bool:
    return isinstance(getattr(model, "tenant_path", None), str)


def tenant_models() -> list[type[models.Model]]:
    """Every installed model that holds organisation-owned data."""
    return [model for model in apps.get_models() if is_tenant_owned(model)]


def visible(
    source: models.QuerySet[M] | type[M],
    user: Any,
    capability: str = Capability.NETWORK_VIEW,
) -> models.QuerySet[M]:
    """Restrict ``source`` to the rows of organisations where ``user`` has ``capability``."""
    queryset = source if isinstance(source, models.QuerySet) else source._default_manager.all()
    model = queryset.model
    if not is_tenant_owned(model):
        raise TypeError(f"{model._meta.label} declares no tenant_path; it is not tenant-owned")
    scope = staff_scope(user, capability)
    if scope.organisation_ids is None:
        return queryset
    path: str = model.tenant_path  # type: ignore[attr-defined]
    condition = {f"{path}__in": scope.organisation_ids}
    if _crosses_to_many(model, path):
        # A staff member with roles in several organisations must appear once.
        owned = model._default_manager.filter(**condition).values("pk")
        return queryset.filter(pk__in=owned)
    return queryset.filter(**condition)


def organisation_id_of(instance: models.Model) -> int | None:
    """The organisation an instance belongs to, following its model's ``tenant_path``."""
    path: str = type(instance).tenant_path  # type: ignore[attr-defined]
    if _crosses_to_many(type(instance), path):
        raise TypeError(f"{type(instance).__name__} belongs to several organisations")
    value: Any = instance
    for step in path.split("__"):
        value = getattr(value, step, None)
        if value is None:
            return None
    return int(value)


def require(user: Any, organisation_id: int | None, capability: str) -> None:
    """Raise :class:`NotPermitted` unless ``user`` has ``capability`` in that organisation."""
    if not staff_scope(user, capability).allows(organisation_id):
        raise NotPermitted(_("You may not do this for this organisation."))


def _crosses_to_many(model: type[models.Model], path: str) -> bool:
    current = model
    for step in path.split("__")[:-1]:
        field = current._meta.get_field(step)
        if field.one_to_many or field.many_to_many:
            return True
        if not isinstance(field.related_model, type):
            raise TypeError(f"tenant_path {path!r} of {model.__name__} does not follow relations")
        current = field.related_model
    return False
