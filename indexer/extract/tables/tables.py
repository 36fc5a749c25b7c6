"""Locating and reading the tables of an annual report, driven by :mod:`indexer.extract.tables.template`.

Pure functions: the whole report text (``indexer.extract.normalise.nfkc(original).text``) in, a
:class:`TableReading` out.

How a table is read:

1. *Cells.*  Markup is stripped; lines are split into tab cells and cells into tokens: label text,
   numbers (cell values) and blank cells.  Digits that are numbering (``1.``), counts in prose
   (``60条``), notes in brackets, dates and URLs stay text.  A number written right against the text
   before it (web pages run a row's cells together) is *glued*.
2. *Labels.*  The CJK characters of all text tokens make the *label stream*; every row label of
   the template is looked for there by its keywords, in template order, each within a window after
   the one before (a chain; the best chain wins), so line breaks, single-character fragments,
   spaces, numbering and a header printed again halfway do not matter.  Part headings are not used.
3. *Numbers.*  A row owns the numbers after its label up to the next row's label (or up to text
   that is neither its label nor table header).  Several *readings* of a row are possible when it
   has fewer numbers than columns (tab positions, blank cells, which column a lone number sits in)
   or when its cells ran together (``350100238``); the identities of :mod:`indexer.extract.tables.identities`
   choose among them, jointly over the table.
4. *Checks.*  Missing rows are derived where the identities determine them; every identity is
   checked; the status says ``verified`` / ``inconsistent`` / ``partial`` / ``no_tables``.

Reports before 2019 have no tables: their numbers come from :mod:`indexer.extract.prose`.
"""

from __future__ import annotations

import bisect
import functools
import html
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from indexer.extract import prose
from indexer.extract.tables import template
from indexer.extract.tables.identities import (
    ColumnIdentity,
    Equation,
    Group,
    Value,
    Vec,
    check,
    derive,
    merge_readings,
    solve_joint,
    vec_ok,
)
from indexer.extract.tables.template import Edition

__all__ = ["TableReading", "read_tables", "tokenize"]

# ============================================================================================
# 1. Cells and tokens
# ============================================================================================

TEXT, NUM, EMPTY = "text", "num", "empty"

# A digit run followed by one of these (spaces allowed) is a count in prose, not a cell value.
_UNITS = set("年月日时号条件篇次个项人户家元万亿%‰页期届名位座所天周岁批份套台辆宗余多")
# A cell holding only one of these is a blank (zero) cell.
_PLACEHOLDER = re.compile(r"^(?:[-—–―/／\\~～]+|无|空|/)$")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_DIGIT = re.compile(r"\d")
_PAREN = re.compile(r"[(\[【][^()\[\]【】]{0,80}[)\]】]")
_PAGE_NUMBER_LINE = re.compile(
    r"^\s*(?:[-—–]+\s*\d+\s*[-—–]+|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?)\s*$"
)
_MD_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")


# The characters of :func:`indexer.extract.normalise.is_cjk`, as a regex class (the label stream's).
_CJK = re.compile("[\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")


def cjk_of(text: str) -> str:
    """The CJK characters of a text (what the label stream keeps of it)."""
    return "".join(_CJK.findall(text))


class Token(NamedTuple):
    kind: str  # TEXT | NUM | EMPTY
    text: str
    line: int
    cell: int
    value: int | float | None = None
    glued: bool = False  # NUM only: no space between it and the text before it in its cell
    blank_line: bool = False  # EMPTY only: the whole line was blank cells (whitespace)
    cjk: str = ""  # TEXT only: its CJK characters (its part of the label stream)


@dataclass
class Cells:
    """The tokens of a text, its lines of cells, and the label stream."""

    tokens: list[Token]
    lines: list[list[str]]  # stripped cells of every line
    raw_lines: list[str]
    stream: str
    stream_tok: list[int]  # stream position -> token index
    line_toks: dict[int, list[int]] = field(default_factory=dict)  # line -> its token indices
    line_nums: dict[int, int] = field(default_factory=dict)  # line -> how many numbers it holds

    def tok_at(self, pos: int) -> int:
        if pos >= len(self.stream_tok):
            return len(self.tokens)
        return self.stream_tok[pos]

    def stream_pos_of_token(self, tok: int) -> int:
        """The first stream position at or after token ``tok``."""
        return bisect.bisect_left(self.stream_tok, tok)


