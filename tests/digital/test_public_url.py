"""SAMENBIEB_PUBLIC_URL: the portal's address in printed links, checked at start-up."""

from __future__ import annotations

import pytest

from samenbieb.config.env import ConfigError, Environment, public_url


def test_without_a_public_url_links_take_the_requests_host():
    assert public_url(Environment({})) == ""


@pytest.mark.parametrize(
    "raw",
    ["https://bibliotheek.example", "https://bibliotheek.example/", " http://a.example:8000 "],
)
def test_a_public_url_is_kept_without_trailing_slash(raw):
    assert public_url(Environment({"SAMENBIEB_PUBLIC_URL": raw})) == raw.strip().rstrip("/")


@pytest.mark.parametrize(
    "raw",
    [
        "bibliotheek.example",
        "ftp://bibliotheek.example",
        "https://",
        "https://bibliotheek.example/portaal",
        "https://bibliotheek.example/?a=1",
    ],
)
def test_a_public_url_that_is_not_a_bare_site_address_stops_start_up(raw):
    with pytest.raises(ConfigError, match="SAMENBIEB_PUBLIC_URL"):
        public_url(Environment({"SAMENBIEB_PUBLIC_URL": raw}))
