"""Shared and differing passages of two reports, as spans of both texts, for the side-by-side view.

A sentence of A is shared when it and the sentence before or after it are found in B and are not
boilerplate: the rule the share counts, so what the page marks is what the figure measured. Runs of
shared sentences that follow each other in both texts become one passage; the rest of each text,
sentence runs, are its differing passages. Offsets are those of the texts given, so the page marks
them where they are.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

import numpy as np

from .units import Sequence, Unit, units


@dataclass(frozen=True)
class Passage:
    """A passage found in both: ``text_a[a_start:a_end]`` and ``text_b[b_start:b_end]``."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int


@dataclass(frozen=True)
class Comparison:
    shared: list[Passage]
    only_a: list[tuple[int, int]]  # spans of A not found in B
    only_b: list[tuple[int, int]]  # spans of B not found in A


def _shared_sentences(mine: list[Unit], theirs: set[int], boilerplate: Collection[int]) -> list[bool]:
    """Which of my sentences count as found in the other text: the share's rule (``Sequence.counted``)
    on my own (non-boilerplate) sentences; boilerplate ones are never marked."""
    own = [i for i, u in enumerate(mine) if u.key not in boilerplate]
    keys = np.fromiter((mine[i].key for i in own), dtype=np.uint64, count=len(own))
    seq = Sequence(keys, np.ones(len(own), dtype=np.uint32), np.unique(keys))
    counted = seq.counted(np.fromiter(theirs, dtype=np.uint64, count=len(theirs)))
    out = [False] * len(mine)
    for i, flag in zip(own, counted.tolist(), strict=True):
        out[i] = flag
    return out


def _runs(flags: list[bool], us: list[Unit], want: bool) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(us):
        if flags[i] != want:
            i += 1
            continue
        j = i
        while j + 1 < len(us) and flags[j + 1] == want:
            j += 1
        spans.append((us[i].start, us[j].end))
        i = j + 1
    return spans


def shared_passages(text_a: str, places_a: Iterable[str | None], text_b: str, places_b: Iterable[str | None],
                    boilerplate: Collection[int] = ()) -> Comparison:
    """Passages A and B share (spans in both) and those only one has. ``boilerplate``: the index's
    learned keys (``ReuseIndex.boilerplate.counts``), so template wording is not marked as copied."""
    ua, ub = units(text_a, places_a), units(text_b, places_b)
    in_a = _shared_sentences(ua, {u.key for u in ub}, boilerplate)
    in_b = _shared_sentences(ub, {u.key for u in ua}, boilerplate)
    where_b: dict[int, list[int]] = {}
    for j, u in enumerate(ub):
        if in_b[j]:
            where_b.setdefault(u.key, []).append(j)
    pairs: list[tuple[int, int]] = []  # (sentence of A, sentence of B)
    prev = -2
    for i, u in enumerate(ua):
        if not in_a[i] or u.key not in where_b:
            continue
        options = where_b[u.key]
        j = prev + 1 if prev + 1 in options else next((x for x in options if x > prev), options[0])
        pairs.append((i, j))
        prev = j
    shared: list[Passage] = []
    for i, j in pairs:
        last = shared[-1] if shared else None
        if last is not None and pairs_follow(last, ua, ub, i, j):
            shared[-1] = Passage(last.a_start, ua[i].end, last.b_start, ub[j].end)
        else:
            shared.append(Passage(ua[i].start, ua[i].end, ub[j].start, ub[j].end))
    matched_a = [False] * len(ua)
    matched_b = [False] * len(ub)
    for i, j in pairs:
        matched_a[i] = matched_b[j] = True
    return Comparison(shared, _runs(matched_a, ua, False), _runs(matched_b, ub, False))


def pairs_follow(last: Passage, ua: list[Unit], ub: list[Unit], i: int, j: int) -> bool:
    """Whether sentence pair (i, j) continues the passage: the sentences right after its ends."""
    return i > 0 and j > 0 and ua[i - 1].end == last.a_end and ub[j - 1].end == last.b_end
