"""Catalogue search: the same specification for PostgreSQL and SQLite (whichever runs)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from samenbieb.catalog.models import Format
from samenbieb.catalog.search import (
    Audience,
    Availability,
    SearchQuery,
    SearchResult,
    index_records,
    isbn_lookup,
    rebuild_index,
    search,
)
from samenbieb.holdings.models import ItemStatus
from tests.catalog.search_factories import indexed_record
from tests.factories import BranchFactory, ItemFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def find(text: str = "", **options) -> SearchResult:
    return search(SearchQuery(text=text, **options))


def titles(text: str = "", **options) -> list[str]:
    return [r.title for r in find(text, **options).records]


def facet(result: SearchResult, name: str) -> dict[str, int]:
    return dict(result.facets[name])


# Words: stems, accents, stop words, prefixes


def test_plural_finds_singular_title():
    indexed_record("De fiets van oma")
    indexed_record("Het boek")
    assert titles("fietsen") == ["De fiets van oma"]
    assert titles("boeken") == ["Het boek"]


def test_singular_finds_plural_title():
    indexed_record("Fietsen in Friesland")
    assert titles("fiets") == ["Fietsen in Friesland"]


def test_accents_do_not_matter():
    indexed_record("Café de Paris")
    indexed_record("Fryslân boppe")
    assert titles("cafe") == ["Café de Paris"]
    assert titles("CAFÉ") == ["Café de Paris"]
    assert titles("fryslan") == ["Fryslân boppe"]


def test_all_words_must_match():
    indexed_record("De fiets van oma")
    indexed_record("De auto van oma")
    assert titles("oma fiets") == ["De fiets van oma"]


def test_prefix_finds_longer_words():
    indexed_record("Boekhouding voor beginners")
    assert titles("boekhoud*") == ["Boekhouding voor beginners"]


def test_only_stop_words_find_nothing():
    indexed_record("De fiets van oma")
    result = find("de van")
    assert result.records == []
    assert result.total == 0


def test_empty_text_lists_all_records_newest_first():
    first = indexed_record("Eerste")
    second = indexed_record("Tweede")
    assert find().records == [second, first]


# Fields, phrases, exclusion, identifiers


def test_author_field_searches_only_contributors():
    by_schmidt = indexed_record("Jip en Janneke", authors=("Schmidt, Annie M.G.",))
    indexed_record("Schmidt en de zee", authors=("Dijk, Jan van",))
    assert find("auteur:schmidt").records == [by_schmidt]
    assert find("author:Schmidt").records == [by_schmidt]


def test_title_field_searches_only_titles():
    titled = indexed_record("Zomer in de stad", authors=("Winter, Kees",))
    indexed_record("Winter in de stad", summary="Een lange zomer.")
    assert find("titel:zomer").records == [titled]
    assert find("title:zomer stad").records == [titled]


def test_subject_field_searches_only_subjects():
    about_horses = indexed_record("Wilde Wind", subjects=("Paarden",))
    indexed_record("Paarden kijken", subjects=("Natuur",))
    assert find("onderwerp:paarden").records == [about_horses]
    assert find("subject:paard").records == [about_horses]


def test_quoted_field_value_is_a_phrase():
    wanted = indexed_record("Boek", subjects=("Tweede Wereldoorlog",))
    indexed_record("Ander boek", subjects=("Wereldoorlog", "Tweede hands"))
    assert find('onderwerp:"tweede wereldoorlog"').records == [wanted]


def test_colon_in_a_title_word_is_no_field():
    indexed_record("Star Wars: de clone wars")
    assert titles("wars: clone") == ["Star Wars: de clone wars"]


def test_isbn_in_any_form_finds_the_13_digit_isbn():
    record = indexed_record("Handboek", isbn="9780306406157")
    indexed_record("Ander boek", isbn="9789021466444")
    assert find("isbn:0-306-40615-2").records == [record]
    assert find("isbn:0306406152").records == [record]
    assert find("isbn:978-0-306-40615-7").records == [record]
    assert find("9780306406157").records == [record]


def test_isbn_lookup_finds_a_scanned_isbn_in_one_query(django_assert_num_queries):
    record = indexed_record("Handboek", isbn="9789021466444", isbns=("9780306406157",))
    indexed_record("Ander boek", isbn="9781234567897")
    with django_assert_num_queries(1):
        assert isbn_lookup("0-306-40615-2") == [record.pk]
    assert isbn_lookup("isbn:9789021466444") == [record.pk]


def test_isbn_lookup_leaves_withdrawn_records_and_other_searches_alone():
    record = indexed_record("Handboek", isbn="9780306406157")
    record.deleted_at = timezone.now()
    record.save()
    assert isbn_lookup("9780306406157") == []
    assert isbn_lookup("9780306406157 handboek") is None
    assert isbn_lookup("handboek") is None


def test_isbn_finds_other_identifiers_of_a_record():
    record = indexed_record("Handboek", isbn="9789021466444", isbns=("9780306406157",))
    assert find("isbn:0306406152").records == [record]


def test_phrase_needs_the_words_in_order():
    indexed_record("De fiets van oma")
    indexed_record("Oma pakt de fiets")
    assert titles('"fiets van oma"') == ["De fiets van oma"]


def test_minus_excludes_a_word():
    indexed_record("De fiets van oma")
    indexed_record("De fiets van opa")
    assert titles("fiets -oma") == ["De fiets van opa"]
    assert titles('fiets -"van oma"') == ["De fiets van opa"]


def test_only_exclusions_find_everything_else():
    indexed_record("De fiets van oma")
    indexed_record("De fiets van opa")
    assert titles("-oma") == ["De fiets van opa"]


# Filters and facets


def test_format_and_language_filters_with_facets_of_the_other_values():
    indexed_record("Dieren in Afrika", format=Format.BOOK, language="dut")
    indexed_record("Dieren op de boerderij", format=Format.DVD, language="dut")
    indexed_record("Animals of Africa", subjects=("Dieren",), format=Format.BOOK, language="eng")

    result = find("dieren", formats=(Format.BOOK,), languages=("dut",))

    assert [r.title for r in result.records] == ["Dieren in Afrika"]
    assert result.total == 1
    assert result.total_is_exact
    # Each facet counts with the other filters, so other choices stay visible.
    assert facet(result, "format") == {"book": 1, "dvd": 1}
    assert facet(result, "language") == {"dut": 1, "eng": 1}


def test_searches_of_the_same_shape_each_count_their_own_matches():
    """The facet statement is compiled once per shape (facets and places) and reused:
    each search must still count its own matches, never the previous search's."""
    indexed_record("Tuinieren voor beginners", format=Format.BOOK, language="dut", year=1995)
    indexed_record("Tuinieren in de winter", format=Format.DVD, language="dut", year=2012)
    indexed_record("Sterren kijken", format=Format.BOOK, language="eng", year=2021)
    indexed_record("Sterren en planeten", format=Format.BOOK, language="eng", year=2022)
    indexed_record("Sterren van het doek", format=Format.DVD, language="dut", year=2023)

    garden, stars = find("tuinieren"), find("sterren")

    assert facet(garden, "format") == {"book": 1, "dvd": 1}
    assert facet(garden, "language") == {"dut": 2}
    assert facet(garden, "decade") == {"2010": 1, "1990": 1}
    assert facet(stars, "format") == {"book": 2, "dvd": 1}
    assert facet(stars, "language") == {"eng": 2, "dut": 1}
    assert facet(stars, "decade") == {"2020": 3}
    assert facet(find("tuinieren"), "format") == facet(garden, "format")


