"""Finding row labels in the label stream.

Every row label of the template is looked for in the label stream (the Chinese characters of the
text, :mod:`indexer.extract.tables.cells`) by its keywords, in template order, each within a window
after the one before: a *chain*; the best chain wins.  So line breaks, single-character fragments,
spaces, numbering and a header printed again halfway do not matter.  Part headings are not used.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from indexer.extract.tables import template
from indexer.extract.tables.cells import Cells

WINDOW = 320  # stream characters searched, after one row label, for the next
MIN_ROWS_FOUND = 3  # a table is found when at least this many of its row labels are


class RowSpec:
    """A row to find: key, normalised official label, keyword patterns."""

    _cache: dict[tuple[str, ...], tuple[re.Pattern[str], ...]] = {}  # noqa: RUF012

    def __init__(self, key: str, label: str, keywords: tuple[str, ...]) -> None:
        self.key = key
        self.label = label
        self.norm = template.norm_label(label)
        if keywords not in self._cache:
            self._cache[keywords] = tuple(re.compile(k) for k in keywords)
        self.patterns = self._cache[keywords]


@functools.cache
def row_specs(rows: tuple[template.Row | template.PartTwoRow, ...]) -> tuple[RowSpec, ...]:
    """The specs of a table's rows, in template order."""
    return tuple(RowSpec(r.key, r.label, r.keywords) for r in rows)
@dataclass(frozen=True)
class RowMatch:
    key: str
    start: int  # label span in the stream
    end: int
    first_tok: int
    label_toks: frozenset[int]
    label_lines: frozenset[int]


def _extend(stream: str, m: re.Match[str], norm: str, floor: int) -> tuple[int, int]:
    """Grow a keyword hit over the characters of the official label, left and right."""
    a, b = m.start(), m.end()
    k = norm.find(m.group())
    if k < 0:
        return a, b
    i, j = a - 1, k - 1
    while j >= 0 and i >= floor and stream[i] == norm[j]:
        i, j = i - 1, j - 1
    a = i + 1
    i, j = b, k + (b - m.start())
    while j < len(norm) and i < len(stream) and stream[i] == norm[j]:
        i, j = i + 1, j + 1
    return a, i


def row_match(cells: Cells, key: str, a: int, b: int) -> RowMatch:
    toks = frozenset(cells.stream_tok[p] for p in range(a, b))
    lines = frozenset(cells.tokens[t].line for t in toks)
    return RowMatch(key, a, b, cells.stream_tok[a], toks, lines)


def _chain(
    cells: Cells, specs: Sequence[RowSpec], first: int, pos: int, barrier: re.Pattern[str] | None, stop: int
) -> list[RowMatch]:
    stream = cells.stream
    out: list[RowMatch] = []
    floor = max(0, pos - len(specs[first].norm))  # the first label may begin before its keyword
    for spec in specs[first:]:
        limit = min(stop, pos + WINDOW)
        if barrier is not None:
            bm = barrier.search(stream, pos, limit)
            if bm:
                limit = bm.start()
        for pat in spec.patterns:
            m = pat.search(stream, pos, limit)
            if m:
                a, b = _extend(stream, m, spec.norm, floor)
                out.append(row_match(cells, spec.key, a, b))
                pos = floor = b
                break
    return out


def best_chain(
    cells: Cells,
    specs: Sequence[RowSpec],
    barrier: re.Pattern[str] | None,
    start: int = 0,
    stop: int | None = None,
) -> list[RowMatch]:
    """The chain of row labels (in template order) with the most rows, then the tightest."""
    stop = len(cells.stream) if stop is None else stop
    best: list[RowMatch] = []
    best_score: tuple[int, int] | None = None
    tried: set[int] = set()
    for i, spec in enumerate(specs):
        for pat in spec.patterns:
            for m in pat.finditer(cells.stream, start, stop):
                if m.start() in tried:
                    continue
                tried.add(m.start())
                chain = _chain(cells, specs, i, m.start(), barrier, stop)
                if not chain:
                    continue
                score = (len(chain), -(chain[-1].end - chain[0].start))
                if best_score is None or score > best_score:
                    best, best_score = chain, score
        if best and len(best) >= len(specs) - i:
            break  # no later start can find more rows
    return best
