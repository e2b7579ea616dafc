"""The doors of the OpenID Connect provider that involve a member: authorize and log out.

Token, revocation, userinfo and JWKS are Django OAuth Toolkit's own views (wired in
:mod:`samenbieb.identity.urls`); discovery is DOT's with the grant types added.

The member comes from the member session only (``members.auth.current_member``),
never from ``request.user``, which is staff's (docs/decisions/0004).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views import View
from oauth2_provider.exceptions import FatalClientError, OAuthToolkitError
from oauth2_provider.http import OAuth2ResponseRedirect
from oauth2_provider.settings import oauth2_settings
from oauth2_provider.views import ConnectDiscoveryInfoView, RPInitiatedLogoutView
from oauth2_provider.views.mixins import OAuthLibMixin

from samenbieb.identity import queries, services
from samenbieb.identity.models import ConnectedService
from samenbieb.identity.scopes import ACCOUNT, member_texts
from samenbieb.members import auth
from samenbieb.members.models import Person

# What oauthlib may be handed back from a validated request when the code is issued.
_CREDENTIALS = (
    "client_id",
    "redirect_uri",
    "response_type",
    "state",
    "code_challenge",
    "code_challenge_method",
    "nonce",
    "claims",
)
# Dropped from the authorization request when the member is sent to log in again.
_REAUTHENTICATION = ("prompt", "max_age")
LOGIN_NEXT = "volgende"


class MemberOAuthRequest:
    """The Django request as DOT sees it, with the member in ``user``.

    DOT's ``OAuthLibCore`` reads the resource owner from ``request.user`` when it issues
    a code. Setting ``request.user`` itself would make the member look like a Django
    auth user to everything else in this request (middleware, templates, the admin's
    checks), which ADR 4 rules out; so DOT gets this thin wrapper instead, for one call.

    Its ``POST`` is empty: the authorization request is read from the query string
    only, so a posted consent form cannot add or change a parameter of it.
    """

    def __init__(self, request: HttpRequest, person: Person | None = None) -> None:
        self._request = request
        self.user = person
        self.POST = QueryDict()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._request, name)


def _origin(uri: str) -> str:
    parts = urlsplit(uri)
    return f"{parts.scheme}://{parts.netloc}"


def _with_params(uri: str, params: dict[str, str]) -> str:
    parts = urlsplit(uri)
    query = parse_qsl(parts.query, keep_blank_values=True) + list(params.items())
    return urlunsplit(parts._replace(query=urlencode(query)))


def _allow_form_to(response: HttpResponse, uri: str) -> HttpResponse:
    """Let this page's form end in a redirect to ``uri``'s origin: browsers apply the
    CSP form-action directive to where a form submission is redirected as well."""
    response._csp_update = {"form-action": [_origin(uri)]}  # type: ignore[attr-defined]
    return response


class AuthorizeView(OAuthLibMixin, View):
    """The authorization endpoint for members (authorization code flow with PKCE S256).

    1. The request is validated first; an unknown client or redirect URI gets an
       error page and is never redirected to.
    2. Without a member session the member logs in at the portal and comes back;
       ``prompt=login`` and an exceeded ``max_age`` end the session first.
    3. A member whose account or membership does not allow connected services sees
       why, with a way back that tells the service ``access_denied``.
    4. The member agrees on a consent screen, once per service and set of scopes
       (``prompt=consent`` asks again); ``prompt=none`` never shows a page.
    """

    http_method_names = ["get", "post"]

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._authorize(request, decision=None)

    def post(self, request: HttpRequest) -> HttpResponse:
        return self._authorize(request, decision=request.POST.get("decision", ""))

    def _authorize(self, request: HttpRequest, *, decision: str | None) -> HttpResponse:
        try:
            scopes, credentials = self.validate_authorization_request(MemberOAuthRequest(request))
        except OAuthToolkitError as error:
            return self._oauth_error(request, error)
        service: ConnectedService = credentials["request"].client
        if credentials.get("code_challenge_method") != "S256":
            return self._refuse(
                request, service, credentials, "invalid_request", "PKCE with S256 is required."
            )
        prompt = set(request.GET.get("prompt", "").split())
        person = auth.current_member(request)
        if "none" in prompt:
            return self._silently(request, service, person, scopes, credentials)
        if person is not None and decision is None and self._must_log_in_again(request, prompt):
            auth.member_logout(request)
            person = None
        if person is None:
            return self._to_login(request)
        refusal = queries.member_refusal(person)
        if refusal is not None:
            denied = self._refusal_uri(request, credentials, "access_denied", refusal.code)
            return render(
                request,
                "identity/refused.html",
                {"service": service, "message": refusal.message, "back": denied},
                status=403,
            )
        if decision == "allow":
            services.service_consent_grant(person=person, service=service, scopes=scopes)
            return self._issue(request, service, person, scopes, credentials)
        if decision == "deny":
            return self._refuse(request, service, credentials, "access_denied")
        if "consent" not in prompt and queries.consent_covers(person, service, scopes):
            return self._issue(request, service, person, scopes, credentials)
        response = render(
            request,
            "identity/consent.html",
            {
                "service": service,
                "shares": member_texts(scopes),
                "person": person,
                # With "account" the service does see loans: the page must not deny it.
                "shares_account": ACCOUNT in scopes,
            },
        )
        return _allow_form_to(response, credentials["redirect_uri"])

    def _silently(
        self,
        request: HttpRequest,
        service: ConnectedService,
        person: Person | None,
        scopes: list[str],
        credentials: dict[str, Any],
    ) -> HttpResponse:
        """``prompt=none``: answer at once, with a code or with the reason there is none."""
        if person is None or self._must_log_in_again(request, set()):
            return self._refuse(request, service, credentials, "login_required")
        if queries.member_refusal(person) is not None:
            return self._refuse(request, service, credentials, "access_denied")
        if not queries.consent_covers(person, service, scopes):
            return self._refuse(request, service, credentials, "consent_required")
        return self._issue(request, service, person, scopes, credentials)

    @staticmethod
    def _must_log_in_again(request: HttpRequest, prompt: set[str]) -> bool:
        if "login" in prompt:
            return True
        max_age = request.GET.get("max_age", "")
        if not max_age.isdigit():
            return False
        logged_in_at = parse_datetime(request.session.get(auth.AUTH_TIME_SESSION_KEY, ""))
        if logged_in_at is None:
            return True
        return (timezone.now() - logged_in_at).total_seconds() > int(max_age)

    @staticmethod
    def _to_login(request: HttpRequest) -> HttpResponse:
        parts = urlsplit(request.get_full_path())
        query = [
            (key, value)
            for key, value in parse_qsl(parts.query, keep_blank_values=True)
            if key not in _REAUTHENTICATION
        ]
        back = urlunsplit(parts._replace(query=urlencode(query)))
        return HttpResponseRedirect(f"{reverse('portal:login')}?{urlencode({LOGIN_NEXT: back})}")

    def _issue(
        self,
        request: HttpRequest,
        service: ConnectedService,
        person: Person,
        scopes: list[str],
        credentials: dict[str, Any],
    ) -> HttpResponse:
        given = {key: credentials[key] for key in _CREDENTIALS if credentials.get(key) is not None}
        try:
            uri, _headers, _body, _status = self.create_authorization_response(
                request=MemberOAuthRequest(request, person),
                scopes=" ".join(scopes),
                credentials=given,
                allow=True,
            )
        except OAuthToolkitError as error:
            return self._oauth_error(request, error)
        return OAuth2ResponseRedirect(uri, service.get_allowed_schemes())

    def _refusal_uri(
        self, request: HttpRequest, credentials: dict[str, Any], error: str, description: str = ""
    ) -> str:
        params = {"error": error}
        if description:
            params["error_description"] = description
        if credentials.get("state"):
            params["state"] = credentials["state"]
        params["iss"] = oauth2_settings.oauth2_authorization_server_issuer(request)
        return _with_params(credentials["redirect_uri"], params)

    def _refuse(
        self,
        request: HttpRequest,
        service: ConnectedService,
        credentials: dict[str, Any],
        error: str,
        description: str = "",
    ) -> HttpResponse:
        """Send an OpenID Connect error to the service's validated redirect URI."""
        uri = self._refusal_uri(request, credentials, error, description)
        return OAuth2ResponseRedirect(uri, service.get_allowed_schemes())

    def _oauth_error(self, request: HttpRequest, error: OAuthToolkitError) -> HttpResponse:
        """A fatal error (unknown client, unregistered redirect URI) is shown, never
        redirected; any other goes back to the service as oauthlib describes it."""
        redirect, response = self.error_response(error)
        if not redirect or isinstance(error, FatalClientError):
            oauthlib_error = error.oauthlib_error
            return render(
                request,
                "identity/error.html",
                {"error": oauthlib_error.error, "description": oauthlib_error.description},
                status=oauthlib_error.status_code,
            )
        issuer = oauth2_settings.oauth2_authorization_server_issuer(request)
        return OAuth2ResponseRedirect(
            _with_params(response["url"], {"iss": issuer}),
            oauth2_settings.ALLOWED_REDIRECT_URI_SCHEMES,
        )


