"""Staff login: password and, unless switched off, a code from an authenticator app.

One form takes user name, password and code, so an everyday login is a single Enter. A
correct password without a (right) code does not log anyone in: it leaves a short-lived
"password checked" note in the session and the next page asks only for the code, or,
for an account without an app, links one (docs/decisions/0011). Django's ``login`` is
called only when both factors passed.
"""

from __future__ import annotations

import io
import time
from typing import Any

import django_otp
import segno
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth import login as auth_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_safe
from django_otp.plugins.otp_totp.models import TOTPDevice

from samenbieb.interfaces.desk.forms import SecondFactorCodeForm, StaffLoginForm
from samenbieb.network import second_factor
from samenbieb.network.errors import SecondFactorAlreadyEnrolled, SecondFactorRefused
from samenbieb.network.models import StaffUser
from samenbieb.security import ratelimit

# Failed staff logins: per user name and per client address (settings.RATE_LIMITS).
THROTTLE = {"scope": "staff_login", "address_scope": "staff_login_address"}

PENDING_KEY = "_staff_password_checked"
# Long enough to find a phone and scan a QR code, short enough for a shared desk PC.
PENDING_SECONDS = 10 * 60


def _next_url(request: HttpRequest, value: str | None = None) -> str:
    if value is None:
        value = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return reverse("desk:home")


def _pending_start(request: HttpRequest, user: StaffUser, next_url: str) -> None:
    request.session[PENDING_KEY] = {
        "user": user.pk,
        # Like Django's own session check: a password change since voids the note.
        "hash": user.get_session_auth_hash(),
        "at": int(time.time()),
        "next": next_url,
    }


def _pending(request: HttpRequest) -> tuple[StaffUser, str] | None:
    """The user whose password was checked in this session a moment ago, and where to go."""
    note = request.session.get(PENDING_KEY)
    if not isinstance(note, dict):
        return None
    user = None
    if time.time() - note.get("at", 0) <= PENDING_SECONDS:
        user = StaffUser.objects.filter(pk=note.get("user", 0), is_active=True).first()
    if user is None or not constant_time_compare(
        user.get_session_auth_hash(), str(note.get("hash", ""))
    ):
        del request.session[PENDING_KEY]
        return None
    return user, str(note.get("next", ""))


def _complete(
    request: HttpRequest, user: StaffUser, device: TOTPDevice | None, next_url: str
) -> HttpResponse:
    request.session.pop(PENDING_KEY, None)
    auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    if device is not None:
        django_otp.login(request, device)
    return redirect(_next_url(request, next_url))


def _code_page(
    request: HttpRequest, user: StaffUser, form: SecondFactorCodeForm, refusal: str = ""
) -> HttpResponse:
    return render(
        request,
        "desk/login_code.html",
        {"form": form, "staff_user": user, "refusal": refusal},
    )


@sensitive_post_parameters()
@csrf_protect
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request)
    if second_factor.session_verified(request.user):
        return redirect(next_url)
    if request.method != "POST":
        # A fresh login page forgets a half-finished one (someone else at a shared PC).
        request.session.pop(PENDING_KEY, None)
        form = StaffLoginForm(request)
    else:
        name = str(request.POST.get("username", ""))
        form = StaffLoginForm(
            request,
            data=request.POST,
            blocked_until=ratelimit.login_blocked_until(request, name=name, **THROTTLE),
        )
        if not form.is_valid():
            if form.blocked_until is None:
                ratelimit.login_failed(request, name=name, **THROTTLE)
        else:
            user: Any = form.get_user()
            ratelimit.login_succeeded(name=name, scope=THROTTLE["scope"])
            if not second_factor.required():
                return _complete(request, user, None, next_url)
            _pending_start(request, user, next_url)
            if second_factor.confirmed_device(user) is None:
                return redirect("desk:login_enrol")
            code = form.cleaned_data.get("code", "")
            if not code:
                return redirect("desk:login_code")
            try:
                device = second_factor.staff_otp_verify(user=user, code=code)
            except SecondFactorRefused as error:
                return _code_page(request, user, SecondFactorCodeForm(), str(error.message))
            return _complete(request, user, device, next_url)
    return render(
        request,
        "desk/login.html",
        {"form": form, "next": request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get("next")},
    )


@sensitive_post_parameters()
@csrf_protect
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    """The second step on its own, after a correct password."""
    pending = _pending(request)
    if pending is None:
        return redirect("desk:login")
    user, next_url = pending
    if second_factor.confirmed_device(user) is None:
        return redirect("desk:login_enrol")
    form = SecondFactorCodeForm(request.POST if request.method == "POST" else None)
    refusal = ""
    if form.is_valid():
        try:
            device = second_factor.staff_otp_verify(user=user, code=form.cleaned_data["code"])
        except SecondFactorRefused as error:
            refusal = str(error.message)
            form = SecondFactorCodeForm()
        else:
            return _complete(request, user, device, next_url)
    return _code_page(request, user, form, refusal)


@sensitive_post_parameters()
@csrf_protect
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def login_enrol(request: HttpRequest) -> HttpResponse:
    """Link an authenticator app: scan (or type) the secret, confirm with its first code."""
    pending = _pending(request)
    if pending is None:
        return redirect("desk:login")
    user, next_url = pending
    try:
        device = second_factor.staff_otp_enrolment_start(user=user)
    except SecondFactorAlreadyEnrolled:
        return redirect("desk:login_code")
    form = SecondFactorCodeForm(request.POST if request.method == "POST" else None)
    refusal = ""
    if form.is_valid():
        try:
            device = second_factor.staff_otp_enrolment_confirm(
                user=user, code=form.cleaned_data["code"]
            )
        except SecondFactorRefused as error:
            refusal = str(error.message)
            form = SecondFactorCodeForm()
        else:
            return _complete(request, user, device, next_url)
    return render(
        request,
        "desk/login_enrol.html",
        {
            "form": form,
            "staff_user": user,
            "secret": second_factor.secret_for_display(device),
            "refusal": refusal,
        },
    )


@never_cache
@require_safe
def login_enrol_qr(request: HttpRequest) -> HttpResponse:
    """The QR code of the secret being linked, as SVG (its own URL: no inline images)."""
    pending = _pending(request)
    if pending is None:
        return HttpResponse(status=404)
    user, _next = pending
    try:
        device = second_factor.staff_otp_enrolment_start(user=user)
    except SecondFactorAlreadyEnrolled:
        return HttpResponse(status=404)
    buffer = io.BytesIO()
    segno.make(device.config_url, error="m").save(
        buffer, kind="svg", scale=5, border=4, xmldecl=False, svgns=True
    )
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
