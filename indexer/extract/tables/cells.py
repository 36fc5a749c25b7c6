"""Cells and tokens: a report text as the table reader sees it.

Markup is stripped; lines are split into tab cells and cells into tokens: label text, numbers (cell
values) and blank cells.  Digits that are numbering (``1.``), counts in prose (``60条``), notes in
brackets, dates and URLs stay text.  A number written right against the text before it (web pages
run a row's cells together) is *glued*.  The Chinese characters of all text tokens make the *label
stream* that :mod:`indexer.extract.tables.labels` searches.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from indexer.extract.tables.patterns import DIGIT, INDENT, SPACE_RUN, VALUE_CELL
from indexer.extract.tables.vertical_headers import stacked_header_lines
from indexer.extract.text import CJK, cjk_of, strip_markup

TEXT, NUM, EMPTY = "text", "num", "empty"

# A digit run followed by one of these (spaces allowed) is a count in prose, not a cell value.
_UNITS = set("年月日时号条件篇次个项人户家元万亿%‰页期届名位座所天周岁批份套台辆宗余多")
# A cell holding only one of these is a blank (zero) cell.
_PLACEHOLDER = re.compile(r"^(?:[-—–―/／\\~～]+|无|空|/)$")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_PAREN = re.compile(r"[(\[【][^()\[\]【】]{0,80}[)\]】]")


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


def _protected_spans(s: str) -> list[tuple[int, int]]:
    """Parenthesised notes holding CJK text: digits inside them are not cell values."""
    spans: list[tuple[int, int]] = []
    if "(" not in s and "[" not in s and "【" not in s:
        return spans
    for m in _PAREN.finditer(s):
        if CJK.search(m.group()):
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


def _is_text_cell(cell: str) -> bool:
    c = cell.strip()
    return bool(c) and not VALUE_CELL.match(c) and not _PLACEHOLDER.match(c)


# a row enumerator in NFKC text: 一、 (三) 2.
_ENUMERATOR = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十\d]+\)|\d+[.、])")


def _own_row(cells: list[str], filled: list[int]) -> bool:
    """A text-only line that is a row of its own, not the wrapped rest of the line above: a cell
    opens with an enumerator (一、 （三） 2.), or a cell repeats its neighbour (a merged label cell
    that a converter printed once per column it spans)."""
    if any(_ENUMERATOR.match(cells[k]) for k in filled):
        return True
    return any(cells[a].strip() == cells[b].strip() for a, b in itertools.pairwise(filled) if b == a + 1)


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
        if prev >= 0 and blanks <= 1 and not DIGIT.search(line):
            cells = line.split("\t")
            above = out[prev].split("\t")
            filled = [k for k, c in enumerate(cells) if c.strip()]
            if (
                len(above) > filled[-1]
                and not _own_row(cells, filled)
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


_INDENTED = re.compile(rf"^ {{{INDENT},}}\S")


def _spaced(line: str) -> bool:
    return "\t" not in line and bool(SPACE_RUN.search(line) or _INDENTED.match(line))


def space_separated_cells(lines: list[str]) -> list[str]:
    """Tables as ``pdftotext -layout`` prints them: no tabs, cells padded to their column with runs
    of spaces.  In a block of such lines (two or more of them with several cells; blank lines, page
    numbers and form feeds do not end it: :func:`indexer.extract.text.strip_markup` blanked the page
    numbers), a run of two or more spaces separates cells and the indentation of a line stands for
    its leading blank cells."""
    out = list(lines)
    i, n = 0, len(lines)
    while i < n:
        if not _spaced(lines[i]):
            i += 1
            continue
        j, multi = i, 0
        while j < n and (_spaced(lines[j]) or not lines[j].strip()):
            multi += bool(SPACE_RUN.search(lines[j]) and "\t" not in lines[j])
            j += 1
        if multi >= 2:
            stacked = stacked_header_lines(lines[i:j])
            for k in range(i, j):
                line = lines[k]
                if k - i in stacked:
                    out[k] = stacked[k - i]
                elif line.strip():
                    body = line.lstrip(" \f")
                    lead = "\t" if len(line) - len(body) >= INDENT else ""
                    out[k] = lead + SPACE_RUN.sub("\t", body.rstrip())
        i = j
    return out


def tokenize(text: str) -> Cells:
    """Tokens, cells and label stream of a report text (NFKC-folded)."""
    clean = strip_markup(text)
    raw_lines = join_wrapped_cells(space_separated_cells(clean.split("\n")))
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
            elif not DIGIT.search(cell):  # text only
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
