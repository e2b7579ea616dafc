"""What a parsed CQL query means in our catalogue: a boolean search of the search module.

Indexes (an index without a prefix is read in the ``dc`` set):

================================  ============================================
``cql.serverChoice``, ``cql.anywhere``  title, authors, subjects, series, summary …
``dc.title``                      title and subtitle
``dc.creator``                    authors and other contributors
``dc.subject``                    subjects, series and genre
``bath.isbn``                     any ISBN of the record (10 or 13 digits)
``dc.date``                       year of publication
``cql.allRecords``                every record (``cql.allRecords = 1``)
================================  ============================================

Relations on words: ``=`` and ``adj`` (the words as a phrase, as CQL 1.1 read ``=``),
``all`` (every word, any order), ``any`` (one of the words). A term ending in ``*`` is a
prefix. On ``dc.date``: ``=``, ``==``, ``<``, ``>``, ``<=``, ``>=``, ``<>`` and
``within "1990 2000"``. Booleans ``and``, ``or``, ``not`` (and not). Anything else gets the
SRU diagnostic that names it.
"""

from __future__ import annotations

import re

from samenbieb.catalog.search.boolean import (
    And,
    AndNot,
    Everything,
    Expression,
    Isbn,
    Match,
    Not,
    Or,
    Words,
    Year,
)
from samenbieb.catalog.search.parse import Field
from samenbieb.interfaces.sru.cql import CqlError, Node, Query, SearchClause

CONTEXT_SETS = {
    "cql": "info:srw/cql-context-set/1/cql-v1.2",
    "dc": "info:srw/cql-context-set/1/dc-v1.1",
    "bath": "http://zing.z3950.org/cql/bath/2.0/",
}
# Other identifiers clients use for the same sets.
_SET_ALIASES = {
    "info:srw/cql-context-set/1/cql-v1.1": "cql",
    "info:srw/cql-context-set/1/cql-v1.2": "cql",
    "info:srw/cql-context-set/1/dc-v1.1": "dc",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://zing.z3950.org/cql/bath/2.0/": "bath",
    "info:srw/cql-context-set/2/bath-v2.0": "bath",
}
TEXT_INDEXES: dict[str, Field | None] = {
    "cql.serverchoice": None,
    "cql.anywhere": None,
    "cql.keywords": None,
    "dc.title": Field.TITLE,
    "dc.creator": Field.AUTHOR,
    "dc.subject": Field.SUBJECT,
}
WORD_RELATIONS = {"=": Match.PHRASE, "adj": Match.PHRASE, "all": Match.ALL, "any": Match.ANY}
YEAR_RELATIONS = {"=", "==", "<", ">", "<=", ">=", "<>", "within"}
MAX_CLAUSES = 20
_YEAR = re.compile(r"\d{4}")


def expression(query: Query) -> Expression:
    """The search for ``query``; raises :class:`CqlError` for what we do not support."""
    if query.sort_keys:
        raise CqlError(80, "Sort not supported", " ".join(query.sort_keys))
    for prefix, identifier in query.prefixes.items():
        if _SET_ALIASES.get(identifier) != (prefix or "dc"):
            raise CqlError(15, "Unsupported context set", identifier)
    if _clauses(query.root) > MAX_CLAUSES:
        raise CqlError(38, "Too many boolean operators in query", f"at most {MAX_CLAUSES - 1}")
    return _node(query.root)


def _clauses(node: Node) -> int:
    if isinstance(node, SearchClause):
        return 1
    return _clauses(node.left) + _clauses(node.right)


def _node(node: Node) -> Expression:
    if isinstance(node, SearchClause):
        return _clause(node)
    if node.operator == "prox":
        raise CqlError(37, "Unsupported boolean operator", "prox")
    if node.modifiers:
        raise CqlError(46, "Unsupported boolean modifier", node.modifiers[0].name)
    left, right = _node(node.left), _node(node.right)
    if node.operator == "and":
        return And(left, right)
    if node.operator == "or":
        return Or(left, right)
    return AndNot(left, right)


def _index(name: str) -> str:
    prefix, dot, _rest = name.partition(".")
    if not dot:
        return f"cql.{name}" if name in {"serverchoice", "anywhere", "allrecords"} else f"dc.{name}"
    if prefix not in CONTEXT_SETS:
        raise CqlError(15, "Unsupported context set", prefix)
    return name


def _clause(clause: SearchClause) -> Expression:
    index = _index(clause.index)
    if clause.modifiers:
        raise CqlError(20, "Unsupported relation modifier", clause.modifiers[0].name)
    if index == "cql.allrecords":
        return Everything()
    if index == "bath.isbn":
        return _isbn(clause)
    if index == "dc.date":
        return _year(clause)
    if index not in TEXT_INDEXES:
        raise CqlError(16, "Unsupported index", clause.index)
    match = WORD_RELATIONS.get(clause.relation)
    if match is None:
        raise CqlError(19, "Unsupported relation", clause.relation)
    term = clause.term.strip()
    if not term:
        raise CqlError(27, "Empty term unsupported", "")
    if "?" in term or "*" in term.rstrip("*") or term.startswith("*"):
        raise CqlError(28, "Masking character not supported", term)
    if term.endswith("*") and len(term.rstrip("*")) < 2:
        raise CqlError(29, "Masked words too short", term)
    if "^" in term:
        raise CqlError(32, "Anchoring character not supported", term)
    return Words(term, TEXT_INDEXES[index], match)


def _isbn(clause: SearchClause) -> Expression:
    if clause.relation not in {"=", "==", "any", "adj"}:
        raise CqlError(19, "Unsupported relation", clause.relation)
    values = clause.term.split() if clause.relation == "any" else [clause.term]
    if not values or not all(re.fullmatch(r"[\d\-Xx]{10,17}", v) for v in values):
        raise CqlError(36, "Term in invalid format for index or relation", clause.term)
    result: Expression = Isbn(values[0])
    for value in values[1:]:
        result = Or(result, Isbn(value))
    return result


def _year(clause: SearchClause) -> Expression:
    relation, term = clause.relation, clause.term.strip()
    if relation not in YEAR_RELATIONS:
        raise CqlError(19, "Unsupported relation", relation)
    if relation == "within":
        bounds = term.split()
        if len(bounds) != 2 or not all(_YEAR.fullmatch(b) for b in bounds):
            raise CqlError(36, "Term in invalid format for index or relation", term)
        return Year(int(bounds[0]), int(bounds[1]))
    if not _YEAR.fullmatch(term):
        raise CqlError(36, "Term in invalid format for index or relation", term)
    year = int(term)
    meanings: dict[str, Expression] = {
        "=": Year(year, year),
        "==": Year(year, year),
        "<": Year(None, year - 1),
        ">": Year(year + 1, None),
        "<=": Year(None, year),
        ">=": Year(year, None),
        "<>": And(Year(), Not(Year(year, year))),
    }
    return meanings[relation]
