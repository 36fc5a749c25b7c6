"""A report's text as the build stores it, so that a hit never normalises it again.

Marking a hit needs the normalised text (hits are found there) and the map from its offsets to the
original's (marks and snippets are shown in the original). Normalising again at every search cost
about a millisecond a hit, and seconds for a report of 20 MB; so the build keeps both texts and the
map, and a hit reads only what it looks at:

* the original and the normalised text, each in blocks of :data:`BLOCK` characters compressed one by
  one: a slice decompresses only the blocks it covers (:class:`BlockText`);
* the map, composed into one sparse :class:`~indexer.extract.normalise.OffsetMap` (the places where
  the shift between the texts changes), cut in pieces of :data:`BLOCK` normalised characters, each
  the shift in force at its start and its points and shifts as int32 arrays, compressed one by one:
  a position decompresses only its piece (:class:`ChunkedOffsetMap`). Whole, the map of a 5 MB
  text with a space between every character (as some PDF text has) has a million points and took
  33 ms to read at every hit; an index built before the pieces keeps one compressed map, still read.

One stored field holds it all (:func:`stored_text`, read back by :func:`read_stored`).
"""

from __future__ import annotations

import zlib
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import Any, NamedTuple

from indexer.extract.normalise import Normalised, OffsetMap, search_text

BLOCK = 16384  # characters in a stored block of text
FIELD = "prepared"  # the stored field of the index document


def _blocks(text: str) -> tuple[bytes, ...]:
    return tuple(zlib.compress(text[i:i + BLOCK].encode("utf-8"), 6) for i in range(0, len(text), BLOCK))


def compose(norm: Normalised) -> OffsetMap:
    """One map doing what ``norm``'s chain of maps does (normalised offset → original offset)."""
    maps = [m for m in norm.maps if m.points]
    if not maps:
        return OffsetMap([], [])
    out = maps[-1]
    for outer in reversed(maps[:-1]):
        out = _compose2(outer, out)
    return out


def _compose2(outer: OffsetMap, inner: OffsetMap) -> OffsetMap:
    """The map of ``outer(inner(i))``. Its shift can change only where ``inner``'s does, or where
    ``inner(i)`` reaches one of ``outer``'s points (``inner`` is increasing: one such ``i`` each)."""
    span = max((abs(d) for d in inner.deltas), default=0)
    candidates = set(inner.points)
    for p in outer.points:
        lo = max(0, p - span)
        candidates.add(bisect_left(range(lo, p + span + 1), p, key=inner) + lo)
    points: list[int] = []
    deltas: list[int] = []
    last = 0
    for c in sorted(candidates):
        d = outer(inner(c)) - c
        if d != last:
            points.append(c)
            deltas.append(d)
            last = d
    return OffsetMap(points, deltas)


def map_pieces(mapping: OffsetMap, length: int) -> tuple[bytes, ...]:
    """``mapping`` in pieces of :data:`BLOCK` normalised positions (:class:`ChunkedOffsetMap`)."""
    points, deltas = list(mapping.points), list(mapping.deltas)
    out: list[bytes] = []
    k = 0
    carried = 0  # the shift in force where a piece starts
    for start in range(0, max(length, 0) + 1, BLOCK):
        end = start + BLOCK
        first = k
        while k < len(points) and points[k] < end:
            k += 1
        piece = array("i", [carried, *points[first:k], *deltas[first:k]])
        out.append(zlib.compress(piece.tobytes(), 6))
        if k > first:
            carried = deltas[k - 1]
    return tuple(out)


class ChunkedOffsetMap:
    """An :class:`OffsetMap` read a piece at a time: ``m(i)`` decompresses only the piece holding
    ``i`` (once); ``pieces_read`` counts them, the work a hit did on the map."""

    def __init__(self, pieces: Sequence[bytes]) -> None:
        self._pieces = pieces
        self._cache: dict[int, tuple[int, array, array]] = {}
        self.pieces_read = 0

    def _piece(self, k: int) -> tuple[int, array, array]:
        got = self._cache.get(k)
        if got is None:
            values = array("i")
            values.frombytes(zlib.decompress(self._pieces[k]))
            n = (len(values) - 1) // 2
            got = self._cache[k] = (values[0], values[1:1 + n], values[1 + n:])
            self.pieces_read += 1
        return got

    def __call__(self, i: int) -> int:
        k = min(max(i, 0) // BLOCK, len(self._pieces) - 1)
        carried, points, deltas = self._piece(k)
        j = bisect_right(points, i) - 1
        return i + (deltas[j] if j >= 0 else carried)


def stored_text(text: str) -> dict[str, Any]:
    """The stored field that keeps ``text`` for hits (built once per report, at build time)."""
    norm = search_text(text)
    mapping = compose(norm)
    return {FIELD: (len(text), len(norm.text), _blocks(text), _blocks(norm.text),
                    map_pieces(mapping, len(norm.text)))}


class BlockText:
    """A text stored as compressed blocks: ``len()`` and slices (``t[a:b]``) like a ``str``, each
    block decompressed the first time a slice needs it. ``chars_read`` counts the characters
    decompressed: the work a hit did on this text."""

    def __init__(self, blocks: Sequence[bytes], length: int) -> None:
        self._blocks, self._length = blocks, length
        self._cache: dict[int, str] = {}
        self.chars_read = 0

    def __len__(self) -> int:
        return self._length

    def _block(self, k: int) -> str:
        got = self._cache.get(k)
        if got is None:
            got = self._cache[k] = zlib.decompress(self._blocks[k]).decode("utf-8")
            self.chars_read += len(got)
        return got

    def __getitem__(self, key: slice) -> str:
        start, stop, step = key.indices(self._length)
        if step != 1:
            raise ValueError("BlockText slices have no step")
        if stop <= start:
            return ""
        first, last = start // BLOCK, (stop - 1) // BLOCK
        if first == last:
            return self._block(first)[start - first * BLOCK:stop - first * BLOCK]
        text = "".join(self._block(k) for k in range(first, last + 1))
        return text[start - first * BLOCK:stop - first * BLOCK]

    def whole(self) -> str:
        return self[0:self._length]


class StoredText(NamedTuple):
    """A report's stored text: the original, the normalised text, the map between them."""

    original: BlockText
    norm: BlockText
    orig: OffsetMap | ChunkedOffsetMap  # normalised offset → original offset

    @property
    def chars_read(self) -> int:
        """Characters decompressed from both texts so far."""
        return self.original.chars_read + self.norm.chars_read

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        """A half-open span of the normalised text in the original (as ``Normalised`` maps it)."""
        if end <= start:
            o = self.orig(start)
            return o, o
        return self.orig(start), self.orig(end - 1) + 1


def read_stored(stored: Any) -> StoredText:
    """The :class:`StoredText` of an index document's stored fields (the inverse of :func:`stored_text`)."""
    text_len, norm_len, text_blocks, norm_blocks, map_z = stored[FIELD]
    if not isinstance(map_z, bytes):  # pieces (map_pieces)
        return StoredText(BlockText(text_blocks, text_len), BlockText(norm_blocks, norm_len),
                          ChunkedOffsetMap(map_z))
    raw = zlib.decompress(map_z)  # an index built before the pieces: one compressed map
    half = len(raw) // 2
    points, deltas = array("i"), array("i")
    points.frombytes(raw[:half])
    deltas.frombytes(raw[half:])
    # OffsetMap only indexes and bisects its lists: arrays do (in C)
    return StoredText(BlockText(text_blocks, text_len), BlockText(norm_blocks, norm_len),
                      OffsetMap(points, deltas))  # type: ignore[arg-type]