def test_year_range_and_decade_facet():
    for year in (1985, 1999, 2003, 2021):
        indexed_record(f"Reisgids {year}", year=year)
    result = find("reisgids", year_from=1990, year_to=2010)
    assert sorted(r.year for r in result.records) == [1999, 2003]
    assert facet(result, "decade") == {"2020": 1, "2000": 1, "1990": 1, "1980": 1}
    assert find("reisgids", year_from=2000).total == 2


def test_audience_buckets_come_from_ages():
    indexed_record("Peuters boek", audience_min_age=1, audience_max_age=3)
    indexed_record("Prenten boek", audience_min_age=3, audience_max_age=6)
    indexed_record("Tieners boek", audience_min_age=13)
    indexed_record("Lees boek AVI", avi_level="E4")
    indexed_record("Roman boek")

    def in_bucket(audience: Audience) -> list[str]:
        return sorted(titles("boek", audiences=(audience,)))

    assert in_bucket(Audience.TODDLERS) == ["Peuters boek", "Prenten boek"]
    assert in_bucket(Audience.CHILDREN) == ["Lees boek AVI", "Prenten boek"]
    assert in_bucket(Audience.TEENS) == ["Tieners boek"]
    assert in_bucket(Audience.ADULTS) == ["Roman boek"]
    assert facet(find("boek"), "audience") == {
        "toddlers": 2,
        "children": 2,
        "teens": 1,
        "adults": 1,
    }


