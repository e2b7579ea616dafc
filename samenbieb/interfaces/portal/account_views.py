"""The member's own pages: log in and out, passwords, online registration, my account.

Thin doors over :mod:`samenbieb.members` (auth, services, queries, mail). They read the
member from the member session only, never ``request.user`` (docs/decisions/0004).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from samenbieb.digital import queries as digital_queries
from samenbieb.interfaces.portal import circulation_views
from samenbieb.interfaces.portal.account_forms import (
    CONSENT_TEXTS,
    ConsentForm,
    EmailForm,
    LoginForm,
    NewPasswordForm,
    RegistrationForm,
)
from samenbieb.members import auth, mail, queries, services
from samenbieb.members.errors import (
    DuplicateEmail,
    GuardianRequired,
    InvalidConsent,
    InvalidPerson,
    PossibleDuplicate,
)
from samenbieb.members.models import CardStatus, ConsentKind, Person
from samenbieb.members.tokens import email_verification_token, password_reset_token
from samenbieb.security import ratelimit

NEXT = "volgende"


def _safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get(NEXT) or request.GET.get(NEXT) or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


def _posted(request: HttpRequest) -> Any:
    # An empty POST is still a submitted form: it must show what is missing.
    return request.POST if request.method == "POST" else None


def _link(request: HttpRequest, name: str, *args: Any) -> str:
    return request.build_absolute_uri(reverse(name, args=args))


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    if auth.current_member(request) is not None:
        return redirect(_safe_next(request) or reverse("portal:account"))
    form = LoginForm(_posted(request))
    unverified = False
    # Per name the members app throttles; per client address over all names, this door.
    blocked = (
        ratelimit.limit_blocked_until(
            ratelimit.limit_for("member_login_address"), ratelimit.client_address(request)
        )
        if request.method == "POST"
        else None
    )
    if blocked is not None and form.is_valid():
        form.add_error(None, str(auth.LoginThrottled(blocked).message))
    elif request.method == "POST" and form.is_valid():
        try:
            person = auth.member_authenticate(
                identifier=form.cleaned_data["identifier"],
                password=form.cleaned_data["password"],
            )
        except auth.EmailNotVerified as refusal:
            unverified = True
            form.add_error(None, str(refusal.message))
        except auth.LoginRefused as refusal:
            if isinstance(refusal, auth.InvalidLogin):
                ratelimit.limit_hit(
                    ratelimit.limit_for("member_login_address"),
                    ratelimit.client_address(request),
                )
            form.add_error(None, str(refusal.message))
        else:
            auth.member_login(request, person)
            return redirect(_safe_next(request) or reverse("portal:account"))
    return render(
        request,
        "portal/account/login.html",
        {"form": form, "next": _safe_next(request) or "", "unverified": unverified},
    )


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    auth.member_logout(request)
    messages.success(request, _("You are logged out. See you soon!"))
    return redirect("portal:home")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def password_forgot(request: HttpRequest) -> HttpResponse:
    form = EmailForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        person = queries.person_for_login(form.cleaned_data["email"])
        if person is not None and person.email:
            mail.mail_password_reset_send(
                person=person,
                link=_link(request, "portal:password_reset", password_reset_token.make(person)),
            )
        # The same answer whether or not the address is known: nobody learns who is a member.
        return render(request, "portal/account/password_forgot_sent.html")
    return render(request, "portal/account/password_forgot.html", {"form": form})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def password_reset(request: HttpRequest, token: str) -> HttpResponse:
    person = password_reset_token.person(token)
    if person is None:
        return render(request, "portal/account/password_reset_invalid.html", status=400)
    form = NewPasswordForm(_posted(request), person_like=_similar(person))
    if request.method == "POST" and form.is_valid():
        auth.member_password_set(
            person=person,
            password=form.cleaned_data["password1"],
            email_proven=True,
            member=person,
        )
        # Every session of this person has ended with the old password; start clean.
        auth.member_logout(request)
        messages.success(
            request, _("Your password has been changed. Log in with your new password.")
        )
        return redirect("portal:login")
    return render(request, "portal/account/password_reset.html", {"form": form})


def _similar(person: Person) -> Any:
    class _Like:
        first_name = person.given_name
        last_name = person.family_name
        email = person.email

    return _Like()


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    form = RegistrationForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = services.person_register(
                actor=None,
                organisation=data["organisation"],
                given_name=data["given_name"],
                name_prefix=data["name_prefix"],
                family_name=data["family_name"],
                birth_date=data["birth_date"],
                street=data["street"],
                house_number=data["house_number"],
                postcode=data["postcode"],
                city=data["city"],
                email=data["email"],
                preferred_language=_language(request),
                password=data["password1"],
                consents=form.consents(),
                via="portal",
            )
        except InvalidPerson as refusal:
            for field, errors in refusal.errors.items():
                name = "password1" if field == "password" else field
                for error in errors:
                    form.add_error(name if name in form.fields else None, error)
        except GuardianRequired as refusal:
            form.add_error("birth_date", str(refusal.message))
        except PossibleDuplicate:
            form.add_error(
                None,
                _(
                    "It looks like you are already a member. Log in with your card number, "
                    "or ask at the desk of your library for help."
                ),
            )
        except DuplicateEmail:
            # Tell only the owner of the address, by mail; the page looks the same.
            existing = queries.person_for_login(data["email"])
            if existing is not None:
                mail.mail_already_registered_send(
                    person=existing,
                    login_link=_link(request, "portal:login"),
                    reset_link=_link(request, "portal:password_forgot"),
                )
            return redirect("portal:register_sent")
        else:
            _send_verification(request, person)
            return redirect("portal:register_sent")
    return render(
        request,
        "portal/account/register.html",
        {"form": form, "consent_version": services.CONSENT_TEXT_VERSION},
    )


def _language(request: HttpRequest) -> str:
    return "en" if getattr(request, "LANGUAGE_CODE", "nl") == "en" else "nl"


def _send_verification(request: HttpRequest, person: Person) -> None:
    mail.mail_email_verification_send(
        person=person,
        link=_link(request, "portal:register_verify", email_verification_token.make(person)),
    )


def register_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/account/register_sent.html")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def register_verify(request: HttpRequest, token: str) -> HttpResponse:
    person = email_verification_token.person(token)
    if person is None or not person.email:
        return render(request, "portal/account/register_verify_invalid.html", status=400)
    if request.method == "POST":
        auth.member_email_verify(person=person, member=person)
        messages.success(
            request, _("Thank you, your e-mail address is confirmed. You can log in now.")
        )
        return redirect("portal:login")
    # Confirming takes a click, so a mail program that opens links does not confirm.
    return render(request, "portal/account/register_verify.html", {"person": person})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def register_resend(request: HttpRequest) -> HttpResponse:
    form = EmailForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        person = queries.person_for_login(form.cleaned_data["email"])
        if person is not None and person.email and person.email_verified_at is None:
            _send_verification(request, person)
        return redirect("portal:register_sent")
    return render(request, "portal/account/register_resend.html", {"form": form})


@auth.member_required
def account(request: HttpRequest) -> HttpResponse:
    person = _member(request)
    today = timezone.localdate()
    valid = queries.membership_valid(person, today)
    consents = queries.current_consents(person)
    consent_rows = [
        {
            "kind": kind,
            "label": label,
            "text": CONSENT_TEXTS[ConsentKind(kind)],
            "consent": consents.get(kind),
            "form": ConsentForm(
                initial={
                    "kind": kind,
                    "given": "ja" if (kind in consents and consents[kind].given) else "nee",
                },
                auto_id=f"consent-{kind}-%s",
            ),
        }
        for kind, label in ConsentKind.choices
    ]
    return render(
        request,
        "portal/account/account.html",
        {
            "person": person,
            "memberships": list(queries.memberships_of(person).order_by("-starts_on")),
            "valid_membership": valid,
            "cards": [
                {
                    "masked": _mask(card.barcode),
                    "status": card.get_status_display(),
                    "active": card.status == CardStatus.ACTIVE,
                    "issued_by": card.issued_by,
                    "issued_at": card.issued_at,
                }
                for card in person.cards.select_related("issued_by")
            ],
            "consents": consent_rows,
            **circulation_views.account_sections(person, consents),
            "digital_loans": digital_queries.digital_loans_active(person, timezone.now()),
            "today": today,
        },
    )


def _member(request: HttpRequest) -> Person:
    person = auth.current_member(request)
    if person is None:  # member_required sent everyone else to the login page
        raise PermissionDenied
    return person


def _mask(barcode: str) -> str:
    """Only the last four characters: enough to recognise the card, too little to use it."""
    return "•" * max(len(barcode) - 4, 0) + barcode[-4:]


@require_POST
@auth.member_required
def consent_change(request: HttpRequest) -> HttpResponse:
    person = _member(request)
    form = ConsentForm(request.POST)
    if form.is_valid():
        try:
            services.consent_record(
                actor=None,
                person=person,
                kind=form.cleaned_data["kind"],
                given=form.cleaned_data["given"],
                text_version=services.CONSENT_TEXT_VERSION,
                via="portal",
            )
        except InvalidConsent as refusal:
            messages.error(request, str(refusal.message))
        else:
            messages.success(request, _("Your choice has been saved."))
    else:
        messages.error(request, _("Choose yes or no, then press Save."))
    return HttpResponseRedirect(reverse("portal:account") + "#toestemmingen")
