"""The word fields' postings beside each whoosh segment, in a file numpy reads directly.

A word query reads each of its words' documents (``matching.DocSets.term``), and ranking reads
their documents and frequencies (``ranking.Ranker.postings``). whoosh keeps them in pickled,
zlib-compressed blocks of 128 postings: at 100,000 reports the first read of a common word (政策解读,
in 88,000 reports) unpickles ~700 blocks, 50-200 ms, and the bench's first pass over a new index
spent 40% of its time there. A full build therefore writes, beside each segment it makes (and
beside its ``.gramkeys``), ``<segment id>.wordkeys``: for every term of the word fields
(:data:`FIELDS`) whose postings the workers made (the file names the fields it holds, and only a
field all of whose postings it has) its segment-local document numbers (uint32) and weights
(float32, written only when every weight is exactly a float32: they are term frequencies), so
that reading a term is a few ``pread`` calls and ``np.frombuffer``. whoosh stays the index of
record: a segment without the file (written by an incremental build, merged, or from an older
build) is read from its postings as before, and whoosh's clean-up removes the file with its
segment (the name matches its pattern).

Layout (native byte order)::

    MAGIC | ids (uint32 × P) | weights (float32 × P) | names (bytes) | fields (bytes), padded to 8
          | hashes (uint64 × n) | ends (int64 × n) | name_ends (int64 × n)
          | P, len(names), len(fields), n (int64) | MAGIC

``fields``: the names of the fields held, joined by ``\0``.

A term is found by the 64-bit hash of ``field \\0 term`` (``hashes`` sorted; ``ends`` and
``name_ends`` in the same order) and then its name is compared, so a hash collision can never give
another term's postings. Reads are positional (``os.pread``) into private memory, not a mapping:
mapped pages would count as the server's resident memory.
"""

from __future__ import annotations

import hashlib
import os
from array import array
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from indexer.engine.files import Descriptor, beside_segment

MAGIC = b"NBWORDK1"
SUFFIX = ".wordkeys"
FIELDS = ("words", "title_words", "body_words")  # the fields queries match and rank by word
_TAIL = 4 * 8 + len(MAGIC)
_NO_IDS = np.zeros(0, dtype=np.int64)
_NO_WEIGHTS = np.zeros(0, dtype=np.float64)


def term_name(field: str, term: bytes) -> bytes:
    return field.encode("utf-8") + b"\0" + term


def term_hash(name: bytes) -> int:
    """A stable 64-bit hash of a term's name (``term_name``)."""
    return int.from_bytes(hashlib.blake2b(name, digest_size=8).digest(), "little")


def write(path: Path, fields: Iterable[str], terms: Iterable[tuple[str, bytes, array, array]]) -> bool:
    """Write the file for one segment from the whole postings of ``fields``: (field, term bytes,
    segment-local document numbers in order, weights) per term, in any order. False, and no file,
    when a weight is not exactly a float32 (whoosh's postings answer then). Written to a temporary
    name and renamed, so a file that exists is complete."""
    held = sorted(set(fields))
    rows = []
    for field, tb, ids, weights in terms:
        if field not in held:
            raise ValueError(f"postings of {field!r}, which the file does not hold")
        if len(ids):
            name = term_name(field, tb)
            rows.append((term_hash(name), name, ids, weights))
    rows.sort(key=lambda r: r[0])
    hashes = np.fromiter((r[0] for r in rows), dtype=np.uint64, count=len(rows))
    if len(hashes) > 1 and not np.all(hashes[1:] != hashes[:-1]):  # a collision inside the segment
        return False
    counts = np.fromiter((len(r[2]) for r in rows), dtype=np.int64, count=len(rows))
    ends = np.cumsum(counts)
    docs = (np.concatenate([np.asarray(r[2], dtype=np.uint32) for r in rows]) if rows
            else np.zeros(0, dtype=np.uint32))
    w64 = (np.concatenate([np.asarray(r[3], dtype=np.float64) for r in rows]) if rows
           else np.zeros(0, dtype=np.float64))
    w32 = w64.astype(np.float32)
    if not np.array_equal(w32.astype(np.float64), w64):
        return False
    names = b"".join(r[1] for r in rows)
    name_ends = np.cumsum(np.fromiter((len(r[1]) for r in rows), dtype=np.int64, count=len(rows)))
    field_names = "\0".join(held).encode("utf-8")
    pad = b"\0" * _pad(8 * len(docs) + len(names) + len(field_names))
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        f.write(MAGIC)
        f.write(docs.tobytes())
        f.write(w32.tobytes())
        f.write(names + field_names + pad)
        f.write(hashes.tobytes())
        f.write(ends.astype(np.int64).tobytes())
        f.write(name_ends.astype(np.int64).tobytes())
        f.write(np.asarray([len(docs), len(names), len(field_names), len(rows)], dtype=np.int64).tobytes())
        f.write(MAGIC)
    os.replace(tmp, path)
    return True