# Availability, from real items


@pytest.fixture
def network():
    library = OrganisationFactory()
    main, village = BranchFactory(organisation=library), BranchFactory(organisation=library)
    elsewhere = BranchFactory()
    here = indexed_record("Kookboek hier")
    in_village = indexed_record("Kookboek in het dorp")
    far = indexed_record("Kookboek ver weg")
    lent = indexed_record("Kookboek uitgeleend")
    indexed_record("Kookboek zonder exemplaar")
    ItemFactory(record=here, organisation=library, home_branch=main)
    ItemFactory(record=in_village, organisation=library, home_branch=village)
    ItemFactory(record=far, organisation=elsewhere.organisation, home_branch=elsewhere)
    ItemFactory(record=lent, organisation=library, home_branch=main, status=ItemStatus.ON_LOAN)
    return library, main


def test_available_at_my_branch(network):
    _, main = network
    assert titles("kookboek", available=Availability.branch(main.pk)) == ["Kookboek hier"]


def test_available_in_my_library(network):
    library, _ = network
    found = titles("kookboek", available=Availability.organisation(library.pk))
    assert sorted(found) == ["Kookboek hier", "Kookboek in het dorp"]


def test_available_anywhere_in_the_network(network):
    found = titles("kookboek", available=Availability.anywhere())
    assert sorted(found) == ["Kookboek hier", "Kookboek in het dorp", "Kookboek ver weg"]


def test_an_item_counts_where_it_is_now(network):
    library, main = network
    visiting = BranchFactory()
    guest = indexed_record("Kookboek te gast")
    ItemFactory(record=guest, organisation=library, home_branch=main, current_branch=visiting)
    assert "Kookboek te gast" not in titles("kookboek", available=Availability.branch(main.pk))
    assert "Kookboek te gast" in titles("kookboek", available=Availability.branch(visiting.pk))


def test_availability_facet_counts_branch_library_and_network(network):
    _, main = network
    result = find("kookboek", available=Availability.branch(main.pk))
    assert facet(result, "availability") == {"anywhere": 3, "organisation": 2, "branch": 1}
    near_only = find("kookboek", near=Availability.branch(main.pk))
    assert near_only.total == 5
    assert facet(near_only, "availability") == facet(result, "availability")
    assert facet(find("kookboek"), "availability") == {"anywhere": 3}


# Ranking and pages


def test_exact_title_comes_first():
    indexed_record("Oorlog en vrede")
    indexed_record("Kinderen in de oorlog", summary="Oorlog, oorlog en nog eens oorlog.")
    indexed_record("Oorlog")
    assert titles("oorlog")[0] == "Oorlog"
    assert titles("OORLOG!")[0] == "Oorlog"


