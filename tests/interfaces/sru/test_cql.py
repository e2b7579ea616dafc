"""The CQL parser and what a query means in our catalogue, from the regression set."""

from __future__ import annotations

from pathlib import Path

import pytest

from samenbieb.catalog.search.boolean import (
    And,
    AndNot,
    Everything,
    Isbn,
    Match,
    Not,
    Or,
    Words,
    Year,
)
from samenbieb.catalog.search.parse import Field
from samenbieb.interfaces.sru import cql
from samenbieb.interfaces.sru.query import expression

REGRESSION = Path(__file__).parent / "cql_regression.txt"


def _cases(meaning: bool) -> list[tuple[str, str]]:
    cases = []
    for line in REGRESSION.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        is_meaning = line.startswith("=> ")
        if is_meaning == meaning:
            query, expected = line.removeprefix("=> ").split("\t")
            cases.append((query, expected))
    return cases


def _modifiers(modifiers: tuple[cql.Modifier, ...]) -> str:
    return "".join(f"/{m.name}{m.comparison}{m.value}" for m in modifiers)


def render(node: cql.Node) -> str:
    if isinstance(node, cql.SearchClause):
        return f'({node.index} {node.relation}{_modifiers(node.modifiers)} "{node.term}")'
    return f"[{node.operator}{_modifiers(node.modifiers)} {render(node.left)} {render(node.right)}]"


def describe(found: object) -> str:
    if isinstance(found, Words):
        where = found.field.value if found.field else "anywhere"
        return f'words {where} {found.match.value} "{found.text}"'
    if isinstance(found, Everything):
        return "everything"
    if isinstance(found, Isbn):
        return f'isbn "{found.value}"'
    if isinstance(found, Year):
        return f"year {found.low if found.low is not None else '-'} {found.high or '-'}"
    return repr(found)


@pytest.mark.parametrize(("query", "expected"), _cases(meaning=False))
def test_cql_syntax_regression(query, expected):
    if expected.startswith("diag "):
        with pytest.raises(cql.CqlError) as raised:
            cql.parse(query)
        assert f"diag {raised.value.diagnostic}" == expected
    else:
        assert render(cql.parse(query).root) == expected


@pytest.mark.parametrize(("query", "expected"), _cases(meaning=True))
def test_cql_meaning_regression(query, expected):
    if expected.startswith("diag "):
        with pytest.raises(cql.CqlError) as raised:
            expression(cql.parse(query))
        assert f"diag {raised.value.diagnostic}" == expected
    else:
        assert describe(expression(cql.parse(query))) == expected


def test_booleans_become_the_search_modules_boolean_tree():
    found = expression(cql.parse("(dc.title = fiets or dc.creator = jansen) not dc.date < 1990"))
    assert found == AndNot(
        Or(Words("fiets", Field.TITLE, Match.PHRASE), Words("jansen", Field.AUTHOR, Match.PHRASE)),
        Year(None, 1989),
    )
    assert expression(cql.parse("dc.date <> 2000")) == And(Year(), Not(Year(2000, 2000)))


def test_a_query_with_too_many_clauses_is_refused():
    with pytest.raises(cql.CqlError) as raised:
        expression(cql.parse(" or ".join(["fiets"] * 25)))
    assert raised.value.diagnostic == 38


def test_an_isbn_list_with_any_finds_either():
    found = expression(cql.parse('bath.isbn any "9789021400013 9789021400020"'))
    assert found == Or(Isbn("9789021400013"), Isbn("9789021400020"))
