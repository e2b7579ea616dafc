"""Reads of digital access that doors ask for.

Digital resources belong to the shared catalogue, so they are not scoped by the tenant
boundary; a member sees only their own loans.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Min, Q, QuerySet

from samenbieb.catalog.models import DigitalResource, Licence, Record
from samenbieb.digital.models import DigitalLoan
from samenbieb.members.models import Person


def resource_by_token(
    token: uuid.UUID | str, *, active_only: bool = True
) -> DigitalResource | None:
    """The resource behind an access link or QR code; switched-off ones only if asked."""
    resources = DigitalResource.objects.select_related("record").filter(token=token)
    if active_only:
        resources = resources.filter(is_active=True, record__deleted_at__isnull=True)
    return resources.first()


def loans_in_use(resource: DigitalResource, now: dt.datetime) -> QuerySet[DigitalLoan]:
    """The loans that occupy a copy of ``resource`` at ``now``."""
    return DigitalLoan.objects.filter(resource=resource, returned_at__isnull=True, ends__gt=now)


def loan_active_for(
    person: Person, resource: DigitalResource, now: dt.datetime
) -> DigitalLoan | None:
    return loans_in_use(resource, now).filter(person=person).first()


def digital_loans_active(person: Person, now: dt.datetime) -> list[DigitalLoan]:
    """The member's loans that are running, the one ending first at the top."""
    return list(
        DigitalLoan.objects.select_related("resource__record")
        .filter(person=person, returned_at__isnull=True, ends__gt=now)
        .order_by("ends", "id")
    )


@dataclass(frozen=True)
class OnlineAccess:
    """An active resource of a record as the record page shows it (no provider address)."""

    resource: DigitalResource
    copies: int | None
    copies_free: int | None
    free_again_at: dt.datetime | None

    @property
    def simultaneous(self) -> bool:
        return self.copies is None


def online_access_for_record(record: Record, now: dt.datetime) -> list[OnlineAccess]:
    """The active digital resources of ``record``, each with how many copies are free now."""
    in_use = Q(loans__returned_at__isnull=True, loans__ends__gt=now)
    resources = (
        DigitalResource.objects.filter(record=record, is_active=True)
        .annotate(in_use=Count("loans", filter=in_use), first_end=Min("loans__ends", filter=in_use))
        .order_by("kind", "id")
    )
    result = []
    for resource in resources:
        annotated: Any = resource
        if resource.licence == Licence.SIMULTANEOUS:
            result.append(OnlineAccess(resource, None, None, None))
            continue
        copies = resource.copies or 0
        if copies == 0:
            continue  # a one copy, one user licence without copies lends nothing
        free = max(copies - annotated.in_use, 0)
        result.append(
            OnlineAccess(resource, copies, free, annotated.first_end if free == 0 else None)
        )
    return result


def digital_loans_export(person: Person) -> list[dict[str, Any]]:
    """Every digital loan still linked to ``person``, for a data access request (AVG art. 15)."""
    return [
        {
            "title": str(loan.resource.record),
            "kind": loan.resource.kind,
            "library": loan.organisation.name,
            "started": loan.started.isoformat(),
            "ends": loan.ends.isoformat(),
            "returned_at": loan.returned_at.isoformat() if loan.returned_at else None,
        }
        for loan in DigitalLoan.objects.select_related("resource__record", "organisation")
        .filter(person=person)
        .order_by("started", "id")
    ]
