"""The query syntax, parsed once into terms that each backend compiles.

``fiets oma`` (all words), ``"de fiets van oma"`` (phrase), ``-oma`` (exclude),
``boek*`` (prefix), ``titel:``/``title:``, ``auteur:``/``author:``,
``onderwerp:``/``subject:`` (a word or a quoted phrase) and ``isbn:``. A bare ISBN is
an ISBN search too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from samenbieb.catalog.search import text as t


class Field(StrEnum):
    TITLE = "title"
    AUTHOR = "author"
    SUBJECT = "subject"


FIELD_NAMES = {
    "titel": Field.TITLE,
    "title": Field.TITLE,
    "auteur": Field.AUTHOR,
    "author": Field.AUTHOR,
    "onderwerp": Field.SUBJECT,
    "subject": Field.SUBJECT,
}


@dataclass(frozen=True)
class Term:
    """One condition on the text: a word (``phrase`` false) or a phrase of words."""

    words: tuple[str, ...]
    field: Field | None = None
    phrase: bool = False
    prefix: bool = False


@dataclass(frozen=True)
class ParsedQuery:
    include: tuple[Term, ...] = ()
    exclude: tuple[Term, ...] = ()
    isbns: tuple[str, ...] = ()
    # The words a record's title or an author's name must equal to rank first.
    title_key: str = ""
    author_key: str = ""
    # The text had searchable words, yet none remained (only stop words, say).
    empty: bool = False

    @property
    def has_text(self) -> bool:
        return bool(self.include or self.exclude or self.isbns or self.empty)


_TOKEN = re.compile(
    r'(?P<neg>-)?(?:(?P<field>[A-Za-z]+):)?(?:"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+))'
)


def parse(text: str) -> ParsedQuery:
    include: list[Term] = []
    exclude: list[Term] = []
    isbns: list[str] = []
    title_words: list[str] = []
    author_words: list[str] = []
    searched = False
    for match in _TOKEN.finditer(text):
        negated = bool(match["neg"])
        name = (match["field"] or "").lower()
        raw = match["phrase"] if match["phrase"] is not None else match["word"] or ""
        field = FIELD_NAMES.get(name)
        if name and field is None and name != "isbn":
            raw = f"{match['field']}:{raw}"  # "Star Wars: ..." is no field
        if name == "isbn" or (not name and match["word"] and t.looks_like_isbn(raw)):
            if not negated and t.isbn_forms(raw):
                isbns.extend(t.isbn_forms(raw))
                searched = True
            continue
        words = t.words(raw)
        if not words:
            continue
        searched = True
        if not negated:
            if field in (None, Field.TITLE):
                title_words.extend(words)
            if field in (None, Field.AUTHOR):
                author_words.extend(words)
        target = exclude if negated else include
        if match["phrase"] is not None and len(words) > 1:
            target.append(Term(tuple(words), field, phrase=True))
            continue
        prefix = raw.endswith("*")
        for word in words:
            if word in t.STOP_WORDS and not prefix:
                continue
            target.append(Term((word,), field, prefix=prefix))
    return ParsedQuery(
        include=tuple(include),
        exclude=tuple(exclude),
        isbns=tuple(dict.fromkeys(isbns)),
        title_key=" ".join(title_words),
        author_key=" ".join(author_words),
        empty=searched and not (include or exclude or isbns),
    )
