""" "Help near me": a public page and a JSON API over :func:`samenbieb.programmes.nearby.help_near`.

No login. The page works without JavaScript and on a phone; the API answers the same
search for other sites and apps.

API: ``GET /api/hulp-in-de-buurt/?postcode=3511&thema=digital_government`` (or
``plaats=Utrecht`` instead of ``postcode``; ``thema`` optional, a theme code; ``aantal``
1–20 locations, default 5). 200 answers::

    {
      "location": {"label": "3511 Utrecht", "pc4": "3511", "latitude": 52.09, "longitude": 5.11},
      "theme": {"code": "digital_government", "name": "Digitale overheid"} | null,
      "results": [{
        "branch": {"id", "name", "organisation", "address", "phone", "latitude", "longitude"},
        "distance_km": 0.4,                       # as the crow flies, one decimal
        "walk_in": true,                          # walk in without appointment at some help here
        "activities": [{"id", "title", "kind", "themes": [codes]}],
        "next_dates": [{"activity_id", "title", "starts_at", "ends_at"}],   # ISO 8601
        "free_slots": [{"id", "activity_id", "title", "starts_at", "ends_at", "book_url"}]
      }]
    }

A postcode or place that is not known, a missing one, or an unknown theme answer 400 with
``{"error": {"code": "location_unknown" | "location_missing" | "postcode_invalid" |
"theme_unknown", "message": "…"}}`` (the message in the request's language).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from samenbieb.interfaces.portal.programmes_consult_forms import HelpNearMeForm
from samenbieb.programmes import nearby
from samenbieb.programmes.errors_consult import ConsultationError
from samenbieb.security.ratelimit import rate_limited

MAX_RESULTS = 20


@require_safe
def help_near_me(request: HttpRequest) -> HttpResponse:
    themes = nearby.themes()
    form = HelpNearMeForm(request.GET or None, themes=themes)
    found = None
    error = None
    if form.is_bound and form.is_valid():
        try:
            found = nearby.help_near(
                where=form.cleaned_data["waar"], theme=form.cleaned_data["thema"]
            )
        except ConsultationError as refused:
            error = refused
            form.add_error(
                "waar" if refused.code != "theme_unknown" else "thema", str(refused.message)
            )
    return render(
        request,
        "portal/programmes/consult/help_near_me.html",
        {"form": form, "found": found, "error": error},
        status=400 if error else 200,
    )


def _iso(value: Any) -> str:
    return timezone.localtime(value).isoformat()


def _result(request: HttpRequest, result: nearby.BranchHelp) -> dict[str, Any]:
    branch = result.branch
    return {
        "branch": {
            "id": branch.pk,
            "name": branch.name,
            "organisation": branch.organisation.name,
            "address": branch.address,
            "phone": branch.phone,
            "latitude": float(branch.latitude) if branch.latitude is not None else None,
            "longitude": float(branch.longitude) if branch.longitude is not None else None,
        },
        "distance_km": round(result.distance_km, 1),
        "walk_in": result.walk_in,
        "activities": [
            {
                "id": activity.pk,
                "title": activity.title,
                "kind": activity.kind,
                "themes": sorted(theme.code for theme in activity.themes.all()),
            }
            for activity in result.activities
        ],
        "next_dates": [
            {
                "activity_id": session.activity_id,
                "title": session.activity.title,
                "starts_at": _iso(session.starts_at),
                "ends_at": _iso(session.ends_at),
            }
            for session in result.sessions
        ],
        "free_slots": [
            {
                "id": slot.pk,
                "activity_id": slot.activity_id,
                "title": slot.activity.title,
                "starts_at": _iso(slot.starts_at),
                "ends_at": _iso(slot.ends_at),
                "book_url": request.build_absolute_uri(
                    reverse("portal:consult_slot_book", args=[slot.pk])
                ),
            }
            for slot in result.slots
        ],
    }


@require_safe
@rate_limited("public_api", as_json=True)
def help_near_me_api(request: HttpRequest) -> JsonResponse:
    where = request.GET.get("postcode") or request.GET.get("plaats") or request.GET.get("waar")
    try:
        limit = min(max(int(request.GET.get("aantal", "5")), 1), MAX_RESULTS)
    except ValueError:
        limit = 5
    try:
        found = nearby.help_near(where=where or "", theme=request.GET.get("thema", ""), limit=limit)
    except ConsultationError as refused:
        return JsonResponse(
            {"error": {"code": refused.code, "message": str(refused.message)}}, status=400
        )
    return JsonResponse(
        {
            "location": {
                "label": found.location.label,
                "pc4": found.location.pc4 or None,
                "latitude": round(found.location.latitude, 6),
                "longitude": round(found.location.longitude, 6),
            },
            "theme": (
                {"code": found.theme.code, "name": found.theme.name} if found.theme else None
            ),
            "results": [_result(request, result) for result in found.results],
        },
        json_dumps_params={"ensure_ascii": False},
    )
