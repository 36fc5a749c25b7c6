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
group too far left still adds up. Where each number stands within a character and a half of one
column's middle, and clearly nearer to it than to the next, it is placed there. Where one does not
(pdftotext moves numbers by up to a narrow column's width: "2 … 1 … 3" standing on 结果维持, then
half-way between 尚未审结 and 总计, then half-way between 总计 and the next group), each such number
may stand in any column within five characters of it, the others in theirs, and every placement in
order is tried against the header's own totals (a 总计 column holds the sum of the columns since the
one before; a blank cell is 0): the one placement that adds up is taken, or of several the one whose
numbers stand nearest their columns, when nearer by a character in all than the next (a group's
结果维持 and 结果纠正 both add up for "2 1 1 4"; the 2 stands 3.5 characters from one and 4.5 from the
other). The line is given a cell per column (``""`` where blank). A line that no placement adds up,
or whose placements are no clearer than each other, is given as one cell, which the table reader
reads as no row (the part's numbers are then missing, never misplaced). A row so placed adds up by
construction; the prose's counts and the summary's totals still check it.

Labelled rows under such a header (part three's "一、本年新收政府信息公开申请数量   66   7   5   2   80",
zero cells blank) are placed the same way up to the next header (a table split over pages repeats
its header, at other places), but only where every number stands clearly under one column and the
header's totals add up (66 + 7 + 5 + 2 = 80): no placement is guessed for them. The line is then
its label cells and a cell per column, which the table reader reads as a whole row; the part's own
identities (一 + 二 = 三 + 四 in every column, the results' 总计 row) check it again. Other lines are
left to the run-of-spaces rule, whose rows with blanks between numbers stay unverified. Measured on
the blank-cell fixtures 19 and 99: partial → verified, every cell of parts three and four right.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

from indexer.extract.tables.patterns import DIGIT, INDENT, LAYOUT_CELL, VALUE_CELL
from indexer.extract.text import is_cjk

_NEAR = 2  # a character continues a column standing within two places of it on the line above
_MIN_SINGLES = 3
_PLACE_WITHIN = 1.5  # a number's middle within 1.5 characters of its column's
_PLACE_NEAR = 5.0  # where not: the columns within 5 characters are its candidates
_MAX_PLACEMENTS = 5000  # placements tried before a row is given up as ambiguous
_CLEARER = 1.0  # characters by which one column (or placement) must be nearer than the next
_TOTAL_WORDS = frozenset({"总计", "合计"})


@dataclass
class _Column:
    start: int
    last_line: int
    last_at: int
    chars: list[str] = field(default_factory=list)


def _cells(line: str) -> list[tuple[int, str]]:
    body = line.replace("\f", " ")
    return [(m.start(), m.group()) for m in LAYOUT_CELL.finditer(body)]


def _singles(cells: list[tuple[int, str]]) -> list[int]:
    return [at for at, text in cells if len(text) == 1 and is_cjk(text)]


def _continues(upper: list[int], lower: list[int]) -> bool:
    """Every one-character cell of ``upper`` stands over one of ``lower`` (a column goes on)."""
    return bool(upper) and all(any(abs(a - b) <= _NEAR for b in lower) for a in upper)


def _runs(lines: Sequence[str], cells: list[list[tuple[int, str]]]) -> list[tuple[int, int]]:
    """[first, last] line indices of each run of one-character header lines (``cells``: each line's)."""
    singles = [_singles(c) if not DIGIT.search(ln) else [] for ln, c in zip(lines, cells, strict=True)]
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
    runs = _runs(lines, cells)
    for first, last in runs:
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
            out[i] = "\t".join(longer)
        ordered = sorted(columns, key=lambda c: c.start)
        words = ["".join(c.chars) for c in ordered]
        out[last] = "\t".join([*longer, *words])  # the run's last line: its longer cells, then the words
        middles = [c.start + 1.0 for c in ordered]  # a Chinese character is two columns wide
        end = next((f for f, _ in runs if f > last), len(lines))  # its rows: up to the next header
        out.update(_rows_under(cells, last + 1, end, middles, _total_groups(words)))
    return out


def _total_groups(words: Sequence[str]) -> list[tuple[list[int], int]]:
    """(the columns it sums, the column) of each 总计 column of a header: the columns since the
    previous one."""
    out: list[tuple[list[int], int]] = []
    since: list[int] = []
    for j, word in enumerate(words):
        if word in _TOTAL_WORDS:
            out.append((since, j))
            since = []
        else:
            since.append(j)
    return out


def _rows_under(lines: list[list[tuple[int, str]]], start: int, end: int, middles: list[float],
                totals: list[tuple[list[int], int]]) -> dict[int, str]:
    """The rows of numbers after a stacked header, up to ``end`` (the next header), placed by its
    columns' middles (see the module docstring); ``lines``: each line's cells. A row of numbers alone
    (part four's, up to the first line of text) is placed by the header's totals where its columns do
    not say; a labelled row (part three's: 一、本年新收… 66 7 5 2 80) only where every number stands
    clearly under one column and the header's totals add up, and is given as its labels, then a cell
    per column; other lines are left to the run-of-spaces rule."""
    out: dict[int, str] = {}
    text_seen = False
    for i in range(start, end):
        cells = lines[i]
        k = len(cells)
        while k and VALUE_CELL.match(cells[k - 1][1]):
            k -= 1
        if k == len(cells):  # no number: a label, a label's wrapped line, or a blank line
            text_seen = text_seen or bool(cells)
            continue
        values = cells[k:]
        mids = [at + len(text) / 2 for at, text in values]
        texts = [text for _, text in values]
        found = [_slot(m, middles) for m in mids]
        clear = [s for s in found if s is not None]
        in_order = len(clear) == len(values) and all(a < b for a, b in itertools.pairwise(clear))
        if k:  # a labelled row
            text_seen = True
            # and not all zeros: blank or 0, such a row reads the same anywhere (and a line of prose
            # ending in a 0 under a column is no row)
            if (in_order and totals and all(t.isdigit() for t in texts) and any(int(t) for t in texts)
                    and _adds_up(clear, [int(t) for t in texts], totals)):
                # an indented line starts with a blank cell, as the run-of-spaces rule gives it
                lead = [""] if cells[0][0] >= INDENT else []
                labels = [text for _, text in cells[:k]]
                out[i] = "\t".join([*lead, *labels, *_row(clear, texts, len(middles))])
            continue
        if text_seen:
            continue
        slots = clear if in_order else _placed_by_totals(mids, found, texts, middles, totals)
        out[i] = " ".join(texts) if slots is None else "\t".join(_row(slots, texts, len(middles)))
    return out


def _row(slots: list[int], texts: list[str], width: int) -> list[str]:
    """A cell per column: each number in its slot, the others blank."""
    row = [""] * width
    for text, slot in zip(texts, slots, strict=True):
        row[slot] = text
    return row


def _adds_up(slots: list[int], values: list[int], totals: list[tuple[list[int], int]]) -> bool:
    """Whether every total column of the header is the sum of its columns, blanks 0."""
    row = dict(zip(slots, values, strict=True))
    return all(sum(row.get(j, 0) for j in parts) == row.get(total, 0) for parts, total in totals)


def _placed_by_totals(mids: list[float], clear: list[int | None], texts: list[str], middles: list[float],
                      totals: list[tuple[list[int], int]]) -> list[int] | None:
    """The placement in order under which every total of the header is the sum of its columns, blanks
    0: a number with a ``clear`` column (``_slot``) in it, any other in a column within ``_PLACE_NEAR``
    of it. Of several that add up, the one whose numbers stand nearest their columns, if nearer by
    ``_CLEARER`` (in all) than the next one (as ``_slot`` asks of one number). None when none adds up,
    no one is clearly nearest, too many were tried, or the header has no total to check."""
    if not totals or not all(t.isdigit() for t in texts):
        return None
    values = [int(t) for t in texts]
    near = [[c] if c is not None else [j for j, x in enumerate(middles) if abs(x - m) <= _PLACE_NEAR]
            for m, c in zip(mids, clear, strict=True)]
    found: list[tuple[float, list[int]]] = []  # (how far its numbers stand from their columns, slots)
    tried = 0

    def place(k: int, after: int, slots: list[int]) -> bool:
        """Try the placements from number k on; False once too many were tried."""
        nonlocal tried
        if k == len(values):
            tried += 1
            if _adds_up(slots, values, totals):
                off = sum(abs(middles[j] - m) for j, m in zip(slots, mids, strict=True))
                found.append((off, list(slots)))
            return tried < _MAX_PLACEMENTS
        return all(place(k + 1, j, [*slots, j]) for j in near[k] if j > after)

    if not place(0, -1, []) or not found:
        return None
    found.sort(key=lambda f: f[0])
    if len(found) > 1 and found[1][0] - found[0][0] < _CLEARER:
        return None
    return found[0][1]


def _slot(middle: float, middles: list[float]) -> int | None:
    """The column a number's middle stands under, if near one and clearly nearer than to the next."""
    ranked = sorted(range(len(middles)), key=lambda j: abs(middles[j] - middle))
    best = ranked[0]
    if abs(middles[best] - middle) > _PLACE_WITHIN:
        return None
    if len(ranked) > 1 and abs(middles[ranked[1]] - middle) - abs(middles[best] - middle) < _CLEARER:
        return None
    return best
