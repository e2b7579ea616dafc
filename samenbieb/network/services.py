"""State changes of the library network. Every door (admin, desk, CLI, demo) calls these.

``actor`` is the staff user acting, or ``None`` for the system itself (the demo loader,
a management command run by an operator, a job); permissions are checked for people only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from itertools import pairwise
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from samenbieb.core.audit import audit_record
from samenbieb.core.errors import NotPermitted
from samenbieb.network import tenancy
from samenbieb.network.errors import (
    InvalidClosure,
    InvalidOpeningHours,
    InvalidOrganisation,
    InvalidRole,
)
from samenbieb.network.models import (
    Branch,
    Closure,
    Municipality,
    OpeningHours,
    Organisation,
    StaffRole,
    StaffUser,
)
from samenbieb.network.roles import Capability, Role
from samenbieb.network.validators import normalise_postcode

Period = tuple[dt.time, dt.time]


def _require(actor: StaffUser | None, organisation_id: int | None, capability: str) -> None:
    if actor is not None:
        tenancy.require(actor, organisation_id, capability)


@transaction.atomic
def organisation_create(
    *,
    actor: StaffUser | None,
    name: str,
    short_name: str,
    kind: str,
    isil: str,
    province: str = "",
    support_organisation: Organisation | None = None,
    municipality_codes: Iterable[str] = (),
    **contact: str,
) -> Organisation:
    """Add an organisation to the network; only the platform operator (or the system) may."""
    if actor is not None and not actor.is_superuser:
        raise NotPermitted(_("Only the network's operators add organisations."))
    organisation = Organisation(
        name=name,
        short_name=short_name,
        kind=kind,
        isil=isil,
        province=province,
        support_organisation=support_organisation,
        **contact,
    )
    organisation.full_clean()
    organisation.save()
    codes = list(municipality_codes)
    if codes:
        found = list(Municipality.objects.filter(cbs_code__in=codes))
        missing = sorted(set(codes) - {m.cbs_code for m in found})
        if missing:
            raise InvalidOrganisation(_("Unknown municipality codes: %s") % ", ".join(missing))
        organisation.municipalities.set(found)
    audit_record(
        actor=actor,
        event_type="network.organisation.created",
        organisation_id=organisation.pk,
        target=organisation,
        details={"isil": isil},
    )
    return organisation


@transaction.atomic
def branch_create(
    *, actor: StaffUser | None, organisation: Organisation, code: str, name: str, **fields: Any
) -> Branch:
    """Open a new branch or service point for ``organisation``."""
    _require(actor, organisation.pk, Capability.NETWORK_MANAGE)
    if fields.get("postcode"):
        fields["postcode"] = normalise_postcode(fields["postcode"])
    branch = Branch(organisation=organisation, code=code, name=name, **fields)
    branch.full_clean()
    branch.save()
    audit_record(
        actor=actor,
        event_type="network.branch.created",
        organisation_id=organisation.pk,
        target=branch,
        details={"code": code},
    )
    return branch


@transaction.atomic
def opening_hours_set(
    *, actor: StaffUser | None, branch: Branch, weekly: Mapping[int, Sequence[Period]]
) -> list[OpeningHours]:
    """Replace the weekly opening hours of ``branch``; a weekday left out is closed."""
    _require(actor, branch.organisation_id, Capability.NETWORK_MANAGE)
    rows: list[OpeningHours] = []
    for weekday, periods in sorted(weekly.items()):
        if weekday not in range(7):
            raise InvalidOpeningHours(_("A weekday is a number from 0 (Monday) to 6 (Sunday)."))
        ordered = sorted(periods)
        for opens, closes in ordered:
            if opens >= closes:
                raise InvalidOpeningHours(
                    _("A period must close after it opens (%(opens)s–%(closes)s).")
                    % {"opens": f"{opens:%H:%M}", "closes": f"{closes:%H:%M}"}
                )
        for (_opens, previous_close), (next_open, _closes) in pairwise(ordered):
            if next_open < previous_close:
                raise InvalidOpeningHours(_("Opening periods on one day may not overlap."))
        rows.extend(
            OpeningHours(branch=branch, weekday=weekday, opens=opens, closes=closes)
            for opens, closes in ordered
        )
    OpeningHours.objects.filter(branch=branch).delete()
    OpeningHours.objects.bulk_create(rows)
    audit_record(
        actor=actor,
        event_type="network.opening_hours.replaced",
        organisation_id=branch.organisation_id,
        target=branch,
        details={"weekdays": sorted(weekly)},
    )
    return rows


@transaction.atomic
def closure_add(
    *,
    actor: StaffUser | None,
    organisation: Organisation,
    start_date: dt.date,
    end_date: dt.date,
    reason: str,
    branch: Branch | None = None,
) -> Closure:
    """Close one branch, or every branch of ``organisation``, for a range of days."""
    _require(actor, organisation.pk, Capability.NETWORK_MANAGE)
    if branch is not None and branch.organisation_id != organisation.pk:
        raise InvalidClosure(_("That branch belongs to another organisation."))
    if end_date < start_date:
        raise InvalidClosure(_("The last day cannot be before the first day."))
    closure = Closure.objects.create(
        organisation=organisation,
        branch=branch,
        start_date=start_date,
        end_date=end_date,
        reason=reason,
    )
    audit_record(
        actor=actor,
        event_type="network.closure.added",
        organisation_id=organisation.pk,
        target=closure,
        details={"start": start_date.isoformat(), "end": end_date.isoformat()},
    )
    return closure


@transaction.atomic
def staff_user_create(
    *,
    actor: StaffUser | None,
    username: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
) -> StaffUser:
    """Create a staff account; it can do nothing until it is granted a role."""
    if actor is not None and tenancy.staff_scope(actor, Capability.STAFF_MANAGE).is_empty:
        raise NotPermitted(_("You may not add staff accounts."))
    user = StaffUser(username=username, first_name=first_name, last_name=last_name, email=email)
    user.set_password(password)
    user.full_clean()
    user.save()
    audit_record(
        actor=actor, event_type="network.staff_user.created", organisation_id=None, target=user
    )
    return user


@transaction.atomic
def staff_role_grant(
    *, actor: StaffUser | None, user: StaffUser, organisation: Organisation, role: Role | str
) -> StaffRole:
    """Give ``user`` a role in ``organisation`` (a no-op when it already has it)."""
    _require(actor, organisation.pk, Capability.STAFF_MANAGE)
    if role not in Role.values:
        raise InvalidRole(_("Unknown role: %s") % role)
    staff_role, created = StaffRole.objects.get_or_create(
        user=user, organisation=organisation, role=role
    )
    if created:
        user.__dict__.pop("_tenant_scopes", None)
        audit_record(
            actor=actor,
            event_type="network.staff_role.granted",
            organisation_id=organisation.pk,
            target=staff_role,
            details={"user": user.pk, "role": str(role)},
        )
    return staff_role


@transaction.atomic
def staff_role_revoke(*, actor: StaffUser | None, staff_role: StaffRole) -> None:
    """Take a role away; the account keeps its other roles."""
    _require(actor, staff_role.organisation_id, Capability.STAFF_MANAGE)
    details = {"user": staff_role.user_id, "role": staff_role.role}
    organisation_id = staff_role.organisation_id
    staff_role.delete()
    audit_record(
        actor=actor,
        event_type="network.staff_role.revoked",
        organisation_id=organisation_id,
        details=details,
    )