class DiscoveryView(ConnectDiscoveryInfoView):
    """DOT's discovery document, plus what DOT leaves out and we support."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().get(request, *args, **kwargs)
        if response.status_code != 200:
            return response
        data = json.loads(response.content)
        data["grant_types_supported"] = ["authorization_code", "refresh_token"]
        data["revocation_endpoint"] = self._get_endpoint_url(request, "revoke-token")
        data["prompt_values_supported"] = ["none", "login", "consent"]
        data["claims_parameter_supported"] = False
        document = JsonResponse(data)
        document["Access-Control-Allow-Origin"] = "*"
        return document


class MemberLogoutView(RPInitiatedLogoutView):
    """RP-initiated logout: ends the member session (not a staff one).

    DOT validates ``id_token_hint``, ``client_id`` and ``post_logout_redirect_uri``;
    here the member takes the place of ``request.user``. Only the tokens the logging-out
    service holds for this member are revoked: logging out of the e-book platform does
    not end the member's sessions at other services.
    """

    template_name = "identity/logout.html"

    def must_prompt(self, token_user: Any) -> bool:
        member = auth.current_member(self.request)
        if member is None:
            return False
        # OpenID Connect RP-Initiated Logout §2: ask unless the hint names this member.
        return token_user is None or token_user.pk != member.pk

    def do_logout(
        self,
        application: Any = None,
        post_logout_redirect_uri: str | None = None,
        state: str | None = None,
        token_user: Any = None,
    ) -> HttpResponse:
        person = token_user or auth.current_member(self.request)
        if person is not None and application is not None:
            services.service_tokens_revoke(person=person, service=application)
        auth.member_logout(self.request)
        if post_logout_redirect_uri and application is not None:
            target = post_logout_redirect_uri
            if state:
                target = _with_params(target, {"state": state})
            return OAuth2ResponseRedirect(target, application.get_allowed_schemes())
        return HttpResponseRedirect(reverse("portal:home"))

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        response = super().render_to_response(context, **kwargs)
        target = self.oidc_data.get("post_logout_redirect_uri") if self.oidc_data else None
        if target:
            _allow_form_to(response, target)
        return response
