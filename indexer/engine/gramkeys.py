"""The ``grams`` field's positions beside each whoosh segment, in a file numpy reads directly.

An exact phrase is checked against the positions of its bigrams (``matching.py``). whoosh keeps
them in compressed, pickled postings blocks: at 100,000 reports the first read of a common
bigram's positions (政府, 公开: most reports, dozens of times each) cost 100-200 ms of unpickling.
A full build therefore writes, beside each segment it makes, ``<segment id>.gramkeys``: for every
bigram of the segment its sorted ``doc << 32 | position`` keys (what ``matching.position_keys``
decodes from whoosh's blocks) as one run of int64, so that reading a bigram is one ``pread`` and
``np.frombuffer``. whoosh stays the index of record: a segment without the file (written by an
incremental build, merged, or from an older build) is read from its postings as before, and
whoosh's own clean-up removes the file with its segment (the name matches its segment pattern).

Layout (native byte order)::

    MAGIC | keys (int64 ...) | codes (int64 × n) | ends (int64 × n) | n (int64) | MAGIC

``codes`` are the bigrams as numbers (:func:`gram_code`), sorted; the keys of term ``i`` are
``keys[ends[i-1]:ends[i]]``. The keys come first so that a segment's file is written in one pass.
Reads are positional (``os.pread``) into private memory, not a mapping: mapped pages would count as
the server's resident memory.
"""

from __future__ import annotations

import os
from array import array
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from indexer.engine.files import Descriptor, beside_segment

MAGIC = b"NBGRAMK1"
SUFFIX = ".gramkeys"
# postings decoded at once while writing (bounds the writer's extra memory: ~100 MB)
CHUNK_POSTINGS = 2_000_000
_SENTINEL = 0x1FFFFF  # the second "character" of a one-character term (above every code point)
_EMPTY = np.zeros(0, dtype=np.int64)


def gram_code(term: str) -> int | None:
    """A bigram (or a one-character term) as one number, ordered as the terms are; None for any
    other term (the tokenizer makes none)."""
    if len(term) == 2:
        return (ord(term[0]) << 21) | ord(term[1])
    if len(term) == 1:
        return (ord(term) << 21) | _SENTINEL
    return None


def write(path: Path, terms: Iterable[tuple[bytes, array, list[bytes]]]) -> None:
    """Write the file for one segment from its ``grams`` postings: (term bytes, segment-local
    document numbers in order, encoded ``ArrayPositions`` values) per term, in any term order.
    Written to a temporary name and renamed, so a file that exists is complete."""
    rows = []
    for tb, ids, values in terms:
        code = gram_code(tb.decode("utf-8"))
        if code is None:
            raise ValueError(f"grams term {tb!r} is not one or two characters")
        if len(ids):
            rows.append((code, ids, values))
    rows.sort(key=lambda r: r[0])
    tmp = path.with_name(path.name + ".tmp")
    ends = np.zeros(len(rows), dtype=np.int64)
    written = 0
    with open(tmp, "wb") as f:
        f.write(MAGIC)
        start = 0
        while start < len(rows):
            stop, postings = start, 0
            while stop < len(rows) and (postings < CHUNK_POSTINGS or stop == start):
                postings += len(rows[stop][1])
                stop += 1
            keys, counts = _chunk_keys(rows[start:stop])
            f.write(keys.tobytes())
            ends[start:stop] = written + np.cumsum(counts)
            written += len(keys)
            start = stop
        f.write(np.asarray([r[0] for r in rows], dtype=np.int64).tobytes())
        f.write(ends.tobytes())
        f.write(np.int64(len(rows)).tobytes())
        f.write(MAGIC)
    os.replace(tmp, path)


