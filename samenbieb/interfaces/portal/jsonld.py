"""schema.org JSON-LD for record pages, so search engines and link previews understand them."""

from __future__ import annotations

import json
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from samenbieb.catalog.models import ContributorRole, Format, Record

SCHEMA_TYPES = {
    Format.BOOK: "Book",
    Format.LARGE_PRINT: "Book",
    Format.EBOOK: "Book",
    Format.AUDIOBOOK: "Audiobook",
    Format.MUSIC: "MusicRecording",
    Format.DVD: "Movie",
    Format.MAGAZINE: "Periodical",
    Format.GAME: "Game",
    Format.SHEET_MUSIC: "SheetMusic",
    Format.MAP: "Map",
    Format.PODCAST: "PodcastSeries",
    Format.DATABASE: "Dataset",
}
BOOK_FORMATS = {
    Format.BOOK: "https://schema.org/Hardcover",
    Format.LARGE_PRINT: "https://schema.org/Hardcover",
    Format.EBOOK: "https://schema.org/EBook",
    Format.AUDIOBOOK: "https://schema.org/AudiobookFormat",
}
# Escaped so that no value can close the script element it is embedded in.
_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def record_jsonld(record: Record, url: str) -> SafeString:
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": SCHEMA_TYPES.get(Format(record.format), "CreativeWork"),
        "@id": url,
        "url": url,
        "name": str(record),
    }
    authors = [c.name for c in record.contributors.all() if c.role == ContributorRole.AUTHOR]
    if authors:
        data["author"] = [{"@type": "Person", "name": name} for name in authors]
    if record.isbn:
        data["isbn"] = record.isbn
    if record.year:
        data["datePublished"] = str(record.year)
    if record.publisher:
        data["publisher"] = {"@type": "Organization", "name": record.publisher}
    if record.language:
        data["inLanguage"] = record.language
    if record.summary:
        data["description"] = record.summary
    if record.format in BOOK_FORMATS:
        data["bookFormat"] = BOOK_FORMATS[Format(record.format)]
    subjects = [subject.term for subject in record.subjects.all()]
    if subjects:
        data["about"] = subjects
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_ESCAPES))  # noqa: S308
