from __future__ import annotations

from itertools import groupby

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from samenbieb.network import calendar, queries, tenancy
from samenbieb.network.errors import NoOpenDay
from samenbieb.network.models import Organisation


@require_safe
@login_required
def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = queries.branches_today(queries.desk_branches(request.user), today)
    organisations = [
        (organisation, list(branches))
        for organisation, branches in groupby(rows, key=lambda row: row.branch.organisation)
    ]
    has_role = not tenancy.staff_scope(request.user).is_empty
    return render(
        request,
        "desk/home.html",
        {"organisations": organisations, "today": today, "has_role": has_role},
    )


@require_safe
@login_required
def branch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    branch = queries.desk_branch(request.user, pk)
    if branch is None:
        # The same answer whether it does not exist or belongs to another organisation.
        raise Http404
    today = timezone.localdate()
    try:
        next_open = calendar.next_open_day(branch, today)
    except NoOpenDay:
        next_open = None
    organisation: Organisation = branch.organisation
    return render(
        request,
        "desk/branch.html",
        {
            "branch": branch,
            "organisation": organisation,
            "schedule": queries.weekly_schedule(branch),
            "week": calendar.week_ahead(branch, today),
            "closures": queries.upcoming_closures(branch, today),
            "next_open": next_open,
            "today": today,
        },
    )