def _chunk_keys(rows: list[tuple[int, array, list[bytes]]]) -> tuple[np.ndarray, np.ndarray]:
    """The keys of some terms, concatenated in their order, and each term's number of keys."""
    values = [v for _c, _ids, vals in rows for v in vals]
    docs = np.concatenate([np.frombuffer(ids, dtype=np.uint32) if ids.itemsize == 4 else
                           np.asarray(ids, dtype=np.uint32) for _c, ids, _v in rows]).astype(np.int64)
    words = np.fromiter(map(len, values), dtype=np.int64, count=len(values)) >> 2
    flat = np.frombuffer(b"".join(values), dtype=np.uint32)
    # each value: a 4-byte frequency, then the positions (ArrayPositions)
    keep = np.ones(len(flat), dtype=bool)
    keep[np.cumsum(words) - words] = False
    keys = (np.repeat(docs, words - 1) << 32) | flat[keep].astype(np.int64)
    per_posting = words - 1
    bounds = np.cumsum([0] + [len(ids) for _c, ids, _v in rows])
    counts = np.add.reduceat(per_posting, bounds[:-1]) if len(per_posting) else np.zeros(len(rows), np.int64)
    counts[bounds[:-1] == bounds[1:]] = 0  # a term without postings (reduceat would repeat a value)
    return keys, counts


class GramKeys:
    """One segment's file, open for positional reads (thread-safe: no shared file position)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file = Descriptor(str(path))
        try:
            size = self._file.size
            tail = self._file.pread(16, size - 16) if size >= 16 else b""
            n = int(np.frombuffer(tail[:8], dtype=np.int64)[0]) if len(tail) == 16 else -1
            if tail[8:] != MAGIC or self._file.pread(8, 0) != MAGIC or n < 0:
                raise ValueError(f"{path.name}: not a complete gram keys file")
            index_at = size - 16 - 16 * n
            index = np.frombuffer(self._file.pread(16 * n, index_at), dtype=np.int64)
            self.codes, self.ends = index[:n], index[n:]
            self._keys_at = len(MAGIC)
            if index_at - self._keys_at != 8 * (int(self.ends[-1]) if n else 0):
                raise ValueError(f"{path.name}: its keys and its index disagree")
        except BaseException:
            self.close()
            raise

    @classmethod
    def open(cls, path: Path) -> GramKeys | None:
        """The file at ``path``, or None when there is none or it is not whole (whoosh's postings
        are read instead)."""
        try:
            return cls(path)
        except (OSError, ValueError):
            return None

    def _span(self, term: str) -> tuple[int, int]:
        code = gram_code(term)
        if code is None:
            return 0, 0
        i = int(np.searchsorted(self.codes, code))
        if i == len(self.codes) or self.codes[i] != code:
            return 0, 0
        return (int(self.ends[i - 1]) if i else 0), int(self.ends[i])

    def count(self, term: str) -> int:
        """How many positions ``term`` has in the segment (0: absent)."""
        lo, hi = self._span(term)
        return hi - lo

    def keys(self, term: str) -> np.ndarray:
        """The sorted ``doc << 32 | position`` keys of ``term`` in the segment."""
        lo, hi = self._span(term)
        if hi <= lo:
            return _EMPTY
        return np.frombuffer(self._file.pread(8 * (hi - lo), self._keys_at + 8 * lo), dtype=np.int64)

    def docs(self, term: str) -> np.ndarray:
        """The segment-local documents holding ``term``, sorted, each once."""
        return distinct_docs(self.keys(term))

    def close(self) -> None:
        self._file.close()


def first_of_each_doc(keys: np.ndarray) -> np.ndarray:
    """For sorted ``doc << 32 | position`` keys: True at each document's first key."""
    docs = keys >> 32
    first = np.ones(len(keys), dtype=bool)
    np.not_equal(docs[1:], docs[:-1], out=first[1:])
    return first


def distinct_docs(keys: np.ndarray) -> np.ndarray:
    """The documents of sorted ``doc << 32 | position`` keys, each once."""
    return (keys >> 32)[first_of_each_doc(keys)] if len(keys) else _EMPTY


def segment_file(folder: str | Path, segment_id: str) -> Path:
    """Where the file of segment ``segment_id`` (``MAIN_<segid>``) lives."""
    return beside_segment(folder, segment_id, SUFFIX)
