"""Every door into Samenbieb, in one table, for the security tests.

A door is an address (or a protocol) through which people or machines reach data. The
tests in this folder run over ``HTTP_DOORS``: a new door (the REST API under /api/v1,
OAI-PMH, SRU) joins every header, CSRF, injection and tenant test by adding its pages
here. SIP2, not being HTTP, has its own tests beside these (test_sip2_pin_limit.py,
test_crash.py, test_no_personal_data_in_logs.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class Page:
    door: str  # portal, desk, admin, oidc, well-known, public-api, api, oai, sru
    name: str
    url: Callable[[], str]
    who: str = "anonymous"  # anonymous, member or staff: who opens it in the tests
    kind: str = "html"  # html, json, xml or text

    @property
    def id(self) -> str:
        return f"{self.door}:{self.name}"


def _url(name: str, *args: object, query: str = "") -> Callable[[], str]:
    def build() -> str:
        return reverse(name, args=args) + (f"?{query}" if query else "")

    return build


HTTP_DOORS: list[Page] = [
    Page("portal", "home", _url("portal:home")),
    Page("portal", "libraries", _url("portal:libraries")),
    Page("portal", "search", _url("portal:search", query="q=havelaar")),
    Page("portal", "login", _url("portal:login")),
    Page("portal", "register", _url("portal:register")),
    Page("portal", "help-near-me", _url("portal:help_near_me")),
    Page("portal", "account", _url("portal:account"), who="member"),
    Page("desk", "login", _url("desk:login")),
    Page("desk", "home", _url("desk:home"), who="staff"),
    Page("desk", "items", _url("desk:items"), who="staff"),
    Page("desk", "members", _url("desk:members", query="q=de"), who="staff"),
    Page("desk", "circulation", _url("desk:circulation"), who="staff"),
    Page("desk", "incidents", _url("desk:incidents"), who="staff"),
    Page("admin", "index", _url("admin:index"), who="staff"),
    Page("admin", "branches", _url("admin:network_branch_changelist"), who="staff"),
    Page("oidc", "discovery", _url("oauth2_provider:oidc-connect-discovery-info"), kind="json"),
    Page("oidc", "jwks", _url("oauth2_provider:jwks-info"), kind="json"),
    Page("well-known", "security.txt", _url("security-txt"), kind="text"),
    Page("api", "openapi", lambda: "/api/v1/openapi.json", kind="json"),
    Page("api", "docs", lambda: "/api/v1/docs"),
    Page("api", "records", lambda: "/api/v1/records?q=havelaar", kind="json"),
    Page("oai", "identify", _url("oai:oai", query="verb=Identify"), kind="xml"),
    Page("sru", "explain", _url("sru:sru"), kind="xml"),
    Page(
        "public-api",
        "help-near-me",
        _url("portal:help_near_me_api", query="plaats=Utrecht"),
        kind="json",
    ),
]


def reachable(page: Page) -> bool:
    """False for a door whose URLs are not there (yet) in this build."""
    try:
        page.url()
    except NoReverseMatch:
        return False
    return True
