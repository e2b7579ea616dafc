"""Cursor pagination: pages never repeat or skip a row, also when rows are added between
pages, and rows with the same sort key are told apart by their id."""

from __future__ import annotations

from samenbieb.catalog import search
from tests.factories import RecordFactory
from tests.interfaces.api.conftest import API
from tests.programmes.factories import ActivityFactory, at


def _walk(api, path: str, **query) -> list[list[int]]:
    pages, cursor = [], None
    while True:
        params = dict(query, **({"cursor": cursor} if cursor else {}))
        response = api.get(f"{API}{path}", params)
        assert response.status_code == 200, response.content
        body = response.json()
        pages.append([row["id"] for row in body["results"]])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages


def test_activities_page_by_cursor_soonest_first_with_the_id_as_tie_breaker(api, network):
    same_time = [ActivityFactory(organisation=network.a, branch=network.a1) for _ in range(5)]
    later = ActivityFactory(
        organisation=network.b, branch=network.b1, sessions=[(at(9, 14), at(9, 16))]
    )
    sooner = ActivityFactory(
        organisation=network.b, branch=network.b1, sessions=[(at(2, 14), at(2, 16))]
    )

    pages = _walk(api, "/activities", page_size=2)

    assert pages == [
        [sooner.pk, same_time[0].pk],
        [same_time[1].pk, same_time[2].pk],
        [same_time[3].pk, same_time[4].pk],
        [later.pk],
    ]


def test_an_activity_added_between_pages_neither_repeats_nor_shifts_a_row(api, network):
    first = [ActivityFactory(organisation=network.a, branch=network.a1) for _ in range(4)]
    response = api.get(f"{API}/activities", {"page_size": 2}).json()
    assert [row["id"] for row in response["results"]] == [first[0].pk, first[1].pk]

    # Something sooner appears: it belongs before the page already read, so it is not shown.
    ActivityFactory(organisation=network.a, branch=network.a1, sessions=[(at(1), at(1, 12))])
    following = api.get(
        f"{API}/activities", {"page_size": 2, "cursor": response["next_cursor"]}
    ).json()

    assert [row["id"] for row in following["results"]] == [first[2].pk, first[3].pk]
    assert following["next_cursor"] is None


def test_activities_filter_by_library_and_kind(api, network):
    ours = ActivityFactory(organisation=network.a, branch=network.a1)
    ActivityFactory(organisation=network.b, branch=network.b1)
    body = api.get(f"{API}/activities", {"library": network.a.pk, "kind": "event"}).json()
    assert [row["id"] for row in body["results"]] == [ours.pk]
    assert body["results"][0]["library"] == network.a.name
    assert body["results"][0]["free_places"] == 8


def test_search_pages_through_every_match_once(api, db):
    records = [RecordFactory(title=f"Zeilen op de Waddenzee deel {n}") for n in range(7)]
    search.index_records([record.pk for record in records])

    pages = _walk(api, "/records", q="waddenzee", page_size=3)

    assert [len(page) for page in pages] == [3, 3, 1]
    assert sorted(row for page in pages for row in page) == sorted(r.pk for r in records)


def test_the_page_size_is_bounded(api, db):
    assert api.get(f"{API}/activities", {"page_size": 100}).status_code == 200
    assert api.get(f"{API}/activities", {"page_size": 101}).status_code == 422
