"""The member's privacy rights in the portal: my data (page and JSON), who looked at it,
remove my account; and the public processing register. Thin doors over samenbieb.privacy."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from samenbieb.members import auth
from samenbieb.members.models import Person
from samenbieb.privacy import queries, readable, registry, services
from samenbieb.privacy.errors import ErasureBlocked


def _member(request: HttpRequest) -> Person:
    person = auth.current_member(request)
    if person is None:  # member_required sent everyone else to the login page
        raise PermissionDenied
    return person


@never_cache
@require_safe
@auth.member_required
def my_data(request: HttpRequest) -> HttpResponse:
    person = _member(request)
    export = services.person_export(actor=None, person=person, member=person)
    return render(
        request,
        "portal/privacy/my_data.html",
        {"person": person, "sections": readable.sections(export)},
    )


@never_cache
@require_safe
@auth.member_required
def my_data_download(request: HttpRequest) -> HttpResponse:
    person = _member(request)
    export = services.person_export(actor=None, person=person, member=person)
    response = HttpResponse(
        json.dumps(export, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="mijn-gegevens-{stamp}.json"'
    return response


@never_cache
@require_safe
@auth.member_required
def my_data_access(request: HttpRequest) -> HttpResponse:
    person = _member(request)
    return render(
        request,
        "portal/privacy/access.html",
        {"lines": queries.person_staff_access(person)},
    )


class EraseForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("Yes, remove my account and my data. This cannot be undone.")
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@auth.member_required
def account_erase(request: HttpRequest) -> HttpResponse:
    person = _member(request)
    blockers = services.person_erasure_blockers(person)
    form = EraseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and not blockers and form.is_valid():
        if not person.check_password(form.cleaned_data["password"]):
            form.add_error("password", _("This password is not right."))
        else:
            try:
                services.person_erase(actor=None, person=person, member=person)
            except ErasureBlocked as refusal:
                blockers = refusal.blockers
            else:
                auth.member_logout(request)
                return redirect("portal:account_erased")
    return render(
        request,
        "portal/privacy/erase.html",
        {
            "form": form,
            "blockers": blockers,
            "holds": person.holds.filter(closed_at__isnull=True).count(),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_safe
def account_erased(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/privacy/erased.html")


@require_safe
def processing_register(request: HttpRequest) -> HttpResponse:
    rows: list[dict[str, Any]] = [
        {
            "contributor": contributor,
            "processing": line,
            "retention": line.retention(),
            "models": readable.model_fields(contributor.models),
        }
        for contributor in registry.contributors()
        for line in contributor.processing
    ]
    return render(request, "portal/privacy/register.html", {"rows": rows})
