"""Reads of the network that pages ask for often, shaped to take few queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from samenbieb.network import tenancy
from samenbieb.network.calendar import Period
from samenbieb.network.models import Branch, Closure, OpeningHours, Organisation, OrganisationKind


@dataclass(frozen=True)
class BranchToday:
    branch: Branch
    periods: tuple[Period, ...]
    closure_reason: str

    @property
    def is_open(self) -> bool:
        return bool(self.periods) and not self.closure_reason


def _with_hours(branches: QuerySet[Branch]) -> QuerySet[Branch]:
    return branches.select_related("organisation").prefetch_related(
        Prefetch("opening_hours", queryset=OpeningHours.objects.order_by("weekday", "opens"))
    )


def branches_today(branches: QuerySet[Branch], today: dt.date) -> list[BranchToday]:
    """Each branch with its opening periods on ``today``; three queries for any number."""
    branch_list = list(_with_hours(branches))
    organisation_ids = {branch.organisation_id for branch in branch_list}
    closures: dict[tuple[int, int | None], str] = {}
    for organisation_id, branch_id, reason in Closure.objects.filter(
        organisation_id__in=organisation_ids, start_date__lte=today, end_date__gte=today
    ).values_list("organisation_id", "branch_id", "reason"):
        closures[(organisation_id, branch_id)] = reason
    result = []
    for branch in branch_list:
        periods = tuple(
            (hours.opens, hours.closes)
            for hours in branch.opening_hours.all()
            if hours.weekday == today.weekday()
        )
        reason = closures.get((branch.organisation_id, branch.pk)) or closures.get(
            (branch.organisation_id, None), ""
        )
        result.append(BranchToday(branch, periods, reason))
    return result


def weekly_schedule(branch: Branch) -> list[tuple[int, list[Period]]]:
    """Monday to Sunday with the opening periods of each day (empty when closed)."""
    by_day: dict[int, list[Period]] = defaultdict(list)
    for hours in branch.opening_hours.all():
        by_day[hours.weekday].append((hours.opens, hours.closes))
    return [(weekday, sorted(by_day[weekday])) for weekday in range(7)]


def upcoming_closures(branch: Branch, today: dt.date, limit: int = 10) -> list[Closure]:
    return list(
        Closure.objects.filter(
            Q(branch__isnull=True) | Q(branch=branch),
            organisation_id=branch.organisation_id,
            end_date__gte=today,
        ).order_by("start_date")[:limit]
    )


def desk_branches(user: Any) -> QuerySet[Branch]:
    """The branches a staff member sees at the desk: only their own organisations'."""
    return (
        tenancy.visible(Branch, user).filter(is_active=True).order_by("organisation__name", "name")
    )


def desk_branch(user: Any, pk: int) -> Branch | None:
    """One branch for the desk, or None when it does not exist or lies outside the boundary."""
    return _with_hours(tenancy.visible(Branch, user)).filter(pk=pk).first()


def public_libraries() -> QuerySet[Organisation]:
    """The public directory: every active library organisation with its public branches."""
    return (
        Organisation.objects.filter(kind=OrganisationKind.LIBRARY, is_active=True)
        .prefetch_related(
            Prefetch(
                "branches", queryset=Branch.objects.filter(is_active=True).exclude(kind="office")
            )
        )
        .order_by("province", "name")
    )


def public_branch(pk: int) -> Branch | None:
    """An active public branch (no office) of an active library, for anyone to look up."""
    return (
        Branch.objects.filter(pk=pk, is_active=True, organisation__is_active=True)
        .exclude(kind="office")
        .select_related("organisation")
        .first()
    )


def public_library(isil: str) -> Organisation | None:
    return public_libraries().filter(isil=isil).first()


def public_branch_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """Public branches grouped by library, for "available at" choices."""
    groups: dict[str, list[tuple[int, str]]] = {}
    branches = (
        Branch.objects.filter(is_active=True, organisation__is_active=True)
        .exclude(kind__in=["office", "information_point"])
        .order_by("organisation__name", "name")
        .values_list("pk", "name", "organisation__name")
    )
    for pk, name, organisation in branches:
        groups.setdefault(organisation, []).append((pk, name))
    return list(groups.items())
