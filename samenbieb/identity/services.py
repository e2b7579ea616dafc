"""State changes of connected services and of members' logins to them.

Registering and changing a service is for the network (see
:func:`samenbieb.identity.queries.may_manage_services`); ``actor`` is that staff member,
or ``None`` for the system (the command line, the demo). A member's consent is given by
the member themselves through the portal, so its actor is ``None`` as well. Audit
details hold ids and scope names, never a token, a secret or personal data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.generators import generate_client_secret

from samenbieb.core.audit import audit_record
from samenbieb.core.errors import NotPermitted
from samenbieb.identity.errors import InvalidService
from samenbieb.identity.models import (
    AccessToken,
    ConnectedService,
    Grant,
    IDToken,
    RefreshToken,
    ServiceConsent,
)
from samenbieb.identity.queries import may_manage_services
from samenbieb.members.models import Person
from samenbieb.network.models import StaffUser


@dataclass(frozen=True)
class RegisteredService:
    service: ConnectedService
    # Shown once: only its hash is stored. None for a public client.
    client_secret: str | None


def _require(actor: StaffUser | None) -> None:
    if actor is not None and not may_manage_services(actor):
        raise NotPermitted(_("Only the network may register and change connected services."))


def _validate(service: ConnectedService) -> None:
    try:
        service.full_clean()
    except ValidationError as exc:
        raise InvalidService(exc.message_dict) from None


@transaction.atomic
def connected_service_create(*, actor: StaffUser | None, service: ConnectedService) -> str | None:
    """Save a new connected service as filled in (by the admin form or
    :func:`connected_service_register`), with the settings every service uses.

    Returns the client secret of a confidential service: shown this once, only its hash
    is stored. A public client gets no secret (it proves itself with PKCE alone).
    """
    _require(actor)
    confidential = service.client_type == ConnectedService.CLIENT_CONFIDENTIAL
    secret = generate_client_secret() if confidential else ""
    service.user = actor
    service.authorization_grant_type = ConnectedService.GRANT_AUTHORIZATION_CODE
    service.algorithm = ConnectedService.RS256_ALGORITHM
    service.client_secret = secret
    service.hash_client_secret = True
    service.skip_authorization = False
    service.name = service.name or service.display_name
    _validate(service)
    # Fixed now: a later change of redirect URIs must not give every member a new `sub`.
    service.sector_identifier = service.sector
    service.save()
    audit_record(
        actor=actor,
        event_type="identity.connected_service.registered",
        organisation_id=None,
        target=service,
        details={"client_type": service.client_type, "scopes": service.scope_list},
    )
    return secret or None


def connected_service_register(
    *,
    actor: StaffUser | None,
    display_name: str,
    redirect_uris: Sequence[str],
    scopes: Sequence[str] = ("openid",),
    confidential: bool = True,
    name: str = "",
    description: str = "",
    post_logout_redirect_uris: Sequence[str] = (),
    sector_identifier: str = "",
    client_id: str | None = None,
) -> RegisteredService:
    """Register a connected service; a confidential one gets a secret, shown only now."""
    service = ConnectedService(
        name=name,
        display_name=display_name,
        description=description,
        redirect_uris=" ".join(redirect_uris),
        post_logout_redirect_uris=" ".join(post_logout_redirect_uris),
        client_type=(
            ConnectedService.CLIENT_CONFIDENTIAL if confidential else ConnectedService.CLIENT_PUBLIC
        ),
        scopes=" ".join(scopes),
        sector_identifier=sector_identifier,
    )
    if client_id:
        service.client_id = client_id
    secret = connected_service_create(actor=actor, service=service)
    return RegisteredService(service=service, client_secret=secret)


@transaction.atomic
def connected_service_update(
    *, actor: StaffUser | None, service: ConnectedService, fields: Sequence[str]
) -> ConnectedService:
    """Save changes already made to ``service`` (the admin form's), after validating them."""
    _require(actor)
    _validate(service)
    service.save()
    audit_record(
        actor=actor,
        event_type="identity.connected_service.changed",
        organisation_id=None,
        target=service,
        details={"fields": sorted(fields)},
    )
    return service


@transaction.atomic
def connected_service_secret_reset(*, actor: StaffUser | None, service: ConnectedService) -> str:
    """Give a confidential service a new secret (the old one stops working at once)."""
    _require(actor)
    if service.client_type != ConnectedService.CLIENT_CONFIDENTIAL:
        raise InvalidService({"client_type": [_("A public client has no secret.")]})
    secret = generate_client_secret()
    service.client_secret = secret
    service.save(update_fields=["client_secret", "updated"])
    audit_record(
        actor=actor,
        event_type="identity.connected_service.secret_reset",
        organisation_id=None,
        target=service,
    )
    return secret


@transaction.atomic
def connected_service_delete(*, actor: StaffUser | None, service: ConnectedService) -> None:
    """Remove a service with every grant, token and consent of it."""
    _require(actor)
    audit_record(
        actor=actor,
        event_type="identity.connected_service.deleted",
        organisation_id=None,
        target=service,
    )
    service.delete()


@transaction.atomic
def service_consent_grant(
    *, person: Person, service: ConnectedService, scopes: Sequence[str]
) -> ServiceConsent:
    """Remember that the member lets ``service`` receive ``scopes`` (added to earlier ones);
    only the member themselves grants this (the consent screen), so they are the actor."""
    consent, created = ServiceConsent.objects.select_for_update().get_or_create(
        person=person, service=service, defaults={"scopes": " ".join(sorted(set(scopes)))}
    )
    if not created and not consent.covers(list(scopes)):
        consent.scopes = " ".join(sorted(set(consent.scopes.split()) | set(scopes)))
        consent.save(update_fields=["scopes", "updated_at"])
    audit_record(
        actor=None,
        event_type="identity.consent.granted",
        organisation_id=person.home_organisation_id,
        target=consent,
        details={"service": service.pk, "scopes": sorted(set(scopes))},
        member=person,
    )
    return consent


def _tokens_delete(access_tokens: list[AccessToken]) -> None:
    families = set(
        RefreshToken.objects.filter(access_token__in=access_tokens)
        .exclude(token_family=None)
        .values_list("token_family", flat=True)
    )
    for family in families:
        RefreshToken.revoke_family(family)
    IDToken.objects.filter(pk__in=[token.id_token_id for token in access_tokens]).delete()
    AccessToken.objects.filter(pk__in=[token.pk for token in access_tokens]).delete()


@transaction.atomic
def code_reuse_revoke(*, grant: Grant) -> None:
    """A code came back after it was redeemed: revoke every token issued from it.

    RFC 6749 §4.1.2: the code may have been stolen, so the tokens bought with it are
    no longer trusted, including those refreshed since (the same refresh token family).
    """
    _tokens_delete(list(AccessToken.objects.filter(grant=grant)))
    audit_record(
        actor=None,
        event_type="identity.authorization_code.reused",
        organisation_id=None,
        target=grant,
        details={"service": grant.application_id},
    )


@transaction.atomic
def service_tokens_revoke(*, person: Person, service: ConnectedService) -> None:
    """End what ``service`` holds for the member (their logout there): all its tokens."""
    _tokens_delete(list(AccessToken.objects.filter(user=person, application=service)))
    RefreshToken.objects.filter(user=person, application=service, revoked=None).update(
        revoked=timezone.now(), access_token=None
    )
    audit_record(
        actor=None,
        event_type="identity.token.revoked",
        organisation_id=person.home_organisation_id,
        target=service,
        details={"reason": "logout"},
    )
