"""MinHash signatures as datasketch computes them, in numpy alone, and datasketch's LSH bands.

Importing datasketch imports scipy (its LSH picks bands by integrating false-positive and negative
rates): 1.2-1.4 s measured here, more than the rest of an incremental build's reuse step. The
signature itself is a few numpy lines (datasketch's ``MinHash``: universal hashing of each value's
32-bit hash, ``(a·h + b) mod (2⁶¹ − 1)``, low 32 bits, the minimum per permutation), so it is
computed here, equal to datasketch's value for value (tested); datasketch is imported only to choose
the bands of a new index (a full build), and an index opened from its file has its bands saved.
"""

from __future__ import annotations

from functools import cache

import numpy as np

MERSENNE = np.uint64((1 << 61) - 1)
MAX_HASH = np.uint64((1 << 32) - 1)


@cache
def permutations(num_perm: int, seed: int) -> np.ndarray:
    """The (2, num_perm) parameters a and b of ``datasketch.MinHash(num_perm, seed).permutations``
    (read-only: one array per setting, shared)."""
    gen = np.random.RandomState(seed)  # datasketch's generator and order of draws
    pairs = [(gen.randint(1, MERSENNE, dtype=np.uint64), gen.randint(0, MERSENNE, dtype=np.uint64))
             for _ in range(num_perm)]
    out = np.array(pairs, dtype=np.uint64).T
    out.flags.writeable = False
    return out


def signature(values: np.ndarray, num_perm: int, seed: int) -> np.ndarray:
    """The MinHash of ``values`` (uint64, each hashed to its low 32 bits), as datasketch's
    ``MinHash(num_perm, seed, hashfunc=low 32 bits).update_batch(values)`` makes it (uint64)."""
    hv = (np.asarray(values, dtype=np.uint64) & MAX_HASH)[:, np.newaxis]
    a, b = permutations(num_perm, seed)
    with np.errstate(over="ignore"):  # datasketch's uint64 products wrap too
        phv = (hv * a + b) % MERSENNE & MAX_HASH
    return phv.min(axis=0) if len(hv) else np.full(num_perm, MAX_HASH)  # every value ≤ MAX_HASH


@cache
def lsh_bands(threshold: float, num_perm: int) -> tuple[tuple[int, int], ...]:
    """datasketch's choice of LSH bands (start, end) for a Jaccard threshold and ``num_perm``."""
    from datasketch import MinHashLSH

    return tuple((int(a), int(b)) for a, b in MinHashLSH(threshold=threshold, num_perm=num_perm).hashranges)
