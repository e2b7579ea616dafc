"""The catalogue in the member portal: search with facets, record pages with availability."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samenbieb.catalog import search
from samenbieb.catalog.models import Contributor, Record
from samenbieb.holdings.models import ItemStatus
from tests.factories import BranchFactory, ItemFactory, OrganisationFactory, RecordFactory

pytestmark = pytest.mark.django_db


def _indexed(**fields) -> Record:
    record = RecordFactory(**fields)
    search.index_records([record.pk])
    return record


def _search(client: Client, **params) -> str:
    response = client.get(reverse("portal:search"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_a_scanned_isbn_of_one_title_opens_that_title(client: Client):
    record = _indexed(title="Handboek", isbn="9780306406157")
    response = client.get(reverse("portal:search"), {"q": "0-306-40615-2"})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:record", args=[record.pk])


def test_an_isbn_nobody_has_says_nothing_was_found(client: Client):
    _indexed(title="Handboek", isbn="9780306406157")
    page = _search(client, q="9789021466444")
    assert "Handboek" not in page


def test_searching_for_fietsen_finds_a_book_about_a_fiets(client: Client):
    _indexed(title="De fiets van oma")
    _indexed(title="Koken voor beginners")
    page = _search(client, q="fietsen")
    assert "De fiets van oma" in page
    assert "Koken voor beginners" not in page
    assert "1 resultaat" in page


def test_a_format_filter_narrows_the_results_and_stays_ticked(client: Client):
    _indexed(title="Fietsen door Nederland", format="book")
    _indexed(title="Fietsen door Nederland, de film", format="dvd")
    page = _search(client, q="fietsen", formaat="dvd")
    assert "de film" in page
    assert "Fietsen door Nederland</a>" not in page
    assert re.search(r'value="dvd" id="formaat-dvd"\s+checked', page)


def test_an_impossible_year_range_is_explained_not_searched(client: Client):
    page = _search(client, q="fiets", van="2020", tot="1990")
    assert 'role="alert"' in page
    assert "Het eerste jaar mag niet na het laatste jaar liggen." in page


def test_nonsense_filters_get_a_clear_message_instead_of_an_error(client: Client):
    page = _search(client, q="fiets", formaat="hologram", van="ooit")
    assert 'role="alert"' in page


def test_html_in_a_title_is_shown_as_text_in_results_and_on_the_record_page(client: Client):
    record = _indexed(title="<script>alert('boe')</script> Fietsverhalen")
    assert "<script>alert" not in _search(client, q="fietsverhalen")
    page = client.get(reverse("portal:record", args=[record.pk])).content.decode()
    assert "&lt;script&gt;alert" in page
    assert "<script>alert" not in page


def test_the_record_page_shows_copies_per_branch_across_the_network(client: Client):
    record = _indexed(title="De fiets van oma")
    utrecht = BranchFactory(name="Vestiging Neude", organisation=OrganisationFactory())
    arnhem = BranchFactory(name="Vestiging Rozet", organisation=OrganisationFactory())
    ItemFactory(record=record, organisation=utrecht.organisation, home_branch=utrecht)
    ItemFactory(
        record=record,
        organisation=utrecht.organisation,
        home_branch=utrecht,
        status=ItemStatus.ON_LOAN,
    )
    ItemFactory(record=record, organisation=arnhem.organisation, home_branch=arnhem)
    page = client.get(reverse("portal:record", args=[record.pk])).content.decode()
    rows = re.findall(r"<tr>.*?</tr>", page, flags=re.S)
    neude = next(row for row in rows if "Vestiging Neude" in row)
    assert re.findall(r"<td>(\d+)</td>", neude) == ["2", "1", "1", "0"]
    assert "Vestiging Rozet" in page


def test_the_record_page_describes_the_title_in_schema_org_json_ld(client: Client):
    record = _indexed(title="De fiets </script> van oma", isbn="9789045117980", year=2019)
    Contributor.objects.create(record=record, name="Annie M.G. Schmidt", role="author")
    page = client.get(reverse("portal:record", args=[record.pk])).content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert block is not None
    data = json.loads(block.group(1))
    assert data["@type"] == "Book"
    assert data["name"] == "De fiets </script> van oma"
    assert data["isbn"] == "9789045117980"
    assert data["author"] == [{"@type": "Person", "name": "Annie M.G. Schmidt"}]


def test_a_withdrawn_record_is_not_found(client: Client):
    record = _indexed(title="Verdwenen boek", deleted_at=timezone.now())
    assert client.get(reverse("portal:record", args=[record.pk])).status_code == 404


def test_paging_keeps_the_search_and_its_filters(client: Client):
    for number in range(25):
        _indexed(title=f"Fietsroute {number}", format="book")
    page = _search(client, q="fietsroute", formaat="book")
    assert "pagina=2" in page
    assert "formaat=book" in page
    second = _search(client, q="fietsroute", formaat="book", pagina="2")
    assert second.count('class="hit"') == 5


def test_the_search_page_takes_a_bounded_number_of_queries(
    client: Client, django_assert_max_num_queries
):
    for number in range(30):
        _indexed(title=f"Fietsboek {number}")
    with django_assert_max_num_queries(15):
        _search(client, q="fietsboek")
