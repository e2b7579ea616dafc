"""Connected-service logins' personal data for the registry (samenbieb.privacy)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from samenbieb.core.audit import audit_record
from samenbieb.identity.models import (
    AccessToken,
    Grant,
    IDToken,
    RefreshToken,
    ServiceConsent,
)
from samenbieb.members.models import Person
from samenbieb.privacy.registry import Contributor, Processing, register


def export(person: Person) -> dict[str, Any]:
    """Which services the member allowed, and which still hold a login; never a token."""
    return {
        "service_consents": [
            {
                "service": consent.service.display_name,
                "scopes": consent.scopes.split(),
                "first_granted_at": consent.granted_at.isoformat(),
                "last_changed_at": consent.updated_at.isoformat(),
            }
            for consent in ServiceConsent.objects.filter(person=person).select_related("service")
        ],
        "logged_in_at": sorted(
            {
                token.application.display_name
                for token in AccessToken.objects.filter(user=person).select_related("application")
                if token.application is not None
            }
        ),
    }


def anonymise(person: Person, now: dt.datetime) -> int:
    """Every service loses the member's login and consent at once."""
    count = RefreshToken.objects.filter(user=person).delete()[0]
    count += AccessToken.objects.filter(user=person).delete()[0]
    count += IDToken.objects.filter(user=person).delete()[0]
    count += Grant.objects.filter(user=person).delete()[0]
    count += ServiceConsent.objects.filter(person=person).delete()[0]
    if count:
        audit_record(
            actor=None,
            event_type="identity.person.logins_removed",
            organisation_id=person.home_organisation_id,
            person=person,
            details={"rows": count},
        )
    return count


def _tokens() -> str:
    days = int(str(settings.OAUTH2_PROVIDER.get("REFRESH_TOKEN_EXPIRE_SECONDS", 0))) // 86400
    return str(
        _(
            "Login codes and tokens last minutes to %(days)s days; consents until the member "
            "withdraws them or is erased."
        )
        % {"days": days}
    )


register(
    Contributor(
        key="identity",
        label=_("Logins at connected services"),
        models=(
            "identity.grant",
            "identity.accesstoken",
            "identity.refreshtoken",
            "identity.idtoken",
            "identity.serviceconsent",
        ),
        export=export,
        anonymise=anonymise,
        order=30,
        processing=(
            Processing(
                name=_("Single login for connected services (OpenID Connect)"),
                purpose=_("Let a member log in once at services such as the e-book platform."),
                legal_basis=_("Consent, given per service on the consent screen"),
                categories=(
                    _("which services, with which scopes"),
                    _("a different member number per service"),
                ),
                retention=_tokens,
                recipients=_("Only the claims the member agreed to, per service."),
            ),
        ),
    )
)
