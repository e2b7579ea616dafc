"""From a MARC21 record to what a public library shows and searches."""

from __future__ import annotations

from pathlib import Path

import pytest
from pymarc import Field, Indicators, MARCReader, Record, Subfield

from samenbieb.catalog.marc import MarcMappingError, record_extract
from samenbieb.catalog.models import ContributorRole, Format

MARC = Path(__file__).parents[2].parent / "shared" / "data" / "marc"
EDGE = MARC / "edge-cases"


def first_record(path: Path) -> Record:
    with path.open("rb") as handle:
        return next(MARCReader(handle, to_unicode=True))


def loc_records(count: int) -> list[Record]:
    with (MARC / "loc-books-2016-sample.mrc").open("rb") as handle:
        reader = MARCReader(handle, to_unicode=True)
        return [next(reader) for _ in range(count)]


def make(
    *fields: Field, leader: str = "00000nam a2200000 i 4500", fixed: str | None = None
) -> Record:
    record = Record(leader=leader)
    record.add_field(Field(tag="001", data="42"))
    record.add_field(Field(tag="003", data="NL-SbB"))
    record.add_field(Field(tag="008", data=fixed or "240101s2024    ne            000 1 dut d"))
    if not any(fld.tag == "245" for fld in fields):
        record.add_field(field("245", "a", "Een titel"))
    for fld in fields:
        record.add_field(fld)
    return record


def fixed_with(**positions: str) -> str:
    """An 008 for a Dutch book of 2024 with the given positions (p22="j") changed."""
    chars = list("240101s2024    ne            000 1 dut d")
    for name, value in positions.items():
        chars[int(name[1:])] = value
    return "".join(chars)


def field(tag: str, *pairs: str, indicators: str = "  ") -> Field:
    subfields = [Subfield(code=pairs[i], value=pairs[i + 1]) for i in range(0, len(pairs), 2)]
    return Field(tag=tag, indicators=Indicators(*indicators), subfields=subfields)


def test_titles_lose_the_isbd_punctuation_that_separates_them_from_the_next_element():
    parsed = record_extract(loc_records(1)[0])
    assert parsed.title == "Botanical materia medica and pharmacology"
    assert parsed.subtitle.startswith("drugs considered from a botanical")
    assert parsed.responsibility == "By S. H. Aurand"
    assert parsed.contributors == [("Aurand, Samuel Herbert", ContributorRole.AUTHOR)]
    assert (parsed.publisher, parsed.publication_place, parsed.year) == (
        "P. H. Mallen Company",
        "Chicago",
        1899,
    )


def test_html_in_a_title_stays_text():
    title = "<script>alert('x')</script> & <b>vet</b>"
    parsed = record_extract(make(field("245", "a", title)))
    assert parsed.title == title


def test_a_record_without_a_title_is_refused():
    record = make()
    record.remove_fields("245")
    with pytest.raises(MarcMappingError, match="no title"):
        record_extract(record)


def test_contributors_keep_their_order_and_get_roles_from_relator_terms_and_codes():
    parsed = record_extract(
        make(
            field("100", "a", "Schmidt, Annie M. G.,", "e", "auteur."),
            field("700", "a", "Westendorp, Fiep,", "4", "ill"),
            field("700", "a", "Bell, Anthea,", "e", "translator."),
            field("700", "a", "Someone, Else"),
            field("710", "a", "Nederland.", "b", "Ministerie van OCW."),
        )
    )
    assert parsed.contributors == [
        ("Schmidt, Annie M. G.", ContributorRole.AUTHOR),
        ("Westendorp, Fiep", ContributorRole.ILLUSTRATOR),
        ("Bell, Anthea", ContributorRole.TRANSLATOR),
        ("Someone, Else", ContributorRole.CONTRIBUTOR),
        ("Nederland. Ministerie van OCW", ContributorRole.CONTRIBUTOR),
    ]


def test_subjects_join_their_subdivisions_and_appear_once():
    parsed = record_extract(
        make(
            field("650", "a", "World War, 1939-1945", "v", "Fiction.", indicators=" 0"),
            field("650", "a", "World War, 1939-1945", "v", "Fiction.", indicators=" 7"),
            field("600", "a", "Frank, Anne,", "d", "1929-1945.", indicators="10"),
            field("655", "a", "Historical fiction.", indicators=" 7"),
        )
    )
    assert parsed.subjects == [
        "Frank, Anne, 1929-1945",
        "World War, 1939-1945 -- Fiction",
        "Historical fiction",
    ]
    assert parsed.genre == "Historical fiction"


def test_every_valid_isbn_is_kept_and_invalid_ones_are_ignored():
    parsed = record_extract(first_record(EDGE / "multi_isbn.dat"))
    assert [value for kind, value in parsed.identifiers if kind == "isbn"] == [
        "9780914378280",
        "9780914378297",
        "9780914378266",
    ]
    assert parsed.isbn == "9780914378280"
    assert record_extract(first_record(EDGE / "alphatag.dat")).identifiers == []  # "1.25"


def test_an_issn_is_kept_beside_the_isbn():
    parsed = record_extract(make(field("022", "a", "0317-8471"), field("022", "a", "1234-5678")))
    assert parsed.issn == "0317-8471"
    assert parsed.identifiers == [("issn", "0317-8471")]


