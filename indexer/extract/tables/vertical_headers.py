"""Column headers printed one character a line, read down their columns.

A ruled table's narrow columns wrap their header words a character a line: in text laid out by
position (``pdftotext -layout``) the part-four header reads ``结 结 其 尚 总`` / ``果 果 他 未 计`` /
``维 纠 结 审`` / ``持 正 果 结``, and read line by line its words are lost (``结结其尚总果果他未计…``),
so the table's labels are not found. Each column's characters stand at (about) the same place on
consecutive lines; stacked, they give the words again (结果维持, 结果纠正, 其他结果, 尚未审结, 总计).

Lines of a space-aligned block (:func:`indexer.extract.tables.cells.space_separated_cells`) with
three or more one-character cells and no digit are such header lines, with the lines just above and
below whose one-character cells continue their columns. The run's words are given as the tab cells
of its last line, in the order their columns stand; each line keeps its longer cells (法人或其他组织,
未经复议直接起诉) as its own cells.

The lines of numbers right under such a header that carry no label (part four's one row) are placed
by the columns too: spaces alone do not say how many blank (zero) cells stand before, between or
after the numbers, and each of the three groups of five holds its own identity, so a row read a
group too far left still adds up. Each number must stand within a character and a half of one
column's middle, and clearly nearer to it than to the next; the line is then given a cell per
column (``""`` where blank). A line whose numbers cannot be placed so is given as one cell, which
the table reader reads as no row (the part's numbers are then missing, never misplaced).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from indexer.extract.text import is_cjk

_CELL = re.compile(r"\S+(?: \S+)*")
_DIGIT = re.compile(r"\d")
_NEAR = 2  # a character continues a column standing within two places of it on the line above
_MIN_SINGLES = 3
_PLACE_WITHIN = 1.5  # a number's middle within 1.5 characters of its column's
_VALUE = re.compile(r"^[-+]?\d+(?:\.\d+)?$")


@dataclass
class _Column:
    start: int
    last_line: int
    last_at: int
    chars: list[str] = field(default_factory=list)


def _cells(line: str) -> list[tuple[int, str]]:
    body = line.replace("\f", " ")
    return [(m.start(), m.group()) for m in _CELL.finditer(body)]


def _singles(cells: list[tuple[int, str]]) -> list[int]:
    return [at for at, text in cells if len(text) == 1 and is_cjk(text)]


def _continues(upper: list[int], lower: list[int]) -> bool:
    """Every one-character cell of ``upper`` stands over one of ``lower`` (a column goes on)."""
    return bool(upper) and all(any(abs(a - b) <= _NEAR for b in lower) for a in upper)


def _runs(lines: Sequence[str], cells: list[list[tuple[int, str]]]) -> list[tuple[int, int]]:
    """[first, last] line indices of each run of one-character header lines (``cells``: each line's)."""
    singles = [_singles(c) if not _DIGIT.search(ln) else [] for ln, c in zip(lines, cells, strict=True)]
    core = [len(s) >= _MIN_SINGLES for s in singles]
    runs: list[tuple[int, int]] = []
    i, n = 0, len(lines)
    while i < n:
        if not core[i]:
            i += 1
            continue
        j = i
        while j + 1 < n and (core[j + 1] or _continues(singles[j], singles[j + 1])
                             or _continues(singles[j + 1], singles[j])):
            j += 1
        first = i
        while first > 0 and _continues(singles[first - 1], singles[first]):
            first -= 1
        runs.append((first, j))
        i = j + 1
    return runs


def stacked_header_lines(lines: Sequence[str]) -> dict[int, str]:
    """Line index → the line as tab cells, for every line of a run of one-character header lines:
    its longer cells; on the run's last line the stacked words after them."""
    out: dict[int, str] = {}
    cells = [_cells(ln) for ln in lines]
    for first, last in _runs(lines, cells):
        columns: list[_Column] = []
        for i in range(first, last + 1):
            longer = []
            for at, text in cells[i]:
                if len(text) == 1 and is_cjk(text):
                    col = next((c for c in columns if c.last_line == i - 1 and abs(c.last_at - at) <= _NEAR),
                               None)
                    if col is None:
                        col = _Column(at, i, at)
                        columns.append(col)
                    col.chars.append(text)
                    col.last_line, col.last_at = i, at
                else:
                    longer.append(text)
            words = ["".join(c.chars) for c in sorted(columns, key=lambda c: c.start)] if i == last else []
            out[i] = "\t".join([*longer, *words])
        middles = sorted(c.start + 1.0 for c in columns)  # a Chinese character is two columns wide
        out.update(_rows_under(cells, last + 1, middles))
    return out


def _rows_under(lines: list[list[tuple[int, str]]], start: int, middles: list[float]) -> dict[int, str]:
    """The unlabelled lines of numbers after a stacked header (up to the next text), placed by its
    columns' middles (see the module docstring); ``lines``: each line's cells."""
    out: dict[int, str] = {}
    for i in range(start, len(lines)):
        cells = lines[i]
        if not cells:
            continue
        if not all(_VALUE.match(text) for _, text in cells):
            break
        found = [_slot(at + len(text) / 2, middles) for at, text in cells]
        slots = [s for s in found if s is not None]
        if len(slots) != len(cells) or any(a >= b for a, b in itertools.pairwise(slots)):
            out[i] = " ".join(text for _, text in cells)
            continue
        row = [""] * len(middles)
        for (_, text), slot in zip(cells, slots, strict=True):
            row[slot] = text
        out[i] = "\t".join(row)
    return out


def _slot(middle: float, middles: list[float]) -> int | None:
    """The column a number's middle stands under, if near one and clearly nearer than to the next."""
    ranked = sorted(range(len(middles)), key=lambda j: abs(middles[j] - middle))
    best = ranked[0]
    if abs(middles[best] - middle) > _PLACE_WITHIN:
        return None
    if len(ranked) > 1 and abs(middles[ranked[1]] - middle) - abs(middles[best] - middle) < 1.0:
        return None
    return best
