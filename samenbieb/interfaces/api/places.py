"""Public network data: libraries with their branches, opening hours, pickup branches and
activities (with cursor pagination)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema
from pydantic import Field

from samenbieb.circulation import queries as circulation_queries
from samenbieb.core.errors import NotFound
from samenbieb.interfaces.api import pagination
from samenbieb.interfaces.api.responses import answers
from samenbieb.interfaces.api.schemas import (
    ActivityDetail,
    ActivityPage,
    ActivitySummary,
    BranchOut,
    DayOut,
    LibraryOut,
    OpeningHoursOut,
    PeriodOut,
    PickupBranchOut,
    SessionOut,
)
from samenbieb.network import calendar
from samenbieb.network import queries as network_queries
from samenbieb.network.models import Branch
from samenbieb.programmes.models import ActivityKind
from samenbieb.programmes.queries_activities import (
    activities_upcoming,
    activity_for_public,
    free_places,
)

router = Router(tags=["libraries and activities"])

MAX_DAYS = 62


def _branch(branch: Branch) -> BranchOut:
    return BranchOut(
        id=branch.pk,
        name=branch.name,
        kind=branch.kind,
        street=branch.street,
        house_number=branch.house_number,
        postcode=branch.postcode,
        city=branch.city,
        phone=branch.phone,
        email=branch.email,
    )


@router.get("/libraries", response=answers({200: list[LibraryOut]}), auth=None)
def libraries(request: HttpRequest) -> list[LibraryOut]:
    """Every library in the network with its public branches."""
    return [
        LibraryOut(
            id=library.pk,
            name=library.name,
            isil=library.isil,
            branches=[_branch(branch) for branch in library.branches.all()],
        )
        for library in network_queries.public_libraries()
    ]


@router.get("/pickup-branches", response=answers({200: list[PickupBranchOut]}), auth=None)
def pickup_branches(request: HttpRequest) -> list[PickupBranchOut]:
    """Where members can pick up holds (for ``POST /me/holds``)."""
    return [
        PickupBranchOut(id=branch.pk, name=branch.name, library=branch.organisation.name)
        for branch in circulation_queries.pickup_branches()
    ]


class HoursParams(Schema):
    start: dt.date | None = Field(
        None,
        ge=dt.date(2000, 1, 1),
        le=dt.date(2100, 12, 31),
        description="First day; today when left out.",
    )
    days: int = Field(7, ge=1, le=MAX_DAYS)


@router.get(
    "/branches/{branch_id}/opening-hours",
    response=answers({200: OpeningHoursOut}, 404),
    auth=None,
)
def opening_hours(
    request: HttpRequest,
    params: Query[HoursParams],
    branch_id: int = Path(..., gt=0, lt=2**63),
) -> OpeningHoursOut:
    """Opening hours of a branch day by day, closures (holidays) included."""
    branch = network_queries.public_branch(branch_id)
    if branch is None:
        raise NotFound(_("No branch has this number."))
    first = params.start or timezone.localdate()
    days = calendar.BranchCalendar(branch, first, first + dt.timedelta(days=params.days - 1))
    return OpeningHoursOut(
        branch=_branch(branch),
        days=[
            DayOut(
                date=day.date,
                is_open=day.is_open,
                periods=[
                    PeriodOut(opens=f"{opens:%H:%M}", closes=f"{closes:%H:%M}")
                    for opens, closes in day.periods
                ]
                if day.is_open
                else [],
                closure_reason=day.closure_reason,
            )
            for day in days.days()
        ],
    )


class ActivityParams(Schema):
    library: int | None = Field(None, gt=0, lt=2**63)
    branch: int | None = Field(None, gt=0, lt=2**63)
    theme: str = Field("", max_length=50)
    target_group: str = Field("", max_length=50)
    kind: ActivityKind | None = None
    page_size: int = Field(pagination.DEFAULT_PAGE_SIZE, ge=1, le=pagination.MAX_PAGE_SIZE)
    cursor: str | None = Field(None, max_length=200)


def _activity(activity: Any) -> dict[str, Any]:
    return {
        "id": activity.pk,
        "title": activity.title,
        "kind": activity.kind,
        "library_id": activity.organisation_id,
        "library": activity.organisation.name,
        "branch_id": activity.branch_id,
        "branch": activity.branch.name if activity.branch else None,
        "next_start": getattr(activity, "next_start", None),
        "free_places": free_places(activity),
        "price": activity.price,
        "themes": [theme.code for theme in activity.themes.all()],
    }


@router.get("/activities", response=answers({200: ActivityPage}, 400), auth=None)
def activities(request: HttpRequest, params: Query[ActivityParams]) -> ActivityPage:
    """Published activities still to come, soonest first."""
    rows, following = pagination.page(
        activities_upcoming(
            theme=params.theme,
            target_group=params.target_group,
            kind=params.kind.value if params.kind else "",
            organisation=params.library,
            branch=params.branch,
        ),
        keys=("next_start", "id"),
        size=params.page_size,
        cursor=params.cursor,
    )
    return ActivityPage(
        results=[ActivitySummary(**_activity(row)) for row in rows], next_cursor=following
    )


@router.get("/activities/{activity_id}", response=answers({200: ActivityDetail}, 404), auth=None)
def activity_detail(
    request: HttpRequest, activity_id: int = Path(..., gt=0, lt=2**63)
) -> ActivityDetail:
    """One activity with its sessions and whether registration is open."""
    view = activity_for_public(activity_id)
    if view is None:
        raise NotFound(_("No activity has this number."))
    activity = view.activity
    return ActivityDetail(
        **_activity(activity),
        description=activity.description,
        online_url=activity.online_url,
        walk_in=activity.walk_in,
        status=activity.status,
        registration_open=view.is_open,
        registration_closes_at=view.closes_at,
        sessions=[SessionOut(starts_at=s.starts_at, ends_at=s.ends_at) for s in view.sessions],
    )