def test_exact_author_comes_before_a_mention_in_a_summary():
    mentioned = indexed_record("Verhalen uit de polder", summary="Over Peter Vos, Peter Vos.")
    by_him = indexed_record("Nieuwe verhalen", authors=("Vos, Peter",))
    assert find("peter vos").records == [by_him, mentioned]
    assert find("vos").records == [by_him, mentioned]


def test_title_match_ranks_above_summary_match():
    in_summary = indexed_record("Zomerboek", summary="Over een tuin vol rozen.")
    in_title = indexed_record("Rozen in de tuin")
    assert find("rozen").records == [in_title, in_summary]


def test_pages_are_stable_and_do_not_repeat():
    made = {indexed_record(f"Vogels deel {n}").pk for n in range(25)}
    pages = [find("vogels", page=n, per_page=10) for n in (1, 2, 3)]
    seen = [r.pk for p in pages for r in p.records]
    assert [len(p.records) for p in pages] == [10, 10, 5]
    assert set(seen) == made
    assert len(seen) == len(set(seen))
    assert pages[0].total == 25
    assert (pages[0].page.pages, pages[0].page.has_next, pages[2].page.has_next) == (3, True, False)
    assert [r.pk for r in find("vogels", page=2, per_page=10).records] == seen[10:20]


def test_pages_hold_at_most_a_hundred():
    assert SearchQuery(per_page=500).per_page == 100
    assert SearchQuery(page=0).page == 1


def test_contributors_come_prefetched(django_assert_num_queries):
    indexed_record("Jip en Janneke", authors=("Schmidt, Annie M.G.", "Westendorp, Fiep"))
    result = find("jip")
    with django_assert_num_queries(0):
        names = [c.name for c in result.records[0].contributors.all()]
    assert names == ["Schmidt, Annie M.G.", "Westendorp, Fiep"]


# Typos


def test_typo_still_finds_the_title():
    indexed_record("De fiets van oma")
    indexed_record("Het feestboek")
    result = find("fiest")
    assert result.records[0].title == "De fiets van oma"
    assert result.fuzzy


def test_misspelt_title_and_author_words_still_find():
    indexed_record("Harry Potter en de steen der wijzen", authors=("Rowling, J.K.",))
    indexed_record("Harde noten")
    assert titles("harry poter") == ["Harry Potter en de steen der wijzen"]
    assert titles("potter rowlin") == ["Harry Potter en de steen der wijzen"]


def test_typo_tolerance_is_only_a_fallback():
    indexed_record("De fiets van oma")
    indexed_record("Fietsen")
    result = find("fiets")
    assert not result.fuzzy
    assert find("qwxzv").records == []


def test_typo_tolerance_keeps_filters():
    indexed_record("Harry Potter", format=Format.BOOK)
    indexed_record("Harry Potter", format=Format.DVD)
    result = find("harry poter", formats=(Format.DVD,))
    assert [r.format for r in result.records] == [Format.DVD]


# The index follows the catalogue


def test_withdrawn_records_are_not_found():
    record = indexed_record("Verouderde reisgids")
    record.deleted_at = timezone.now()
    record.save()
    index_records([record.pk])
    assert find("reisgids").records == []


def test_a_changed_title_is_found_by_its_new_words_only():
    record = indexed_record("Tuinieren voor beginners")
    record.title = "Koken voor beginners"
    record.save()
    index_records([record.pk])
    assert find("tuinieren").records == []
    assert find("koken").records == [record]


def test_rebuild_index_indexes_everything_again():
    record = indexed_record("Tuinieren voor beginners")
    record.title = "Koken voor beginners"
    record.save()
    rebuild_index()
    assert find("koken").records == [record]
    assert find("tuinieren").records == []


def test_html_in_a_title_is_plain_data():
    record = indexed_record("<b>Vet</b> & <script>alert(1)</script>")
    assert find("vet").records == [record]
    assert find("vet").records[0].title == "<b>Vet</b> & <script>alert(1)</script>"
