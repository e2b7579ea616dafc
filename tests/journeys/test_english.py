"""Complete English: every page of the journeys, and every page linked from them, reads
in English when English is chosen — no Dutch text is left over.

The msgids are the English text (see tests/i18n), so what can go wrong is Dutch that does
not follow the chosen language: a string translated once at import time, a Dutch text
outside the translation system, a page that forgets the language. The test logs in as a
member and as a desk employee, chooses English, and walks the site from the start pages
(every same-site link, breadth first); on each page it looks for any Dutch sentence of the
Dutch catalogue (ours and Django's) in the visible text.
"""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.translation import trans_real

from samenbieb.demo.members import DEMO_MEMBER_PASSWORD
from samenbieb.network.models import StaffUser
from tests.factories import staff_login

SANNE = "20000000000001"
MAX_PAGES = 120
# Not ours to translate (Django's admin has its own), or not pages (actions, files).
SKIP = re.compile(r"^/(admin/|i18n/|jsi18n/|static/|media/|oidc/|\.well-known/|api/)|/uitloggen/")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{[^}]*\}")


class _Text(HTMLParser):
    """The text a person sees or hears: text outside script and style, and the labels in
    alt, title, aria-label and placeholder attributes. Also the links to follow."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self.lang = ""
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html":
            self.lang = values.get("lang") or ""
        if tag in ("script", "style", "template"):
            self._hidden += 1
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")
        for name in ("alt", "title", "aria-label", "placeholder"):
            if values.get(name):
                self.parts.append(values[name] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def _dutch_sentences() -> list[str]:
    """Every Dutch translation that is not also the English text: its longest literal
    piece (placeholders cut out) with at least two words and twelve characters."""
    with translation.override("nl"):
        catalogue = trans_real.translation("nl")._catalog  # ours merged with Django's
        pieces = set()
        for msgid, msgstr in catalogue.items():
            if not isinstance(msgstr, str) or not msgstr or msgstr == msgid:
                continue
            english = msgid[1] if isinstance(msgid, tuple) else msgid
            if not isinstance(english, str) or msgstr == english:
                continue
            piece = max(PLACEHOLDER.split(msgstr), key=len).strip(" .,:;!?()“”\"'")
            if len(piece) >= 12 and " " in piece and piece not in english:
                pieces.add(" ".join(piece.split()))
    return sorted(pieces)


def _walk(client: Client, starts: list[str], dutch: list[str]) -> tuple[int, list[str]]:
    queue = deque(starts)
    seen = set(starts)
    problems: list[str] = []
    pages = 0
    while queue and pages < MAX_PAGES:
        path = queue.popleft()
        response = client.get(path)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        pages += 1
        parser = _Text()
        parser.feed(response.content.decode())
        if parser.lang != "en":
            problems.append(f'{path}: <html lang="{parser.lang}">, not English')
        text = " ".join(" ".join(parser.parts).split())
        problems += [f"{path}: Dutch left over: “{piece}”" for piece in dutch if piece in text]
        for href in parser.links:
            link, _fragment = urldefrag(href)
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            if SKIP.search(parts.path) or link in seen:
                continue
            seen.add(link)
            queue.append(link)
    return pages, problems


def _english(client: Client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def dutch() -> list[str]:
    sentences = _dutch_sentences()
    assert len(sentences) > 500, "the Dutch catalogue is not loaded"
    return sentences


def test_every_page_reads_in_english_for_members_visitors_and_staff(demo_network, dutch):
    # A visitor, not logged in.
    client = Client()
    _english(client)
    starts = ["/", "/inloggen/", "/aanmelden/", "/hulp-in-de-buurt/?waar=3511"]
    pages, problems = _walk(client, starts, dutch)
    assert pages >= 10, f"a visitor reached only {pages} pages"

    # A member, logged in.
    client = Client()
    _english(client)
    response = client.post("/inloggen/", {"identifier": SANNE, "password": DEMO_MEMBER_PASSWORD})
    assert response.status_code == 302, "the demo member could not log in"
    reached, found = _walk(client, ["/", "/mijn-account/", "/zoeken/?q=de"], dutch)
    assert reached >= 20, f"the member reached only {reached} pages"
    problems += found

    # Desk staff: lending, programmes, and a partner organisation.
    for username, start in [
        ("balie", "/balie/"),
        ("programma", "/balie/"),
        ("partner-gemeente", "/balie/partner/"),
    ]:
        client = Client()
        staff_login(client, StaffUser.objects.get(username=username))
        _english(client)
        reached, found = _walk(client, [start, "/balie/uitlenen/"], dutch)
        assert reached >= 2, f"{username} reached only {reached} pages"
        problems += found
    assert not problems, "\n".join(problems)


def test_the_dutch_check_finds_dutch(demo_network, dutch):
    """The walk can fail: the same pages in Dutch are full of Dutch."""
    pages, problems = _walk(Client(), ["/"], dutch)
    assert pages >= 5
    assert any("Dutch left over" in problem for problem in problems)
    assert any('lang="nl"' in problem for problem in problems)
