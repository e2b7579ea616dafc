"""The standard circulation categories and which one a copy of a record gets by default.

Circulation rules key on item types, so every installation needs the same basic set;
libraries may add their own through the administration.
"""

from __future__ import annotations

from samenbieb.catalog.models import Format
from samenbieb.holdings.models import ItemType

STANDARD_ITEM_TYPES = {
    "book": "Boek",
    "youth-book": "Jeugdboek",
    "large-print": "Grote-letterboek",
    "audiovisual": "Dvd of muziek",
    "magazine": "Tijdschrift",
    "game": "Spel",
    "other": "Overig",
}
_TYPE_OF_FORMAT = {
    Format.LARGE_PRINT: "large-print",
    Format.DVD: "audiovisual",
    Format.MUSIC: "audiovisual",
    Format.AUDIOBOOK: "audiovisual",
    Format.MAGAZINE: "magazine",
    Format.GAME: "game",
}


def standard_item_types() -> dict[str, ItemType]:
    """The standard item types by code, created where missing (idempotent)."""
    return {
        code: ItemType.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, name in STANDARD_ITEM_TYPES.items()
    }


def default_item_type(record_format: str, *, youth: bool) -> str:
    """The code of the item type a new copy of a record of ``record_format`` gets."""
    if record_format in _TYPE_OF_FORMAT:
        return _TYPE_OF_FORMAT[Format(record_format)]
    if youth:
        return "youth-book"
    return "book" if record_format == Format.BOOK else "other"