def strip_markup(text: str) -> str:
    """Remove HTML tags and markdown emphasis/headings; HTML table cells become tabs and lines."""
    t = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    if "<" in t:
        t = re.sub(r"(?i)<br\s*/?>", "\n", t)
        t = re.sub(r"(?i)</t[dh]>\s*<t[dh][^>]*>", "\t", t)
        t = re.sub(r"(?i)</tr\s*>", "\n", t)
        t = re.sub(r"(?i)</?(?:p|div|table|tbody|thead|tr|li|ul|ol|h[1-6])(?:\s[^<>]*)?/?>", "\n", t)
        t = re.sub(r"</?[a-zA-Z][^<>]{0,200}>", "", t)
    if "&" in t:
        t = html.unescape(t).replace("\xa0", " ")
    out: list[str] = []
    for line in t.split("\n"):
        if _MD_TABLE_RULE.match(line) and "-" in line:
            out.append("")
            continue
        s = line
        if s.lstrip().startswith("|") and s.count("|") >= 2:
            s = s.strip().strip("|")
            s = "\t".join(c.strip() for c in s.split("|"))
        s = re.sub(r"^\s{0,3}#{1,6}\s+", "", s)
        s = s.replace("**", "").replace("__", "")
        if _PAGE_NUMBER_LINE.match(s):
            s = ""
        out.append(s)
    return "\n".join(out)


def _protected_spans(s: str) -> list[tuple[int, int]]:
    """Parenthesised notes holding CJK text: digits inside them are not cell values."""
    spans: list[tuple[int, int]] = []
    if "(" not in s and "[" not in s and "【" not in s:
        return spans
    for m in _PAREN.finditer(s):
        if _CJK.search(m.group()):
            spans.append((m.start(), m.end()))
    return spans


def _split_cell(s: str) -> list[tuple[str, str, int | float | None, bool]]:
    """Split a stripped, non-empty cell into (kind, text, value, glued) pieces."""
    pieces: list[tuple[str, str, int | float | None, bool]] = []
    protected = _protected_spans(s)
    pos = 0  # start of pending text
    n = len(s)

    def emit_text(a: int, b: int) -> None:
        if b > a and s[a:b].strip():
            pieces.append((TEXT, s[a:b], None, False))

    for m in _NUMBER.finditer(s):
        a, b = m.start(), m.end()
        run = m.group()
        if any(pa <= a < pb for pa, pb in protected):
            continue
        prev = s[a - 1] if a > 0 else ""
        if prev and (prev.isascii() and (prev.isalpha() or prev in "/:@#_=&?%")):
            continue
        j = b
        while j < n and s[j] == " ":
            j += 1
        nxt = s[j] if j < n else ""
        nxt2 = s[j + 1] if j + 1 < n else ""
        if prev in "(" and nxt == ")":
            continue  # (1)
        if nxt in "-:" and nxt2.isdigit():
            continue  # dates, times, phone numbers
        if a >= 1 and s[a - 1] in "-:" and a >= 2 and s[a - 2].isdigit():
            continue
        value_text = run
        numbering = False
        if "." not in run and nxt in ".、" and (j + 1 >= n or not s[j + 1].isdigit()):
            k = j + 1
            while k < n and s[k] == " ":
                k += 1
            if k < n and not s[k].isdigit():
                numbering = True
        if nxt in _UNITS and "." not in run:
            if nxt == "年" and len(run) > 4:
                value_text = run[:-4]  # a run of cells glued to a year: 0002021年
            else:
                continue
        if numbering:
            if len(run) == 1:
                continue
            value_text = run[:-1]
        # sign (本年增/减)
        sa = a
        if prev and prev in "+-" and (a < 2 or not (s[a - 2].isalnum())):
            sa = a - 1
        emit_text(pos, sa)
        glued = sa > 0 and not s[sa - 1].isspace()
        sign = -1 if sa < a and s[sa] == "-" else 1
        value: int | float = float(value_text) if "." in value_text else int(value_text)
        pieces.append((NUM, s[sa : a + len(value_text)], sign * value, glued))
        pos = a + len(value_text)
    emit_text(pos, n)
    return pieces


_VALUE_CELL = re.compile(r"^[-+]?\d+(?:\.\d+)?$")