def test_language_comes_from_008_and_else_from_041():
    assert record_extract(make()).language == "dut"
    blank = fixed_with(p35=" ", p36=" ", p37=" ")
    assert record_extract(make(field("041", "a", "fry"), fixed=blank)).language == "fry"


def test_year_comes_from_008_and_else_from_the_imprint():
    assert record_extract(make()).year == 2024
    no_date = fixed_with(p6="n", p7="u", p8="u", p9="u", p10="u")
    parsed = record_extract(make(field("264", "a", "Amsterdam", "c", "[2019]", indicators=" 1"),
                                 fixed=no_date))  # fmt: skip
    assert parsed.year == 2019


def test_edition_series_and_summary_are_shown():
    parsed = record_extract(
        make(
            field("250", "a", "2e druk."),
            field("490", "a", "Dolfje Weerwolfje ;", "v", "3", indicators="1 "),
            field("520", "a", "Dolfje wordt op zijn zevende verjaardag een weerwolf."),
        )
    )
    assert parsed.edition == "2e druk"
    assert (parsed.series, parsed.series_number) == ("Dolfje Weerwolfje", "3")
    assert parsed.summary == "Dolfje wordt op zijn zevende verjaardag een weerwolf."


@pytest.mark.parametrize(
    ("leader", "fixed", "extra", "expected"),
    [
        ("00000nam a22", None, (), Format.BOOK),
        ("00000nam a22", fixed_with(p23="d"), (), Format.LARGE_PRINT),
        ("00000nam a22", None, (field("250", "a", "Grote letter editie"),), Format.LARGE_PRINT),
        ("00000nam a22", fixed_with(p23="o"), (), Format.EBOOK),
        ("00000nas a22", None, (), Format.MAGAZINE),
        ("00000nim a22", None, (), Format.AUDIOBOOK),
        ("00000njm a22", None, (), Format.MUSIC),
        ("00000ncm a22", None, (), Format.SHEET_MUSIC),
        ("00000nem a22", None, (), Format.MAP),
        ("00000ngm a22", None, (), Format.DVD),
        ("00000nmm a22", fixed_with(p26="g"), (), Format.GAME),
        ("00000nmm a22", fixed_with(p26="d"), (), Format.EBOOK),
        ("00000nmm a22", fixed_with(p26="e"), (), Format.DATABASE),
        ("00000nrm a22", fixed_with(p33="g"), (), Format.GAME),
        ("00000npm a22", None, (), Format.OTHER),
    ],
)
def test_format_follows_the_leader_and_the_fixed_fields(leader, fixed, extra, expected):
    parsed = record_extract(make(*extra, leader=leader.ljust(24), fixed=fixed))
    assert parsed.format == expected


@pytest.mark.parametrize(
    ("note", "ages"),
    [
        ("Ages 4-8.", (4, 8)),
        ("Vanaf 8 jaar", (8, None)),
        ("9 to 12 years", (9, 12)),
        ("12+", (12, None)),
        ("Grades 3-5.", (8, 10)),
        ("Lexile 820L", (None, None)),
    ],
)
def test_audience_ages_come_from_a_521_note(note, ages):
    parsed = record_extract(make(field("521", "a", note, indicators="1 ")))
    assert (parsed.audience_min_age, parsed.audience_max_age) == ages


def test_audience_falls_back_to_008_22_for_juvenile_records():
    parsed = record_extract(make(fixed=fixed_with(p22="j")))
    assert (parsed.audience_min_age, parsed.audience_max_age) == (None, 17)


@pytest.mark.parametrize(
    ("fld", "level"),
    [
        (field("521", "a", "AVI M4"), "M4"),
        (field("521", "a", "Leesniveau: AVI-niveau: e3"), "E3"),
        (field("655", "a", "AVI Start", indicators=" 4"), "Start"),
        (field("521", "a", "AVI 9"), "9"),
    ],
)
def test_the_avi_reading_level_is_read_from_521_or_655(fld, level):
    assert record_extract(make(fld)).avi_level == level


def test_match_key_prefers_agency_and_control_number_then_isbn_then_a_hash():
    assert record_extract(make()).match_key == "NL-SbB:42"
    record = make(field("020", "a", "0-306-40615-2"))
    record.remove_fields("003")
    assert record_extract(record).match_key == "isbn:9780306406157"
    record.remove_fields("020")
    key = record_extract(record).match_key
    assert key.startswith("hash:")
    assert record_extract(record).match_key == key  # stable


def test_a_book_and_its_audiobook_without_identifiers_get_different_match_keys():
    book, audiobook = make(), make(leader="00000nim a2200000 i 4500")
    for record in (book, audiobook):
        record.remove_fields("003")
    assert record_extract(book).match_key != record_extract(audiobook).match_key


def test_a_marc8_record_is_stored_as_utf8_and_reads_like_its_utf8_twin():
    from_marc8 = record_extract(first_record(EDGE / "marc8.dat"))
    from_utf8 = record_extract(first_record(EDGE / "utf8_with_leader_flag.dat"))
    assert from_marc8.marc[9:10] == b"a"
    assert Record(from_marc8.marc, to_unicode=True)["240"]["a"] == "De la solitude à la communauté."
    assert from_marc8.title == from_utf8.title == "Escape from loneliness"
    assert from_marc8.match_key == from_utf8.match_key


def test_the_stored_marc_reads_back_as_the_same_record():
    for record in loc_records(20):
        parsed = record_extract(record)
        again = record_extract(Record(parsed.marc, to_unicode=True))
        assert again == parsed
