"""The query syntax, parsed without a database."""

from __future__ import annotations

from samenbieb.catalog.search import text
from samenbieb.catalog.search.parse import Field, Term, parse


def test_words_lose_case_accents_and_stop_words():
    parsed = parse("De Café-fiets")
    assert parsed.include == (Term(("cafe",)), Term(("fiets",)))
    assert parsed.title_key == "de cafe fiets"


def test_fields_phrases_exclusions_and_prefixes():
    parsed = parse('titel:"de fiets" auteur:Schmidt onderwerp:paard -oma boek*')
    assert parsed.include == (
        Term(("de", "fiets"), Field.TITLE, phrase=True),
        Term(("schmidt",), Field.AUTHOR),
        Term(("paard",), Field.SUBJECT),
        Term(("boek",), prefix=True),
    )
    assert parsed.exclude == (Term(("oma",)),)
    assert parsed.title_key == "de fiets boek"
    assert parsed.author_key == "schmidt boek"


def test_isbn_forms():
    assert parse("isbn:0-306-40615-2").isbns == ("0306406152", "9780306406157")
    assert parse("978-0-306-40615-7").isbns == ("9780306406157", "0306406152")
    assert text.isbn_forms("080442957X") == ["080442957X", "9780804429573"]


def test_nothing_searchable_left_is_marked_empty():
    assert parse("de het").empty
    assert not parse("").empty
    assert not parse("").has_text


def test_unknown_field_is_part_of_the_words():
    assert parse("Star Wars: de clone").include == (
        Term(("star",)),
        Term(("wars",)),
        Term(("clone",)),
    )
