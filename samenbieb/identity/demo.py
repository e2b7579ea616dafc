"""The demo's connected service: the national e-book platform, as a public client.

Public (PKCE, no secret), so anyone trying the demo can play the platform with an
OpenID Connect client of their own. Calling it again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from samenbieb.identity.models import ConnectedService
from samenbieb.identity.scopes import SCOPES
from samenbieb.identity.services import connected_service_register

DEMO_CLIENT_ID = "demo-nationale-e-bookplatform"
DEMO_REDIRECT_URI = "https://localhost:8443/callback"


@dataclass(frozen=True)
class DemoService:
    name: str
    client_id: str
    redirect_uri: str
    scopes: str


def demo_service_register() -> DemoService:
    """The demo connected service, registered by the system on first use."""
    service = ConnectedService.objects.filter(client_id=DEMO_CLIENT_ID).first()
    if service is None:
        service = connected_service_register(
            actor=None,
            client_id=DEMO_CLIENT_ID,
            display_name="Nationaal e-bookplatform (demo)",
            description="Leen e-books en luisterboeken met je bibliotheekabonnement.",
            redirect_uris=[DEMO_REDIRECT_URI],
            post_logout_redirect_uris=["https://localhost:8443/"],
            scopes=list(SCOPES),
            confidential=False,
        ).service
    return DemoService(
        name=service.display_name,
        client_id=service.client_id,
        redirect_uri=DEMO_REDIRECT_URI,
        scopes=service.scopes,
    )
