"""Every text a person can see exists in Dutch and in English: the Dutch catalogue is
complete and current, and nothing is written in Dutch where English belongs (English
on the pages themselves: tests/journeys/test_english.py)."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import samenbieb

PACKAGE = Path(samenbieb.__file__).resolve().parent


def _samenbieb_command() -> str:
    return shutil.which("samenbieb") or str(Path(sys.executable).with_name("samenbieb"))


def test_every_message_in_the_source_has_a_dutch_translation(tmp_path: Path):
    # Extract the messages afresh from a copy of the source, so a string added to a
    # template or to Python code without a translation fails here.
    copy = tmp_path / "samenbieb"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    subprocess.run(
        [_samenbieb_command(), "makemessages", "-l", "nl", "--ignore", "*/migrations/*", "-v0"],
        cwd=copy,
        check=True,
    )
    catalogue = copy / "locale" / "nl" / "LC_MESSAGES" / "django.po"
    for flag in ("--untranslated", "--only-fuzzy"):
        result = subprocess.run(
            ["msgattrib", flag, "--no-obsolete", str(catalogue)],
            capture_output=True,
            text=True,
            check=True,
        )
        missing = [line for line in result.stdout.splitlines() if line.startswith("msgid ")]
        missing = [line for line in missing if line != 'msgid ""']
        assert not missing, f"{flag[2:]} Dutch messages:\n" + "\n".join(missing)


def test_the_dutch_catalogue_compiles_without_errors():
    catalogue = PACKAGE / "locale" / "nl" / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(catalogue)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


# English: the msgids are the English text, so the English catalogue needs no msgstr; what
# can make English incomplete is Dutch where English belongs. Whole words that are Dutch
# and not English (names such as "van" and "de" are left out: they are both).
DUTCH_WORDS = frozenset(
    [
        "je",
        "jouw",
        "jij",
        "niet",
        "het",
        "een",
        "wordt",
        "geen",
        "uw",
        "naar",
        "kunt",
        "bent",
        "heeft",
        "hebt",
        "deze",
        "dit",
        "wij",
        "onze",
        "alleen",
        "lenen",
        "zoeken",
        "inloggen",
        "uitloggen",
        "vestiging",
        "reserveren",
        "pasnummer",
        "wachtwoord",
        "terug",
        "ophalen",
        "en",
        "voor",
        "bij",
        "met",
        "ook",
        "maar",
        "nog",
        "wat",
        "hoe",
        "waar",
        "kan",
        "moet",
        "zijn",
        "worden",
        "uitlenen",
        "graag",
        "welkom",
        "aanmelden",
        "opslaan",
        "annuleren",
        "verwijderen",
        "betalen",
    ]
)
# Text that is the same in both languages.
LANGUAGE_FREE = frozenset(["CSV", "ISBN", "JSON", "Samenbieb"])


def _dutch_words(text: str) -> set[str]:
    return set(re.findall(r"[a-zà-ÿ]+", text.lower())) & DUTCH_WORDS


def test_the_english_catalogue_compiles_and_has_no_fuzzy_entries():
    catalogue = PACKAGE / "locale" / "en" / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(catalogue)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    fuzzy = subprocess.run(
        ["msgattrib", "--only-fuzzy", "--no-obsolete", str(catalogue)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert [line for line in fuzzy.splitlines() if line.startswith("msgid ")] in ([], ['msgid ""'])


def test_every_message_is_written_in_english():
    catalogue = (PACKAGE / "locale" / "nl" / "LC_MESSAGES" / "django.po").read_text()
    msgids = ["".join(re.findall(r'"(.*)"', raw)) for raw in MSGID.findall(catalogue)]
    dutch = [msgid for msgid in msgids if len(_dutch_words(msgid)) >= 2]
    assert not dutch, "msgids in Dutch (write them in English):\n" + "\n".join(dutch)


def test_templates_have_no_text_outside_the_translation_tags():
    found = []
    for template in sorted(PACKAGE.rglob("templates/**/*.html")):
        if template.name == "500.html":
            continue  # on purpose in both languages, without the translation system
        found += [f"{template.relative_to(PACKAGE)}: {text}" for text in _template_text(template)]
    assert not found, "text outside {% translate %} in templates:\n" + "\n".join(found)


def test_python_code_has_no_dutch_text_outside_the_translation_system():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = str(path.relative_to(PACKAGE))
        # Data, not texts: the demo's and the generators' Dutch names, migrations, and the
        # search's Dutch stop words.
        if re.search(r"demo|generate|migrations/|search/text\.py", relative):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
                continue
            text = node.value
            if "/" in text and " " not in text:
                continue  # a URL path (Dutch on purpose)
            if len(_dutch_words(text)) >= 2:
                found.append(f"{relative}:{node.lineno}: {text[:80]!r}")
    assert not found, "Dutch text in Python code (write English in _()):\n" + "\n".join(found)


MSGID = re.compile(r'^msgid ((?:".*"\n)+)', re.MULTILINE)
ATTRIBUTES = ("alt", "title", "placeholder", "aria-label")


class _TemplateText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._hidden = 0

    def _keep(self, text: str) -> None:
        text = " ".join(text.replace("\x00", " ").split())
        words = re.findall(r"[^\W\d_]+", text)
        if words and not set(words) <= LANGUAGE_FREE:
            self.found.append(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1
        for name, value in attrs:
            if name in ATTRIBUTES and value:
                self._keep(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self._keep(data)


def _template_text(path: Path) -> list[str]:
    """Visible text in a template that is not inside {% blocktranslate %}, not a variable
    and not a tag; block contents that are no text (a body's CSS class) are skipped."""
    from django.template.base import Lexer, TokenType

    pieces: list[str] = []
    inside = 0  # in {% blocktranslate %} or {% block body_class %}
    for token in Lexer(path.read_text()).tokenize():
        words = token.contents.split()
        if token.token_type == TokenType.BLOCK:
            if words[0] in ("blocktranslate", "blocktrans") or words[:2] == ["block", "body_class"]:
                inside += 1
            elif words[0] in ("endblocktranslate", "endblocktrans") or (
                inside and words[0] == "endblock"
            ):
                inside -= 1
            pieces.append(" ")
        elif token.token_type == TokenType.VAR:
            pieces.append("\x00")
        elif token.token_type == TokenType.TEXT:
            pieces.append("\x00" if inside else token.contents)
    parser = _TemplateText()
    parser.feed("".join(pieces))
    return parser.found
