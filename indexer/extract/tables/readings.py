"""Readings of a row's numbers.

A row owns the numbers after its label up to the next row's label (or up to text that is neither
its label nor table header).  Several *readings* of a row are possible when it has fewer numbers
than columns (tab positions, blank cells, which column a lone number sits in) or when its cells ran
together (``350100238``); the identities of :mod:`indexer.extract.tables.identities` choose among
them, jointly over the table (the part readers do that).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from indexer.extract.tables.cells import EMPTY, NUM, TEXT, Cells, Token
from indexer.extract.tables.identities import Group, Value, Vec, vec_ok
from indexer.extract.tables.labels import RowMatch


def collect_numbers(
    cells: Cells, m: RowMatch | None, start_tok: int, end_tok: int, known: str, ncols: int
) -> list[int]:
    """The number tokens of a row: after its label, up to ``end_tok``, up to text that is neither
    its label nor table header (once numbers were seen; the row's own label printed again is not
    such text), never into a line of more numbers than the table has columns (another table's row)."""
    nums: list[int] = []
    label_toks = m.label_toks if m else frozenset()
    label_lines = m.label_lines if m else frozenset()
    # a converter may print a merged label cell once per column it spans: the row's own label again
    own = cells.stream[m.start : m.end] if m else ""
    for t in range(start_tok, end_tok):
        tok = cells.tokens[t]
        if tok.kind == NUM:
            if cells.line_nums[tok.line] > ncols and tok.line not in label_lines and not nums:
                break
            if nums and cells.line_nums[tok.line] > ncols and tok.line != cells.tokens[nums[-1]].line:
                break
            nums.append(t)
        elif tok.kind == TEXT and t not in label_toks:
            cjk = tok.cjk
            if not cjk:
                continue
            if own and cjk in own:
                continue
            if nums:
                break
            if not (cjk in known or len(cjk) <= 4):
                break
    return nums


def column_start(cells: Cells, rows: list[list[int]], ncols: int) -> int | None:
    """The tab cell where the table's first number column stands, when the rows that fill every
    column on one line agree on it (then a row with blank cells is read by the same positions)."""
    starts: list[int] = []
    for nums in rows:
        toks = [cells.tokens[i] for i in nums]
        if len(toks) != ncols or len({t.line for t in toks}) != 1:
            continue
        if [t.cell for t in toks] != list(range(toks[0].cell, toks[0].cell + ncols)):
            continue
        starts.append(toks[0].cell)
    if len(starts) < 2:
        return None
    best = max(set(starts), key=starts.count)
    return best if starts.count(best) >= 0.75 * len(starts) else None


_BLANK = object()
_MAX_DIGITS = 6  # longest number a run-together chunk is split into


@dataclass
class RowReading:
    candidates: list[Vec]  # readings the layout points to that satisfy the row's identities
    relaxed: list[Vec]  # every reading the layout allows that satisfies them
    fallback: Vec  # the plain reading, kept when none satisfies them
    note: str | None = None


def _vec(assign: dict[int, Value], ncols: int, groups: Sequence[Group]) -> Vec:
    """A vector from cells given by slot; blank cells are 0, except the parts of a group of which
    only the total was given (not given: ``None``, unless the total is 0)."""
    v: list[Value] = [assign.get(i, 0) for i in range(ncols)]
    for parts, tot in groups:
        if tot in assign and assign[tot] and all(i not in assign for i in parts):
            for i in parts:
                v[i] = None
    return tuple(v)


def _offsets(
    cellvals: list[Any], ncols: int, groups: Sequence[Group], first_slot_cell: int | None = None
) -> tuple[list[Vec], list[Vec]]:
    """Readings from cell positions, as (preferred, others).  Extra blank cells at either end may
    be layout (merged label cells, trailing tabs), inner blanks are blank cells; a line shorter than
    the table had its trailing blank cells dropped.  ``first_slot_cell``: the cell index where the
    table's first column stands, when known (the reading it gives is preferred)."""
    filled = [i for i, c in enumerate(cellvals) if c is not _BLANK]
    if not filled:
        return [], []
    f, last = filled[0], filled[-1]
    inner = cellvals[f : last + 1]
    m = len(inner)
    if m > ncols:
        return [], []
    trail = len(cellvals) - 1 - last if len(cellvals) >= ncols else ncols
    preferred: list[Vec] = []
    others: list[Vec] = []
    for o in range(max(0, ncols - m - trail), min(f, ncols - m) + 1):
        assign = {o + i: c for i, c in enumerate(inner) if c is not _BLANK}
        v = _vec(assign, ncols, groups)
        (preferred if first_slot_cell is not None and f - first_slot_cell == o else others).append(v)
    return preferred, others


@dataclass(frozen=True)
class RowSpan:
    """One table row's stretch of the token stream, as the number readers see it: the number tokens
    (``nums``) between ``start_tok`` and ``end_tok``, the row's label match (None for a row found
    by position only), its column count and groups, and the column the table's numbers start at
    (``abs_start``, when the layout shows one)."""

    cells: Cells
    nums: list[int]
    m: RowMatch | None
    start_tok: int
    end_tok: int
    ncols: int
    groups: Sequence[Group]
    abs_start: int | None = None


def _positional(row: RowSpan) -> tuple[list[Vec], list[Vec]]:
    """Readings from where the numbers stand: tab cells of the row's line, or one cell per line."""
    cells, nums, m, start_tok, end_tok = row.cells, row.nums, row.m, row.start_tok, row.end_tok
    ncols, groups, abs_start = row.ncols, row.groups, row.abs_start
    toks = cells.tokens
    num_lines = {toks[i].line for i in nums}
    end_line = toks[end_tok].line if end_tok < len(toks) else -1
    label_toks = m.label_toks if m else frozenset()
    label_line = max((toks[t].line for t in label_toks), default=-1)
    per_line: dict[int, list[Token]] = {}
    for t in range(start_tok, end_tok):
        tok = toks[t]
        if tok.line <= label_line or tok.line == end_line:
            continue
        per_line.setdefault(tok.line, []).append(tok)
    one_per_line = (
        bool(per_line)
        and min(num_lines) > label_line
        and all(
            sum(1 for t in lt if t.kind != EMPTY) <= 1 and len(cells.lines[ln]) <= 2
            for ln, lt in per_line.items()
        )
    )
    vals: list[Any] = []
    if one_per_line:
        for ln in sorted(per_line):
            line_toks = [t for t in per_line[ln] if t.kind != EMPTY]
            if not line_toks:
                vals.append(_BLANK)
            elif line_toks[0].kind == NUM:
                vals.append(line_toks[0].value)
            else:
                return [], []
        return _offsets(vals, ncols, groups)
    if len(num_lines) != 1:
        return [], []
    (ln,) = num_lines
    own = cells.stream[m.start : m.end] if m else ""
    label_cells = [toks[t].cell for t in label_toks if toks[t].line == ln]
    label_cells += [  # the row's label printed again in the cells its merged cell spans
        toks[t].cell
        for t in cells.line_toks[ln]
        if own and toks[t].kind == TEXT and toks[t].cjk and toks[t].cjk in own
    ]
    start_cell = max(label_cells) + 1 if label_cells else 0
    by_cell: dict[int, list[Token]] = {}
    for t in cells.line_toks[ln]:
        if start_tok <= t < end_tok and toks[t].cell >= start_cell and not toks[t].blank_line:
            by_cell.setdefault(toks[t].cell, []).append(toks[t])
    for c in sorted(by_cell):
        cell_toks = by_cell[c]
        nn = [t for t in cell_toks if t.kind == NUM]
        if any(t.kind == TEXT and t.cjk for t in cell_toks) or len(nn) > 1:
            return [], []
        vals.append(nn[0].value if nn else _BLANK)
    if not by_cell:
        return [], []
    # the cell where column one stands: learnt from the table's full rows (part three), or the
    # first cell of a line that has no label (part four: its header is above it)
    first_cell = min(by_cell)
    first_slot = None
    if abs_start is not None:
        first_slot = abs_start - first_cell
    elif not label_cells:
        first_slot = 0
    return _offsets(vals, ncols, groups, first_slot)


def _placements(values: list[Value], ncols: int, groups: Sequence[Group]) -> list[Vec]:
    out = []
    for slots in itertools.combinations(range(ncols), len(values)):
        out.append(_vec(dict(zip(slots, values, strict=True)), ncols, groups))
    return out


def _splits(chunks: list[str], ncols: int, groups: Sequence[Group], limit: int = 200) -> list[Vec]:
    """Every way to cut run-together digit chunks into exactly ``ncols`` numbers (no leading
    zeros, none across a chunk boundary) that satisfies the group identities: each group (its
    parts, then its total) is cut as a total ending the group and parts that sum to it."""
    digits = "".join(chunks)
    n = len(digits)
    bounds = set(itertools.accumulate(len(c) for c in chunks))

    # next_bound[i]: the first chunk boundary after position i (a number cannot cross it)
    next_bound = [min((x for x in bounds if x > i), default=n) for i in range(n + 1)]

    def number(a: int, ln: int) -> int | None:
        if (ln > 1 and digits[a] == "0") or a + ln > next_bound[a]:
            return None
        return int(digits[a : a + ln])

    ordered = sorted(groups, key=lambda g: min(g[0]))
    tiles = [i for parts, tot in ordered for i in (*parts, tot)] == list(range(ncols)) and all(
        list(parts) == list(range(min(parts), max(parts) + 1)) and tot == max(parts) + 1
        for parts, tot in ordered
    )
    sums: dict[tuple[int, int, int, int], list[tuple[int, ...]]] = {}

    def split_sum(a: int, b: int, k: int, rem: int) -> list[tuple[int, ...]]:
        """``digits[a:b]`` as ``k`` numbers summing to ``rem``."""
        key = (a, b, k, rem)
        if key not in sums:
            out: list[tuple[int, ...]] = []
            if k == 0:
                out = [()] if a == b and rem == 0 else []
            elif rem == 0:
                out = [(0,) * k] if b - a == k and digits[a:b] == "0" * k else []
            elif b - a < k or k * (10 ** min(_MAX_DIGITS, b - a - k + 1) - 1) < rem:
                out = []  # too few digits left to sum to what remains
            else:
                for ln in range(1, min(_MAX_DIGITS, b - a - (k - 1)) + 1):
                    v = number(a, ln)
                    if v is None or v > rem:
                        break
                    out.extend((v, *rest) for rest in split_sum(a + ln, b, k - 1, rem - v))
                    if len(out) >= limit:
                        break
            sums[key] = out
        return sums[key]

    def free(a: int, k: int) -> list[tuple[int, ...]]:
        """``digits[a:]`` as ``k`` numbers, no identity."""
        if k == 0:
            return [()] if a == n else []
        out: list[tuple[int, ...]] = []
        for ln in range(1, min(_MAX_DIGITS, n - a - (k - 1)) + 1):
            v = number(a, ln)
            if v is None:
                break
            out.extend((v, *rest) for rest in free(a + ln, k - 1))
            if len(out) >= limit:
                break
        return out

    if not tiles:
        return [v for v in free(0, ncols) if vec_ok(v, groups)]

    memo: dict[tuple[int, int], list[tuple[int, ...]]] = {}

    def from_group(gi: int, pos: int) -> list[tuple[int, ...]]:
        if gi == len(ordered):
            return [()] if pos == n else []
        if (gi, pos) in memo:
            return memo[(gi, pos)]
        k = len(ordered[gi][0])
        out: list[tuple[int, ...]] = []
        last = gi == len(ordered) - 1
        for end in range(pos + k + 1, min(n, pos + _MAX_DIGITS * (k + 1)) + 1):
            if last and end != n:
                continue
            rest = from_group(gi + 1, end)
            if not rest:
                continue
            for t in range(1, min(_MAX_DIGITS, end - pos - k) + 1):
                total = number(end - t, t)
                if total is None:
                    continue
                for parts in split_sum(pos, end - t, k, total):
                    out.extend((*parts, total, *r) for r in rest)
            if len(out) >= limit:
                break
        memo[(gi, pos)] = out[:limit]
        return memo[(gi, pos)]

    return list(from_group(0, 0))


def read_numbers(row: RowSpan) -> RowReading:
    """The readings of one row's numbers: by position (cells, lines) and, for run-together digits,
    by the splits the row's identities allow."""
    cells, nums, ncols, groups = row.cells, row.nums, row.ncols, row.groups
    toks = [cells.tokens[i] for i in nums]
    values: list[Value] = [t.value for t in toks]
    k = len(values)
    if k == 0:
        z = _vec({}, ncols, groups)
        return RowReading([z], [z], z)
    note = None
    preferred, others = _positional(row)
    positional = preferred + others
    pref_ok = [v for v in preferred if vec_ok(v, groups)]
    pos_ok = pref_ok or [v for v in others if vec_ok(v, groups)]
    chunks = [t.text for t in toks]
    splittable = all(c.isdigit() for c in chunks)
    splits: list[Vec] = []
    if (
        k < ncols
        and splittable
        and sum(len(c) for c in chunks) >= ncols
        and (any(t.glued for t in toks) or any(len(c) >= 5 for c in chunks))
    ):
        splits = _splits(chunks, ncols, groups)
    placements = [v for v in _placements(values, ncols, groups) if vec_ok(v, groups)] if k < ncols else []
    windows: list[Vec] = []
    if k == ncols:
        in_order: Vec = tuple(values)
        strict = [in_order] if vec_ok(in_order, groups) else []
        fallback = in_order
    elif k > ncols:
        note = f"{k} numbers for {ncols} columns"
        windows = [tuple(values[i : i + ncols]) for i in range(k - ncols + 1)]
        windows = [w for w in windows if vec_ok(w, groups)]
        strict = windows[:1]
        fallback = tuple(values[:ncols])
    else:
        strict = splits or pos_ok or placements
        if positional:
            fallback = positional[0]
        elif k == 1:
            fallback = _vec({ncols - 1: values[0]}, ncols, groups)
        else:
            fallback = _vec(dict(enumerate(values)), ncols, groups)
    relaxed = list(dict.fromkeys([*strict, *pos_ok, *placements, *splits, *windows]))
    return RowReading(list(dict.fromkeys(strict)), relaxed, fallback, note)
