"""Typo tolerance, decided in Python the same way whichever database found the candidates.

A candidate matches when every query word of three letters or more is similar enough to
one of its title or author words (trigram similarity as pg_trgm computes it).
"""

from __future__ import annotations

from collections.abc import Sequence

from samenbieb.catalog.search import text as t

WORD_THRESHOLD = 0.3


def trigrams(word: str) -> set[str]:
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def similarity(a: str, b: str) -> float:
    left, right = trigrams(a), trigrams(b)
    return len(left & right) / len(left | right) if left and right else 0.0


def words_to_fix(query_words: Sequence[str]) -> list[str]:
    return [w for w in dict.fromkeys(query_words) if len(w) >= 3 and w not in t.STOP_WORDS]


def score(query_words: Sequence[str], candidate: str) -> float:
    """Mean best similarity of the query words; 0 when one of them has no close word."""
    found = set(t.words(candidate))
    if not found or not query_words:
        return 0.0
    bests = [max(similarity(w, f) for f in found) for w in query_words]
    return 0.0 if min(bests) < WORD_THRESHOLD else sum(bests) / len(bests)


def best_matches(
    query_words: Sequence[str], candidates: Sequence[tuple[int, str]], limit: int
) -> list[int]:
    scored = [(score(query_words, text), record_id) for record_id, text in candidates]
    ordered = sorted((s for s in scored if s[0] > 0), key=lambda s: (-s[0], s[1]))
    return [record_id for _, record_id in ordered[:limit]]
