from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from samenbieb.network import queries


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")


@require_safe
def libraries(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/libraries.html", {"libraries": queries.public_libraries()})


@require_safe
def library(request: HttpRequest, isil: str) -> HttpResponse:
    organisation = queries.public_library(isil)
    if organisation is None:
        raise Http404
    today = timezone.localdate()
    branches = queries.branches_today(
        organisation.branches.filter(is_active=True).exclude(kind="office"), today
    )
    return render(
        request,
        "portal/library.html",
        {"library": organisation, "branches": branches, "today": today},
    )
