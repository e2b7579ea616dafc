"""DOT's request validator, adapted to members as resource owners (docs/decisions/0008).

What changes from Django OAuth Toolkit's own validator:

- claims: a pairwise ``sub`` and only the claims of the granted scopes
  (:mod:`samenbieb.identity.claims`);
- authorization codes are kept after redemption, so a second use is refused *and*
  revokes the tokens of the first (RFC 6749 §4.1.2); redemption is a conditional
  update inside the token transaction, so two concurrent redemptions cannot both win;
- refresh is refused once the member's account or membership no longer allows
  connected services;
- ID tokens are verified against every published key (the active and the inactive
  ones, found by ``kid``), so an ``id_token_hint`` signed before a key rotation still
  works;
- ``prompt=none`` is decided by :mod:`samenbieb.identity.views`, which knows the member
  session; oauthlib validates the request before the member is attached to it.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.db import router, transaction
from django.utils import timezone
from jwcrypto import jwk, jws
from jwcrypto.common import JWException
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.settings import oauth2_settings
from oauth2_provider.utils import jwk_from_pem
from oauthlib.common import Request
from oauthlib.oauth2.rfc6749 import errors

from samenbieb.core.audit import audit_record
from samenbieb.identity import services
from samenbieb.identity.claims import member_claims
from samenbieb.identity.models import AccessToken, Grant
from samenbieb.identity.queries import member_refusal
from samenbieb.identity.scopes import CLAIM_SCOPES

_ISSUED = "_samenbieb_access_token"


class MemberOAuth2Validator(OAuth2Validator):
    oidc_claim_scope = CLAIM_SCOPES

    # --- claims -----------------------------------------------------------------------

    def get_discovery_claims(self, request: Any) -> list[str]:
        return list(CLAIM_SCOPES)

    def get_oidc_claims(self, token: Any, token_handler: Any, request: Request) -> dict[str, Any]:
        return member_claims(
            person=request.user, sector=request.client.sector, scopes=list(request.scopes)
        )

    # --- prompt=none: decided in the view ----------------------------------------------

    def validate_silent_login(self, request: Request) -> bool:
        return True

    def validate_silent_authorization(self, request: Request) -> bool:
        return True

    # --- authorization codes ----------------------------------------------------------

    def validate_code(
        self, client_id: str, code: str, client: Any, request: Request, *args: Any, **kwargs: Any
    ) -> bool:
        grant = Grant.objects.filter(code=code, application=client).first()
        if grant is None:
            return False
        if grant.redeemed_at is not None:
            services.code_reuse_revoke(grant=grant)
            return False
        return bool(super().validate_code(client_id, code, client, request, *args, **kwargs))

    def invalidate_authorization_code(
        self, client_id: str, code: str, request: Request, *args: Any, **kwargs: Any
    ) -> None:
        """Nothing to do: :meth:`save_bearer_token` marked the code redeemed, in the same
        transaction as the tokens. Deleting it would forget that it was used."""

    def save_bearer_token(
        self, token: dict[str, Any], request: Request, *args: Any, **kwargs: Any
    ) -> None:
        with transaction.atomic(using=router.db_for_write(AccessToken)):
            grant_id = None
            if request.grant_type == "authorization_code":
                code = Grant.objects.filter(code=request.code, application=request.client)
                # The conditional update is the lock: a concurrent redemption of the same
                # code waits for it, then finds nothing left to update and fails.
                if not code.filter(redeemed_at=None).update(redeemed_at=timezone.now()):
                    raise errors.InvalidGrantError(request=request)
                grant_id = code.values_list("pk", flat=True).first()
            self._save_bearer_token(token, request, *args, **kwargs)
            access_token = getattr(request, _ISSUED, None)
            if access_token is None:
                return
            if grant_id is not None:
                AccessToken.objects.filter(pk=access_token.pk).update(grant_id=grant_id)
            audit_record(
                actor=None,
                event_type="identity.token.issued",
                organisation_id=request.user.home_organisation_id,
                target=access_token,
                details={
                    "service": request.client.pk,
                    "grant_type": request.grant_type,
                    "scopes": token["scope"].split(),
                },
            )

    def _create_access_token(
        self, expires: Any, request: Request, token: Any, source_refresh_token: Any = None
    ) -> AccessToken:
        access_token: AccessToken = super()._create_access_token(
            expires, request, token, source_refresh_token=source_refresh_token
        )
        setattr(request, _ISSUED, access_token)
        return access_token

    # --- refresh and resource access --------------------------------------------------

    def validate_refresh_token(
        self, refresh_token: str, client: Any, request: Request, *args: Any, **kwargs: Any
    ) -> bool:
        if not super().validate_refresh_token(refresh_token, client, request, *args, **kwargs):
            return False
        return member_refusal(request.user) is None

    def validate_user(
        self, username: str, password: str, client: Any, request: Request, *args: Any, **kwargs: Any
    ) -> bool:
        """No password grant, ever. DOT would check the password against Django's auth
        backends, i.e. staff accounts: refusing before any check keeps the token endpoint
        from telling anyone whether a staff password is right."""
        return False

    def validate_bearer_token(self, token: str, scopes: list[str], request: Request) -> bool:
        # RFC 9700 §4.3.2: never in the query string (DOT's gate covers only its
        # protected-resource views, not oauthlib's userinfo endpoint).
        if "access_token" in parse_qs(urlsplit(request.uri).query):
            request.oauth2_error = OrderedDict([("error", "invalid_request")])
            return False
        if not super().validate_bearer_token(token, scopes, request):
            return False
        if not request.user.is_active:
            request.oauth2_error = OrderedDict([("error", "invalid_token")])
            return False
        return True

    # --- keys -------------------------------------------------------------------------

    def _get_key_for_token(self, token: str) -> jwk.JWK | None:
        """The published key that signed ``token``, active or inactive, by its ``kid``."""
        unverified = jws.JWS()
        unverified.deserialize(token)
        try:
            kid = unverified.jose_header.get("kid")
        except JWException:
            return None
        pems = [
            oauth2_settings.OIDC_RSA_PRIVATE_KEY,
            *oauth2_settings.OIDC_RSA_PRIVATE_KEYS_INACTIVE,
        ]
        for pem in pems:
            key = jwk_from_pem(pem)
            if key.thumbprint() == kid:
                return key
        return None