def _is_text_cell(cell: str) -> bool:
    c = cell.strip()
    return bool(c) and not _VALUE_CELL.match(c) and not _PLACEHOLDER.match(c)


def join_wrapped_cells(lines: list[str]) -> list[str]:
    """Put text that a PDF wrapped onto the next line back into its cell.

    A PDF prints a long cell over several lines, in the same column: ``（三）不予⇥1、属⇥1⇥0…`` then
    ``⇥公开⇥于国家 秘密⇥⇥…`` (a header word may even stand one character per line).  Read line by
    line, the pieces of two columns interleave (``不予 属 公开 于国家秘密``).  A line of text cells only
    (no digit) is a wrap of the line above (at most one blank line between) when each of its cells
    stands under a text cell there and some text cell of the line above stands to the right of one
    of its cells (otherwise reading on does not interleave anything); its cells are appended to the
    cells above and the line is left empty, so that line numbers stay as they were."""
    out = list(lines)
    prev = -1  # index of the last line with tab cells
    blanks = 0
    for i, line in enumerate(lines):
        if not line.strip():
            blanks += 1
            continue
        if "\t" not in line:
            prev, blanks = -1, 0
            continue
        if prev >= 0 and blanks <= 1 and not _DIGIT.search(line):
            cells = line.split("\t")
            above = out[prev].split("\t")
            filled = [k for k, c in enumerate(cells) if c.strip()]
            if (
                len(above) > filled[-1]
                and all(_is_text_cell(cells[k]) and _is_text_cell(above[k]) for k in filled)
                and any(_is_text_cell(c) for c in above[filled[0] + 1 :])
            ):
                for k in filled:
                    above[k] = above[k].rstrip() + cells[k].strip()
                out[prev] = "\t".join(above)
                out[i] = ""
                blanks = 0
                continue
        prev, blanks = i, 0
    return out


def tokenize(text: str) -> Cells:
    """Tokens, cells and label stream of a report text (NFKC-folded)."""
    clean = strip_markup(text)
    raw_lines = join_wrapped_cells(clean.split("\n"))
    tokens: list[Token] = []
    add = tokens.append
    lines: list[list[str]] = []
    line_toks: dict[int, list[int]] = {}
    line_nums: dict[int, int] = dict.fromkeys(range(len(raw_lines)), 0)
    for ln, line in enumerate(raw_lines):
        cells = [c.strip() for c in line.split("\t")]
        lines.append(cells)
        first = len(tokens)
        if not line.strip():
            if line:  # whitespace only: a blank cell on its own line
                add(Token(EMPTY, "", ln, 0, blank_line=True))
                line_toks[ln] = [first]
            continue
        nums = 0
        for ci, cell in enumerate(cells):
            if not cell:
                add(Token(EMPTY, "", ln, ci))
            elif _PLACEHOLDER.match(cell):
                add(Token(EMPTY, cell, ln, ci))
            elif not _DIGIT.search(cell):  # text only
                add(Token(TEXT, cell, ln, ci, cjk=cjk_of(cell)))
            elif cell.isdigit() and cell.isascii():  # a number only
                add(Token(NUM, cell, ln, ci, int(cell)))
                nums += 1
            else:
                for kind, t, v, g in _split_cell(cell):
                    if kind == TEXT:
                        add(Token(TEXT, t, ln, ci, cjk=cjk_of(t)))
                    else:
                        add(Token(kind, t, ln, ci, v, g))
                        nums += 1
        line_toks[ln] = list(range(first, len(tokens)))
        line_nums[ln] = nums
    stream_chars: list[str] = []
    stream_tok: list[int] = []
    for i, tok in enumerate(tokens):
        if tok.cjk:
            stream_chars.append(tok.cjk)
            stream_tok.extend([i] * len(tok.cjk))
    return Cells(tokens, lines, raw_lines, "".join(stream_chars), stream_tok, line_toks, line_nums)


# ============================================================================================
# 2. Finding row labels in the label stream
# ============================================================================================

WINDOW = 320  # stream characters searched, after one row label, for the next
MIN_ROWS_FOUND = 3  # a table is found when at least this many of its row labels are
_P3_BARRIER = re.compile("|".join((template.PART_THREE_BARRIER, *template.NEXT_PART_HEADINGS)))
_P4_COLUMN_WORDS = re.compile("|".join(template.PART_FOUR_HEADER_KEYWORDS))
_P3_KNOWN = "|".join(template.PART_THREE_HEADER_WORDS)
_P4_KNOWN = "|".join(template.PART_FOUR_HEADER_WORDS)
_P2_KNOWN = "|".join(template.PART_TWO_HEADER_WORDS)


