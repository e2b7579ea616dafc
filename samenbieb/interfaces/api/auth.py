"""Who is calling: a member through a connected service (an OIDC access token with the
``account`` scope, ADR 8) or a library's system (a staff API token).

Member tokens are checked by Django OAuth Toolkit with our validator (expiry, revocation,
switched-off accounts and services), so the API accepts exactly what the provider issued.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer
from oauth2_provider.oauth2_backends import get_oauthlib_core

from samenbieb.identity.scopes import ACCOUNT
from samenbieb.interfaces.api.errors import InsufficientScope
from samenbieb.interfaces.api.models import ApiToken
from samenbieb.interfaces.api.queries import api_token_active
from samenbieb.interfaces.api.services import api_token_used
from samenbieb.members.models import Person
from samenbieb.network import tenancy


@dataclass(frozen=True)
class MemberCaller:
    person: Person
    service_id: int
    throttle_kind = "member"

    @property
    def throttle_ident(self) -> str:
        return f"{self.person.pk}:{self.service_id}"


@dataclass(frozen=True)
class StaffCaller:
    token: ApiToken
    # The token's maker, narrowed to the token's organisation and capabilities.
    actor: Any
    throttle_kind = "staff"

    @property
    def throttle_ident(self) -> str:
        return str(self.token.pk)


class MemberToken(HttpBearer):
    """An access token from Samenbieb's OpenID Connect provider with the scope ``account``."""

    def authenticate(self, request: HttpRequest, token: str) -> MemberCaller | None:
        if not token or len(token) > 255:
            return None
        valid, oauth_request = get_oauthlib_core().verify_request(request, scopes=[])
        if not valid or oauth_request is None:
            return None
        access_token = oauth_request.access_token
        if not access_token.allow_scopes([ACCOUNT]):
            raise InsufficientScope(ACCOUNT)
        return MemberCaller(person=oauth_request.user, service_id=access_token.application_id)


class StaffToken(HttpBearer):
    """A staff API token (``sbk_…``) of one organisation; see ``samenbieb api_token``."""

    def authenticate(self, request: HttpRequest, token: str) -> StaffCaller | None:
        found = api_token_active(token)
        if found is None:
            return None
        api_token_used(token=found)
        actor = tenancy.narrowed(
            found.created_by,
            organisation_id=found.organisation_id,
            capabilities=found.capability_list,
        )
        return StaffCaller(token=found, actor=actor)


def member_of(request: HttpRequest) -> Person:
    caller: MemberCaller = request.auth  # type: ignore[attr-defined]
    return caller.person


def staff_of(request: HttpRequest) -> StaffCaller:
    caller: StaffCaller = request.auth  # type: ignore[attr-defined]
    return caller
