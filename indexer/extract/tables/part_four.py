"""Part four (行政复议、行政诉讼): one row of 15 cells, three groups of 维持/纠正/其他/尚未审结/总计.

Its header is found by its column words; without a recognisable header, the row is looked for by
its shape right after the applications table.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from indexer.extract.tables import template
from indexer.extract.tables.cells import EMPTY, NUM, TEXT, Cells
from indexer.extract.tables.identities import Equation, Group, Value, check, merge_readings
from indexer.extract.tables.labels import RowMatch, row_match
from indexer.extract.tables.readings import RowSpan, collect_numbers, read_numbers
from indexer.extract.tables.result import Problem, ProblemKind, problems_of
from indexer.extract.tables.spans import cell_tokens

WIDTH = template.PART_FOUR_WIDTH
_G = len(template.OUTCOME_COLUMNS)
P4_GROUPS: tuple[Group, ...] = tuple(
    (tuple(range(g * _G, g * _G + _G - 1)), g * _G + _G - 1) for g in range(len(template.PART_FOUR_GROUPS))
)
_COLUMN_WORDS = re.compile("|".join(template.PART_FOUR_HEADER_KEYWORDS))
_KNOWN = "|".join(template.PART_FOUR_HEADER_WORDS)
_HEADER_RE = re.compile("|".join(sorted(template.PART_FOUR_HEADER_WORDS, key=len, reverse=True)))
_NEXT_PART = re.compile(r"[五六]?(?:" + "|".join(template.NEXT_PART_HEADINGS) + ")")
_SEARCH_STOP = re.compile("|".join((*template.NEXT_PART_HEADINGS, "改进情况")))
_SEARCH_CHARS = 600


@dataclass
class PartFour:
    """What the part-four row says: its 15 cells."""

    cells: list[Value]
    ambiguous: dict[str, list[Value]] = field(default_factory=dict)  # "part4.group.column" -> readings
    issues: list[Problem] = field(default_factory=list)
    used: list[int] = field(default_factory=list)  # the tokens the cells were read from
    # column -> (token, start, end within its digits): where each cell read was read
    cell_tokens: dict[int, tuple[int, int, int]] = field(default_factory=dict)


def part_four_anchors(cells: Cells, after: int) -> list[int]:
    """Stream positions where the part-four header may start: two different column words (or
    pieces of them) close together; the first few, in order."""
    stream = cells.stream
    out: list[int] = []
    last_end = -1
    for m in _COLUMN_WORDS.finditer(stream, after):
        if m.start() < last_end:
            continue
        words = {x.group() for x in _COLUMN_WORDS.finditer(stream, m.start(), m.start() + 80)}
        if len(words) >= 2:
            out.append(m.start())
            last_end = m.start() + 80
            if len(out) >= 4:
                break
    return out


def part_four_header(cells: Cells, pos: int) -> RowMatch:
    """The part-four header from ``pos``: its words, each close after the one before."""
    end = pos
    for m in _HEADER_RE.finditer(cells.stream, pos):
        if m.start() > end + 8:
            break
        end = m.end()
    return row_match(cells, "part4", pos, max(end, pos + 1))


def _blank_row_follows(cells: Cells, header: RowMatch) -> bool:
    """A row of blank cells (all zero) right after the part-four header: a line of tabs only
    (trailing blank cells are often dropped, down to a single tab), blank lines (one cell per line),
    or nothing at all before the next part's heading when the header names every outcome column
    (the template's table always has its row: printed without a single cell, all of it is blank)."""
    toks = cells.tokens
    tok = max(header.label_toks) + 1
    hdr_line = toks[tok - 1].line
    lines: set[int] = set()
    while tok < len(toks) and toks[tok].kind == EMPTY:
        if toks[tok].line != hdr_line:
            lines.add(toks[tok].line)
        tok += 1
    if tok >= len(toks):
        return False  # the text ends in blank cells: a report cut off inside the table, not a row of zeros
    nxt = toks[tok].cjk
    if nxt and any(w.startswith(nxt) or nxt.startswith(w) for w in template.PART_FOUR_HEADER_WORDS):
        return False  # more header words follow: the header goes on (or was cut off), no row yet
    if any(len(cells.lines[ln]) >= 2 for ln in lines) or len(lines) >= 5:
        return True
    if tok >= len(toks) or toks[tok].kind != TEXT or not _NEXT_PART.match(toks[tok].cjk):
        return False
    words = cells.stream[header.start : header.end]
    return all(c.label in words for c in template.OUTCOME_COLUMNS)


def headerless_part_four(cells: Cells, tok: int) -> int | None:
    """Where a part-four row stands after the applications table when no header was recognised
    (a header broken into single characters): the first line of 8+ numbers, run of 8+ one-number
    lines, or run-together chunk of 15+ digits, before part five."""
    toks = cells.tokens
    seen = 0
    t = tok
    while t < len(toks):
        tk = toks[t]
        if tk.kind == TEXT and tk.cjk:
            seen += len(tk.cjk)
            if seen > _SEARCH_CHARS or _SEARCH_STOP.search(tk.cjk):
                return None
        elif tk.kind == NUM:
            if cells.line_nums[tk.line] >= 8 or len(tk.text) >= WIDTH:
                return cells.line_toks[tk.line][0]
            run = 0
            for u in range(t, len(toks)):
                if toks[u].kind == TEXT and toks[u].cjk:
                    break
                run += toks[u].kind == NUM
            if run >= 8:
                return t
        t += 1
    return None


@functools.cache
def _equations() -> tuple[Equation, ...]:
    eqs = []
    for gi, g in enumerate(template.PART_FOUR_GROUPS):
        tot = gi * _G + _G - 1
        terms = ((("part4", tot), 1), *((("part4", gi * _G + i), -1) for i in range(_G - 1)))
        eqs.append(Equation(f"part 4 {g.label}", "总计", "维持+纠正+其他+尚未审结", terms))
    return tuple(eqs)


def read_part_four(cells: Cells, start_tok: int, header: RowMatch | None) -> PartFour | None:
    """The part-four row from ``start_tok`` (after ``header``, or found by shape when None); None
    when no such row is there."""
    toks = cells.tokens
    nums = collect_numbers(cells, header, start_tok, len(toks), _KNOWN, WIDTH)
    if not nums:
        if header is not None and _blank_row_follows(cells, header):
            return PartFour([0] * WIDTH)  # a row of blank cells
        return None
    if header is None:
        # without a header the numbers must look like the part-four row
        digits = sum(len(toks[i].text) for i in nums)
        one_line = len({toks[i].line for i in nums}) == 1
        if not (len(nums) >= 8 or (digits >= WIDTH and one_line)):
            return None
    extra = [t for t in nums[WIDTH:] if toks[t].value]
    if len(nums) > WIDTH:
        nums = nums[:WIDTH]
    # the data starts after the last text before its first number ...
    data_start = nums[0]
    while data_start > start_tok and not (toks[data_start - 1].kind == TEXT and toks[data_start - 1].cjk):
        data_start -= 1
    # ... and ends with its line, or with the run of blank lines right after it
    end_tok = nums[-1] + 1
    last_line = toks[nums[-1]].line
    while end_tok < len(toks) and toks[end_tok].kind == EMPTY:
        ln = toks[end_tok].line
        if ln != last_line and not (toks[end_tok].blank_line and ln == last_line + 1):
            break
        last_line = ln
        end_tok += 1
    if end_tok >= len(toks) and len(nums) < WIDTH:
        return None  # fewer numbers than columns and then nothing: a report cut off inside the row
    r = read_numbers(RowSpan(cells, nums, None, data_start, end_tok, WIDTH, P4_GROUPS))
    out = PartFour([])
    cands = r.candidates or r.relaxed
    if cands:
        merged, differ = merge_readings(cands)
        for ci, seen in differ.items():
            gi, cc = divmod(ci, _G)
            key = f"part4.{template.PART_FOUR_GROUPS[gi].key}.{template.OUTCOME_COLUMNS[cc].key}"
            out.ambiguous[key] = seen
    else:
        merged = list(r.fallback)
    if r.note:
        out.issues.append(Problem(ProblemKind.EXCESS_NUMBERS, 4, f"part 4: {r.note}"))
    values = {("part4", i): v for i, v in enumerate(merged)}
    out.issues.extend(problems_of(ProblemKind.IDENTITY_FAILED, 4, check(values, _equations())))
    out.cells = list(merged)
    out.used = list(nums)
    out.cell_tokens = cell_tokens(cells, nums, merged)
    unread = extra + _numbers_after(cells, nums[-1] + 1)
    if unread:
        shown = " ".join(toks[t].text for t in unread[:8])
        out.issues.append(
            Problem(
                ProblemKind.UNREAD_NUMBERS,
                4,
                f"part 4: {len(unread)} numbers not read into any cell: {shown}",
            )
        )
    return out


def _numbers_after(cells: Cells, tok: int) -> list[int]:
    """Non-zero numbers right after the row (before any text): a longer row than the template's."""
    out = []
    toks = cells.tokens
    while tok < len(toks) and not (toks[tok].kind == TEXT and toks[tok].cjk):
        if toks[tok].kind == NUM and toks[tok].value:
            out.append(tok)
        tok += 1
    return out
