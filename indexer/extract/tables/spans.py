"""Where each number of a table was read: a span of the report text, so that a report page can
point at the cell a number came from and a reader can check it in one click.

The tokens of :mod:`.cells` come from the text with its markup stripped; to find them in the text
itself, the tokens are walked in order with a cursor over the text (in the token's own line when
the text keeps the cells' lines): a text token moves the cursor past itself (so that numbering such
as ``1.`` in ``1.属于国家秘密`` is not taken for a cell), a number token is the next run of the same
digits outside an HTML tag (so that ``rowspan="3"`` is never a cell).  A cell is then mapped to its
token by the row's values in order (a run-together chunk such as ``350100238`` gives each of its
cells a part of its digits).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from indexer.extract.tables.cells import NUM, TEXT, Cells
from indexer.extract.tables.identities import Value

_TAG = re.compile(r"<[^<>]{0,400}>")
_REACH = 300  # how far ahead of the cursor a token is looked for (beyond: not this token)

Span = tuple[int, int]


def _tag_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _TAG.finditer(text)] if "<" in text else []


def token_spans(cells: Cells, text: str, wanted: set[int]) -> dict[int, Span]:
    """The span in ``text`` (the text the cells were made from) of every number token in
    ``wanted``: the digits of the token (its sign left out).  When the text has the lines of the
    cells (plain text, markdown), a token is looked for in its own line only; in HTML, whose cells
    become lines of their own, ahead of the token before it, within :data:`_REACH`."""
    if not wanted:
        return {}
    tags = _tag_spans(text)
    ti = 0
    cursor = 0
    out: dict[int, Span] = {}
    last = max(wanted)
    starts: list[int] | None = None
    if len(cells.raw_lines) == text.count("\n") + 1:
        starts = [0]
        for text_line in text.split("\n"):
            starts.append(starts[-1] + len(text_line) + 1)
    line = -1
    for i, tok in enumerate(cells.tokens[: last + 1]):
        if starts is not None:
            if tok.line != line:
                line, cursor = tok.line, starts[tok.line]
            stop = starts[tok.line + 1] - 1
        else:
            stop = cursor + _REACH + len(tok.text)
        if tok.kind == TEXT:
            k = text.find(tok.text, cursor, stop)
            if k >= 0:
                cursor = k + len(tok.text)
            continue
        if tok.kind != NUM:
            continue
        digits = tok.text.lstrip("+-")
        # whole digit runs; a run glued to a year (0002021年) or to the next row's numbering
        # (00000002.其他…) gives its cells without them, as the tokenizer did
        pat = re.compile(rf"(?<![\d.]){re.escape(digits)}(?:(?!\d)|(?=\d{{4}}年)|(?=\d{{1,2}}[.、]\D))")
        pos = cursor
        while True:
            m = pat.search(text, pos, stop)
            if m is None:
                break
            while ti < len(tags) and tags[ti][1] <= m.start():
                ti += 1
            if ti < len(tags) and tags[ti][0] <= m.start() < tags[ti][1]:
                pos = tags[ti][1]  # inside a tag: not text
                continue
            if i in wanted:
                out[i] = m.span()
            cursor = m.end()
            break
    return out


def cell_tokens(cells: Cells, nums: Sequence[int], row: Sequence[Value]) -> dict[int, tuple[int, int, int]]:
    """Column -> (token, start, end within the token's digits) for the cells of ``row`` read from
    the number tokens ``nums``: the tokens are taken in order, each cell matching the next token's
    (remaining) digits; a cell that matches none is a blank cell (no token)."""
    out: dict[int, tuple[int, int, int]] = {}
    j, off = 0, 0
    for ci, v in enumerate(row):
        if j >= len(nums) or v is None:
            continue
        digits = cells.tokens[nums[j]].text.lstrip("+-")
        s = _digits(v)
        if digits.startswith(s, off) and (
            off > 0 or len(s) == len(digits) or _glued(cells, nums[j], row, ci)
        ):
            out[ci] = (nums[j], off, off + len(s))
            off += len(s)
            if off >= len(digits):
                j, off = j + 1, 0
    return out


def _digits(v: Value) -> str:
    if isinstance(v, float):
        return f"{v:.4f}".rstrip("0").rstrip(".") if v else "0"
    return str(abs(v)) if v is not None else ""


def _glued(cells: Cells, tok: int, row: Sequence[Value], ci: int) -> bool:
    """A token longer than the cell: a run-together chunk (its digits are several cells)."""
    return len(cells.tokens[tok].text.lstrip("+-")) > len(_digits(row[ci]))
