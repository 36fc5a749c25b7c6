"""Text normalisation that never loses the original.

Two views of a report are needed:

* ``nfkc(text)`` keeps the line and tab structure (the table reader needs it) and only folds
  full-width digits, letters and punctuation to their ASCII forms;
* ``search_text(text)`` is what the index sees and what an exact phrase is matched against:
  NFKC, then every run of whitespace that stands between two Chinese characters removed (PDF
  extraction leaves ``结 果 维 持`` and breaks ``本年新\\n公开数量`` across lines).

Both return a :class:`Normalised`: the new text plus, for every character of it, the offset of the
character of the original it came from, so hits found in the normalised text can be highlighted in
the text as written.  What a Chinese character is comes from :mod:`indexer.extract.text`.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass

from indexer.extract.text import CJK_CLASS, is_cjk

__all__ = [
    "Normalised", "OffsetMap", "drop_whitespace_between_cjk", "is_cjk", "nfkc", "nfkc_string",
    "normalise_query_phrase", "search_string", "search_string_of_nfkc", "search_text",
]


class OffsetMap:
    """Position in a derived text → position in its source, stored sparsely: only the places where
    the shift between the two changes (an NFKC expansion, a removed run of whitespace), so building
    it costs in proportion to the changes, not to the length of the text."""

    __slots__ = ("deltas", "points")

    def __init__(self, points: list[int], deltas: list[int]) -> None:
        self.points = points  # derived positions where a new shift starts (sorted)
        self.deltas = deltas  # source position − derived position from there on

    def __call__(self, i: int) -> int:
        k = bisect_right(self.points, i) - 1
        return i + (self.deltas[k] if k >= 0 else 0)


@dataclass(frozen=True)
class Normalised:
    """Normalised text and the map back to the original: ``orig(i)`` is where character ``i`` came
    from; ``orig(len(text))`` is ``len(original)``."""

    text: str
    maps: tuple[OffsetMap, ...]  # applied last to first: normalised → … → original

    def orig(self, i: int) -> int:
        for m in reversed(self.maps):
            i = m(i)
        return i

    @property
    def offsets(self) -> list[int]:
        """Every character's original offset (for tests and small texts)."""
        return [self.orig(i) for i in range(len(self.text) + 1)]

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of the normalised text to the original text."""
        if end <= start:
            o = self.orig(start)
            return o, o
        return self.orig(start), self.orig(end - 1) + 1


_TABLE: dict[int, str] | None = None
_EXPANDING: re.Pattern[str] | None = None
_CHANGING: frozenset[str] = frozenset()  # the characters of _TABLE


def _fold(ch: str) -> str:
    return " " if ch == "\u3000" else unicodedata.normalize("NFKC", ch)


def _tables() -> tuple[dict[int, str], re.Pattern[str]]:
    """Every code point NFKC changes → its fold (for ``str.translate``), and a pattern of those whose
    fold is not one character long (built once, ~0.2 s)."""
    global _TABLE, _EXPANDING, _CHANGING
    if _TABLE is None or _EXPANDING is None:
        table: dict[int, str] = {}
        expanding: list[str] = []
        for cp in range(0xA0, 0x30000):
            if 0xD800 <= cp <= 0xDFFF:
                continue
            ch = chr(cp)
            folded = _fold(ch)
            if folded != ch:
                assert folded, "NFKC never deletes a character"
                table[cp] = folded
                if len(folded) != 1:
                    expanding.append(re.escape(ch))
        _TABLE = table
        _EXPANDING = re.compile("[" + "".join(expanding) + "]")
        _CHANGING = frozenset(map(chr, table))
    return _TABLE, _EXPANDING


def nfkc(text: str) -> Normalised:
    """NFKC character by character, with the map back to the original (one original character may
    become several, e.g. ㈠ → (一)). The folding runs in C (``str.translate``); only characters that
    expand are visited in Python."""
    table, expanding = _tables()
    folded = nfkc_string(text)
    points: list[int] = []
    deltas: list[int] = []
    if len(folded) == len(text):  # no fold is empty, so equal lengths mean no expansion
        return Normalised(folded, (OffsetMap(points, deltas),))
    shift = 0  # output characters added by expansions so far
    for m in expanding.finditer(text):
        i = m.start()
        n = len(table[ord(text[i])])
        for k in range(n):
            points.append(i + shift + k)
            deltas.append(-(shift + k))
        shift += n - 1
        points.append(i + shift + 1)
        deltas.append(-shift)
    return Normalised(folded, (OffsetMap(points, deltas),))


def nfkc_string(text: str) -> str:
    """``nfkc(text).text`` without the map. Replaces each distinct changing character present, all
    in C: several times faster than ``str.translate`` on Chinese text (and nearly free on text
    already folded: the changing characters present are one set intersection)."""
    table = _tables()[0]
    for ch in _CHANGING.intersection(text):
        text = text.replace(ch, table[ord(ch)])
    return text


# A run of whitespace with a Chinese character on both sides (\s+ is greedy and the character before
# it is not whitespace, so only whole runs match).
_WS_BETWEEN_CJK = re.compile(rf"(?<=[{CJK_CLASS}])\s+(?=[{CJK_CLASS}])")


def _removable_whitespace(text: str) -> list[tuple[int, int]]:
    """Runs of whitespace that stand between two Chinese characters."""
    return [m.span() for m in _WS_BETWEEN_CJK.finditer(text)]


def drop_whitespace_between_cjk(norm: Normalised) -> Normalised:
    """``norm`` with the whitespace between two Chinese characters removed, the map extended."""
    text = norm.text
    runs = _removable_whitespace(text)
    if not runs:
        return norm
    pieces: list[str] = []
    points: list[int] = []
    deltas: list[int] = []
    pos = 0
    removed = 0
    for a, b in runs:
        pieces.append(text[pos:a])
        points.append(a - removed)
        removed += b - a
        deltas.append(removed)
        pos = b
    pieces.append(text[pos:])
    return Normalised("".join(pieces), (*norm.maps, OffsetMap(points, deltas)))


def search_text(text: str) -> Normalised:
    """The normalisation the index applies (documented in the README): NFKC, then whitespace
    between two Chinese characters removed."""
    return drop_whitespace_between_cjk(nfkc(text))


def search_string(text: str) -> str:
    """``search_text(text).text`` without the offset map: what the build indexes."""
    return search_string_of_nfkc(nfkc_string(text))


def search_string_of_nfkc(folded: str) -> str:
    """:func:`search_string` of a text already NFKC-folded (``nfkc(text).text``): only the
    whitespace between Chinese characters is left to drop (extraction folds a report once)."""
    return _WS_BETWEEN_CJK.sub("", folded)


def normalise_query_phrase(phrase: str) -> str:
    """A phrase typed by a user, normalised the way the indexed text is."""
    return search_text(phrase).text.strip()
