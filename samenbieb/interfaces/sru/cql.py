"""A parser for CQL, the Contextual Query Language of SRU (version 1.2 syntax).

Recursive descent over the grammar of the CQL specification::

    cqlQuery      ::= prefixAssignment cqlQuery | scopedClause [sortBy ...]
    scopedClause  ::= scopedClause booleanGroup searchClause | searchClause
    booleanGroup  ::= boolean modifierList?          boolean ::= and | or | not | prox
    searchClause  ::= '(' cqlQuery ')' | index relation searchTerm | searchTerm
    relation      ::= comparitor modifierList?
    comparitor    ::= '=' | '==' | '<>' | '<' | '>' | '<=' | '>=' | name (adj, all, any, …)
    modifierList  ::= ('/' modifierName [comparitorSymbol modifierValue])+
    prefixAssignment ::= '>' [prefix '='] uri

Booleans bind left to right with equal precedence; keywords are case-insensitive; a term
is a word or a "quoted string" (``\\"`` escapes a quote). The parser knows nothing of our
indexes: :mod:`samenbieb.interfaces.sru.query` decides what a parsed query means. A query
the grammar refuses raises :class:`CqlError` with the SRU diagnostic number to answer.

Why our own: the one CQL parser on PyPI (cql-parser 1.0.2, November 2023) is a single
maintainer's port built on a vendored PLY, and it does not tell which SRU diagnostic a
syntax error is. CQL's grammar is small; this file is the whole of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

BOOLEANS = {"and", "or", "not", "prox"}
SYMBOLS = ("==", "<>", "<=", ">=", "=", "<", ">")
_TOKEN = re.compile(
    r"""\s*(?:
        (?P<quoted>"(?:[^"\\]|\\.)*")
      | (?P<unterminated>"(?:[^"\\]|\\.)*)
      | (?P<symbol>==|<>|<=|>=|[=<>()/])
      | (?P<word>[^\s()=<>"/]+)
    )""",
    re.VERBOSE | re.DOTALL,
)


class CqlError(Exception):
    """A query that cannot be parsed: ``diagnostic`` is the SRU diagnostic number."""

    def __init__(self, diagnostic: int, message: str, details: str = "") -> None:
        super().__init__(message)
        self.diagnostic = diagnostic
        self.message = message
        self.details = details


@dataclass(frozen=True)
class Modifier:
    name: str
    comparison: str = ""
    value: str = ""


@dataclass(frozen=True)
class SearchClause:
    """``index relation term``; a bare term has index ``cql.serverchoice`` and relation ``=``.

    ``index`` and ``relation`` are lower case; ``term`` is as written, unquoted.
    """

    index: str
    relation: str
    term: str
    modifiers: tuple[Modifier, ...] = ()
    quoted: bool = False


@dataclass(frozen=True)
class BooleanClause:
    operator: str  # and, or, not, prox (lower case)
    left: Node
    right: Node
    modifiers: tuple[Modifier, ...] = ()


Node = SearchClause | BooleanClause


@dataclass(frozen=True)
class Query:
    root: Node
    # prefix → context set identifier, from ">dc=info:srw/…" assignments
    prefixes: dict[str, str] = field(default_factory=dict)
    sort_keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Token:
    kind: str  # quoted, symbol, word
    text: str  # the unquoted text for a quoted string

    def is_symbol(self, *symbols: str) -> bool:
        return self.kind == "symbol" and self.text in symbols

    def is_keyword(self, *words: str) -> bool:
        return self.kind == "word" and self.text.lower() in words


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            if text[position:].strip():
                raise CqlError(10, "Query syntax error", text[position:])
            break
        position = match.end()
        if match["unterminated"] is not None:
            raise CqlError(14, "Invalid or unsupported use of quotes", match["unterminated"])
        if match["quoted"] is not None:
            tokens.append(_Token("quoted", re.sub(r"\\(.)", r"\1", match["quoted"][1:-1])))
        elif match["symbol"] is not None:
            tokens.append(_Token("symbol", match["symbol"]))
        elif match["word"] is not None:
            tokens.append(_Token("word", match["word"]))
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.position = 0
        self.prefixes: dict[str, str] = {}

    def peek(self, ahead: int = 0) -> _Token | None:
        index = self.position + ahead
        return self.tokens[index] if index < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.peek()
        if token is None:
            raise CqlError(10, "Query syntax error", "the query ends too early")
        self.position += 1
        return token

    def query(self) -> Node:
        while (token := self.peek()) is not None and token.is_symbol(">"):
            self.prefix_assignment()
        node = self.search_clause()
        while (token := self.peek()) is not None and token.kind == "word":
            if token.text.lower() not in BOOLEANS:
                break
            self.take()
            modifiers = self.modifiers()
            node = BooleanClause(token.text.lower(), node, self.search_clause(), modifiers)
        return node

    def prefix_assignment(self) -> None:
        self.take()  # ">"
        first = self.term()
        nxt = self.peek()
        if nxt is not None and nxt.is_symbol("="):
            self.take()
            self.prefixes[first.text.lower()] = self.term().text
        else:
            self.prefixes[""] = first.text

    def term(self) -> _Token:
        token = self.take()
        if token.kind == "symbol":
            raise CqlError(10, "Query syntax error", f"a term was expected, not {token.text}")
        return token

    def search_clause(self) -> Node:
        token = self.peek()
        if token is None:
            raise CqlError(10, "Query syntax error", "a search term was expected")
        if token.is_symbol("("):
            self.take()
            node = self.query()
            closing = self.peek()
            if closing is None or not closing.is_symbol(")"):
                raise CqlError(13, "Invalid or unsupported use of parentheses", "missing )")
            self.take()
            return node
        if token.is_symbol(")"):
            raise CqlError(13, "Invalid or unsupported use of parentheses", "unexpected )")
        first = self.term()
        relation = self.peek()
        if (
            relation is None
            or relation.is_symbol(")")
            or self._is_boolean(relation)
            or relation.is_keyword("sortby")
        ):
            return SearchClause("cql.serverchoice", "=", first.text, quoted=first.kind == "quoted")
        if first.kind == "quoted":
            raise CqlError(10, "Query syntax error", "an index name cannot be quoted")
        if relation.is_symbol(*SYMBOLS) or relation.kind == "word":
            self.take()
        else:
            raise CqlError(
                10, "Query syntax error", f"a relation was expected, not {relation.text}"
            )
        modifiers = self.modifiers()
        term = self.term()
        return SearchClause(
            first.text.lower(),
            relation.text.lower(),
            term.text,
            modifiers,
            quoted=term.kind == "quoted",
        )

    def _is_boolean(self, token: _Token) -> bool:
        # "a and b": "and" followed by a term is a boolean; "dc.title and" would not parse.
        return token.kind == "word" and token.text.lower() in BOOLEANS

    def modifiers(self) -> tuple[Modifier, ...]:
        found = []
        while (token := self.peek()) is not None and token.is_symbol("/"):
            self.take()
            name = self.term().text.lower()
            comparison = self.peek()
            if comparison is not None and comparison.is_symbol(*SYMBOLS):
                self.take()
                found.append(Modifier(name, comparison.text, self.term().text))
            else:
                found.append(Modifier(name))
        return tuple(found)

    def sort_keys(self) -> tuple[str, ...]:
        keys = []
        while (token := self.peek()) is not None:
            self.take()
            keys.append(token.text)
        return tuple(keys)


def parse(text: str) -> Query:
    """The parsed query; raises :class:`CqlError` for what the grammar does not allow."""
    if not text.strip():
        raise CqlError(27, "Empty term unsupported", "the query is empty")
    parser = _Parser(text)
    root = parser.query()
    sort_keys: tuple[str, ...] = ()
    token = parser.peek()
    if token is not None and token.is_keyword("sortby"):
        parser.take()
        sort_keys = parser.sort_keys()
        if not sort_keys:
            raise CqlError(10, "Query syntax error", "sortBy without sort keys")
    token = parser.peek()
    if token is not None:
        if token.is_symbol(")"):
            raise CqlError(13, "Invalid or unsupported use of parentheses", "unexpected )")
        raise CqlError(10, "Query syntax error", f"unexpected {token.text!r}")
    return Query(root, parser.prefixes, sort_keys)