class _Spec:
    """A row to find: key, normalised official label, keyword patterns."""

    _cache: dict[tuple[str, ...], tuple[re.Pattern[str], ...]] = {}  # noqa: RUF012

    def __init__(self, key: str, label: str, keywords: tuple[str, ...]) -> None:
        self.key = key
        self.label = label
        self.norm = template.norm_label(label)
        if keywords not in self._cache:
            self._cache[keywords] = tuple(re.compile(k) for k in keywords)
        self.patterns = self._cache[keywords]


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


def _row_match(cells: Cells, key: str, a: int, b: int) -> RowMatch:
    toks = frozenset(cells.stream_tok[p] for p in range(a, b))
    lines = frozenset(cells.tokens[t].line for t in toks)
    return RowMatch(key, a, b, cells.stream_tok[a], toks, lines)


def _chain(
    cells: Cells, specs: Sequence[_Spec], first: int, pos: int, barrier: re.Pattern[str] | None, stop: int
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
                out.append(_row_match(cells, spec.key, a, b))
                pos = floor = b
                break
    return out


def _best_chain(
    cells: Cells,
    specs: Sequence[_Spec],
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


def _collect(
    cells: Cells, m: RowMatch | None, start_tok: int, end_tok: int, known: str, ncols: int
) -> list[int]:
    """The number tokens of a row: after its label, up to ``end_tok``, up to text that is neither
    its label nor table header (once numbers were seen), never into a line of more numbers than the
    table has columns (another table's row)."""
    nums: list[int] = []
    label_toks = m.label_toks if m else frozenset()
    label_lines = m.label_lines if m else frozenset()
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
            if nums:
                break
            if not (cjk in known or len(cjk) <= 4):
                break
    return nums


# ============================================================================================
# 3. Readings of a row's numbers
# ============================================================================================

P3_GROUPS: tuple[Group, ...] = (
    (tuple(range(len(template.APPLICANT_COLUMNS))), len(template.APPLICANT_COLUMNS)),
)
P3_WIDTH = len(template.PART_THREE_COLUMNS)
_G = len(template.OUTCOME_COLUMNS)
P4_GROUPS: tuple[Group, ...] = tuple(
    (tuple(range(g * _G, g * _G + _G - 1)), g * _G + _G - 1) for g in range(len(template.PART_FOUR_GROUPS))
)
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
    label_cells = [toks[t].cell for t in label_toks if toks[t].line == ln]
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


def _read_numbers(row: RowSpan) -> RowReading:
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


# ============================================================================================
# 4. The reading
# ============================================================================================


@dataclass
class TableReading:
    """What the tables (or, without tables, the prose) of one report say."""

    edition: int | None = None
    source: str | None = None  # "tables" | "prose" | None
    status: str = "no_tables"
    problems: list[str] = field(default_factory=list)
    # part three: row key -> 7 cells (applicant columns then 总计); None when the table is absent
    applications: dict[str, list[Value]] | None = None
    rows_found: list[str] = field(default_factory=list)
    # part four: 15 cells; None when the table is absent
    part_four: list[Value] | None = None
    part_two: dict[str, dict[str, Value]] = field(default_factory=dict)
    proactive_total: int | None = None
    derived: dict[str, Value] = field(default_factory=dict)
    ambiguous: dict[str, list[Value]] = field(default_factory=dict)
    prose: prose.ProseFacts | None = None

    # -- the facts the index stores ----------------------------------------------------------
    def gold_facts(self) -> dict[str, Any]:
        apps: dict[str, Value] = {name: None for _, name in template.GOLD_APPLICATION_ROWS}
        groups: dict[str, dict[str, Value]] = {
            g.key: {c.key: None for c in template.OUTCOME_COLUMNS} for g in template.PART_FOUR_GROUPS
        }
        lit_total: Value = None
        if self.source == "tables":
            if self.applications is not None:
                for key, name in template.GOLD_APPLICATION_ROWS:
                    row = self.applications.get(key)
                    apps[name] = row[-1] if row else None
            if self.part_four is not None:
                for gi, g in enumerate(template.PART_FOUR_GROUPS):
                    for ci, c in enumerate(template.OUTCOME_COLUMNS):
                        groups[g.key][c.key] = self.part_four[gi * _G + ci]
        elif self.source == "prose" and self.prose is not None:
            p = self.prose
            apps = dict(p.applications)
            groups = {
                "reconsideration": dict(p.reconsideration),
                "litigation_direct": dict(p.litigation_direct),
                "litigation_after_reconsideration": dict(p.litigation_after_reconsideration),
            }
            lit_total = p.litigation_total
        direct = groups["litigation_direct"]["total"]
        after = groups["litigation_after_reconsideration"]["total"]
        if direct is not None and after is not None:
            lit_total = direct + after
        return {
            "applications": apps,
            "reconsideration": groups["reconsideration"],
            "litigation_direct": groups["litigation_direct"],
            "litigation_after_reconsideration": groups["litigation_after_reconsideration"],
            "litigation_total": lit_total,
        }

    def to_json(self) -> dict[str, Any]:
        edition = _edition_by_year(self.edition)
        rows = edition.rows if edition else template.ROWS_2019
        apps = None
        if self.applications is not None:
            apps = {
                r.key: {
                    "label": r.label,
                    "found": r.key in self.rows_found,
                    **{
                        c.key: v
                        for c, v in zip(template.PART_THREE_COLUMNS, self.applications[r.key], strict=True)
                    },
                }
                for r in rows
                if r.key in self.applications
            }
        p4 = None
        if self.part_four is not None:
            p4 = {
                g.key: {c.key: self.part_four[gi * _G + ci] for ci, c in enumerate(template.OUTCOME_COLUMNS)}
                for gi, g in enumerate(template.PART_FOUR_GROUPS)
            }
        return {
            "edition": self.edition,
            "source": self.source,
            "status": self.status,
            "problems": list(self.problems),
            "applications": apps,
            "columns": [c.key for c in template.PART_THREE_COLUMNS],
            "part_four": p4,
            "part_two": self.part_two,
            "proactive_total": self.proactive_total,
            "derived": dict(self.derived),
            "ambiguous": {k: list(v) for k, v in self.ambiguous.items()},
            "prose": self.prose.to_json() if self.prose else None,
            "gold_facts": self.gold_facts(),
        }


def _edition_by_year(year: int | None) -> Edition | None:
    for ed in template.EDITIONS:
        if ed.year == year:
            return ed
    return None


_TITLE_YEAR = re.compile(r"(20\d\d)\s*年\s*度?[^\n。]{0,30}?(?:年度报告|年报)")


def _detect_edition(cells: Cells, text: str) -> Edition | None:
    scores = {ed.year: sum(1 for mk in ed.markers if re.search(mk, cells.stream)) for ed in template.EDITIONS}
    best = max(scores.values())
    if best > 0 and list(scores.values()).count(best) == 1:
        return _edition_by_year(max(scores, key=lambda y: scores[y]))
    for year, pat in template.EDITION_DOCUMENT_PATTERNS:
        if re.search(pat, text):
            return _edition_by_year(year)
    m = _TITLE_YEAR.search(text[:3000])
    if m:
        y = int(m.group(1))
        eligible = [ed for ed in template.EDITIONS if ed.year <= y]
        if eligible:
            return max(eligible, key=lambda ed: ed.year)
    return None


@functools.cache
def _specs_p3(edition: Edition) -> tuple[_Spec, ...]:
    return tuple(_Spec(r.key, r.label, r.keywords) for r in edition.rows)


@functools.cache
def _specs_p2(edition: Edition) -> tuple[_Spec, ...]:
    return tuple(_Spec(r.key, r.label, r.keywords) for r in edition.part_two_rows)


def _part_four_anchors(cells: Cells, after: int) -> list[int]:
    """Stream positions where the part-four header may start: two different column words (or
    pieces of them) close together; the first few, in order."""
    stream = cells.stream
    out: list[int] = []
    last_end = -1
    for m in _P4_COLUMN_WORDS.finditer(stream, after):
        if m.start() < last_end:
            continue
        words = {x.group() for x in _P4_COLUMN_WORDS.finditer(stream, m.start(), m.start() + 80)}
        if len(words) >= 2:
            out.append(m.start())
            last_end = m.start() + 80
            if len(out) >= 4:
                break
    return out


@functools.cache
def _p3_equations(edition: Edition) -> tuple[Equation, ...]:
    eqs = []
    names = {
        "一+二 = 三（七）+四": ("一+二", "三（七）+四"),
        "三（七）总计 = 各项办理结果之和": ("三（七）总计", "（一）至（六）之和"),
    }
    for ident in edition.identities:
        lhs, rhs = names.get(ident.name, (ident.name, ""))
        for ci, col in enumerate(template.PART_THREE_COLUMNS):
            eqs.append(
                Equation(f"part 3 {col.label} column", lhs, rhs, tuple(((r, ci), k) for r, k in ident.terms))
            )
    for row in edition.rows:
        terms = (((row.key, P3_WIDTH - 1), 1), *(((row.key, i), -1) for i in range(P3_WIDTH - 1)))
        eqs.append(Equation(f"part 3 row {row.label}", "总计", "各申请人之和", terms))
    return tuple(eqs)


@functools.cache
def _p4_equations() -> tuple[Equation, ...]:
    eqs = []
    for gi, g in enumerate(template.PART_FOUR_GROUPS):
        tot = gi * _G + _G - 1
        terms = ((("part4", tot), 1), *((("part4", gi * _G + i), -1) for i in range(_G - 1)))
        eqs.append(Equation(f"part 4 {g.label}", "总计", "维持+纠正+其他+尚未审结", terms))
    return tuple(eqs)


def _cell_name(row: str, col: str) -> str:
    return f"{row}.{col}"


def _column_start(cells: Cells, rows: list[list[int]], ncols: int) -> int | None:
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


def _read_part_three(
    cells: Cells, edition: Edition, chain: list[RowMatch], end_tok: int, reading: TableReading
) -> int:
    """Fill ``reading.applications``; returns the token where the table's numbers end."""
    ncols = P3_WIDTH
    readings: dict[str, RowReading] = {}
    last_end = chain[0].first_tok
    spans: list[tuple[RowMatch, int, list[int]]] = []
    for i, m in enumerate(chain):
        row_end = chain[i + 1].first_tok if i + 1 < len(chain) else end_tok
        row_end = min(row_end, end_tok)
        spans.append((m, row_end, _collect(cells, m, m.first_tok, row_end, _P3_KNOWN, ncols)))
    abs_start = _column_start(cells, [nums for _, _, nums in spans], ncols)
    for m, row_end, nums in spans:
        readings[m.key] = _read_numbers(RowSpan(cells, nums, m, m.first_tok, row_end, ncols, P3_GROUPS,
                                                abs_start))
        if readings[m.key].note:
            reading.problems.append(f"part 3 row {edition.row(m.key).label}: {readings[m.key].note}")
        last_end = max(nums[-1] + 1 if nums else 0, max(m.label_toks) + 1)
    idents = [ColumnIdentity(i.terms) for i in edition.identities]
    cands = {k: (r.candidates or [r.fallback]) for k, r in readings.items()}
    sol = solve_joint(cands, idents, ncols)
    if sol is None or any(not v for v in sol.values()):
        relaxed = {k: (r.relaxed or [r.fallback]) for k, r in readings.items()}
        sol = solve_joint(relaxed, idents, ncols)
        if sol is None or any(not v for v in sol.values()):
            sol = {k: v[:1] for k, v in cands.items()}
    values: dict[tuple[str, int], Value] = {}
    apps: dict[str, list[Value]] = {}
    for row in edition.rows:
        if row.key in sol:
            merged, differ = merge_readings(sol[row.key])
            apps[row.key] = merged
            for ci, seen in differ.items():
                reading.ambiguous[f"part3.{row.key}.{template.PART_THREE_COLUMNS[ci].key}"] = seen
        else:
            apps[row.key] = [None] * ncols
        for ci, v in enumerate(apps[row.key]):
            values[(row.key, ci)] = v
    missing = [r for r in edition.rows if r.key not in sol]
    ambiguous_cells = {
        (k.split(".")[1], [c.key for c in template.PART_THREE_COLUMNS].index(k.split(".")[2]))
        for k in reading.ambiguous
        if k.startswith("part3.")
    }
    unknown = {c for c, v in values.items() if v is None and c not in ambiguous_cells}
    eqs = _p3_equations(edition)
    derived, conflicts = derive(values, unknown, eqs)
    missing_keys = {r.key for r in missing}
    for (rk, ci), v in derived.items():
        values[(rk, ci)] = v
        apps[rk][ci] = v
        if rk in missing_keys:
            reading.derived[_cell_name(rk, template.PART_THREE_COLUMNS[ci].key)] = v
    reading.problems.extend(conflicts)
    still = [r.label for r in missing if any(apps[r.key][ci] is None for ci in range(ncols))]
    if still:
        reading.problems.append("part 3 rows missing (not derivable): " + "、".join(still))
    reading.problems.extend(check(values, eqs))
    reading.applications = apps
    reading.rows_found = [m.key for m in chain]
    return last_end


_P4_HEADER_RE = re.compile("|".join(sorted(template.PART_FOUR_HEADER_WORDS, key=len, reverse=True)))


def _p4_header(cells: Cells, pos: int) -> RowMatch:
    """The part-four header from ``pos``: its words, each close after the one before."""
    end = pos
    for m in _P4_HEADER_RE.finditer(cells.stream, pos):
        if m.start() > end + 8:
            break
        end = m.end()
    return _row_match(cells, "part4", pos, max(end, pos + 1))


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


_NEXT_PART = re.compile(r"[五六]?(?:" + "|".join(template.NEXT_PART_HEADINGS) + ")")
_P4_SEARCH_STOP = re.compile("|".join((*template.NEXT_PART_HEADINGS, "改进情况")))
_P4_SEARCH_CHARS = 600


def _headerless_part_four(cells: Cells, tok: int) -> int | None:
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
            if seen > _P4_SEARCH_CHARS or _P4_SEARCH_STOP.search(tk.cjk):
                return None
        elif tk.kind == NUM:
            if cells.line_nums[tk.line] >= 8 or len(tk.text) >= template.PART_FOUR_WIDTH:
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


def _read_part_four(cells: Cells, start_tok: int, reading: TableReading, header: RowMatch | None) -> bool:
    toks = cells.tokens
    nums = _collect(cells, header, start_tok, len(toks), _P4_KNOWN, template.PART_FOUR_WIDTH)
    if not nums:
        if header is not None and _blank_row_follows(cells, header):
            reading.part_four = [0] * template.PART_FOUR_WIDTH  # a row of blank cells
            return True
        return False
    if header is None:
        # without a header the numbers must look like the part-four row
        digits = sum(len(toks[i].text) for i in nums)
        one_line = len({toks[i].line for i in nums}) == 1
        if not (len(nums) >= 8 or (digits >= template.PART_FOUR_WIDTH and one_line)):
            return False
    if len(nums) > template.PART_FOUR_WIDTH:
        nums = nums[: template.PART_FOUR_WIDTH]
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
    if end_tok >= len(toks) and len(nums) < template.PART_FOUR_WIDTH:
        # fewer numbers than columns and then nothing: a report cut off inside the row, not blank cells
        reading.problems.append(f"part 4: the text ends after {len(nums)} of the row's numbers")
        return False
    r = _read_numbers(RowSpan(cells, nums, None, data_start, end_tok, template.PART_FOUR_WIDTH, P4_GROUPS))
    cands = r.candidates or r.relaxed
    if cands:
        merged, differ = merge_readings(cands)
        for ci, seen in differ.items():
            gi, cc = divmod(ci, _G)
            key = f"part4.{template.PART_FOUR_GROUPS[gi].key}.{template.OUTCOME_COLUMNS[cc].key}"
            reading.ambiguous[key] = seen
    else:
        merged = list(r.fallback)
    if r.note:
        reading.problems.append(f"part 4: {r.note}")
    values = {("part4", i): v for i, v in enumerate(merged)}
    reading.problems.extend(check(values, _p4_equations()))
    reading.part_four = list(merged)
    return True


def _read_part_two(cells: Cells, edition: Edition | None, stop: int, reading: TableReading) -> None:
    editions = [edition] if edition else list(template.EDITIONS)
    best: tuple[list[RowMatch], Edition] | None = None
    for ed in editions:
        chain = _best_chain(cells, _specs_p2(ed), None, 0, stop)
        if best is None or len(chain) > len(best[0]):
            best = (chain, ed)
    if best is None or len(best[0]) < 2:
        return
    chain, ed = best
    rows = {r.key: r for r in ed.part_two_rows}
    stop_tok = cells.tok_at(stop)
    spans = []
    for i, m in enumerate(chain):
        ncols = len(rows[m.key].columns)
        row_end = min(chain[i + 1].first_tok if i + 1 < len(chain) else stop_tok, stop_tok)
        spans.append((m, row_end, ncols, _collect(cells, m, m.first_tok, row_end, _P2_KNOWN, ncols)))
    starts = [
        s for _, _, ncols, nums in spans if (s := _column_start(cells, [nums, nums], ncols)) is not None
    ]
    abs_start = max(set(starts), key=starts.count) if starts else None
    for m, row_end, ncols, nums in spans:
        row = rows[m.key]
        r = _read_numbers(RowSpan(cells, nums, m, m.first_tok, row_end, ncols, (), abs_start))
        cands = r.candidates or [r.fallback]
        merged, differ = merge_readings(cands)
        for ci, seen in differ.items():
            reading.ambiguous[f"part2.{row.key}.{row.columns[ci].key}"] = seen
        reading.part_two[row.key] = {c.key: v for c, v in zip(row.columns, merged, strict=True)}


def read_tables(text: str) -> TableReading:
    """Read the tables of a report (the whole text, NFKC-folded)."""
    cells = tokenize(text)
    reading = TableReading()
    facts = prose.read_prose(text)
    reading.prose = facts
    reading.proactive_total = facts.proactive_total
    edition = _detect_edition(cells, text)

    # part three
    candidates = [edition] if edition else list(template.EDITIONS)
    chain: list[RowMatch] = []
    best_score = (-1, -1)
    for ed in candidates:
        c = _best_chain(cells, _specs_p3(ed), _P3_BARRIER)
        # more rows found, then more of the rows only this edition has
        others = {r.key for e in template.EDITIONS if e is not ed for r in e.rows}
        score = (len(c), sum(1 for m in c if m.key not in others))
        if score > best_score:
            chain, edition_used, best_score = c, ed, score
    p3_found = len(chain) >= MIN_ROWS_FOUND
    if p3_found and edition is None:
        edition = edition_used
    reading.edition = edition.year if edition else None

    # part four: its header, searched after the applications table starts
    after = chain[0].start if p3_found else 0
    anchors = _part_four_anchors(cells, after)
    p4_tok = cells.tok_at(anchors[0]) if anchors else len(cells.tokens)

    p3_end_tok = 0
    if p3_found:
        assert edition is not None
        chain = [m for m in chain if m.first_tok < p4_tok]
        p3_end_tok = _read_part_three(cells, edition, chain, p4_tok, reading)
    p4_found = False
    for pos in anchors:
        p4_found = _read_part_four(cells, cells.tok_at(pos), reading, _p4_header(cells, pos))
        if p4_found:
            break
    if not p4_found and p3_found:
        row_tok = _headerless_part_four(cells, p3_end_tok)
        if row_tok is not None:
            p4_found = _read_part_four(cells, row_tok, reading, None)

    _read_part_two(cells, edition, chain[0].start if p3_found else len(cells.stream), reading)

    if not p3_found and not p4_found:
        reading.status = "no_tables"
        reading.source = "prose" if facts.any() else None
        reading.problems.insert(0, "no tables found (numbers from the prose)")
        return reading
    reading.source = "tables"
    if not p3_found:
        reading.problems.insert(0, "part 3 applications table not found")
    if not p4_found:
        reading.problems.insert(0, "part 4 reconsideration/litigation table not found")
    for k, seen in reading.ambiguous.items():
        if not k.startswith("part2."):
            reading.problems.append(f"ambiguous {k}: readings {seen}")
    failed = [p for p in reading.problems if "≠" in p or "would need" in p]
    if failed:
        reading.status = "inconsistent"
    elif (
        not (p3_found and p4_found)
        or any(
            p.startswith(("part 3 rows missing", "ambiguous part3", "ambiguous part4"))
            for p in reading.problems
        )
        or _gold_unknown(reading)
    ):
        reading.status = "partial"
    else:
        reading.status = "verified"
    return reading


def _gold_unknown(reading: TableReading) -> bool:
    g = reading.gold_facts()
    vals = [*g["applications"].values()]
    for k in ("reconsideration", "litigation_direct", "litigation_after_reconsideration"):
        vals.extend(g[k].values())
    return any(v is None for v in vals)
