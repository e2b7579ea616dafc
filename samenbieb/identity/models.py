"""Connected services (OpenID Connect clients) and the protocol state of members' logins.

Django OAuth Toolkit's five models are swapped for the ones here (docs/decisions/0008):
the resource owner of every grant and token is a member (``members.Person``), never a
staff account. All five are created in this app's first migration, which depends on
nothing of DOT's, so DOT's own migrations (which wait for the swapped models) can
never form a cycle with ours.

None of these models is tenant-owned: a connected service serves the members of every
library (it is network-level), and grants, tokens and consents are never shown to staff.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from oauth2_provider.models import (
    AbstractAccessToken,
    AbstractApplication,
    AbstractGrant,
    AbstractIDToken,
    AbstractRefreshToken,
)

from samenbieb.identity.scopes import OPENID, SCOPES

# Redirect URIs over plain http are accepted for these hosts only, and only where
# settings allow http at all (development and tests): the redirect never leaves the machine.
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def _host(uri: str) -> str:
    return (urlsplit(uri).hostname or "").lower()


class ConnectedService(AbstractApplication):
    """A service members log in to through Samenbieb: DOT's Application, network-wide.

    Registered by network administrators; ``user`` is the staff member who did so.
    Only the authorization code flow (with PKCE) and RS256-signed ID tokens are used.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    display_name = models.CharField(
        _("name shown to members"),
        max_length=100,
        help_text=_("In Dutch, as members know the service: 'Nationaal e-bookplatform'."),
    )
    description = models.TextField(
        _("description for members"),
        blank=True,
        help_text=_("One or two sentences in plain Dutch, shown when a member logs in."),
    )
    scopes = models.CharField(
        _("scopes"),
        max_length=200,
        default=OPENID,
        help_text=_("The scopes this service may ask for, separated by spaces."),
    )
    sector_identifier = models.CharField(
        _("sector"),
        max_length=255,
        blank=True,
        help_text=_(
            "Services with the same sector get the same member number (pairwise 'sub'). "
            "Empty: the host name of the redirect URIs. Fixed once the service is registered."
        ),
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("An inactive service cannot log anyone in.")
    )

    class Meta:
        verbose_name = _("connected service")
        verbose_name_plural = _("connected services")
        ordering = ["display_name", "id"]

    def __str__(self) -> str:
        return self.display_name or self.name or self.client_id

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()

    @property
    def sector(self) -> str:
        """The sector of the pairwise subject identifier (OpenID Connect Core §8.1)."""
        if self.sector_identifier:
            return self.sector_identifier.strip().lower()
        uris = self.redirect_uris.split()
        return _host(uris[0]) if uris else ""

    def redirect_uri_allowed(self, uri: str) -> bool:
        if urlsplit(uri).scheme == "http" and _host(uri) not in LOOPBACK_HOSTS:
            return False
        return bool(super().redirect_uri_allowed(uri))

    def is_usable(self, request: Any) -> bool:
        return self.is_active

    def clean(self) -> None:
        errors: dict[str, list[Any]] = {}
        try:
            super().clean()
        except ValidationError as exc:
            errors.update(exc.message_dict)
        if self.authorization_grant_type != self.GRANT_AUTHORIZATION_CODE:
            errors.setdefault("authorization_grant_type", []).append(
                _("Connected services use the authorization code flow only.")
            )
        if self.algorithm != self.RS256_ALGORITHM:
            errors.setdefault("algorithm", []).append(_("ID tokens are signed with RS256 only."))
        unknown = [name for name in self.scope_list if name not in SCOPES]
        if unknown or OPENID not in self.scope_list:
            errors.setdefault("scopes", []).append(
                _("Use 'openid' and any of: %(scopes)s.") % {"scopes": ", ".join(SCOPES)}
            )
        uris = self.redirect_uris.split() + self.post_logout_redirect_uris.split()
        if any(urlsplit(uri).scheme == "http" and _host(uri) not in LOOPBACK_HOSTS for uri in uris):
            errors.setdefault("redirect_uris", []).append(
                _("Use https; plain http only for localhost while developing.")
            )
        hosts = {_host(uri) for uri in self.redirect_uris.split()}
        if not self.sector_identifier and len(hosts) > 1:
            errors.setdefault("sector_identifier", []).append(
                _("The redirect URIs have different host names: set the sector.")
            )
        if errors:
            raise ValidationError(errors)


class Grant(AbstractGrant):
    """An authorization code. Kept after redemption so that a second use is recognised
    and the tokens of the first are revoked (RFC 6749 §4.1.2)."""

    user = models.ForeignKey(
        "members.Person",
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    redeemed_at = models.DateTimeField(_("redeemed at"), null=True, blank=True)

    class Meta(AbstractGrant.Meta):
        verbose_name = _("authorization code")
        verbose_name_plural = _("authorization codes")


class AccessToken(AbstractAccessToken):
    user = models.ForeignKey(
        "members.Person",
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    grant = models.ForeignKey(
        Grant,
        verbose_name=_("authorization code"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="access_tokens",
    )

    class Meta(AbstractAccessToken.Meta):
        verbose_name = _("access token")
        verbose_name_plural = _("access tokens")


class RefreshToken(AbstractRefreshToken):
    user = models.ForeignKey(
        "members.Person",
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta(AbstractRefreshToken.Meta):
        verbose_name = _("refresh token")
        verbose_name_plural = _("refresh tokens")


class IDToken(AbstractIDToken):
    user = models.ForeignKey(
        "members.Person",
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta(AbstractIDToken.Meta):
        verbose_name = _("ID token")
        verbose_name_plural = _("ID tokens")


class ServiceConsent(models.Model):
    """What a member agreed a service may receive, so the next login does not ask again.

    ``scopes`` only ever grows by the member's own consent; a request for a scope not
    in it shows the consent screen again.
    """

    person = models.ForeignKey(
        "members.Person",
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="service_consents",
    )
    service = models.ForeignKey(
        ConnectedService,
        verbose_name=_("connected service"),
        on_delete=models.CASCADE,
        related_name="consents",
    )
    scopes = models.CharField(_("scopes"), max_length=200)
    granted_at = models.DateTimeField(_("first granted at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed at"), auto_now=True)

    class Meta:
        verbose_name = _("consent for a connected service")
        verbose_name_plural = _("consents for connected services")
        constraints = [
            models.UniqueConstraint(fields=["person", "service"], name="service_consent_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.service_id}: {self.scopes}"

    def covers(self, scopes: list[str]) -> bool:
        return set(scopes) <= set(self.scopes.split())
