"""The full computation's bulk steps on numpy arrays, so that memory stays bounded at 100,000 reports.

The first version kept every report's pieces, a Counter of every sentence and shingle and datasketch's
LSH tables in Python objects: 8.9 GB after 16 minutes at 100,000 reports, and its candidate pairs grew
with the square of the corpus (25,000 at 2,500 reports, 104,000 at 5,000) because unrelated reports
share stock shingles found in a few hundred of them. Here counts are sorted arrays (``count_distinct``),
the LSH bands are grouped by sorting (``band_pairs``), the stored bucket rows come out band by band in
the order the file wants them (``bucket_rows``), and signatures leave out the shingles found in more
than ``Settings.signature_max_reports`` reports (``Boilerplate.frequent``): a shingle in d reports puts
d²/2 pairs together, so a cap keeps the candidates linear in the corpus.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence

import numpy as np


def count_distinct(per_report: Iterable[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """(sorted keys, reports each is found in) from each report's distinct keys (uint64)."""
    chunks = [np.asarray(k, dtype=np.uint64) for k in per_report]
    if not chunks:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.uint32)
    keys, counts = np.unique(np.concatenate(chunks), return_counts=True)
    return keys, counts.astype(np.uint32)


def summed_counts(parts: Iterable[tuple[np.ndarray, np.ndarray, int]]) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct keys and their counts summed over ``parts`` (sorted keys, counts, reports)."""
    got = list(parts)
    if not got:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
    keys, at = np.unique(np.concatenate([k for k, _c, _n in got]), return_inverse=True)
    counts = np.bincount(at, weights=np.concatenate([c for _k, c, _n in got]).astype(np.float64),
                         minlength=len(keys))
    return keys, counts.astype(np.int64)


def band_keys(block: np.ndarray) -> np.ndarray:
    """One signed 64-bit key per row of a band's values (32-bit MinHash values), equal where the rows
    are: exact for bands of one or two values (the default settings' two), else a 64-bit hash."""
    block = np.asarray(block, dtype=np.uint64)
    if block.shape[1] == 1:
        keys = block[:, 0]
    elif block.shape[1] == 2:  # two 32-bit values fit one 64-bit key
        keys = (block[:, 0] << np.uint64(32)) | block[:, 1]
    else:
        raw = np.ascontiguousarray(block.astype(">u4"))
        keys = np.array([int.from_bytes(hashlib.blake2b(row.tobytes(), digest_size=8).digest(), "big")
                         for row in raw], dtype=np.uint64)
    return keys.view(np.int64)


def band_pairs(signatures: np.ndarray, bands: Sequence[tuple[int, int]]) -> np.ndarray:
    """Every (i, j), i < j, of rows of ``signatures`` (n × num_perm) equal on all values of at least
    one band, as sorted int64 codes ``i * n + j``: what querying an LSH table with each signature
    gives, without building the table. Buckets of two (most) are paired at once, larger ones each."""
    n = len(signatures)
    found: list[np.ndarray] = []
    if n < 2:
        return np.zeros(0, dtype=np.int64)
    for a, b in bands:
        labels = band_keys(signatures[:, a:b])
        order = np.argsort(labels, kind="stable")  # equal labels: rows in ascending order
        ordered = labels[order]
        starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
        sizes = np.diff(np.r_[starts, n])
        two = starts[sizes == 2]
        found.append(order[two].astype(np.int64) * n + order[two + 1])
        for start, size in zip(starts[sizes > 2].tolist(), sizes[sizes > 2].tolist(), strict=True):
            members = order[start:start + size].astype(np.int64)
            i, j = np.triu_indices(size, 1)
            found.append(members[i] * n + members[j])
    return np.unique(np.concatenate(found))


def bucket_rows(ids: Sequence[str], signatures: np.ndarray, bands: Sequence[tuple[int, int]]
                ) -> Iterator[tuple[int, int, str]]:
    """The stored LSH rows (band, key, report id) in the table's order, one band at a time: no list
    of every row."""
    id_order = np.argsort(np.array(ids, dtype=object)) if len(ids) else np.zeros(0, dtype=np.int64)
    for band, (a, b) in enumerate(bands):
        keys = band_keys(signatures[:, a:b])[id_order]
        by_key = np.argsort(keys, kind="stable")  # by key, then by id
        yield from zip([band] * len(by_key), keys[by_key].tolist(),
                       [ids[i] for i in id_order[by_key].tolist()], strict=True)
