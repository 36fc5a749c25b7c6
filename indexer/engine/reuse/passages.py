"""Shared and differing passages of two reports, as spans of both texts, for the side-by-side view.

A sentence of A is shared when it and the sentence before or after it stand in B one after the other
and are not template wording, or when it is a lone sentence (its whole text rare in the corpus) that B
has too: the rule the share counts (``Sequence.counted``), so what the page marks
is what the figure measured. Runs of shared sentences that follow each other in both texts become
one passage; the rest of each text, sentence runs, are its differing passages. Offsets are those of
the texts given, so the page marks them where they are. Computed from the two texts alone: the
index's learned boilerplate, when given, keeps template wording from being marked.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

import numpy as np

from .boilerplate import Boilerplate
from .units import BARE, Piece, Sequence, Unit, in_sorted, pieces, units_of


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
    share_a: float = 0.0  # of A's own text found in B (the index's share(A → B) for the same boilerplate)
    share_b: float = 0.0  # of B's own text found in A


def _learned(boilerplate: Boilerplate | Collection[int]) -> Boilerplate:
    if isinstance(boilerplate, Boilerplate):
        return boilerplate
    return Boilerplate(template=np.array(sorted(boilerplate), dtype=np.uint64))  # template sentence keys


def _own(us: list[Unit], bp: Boilerplate) -> tuple[list[Unit], Sequence]:
    """The units that are own text (as ``Sequence.of`` keeps them), in order, and their sequence."""
    seq = Sequence.of(us, bp.template, bp.common, common_wholes=bp.common_wholes, wording=bp.wording)
    kept: list[Unit] = []
    j = 0
    for u in us:  # Sequence.of keeps a subsequence: walk both
        if j < len(seq.keys) and u.key == int(seq.keys[j]):
            kept.append(u)
            j += 1
    return kept, seq


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
                    boilerplate: Boilerplate | Collection[int] = ()) -> Comparison:
    """Passages A and B share (spans in both) and those only one has. ``boilerplate``: the index's
    learned :class:`Boilerplate` (``ReuseIndex.boilerplate``; or a collection of template sentence
    keys), so that template wording is not marked as copied; without it every sentence is own text."""
    bp = _learned(boilerplate)
    pieces_a, pieces_b = pieces(text_a, places_a), pieces(text_b, places_b)
    named_a, named_b = units_of(pieces_a, bp.headings), units_of(pieces_b, bp.headings)
    all_a = _taking(pieces_a, named_a, bp.headings, named_b)
    all_b = _taking(pieces_b, named_b, bp.headings, named_a)
    ua, sa = _own(all_a, bp)
    ub, sb = _own(all_b, bp)
    in_a = sa.counted(sb.shingles, sb.lone_wholes).tolist()
    in_b = sb.counted(sa.shingles, sa.lone_wholes).tolist()
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
    matched_a = _matched(all_a, {ua[i].start for i, _ in pairs})
    matched_b = _matched(all_b, {ub[j].start for _, j in pairs})
    return Comparison(shared, _runs(matched_a, all_a, False), _runs(matched_b, all_b, False),
                      _share(sa, in_a), _share(sb, in_b))


def _taking(found: list[Piece], named: list[Unit], headings: Collection[str],
            other: list[Unit]) -> list[Unit]:
    """The units, a sentence with a bare stem keyed as written where so it stands in the other text
    (``units.Keyed``: the pair's own evidence, where the index asks all its reports)."""
    if not any(BARE in p.masked for p in found):
        return named
    keys = np.unique(np.array([u.key for u in other], dtype=np.uint64))
    return units_of(found, headings, lambda asked: in_sorted(asked, keys))


def _share(seq: Sequence, counted: list[bool]) -> float:
    total = seq.total
    return round(int(seq.weights[np.array(counted, dtype=bool)].sum()) / total, 3) if total else 0.0


def _matched(us: list[Unit], starts: set[int]) -> list[bool]:
    return [u.start in starts for u in us]


def pairs_follow(last: Passage, ua: list[Unit], ub: list[Unit], i: int, j: int) -> bool:
    """Whether sentence pair (i, j) continues the passage: the sentences right after its ends."""
    return i > 0 and j > 0 and ua[i - 1].end == last.a_end and ub[j - 1].end == last.b_end