class WordKeys:
    """One segment's file, open for positional reads (thread-safe: no shared file position)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file = Descriptor(str(path))
        try:
            size = self._file.size
            tail = self._file.pread(_TAIL, size - _TAIL) if size >= _TAIL + len(MAGIC) else b""
            if len(tail) != _TAIL or tail[32:] != MAGIC or self._file.pread(len(MAGIC), 0) != MAGIC:
                raise ValueError(f"{path.name}: not a complete word keys file")
            postings, names, fields, n = (int(x) for x in np.frombuffer(tail[:32], dtype=np.int64))
            self._ids_at = len(MAGIC)
            self._weights_at = self._ids_at + 4 * postings
            self._names_at = self._weights_at + 4 * postings
            index_at = self._names_at + names + fields + _pad(8 * postings + names + fields)
            if min(postings, names, fields, n) < 0 or index_at + 24 * n + _TAIL != size:
                raise ValueError(f"{path.name}: its parts and its size disagree")
            held = self._file.pread(fields, self._names_at + names).decode("utf-8")
            self.fields = frozenset(held.split("\0")) if held else frozenset()
            index = self._file.pread(24 * n, index_at)
            self.hashes = np.frombuffer(index, dtype=np.uint64, count=n)
            self.ends = np.frombuffer(index, dtype=np.int64, count=n, offset=8 * n)
            self.name_ends = np.frombuffer(index, dtype=np.int64, count=n, offset=16 * n)
            if n and (int(self.ends[-1]) != postings or int(self.name_ends[-1]) != names):
                raise ValueError(f"{path.name}: its index and its postings disagree")
        except BaseException:
            self.close()
            raise

    @classmethod
    def open(cls, path: Path) -> WordKeys | None:
        """The file at ``path``, or None when there is none or it is not whole (whoosh's postings
        are read instead)."""
        try:
            return cls(path)
        except (OSError, ValueError):
            return None

    def holds(self, field: str) -> bool:
        """Whether the file has ``field``'s postings (else whoosh's answer for it)."""
        return field in self.fields

    def _span(self, field: str, term: str) -> tuple[int, int]:
        name = term_name(field, term.encode("utf-8"))
        code = np.uint64(term_hash(name))
        i = int(np.searchsorted(self.hashes, code))
        if i == len(self.hashes) or self.hashes[i] != code:
            return 0, 0
        start = int(self.name_ends[i - 1]) if i else 0
        stop = int(self.name_ends[i])
        if self._file.pread(stop - start, self._names_at + start) != name:
            return 0, 0
        return (int(self.ends[i - 1]) if i else 0), int(self.ends[i])

    def docs(self, field: str, term: str) -> np.ndarray:
        """The segment-local documents holding ``term`` in ``field``, sorted (int64)."""
        lo, hi = self._span(field, term)
        if hi <= lo:
            return _NO_IDS
        raw = self._file.pread(4 * (hi - lo), self._ids_at + 4 * lo)
        return np.frombuffer(raw, dtype=np.uint32).astype(np.int64)

    def postings(self, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        """(segment-local documents, weights as float64) of ``term`` in ``field``."""
        lo, hi = self._span(field, term)
        if hi <= lo:
            return _NO_IDS, _NO_WEIGHTS
        ids = np.frombuffer(self._file.pread(4 * (hi - lo), self._ids_at + 4 * lo), dtype=np.uint32)
        w = np.frombuffer(self._file.pread(4 * (hi - lo), self._weights_at + 4 * lo), dtype=np.float32)
        return ids.astype(np.int64), w.astype(np.float64)

    def close(self) -> None:
        self._file.close()


def _pad(after_magic: int) -> int:
    """Bytes that bring the index arrays to a multiple of 8 from the file's start."""
    return -(len(MAGIC) + after_magic) % 8


def segment_file(folder: str | Path, segment_id: str) -> Path:
    """Where the file of segment ``segment_id`` (``MAIN_<segid>``) lives."""
    return beside_segment(folder, segment_id, SUFFIX)
