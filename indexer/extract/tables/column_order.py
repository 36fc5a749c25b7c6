"""Tables extracted column by column: every row label first, then the numbers of one column, then
the next (some PDF tools read a ruled table so), or each column's numbers together on one line.

Read row by row, such a table has no number after any label but the last, and the identities hold
trivially on the zeros that leaves.  When the labels of every row of the edition stand together and
the numbers after them are exactly rows × columns, the numbers are read column-major (and, as a
second possibility, row-major); a reading is kept only when every identity of the table holds on it
and no other reading does.  Anything else is left to the row reader and the unread-numbers check
(:func:`unread_numbers`), which keeps such a table from being ``verified``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from indexer.extract.tables.cells import NUM, TEXT, Cells
from indexer.extract.tables.identities import Value, Vec
from indexer.extract.tables.labels import RowMatch


def numbers_after_labels(cells: Cells, chain: Sequence[RowMatch], end_tok: int) -> list[int] | None:
    """The number tokens after the last row label up to ``end_tok``, when no number stands between
    the labels (the column-order shape); None otherwise."""
    toks = cells.tokens
    first, last = chain[0].first_tok, max(chain[-1].label_toks)
    if any(toks[t].kind == NUM for t in range(first, last)):
        return None
    nums = []
    for t in range(last + 1, end_tok):
        tok = toks[t]
        if tok.kind == NUM:
            nums.append(t)
        elif tok.kind == TEXT and tok.cjk and nums:
            break  # text after the numbers: the table ended
    return nums


def column_major_readings(
    values: Sequence[Value], keys: Sequence[str], ncols: int, holds: Callable[[dict[str, Vec]], bool]
) -> list[dict[str, Vec]]:
    """The readings of ``len(keys) × ncols`` numbers, column-major then row-major, on which every
    identity holds (``holds``); distinct readings only."""
    nrows = len(keys)
    if len(values) != nrows * ncols:
        return []
    col_major = {k: tuple(values[c * nrows + r] for c in range(ncols)) for r, k in enumerate(keys)}
    row_major = {k: tuple(values[r * ncols : (r + 1) * ncols]) for r, k in enumerate(keys)}
    out: list[dict[str, Vec]] = []
    for reading in (col_major, row_major):
        if holds(reading) and reading not in out:
            out.append(reading)
    return out


def unread_numbers(cells: Cells, start_tok: int, end_tok: int, used: set[int]) -> list[int]:
    """The non-zero number tokens between ``start_tok`` and ``end_tok`` that no cell was read from."""
    return [
        t
        for t in range(start_tok, end_tok)
        if cells.tokens[t].kind == NUM and cells.tokens[t].value and t not in used
    ]
