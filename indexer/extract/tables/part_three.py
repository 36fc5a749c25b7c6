"""Part three (依申请公开): the applications table, row by row and then jointly by its identities.

Missing rows are derived where the identities determine them; every identity is checked.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from indexer.extract.tables import template
from indexer.extract.tables.cells import TEXT, Cells
from indexer.extract.tables.column_order import column_major_readings, numbers_after_labels, unread_numbers
from indexer.extract.tables.identities import (
    ColumnIdentity,
    Equation,
    Group,
    Value,
    check,
    derive,
    merge_readings,
    solve_joint,
)
from indexer.extract.tables.labels import RowMatch, best_chain, row_specs
from indexer.extract.tables.readings import RowReading, RowSpan, collect_numbers, column_start, read_numbers
from indexer.extract.tables.result import Problem, ProblemKind, problems_of
from indexer.extract.tables.spans import cell_tokens
from indexer.extract.tables.template import Edition

P3_GROUPS: tuple[Group, ...] = (
    (tuple(range(len(template.APPLICANT_COLUMNS))), len(template.APPLICANT_COLUMNS)),
)
P3_WIDTH = len(template.PART_THREE_COLUMNS)
_BARRIER = re.compile("|".join((template.PART_THREE_BARRIER, *template.NEXT_PART_HEADINGS)))
_KNOWN = "|".join(template.PART_THREE_HEADER_WORDS)
_COLUMN_KEYS = [c.key for c in template.PART_THREE_COLUMNS]


@dataclass
class PartThree:
    """What the applications table says: row key -> 7 cells (applicant columns then 总计)."""

    applications: dict[str, list[Value]]
    rows_found: list[str]
    end_tok: int  # the token where the table's numbers end
    derived: dict[str, Value] = field(default_factory=dict)  # "row.column" -> cell derived, not read
    ambiguous: dict[str, list[Value]] = field(default_factory=dict)  # "part3.row.column" -> readings
    issues: list[Problem] = field(default_factory=list)
    used: dict[str, list[int]] = field(default_factory=dict)  # row key -> the tokens its cells came from
    span: tuple[int, int] = (0, 0)  # the tokens where the table's numbers stand
    # (row key, column) -> (token, start, end within its digits): where each cell read was read
    cell_tokens: dict[tuple[str, int], tuple[int, int, int]] = field(default_factory=dict)


def find_part_three(cells: Cells, edition: Edition | None) -> tuple[list[RowMatch], Edition]:
    """The row labels of the applications table and the edition they belong to: the given one, or
    of all editions the one whose chain finds more rows, then more of the rows only it has."""
    candidates = [edition] if edition else list(template.EDITIONS)
    chain: list[RowMatch] = []
    best_score = (-1, -1)
    used = candidates[0]
    for ed in candidates:
        c = best_chain(cells, row_specs(ed.rows), _BARRIER)
        others = {r.key for e in template.EDITIONS if e is not ed for r in e.rows}
        score = (len(c), sum(1 for m in c if m.key not in others))
        if score > best_score:
            chain, used, best_score = c, ed, score
    return chain, used


@functools.cache
def _equations(edition: Edition) -> tuple[Equation, ...]:
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


def _cell_name(row: str, col: str) -> str:
    return f"{row}.{col}"


def read_part_three(cells: Cells, edition: Edition, chain: list[RowMatch], end_tok: int) -> PartThree:
    """Read the rows of ``chain`` (numbers up to ``end_tok``), choose their readings jointly, derive
    the missing cells and check every identity."""
    ncols = P3_WIDTH
    issues: list[Problem] = []
    ambiguous: dict[str, list[Value]] = {}
    derived_out: dict[str, Value] = {}
    readings: dict[str, RowReading] = {}
    last_end = chain[0].first_tok
    spans: list[tuple[RowMatch, int, list[int]]] = []
    for i, m in enumerate(chain):
        row_end = chain[i + 1].first_tok if i + 1 < len(chain) else end_tok
        row_end = min(row_end, end_tok)
        spans.append((m, row_end, collect_numbers(cells, m, m.first_tok, row_end, _KNOWN, ncols)))
    abs_start = column_start(cells, [nums for _, _, nums in spans], ncols)
    column_read = _column_order(cells, edition, chain, end_tok)
    if column_read is not None:
        readings, used = column_read
    for m, row_end, nums in spans if column_read is None else ():
        r = readings[m.key] = read_numbers(
            RowSpan(cells, nums, m, m.first_tok, row_end, ncols, P3_GROUPS, abs_start)
        )
        if r.note:
            issues.append(
                Problem(ProblemKind.EXCESS_NUMBERS, 3, f"part 3 row {edition.row(m.key).label}: {r.note}")
            )
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
    ambiguous_cells: set[tuple[str, int]] = set()
    for row in edition.rows:
        if row.key in sol:
            merged, differ = merge_readings(sol[row.key])
            apps[row.key] = merged
            for ci, seen in differ.items():
                ambiguous[f"part3.{row.key}.{_COLUMN_KEYS[ci]}"] = seen
                ambiguous_cells.add((row.key, ci))
        else:
            apps[row.key] = [None] * ncols
        for ci, v in enumerate(apps[row.key]):
            values[(row.key, ci)] = v
    read_values = {k: list(v) for k, v in apps.items()}  # before any cell is derived
    missing = [r for r in edition.rows if r.key not in sol]
    unknown = {c for c, v in values.items() if v is None and c not in ambiguous_cells}
    eqs = _equations(edition)
    derived, conflicts = derive(values, unknown, eqs)
    missing_keys = {r.key for r in missing}
    for (rk, ci), v in derived.items():
        values[(rk, ci)] = v
        apps[rk][ci] = v
        if rk in missing_keys:
            derived_out[_cell_name(rk, _COLUMN_KEYS[ci])] = v
    issues.extend(problems_of(ProblemKind.UNDERIVABLE, 3, conflicts))
    still = [r.label for r in missing if any(apps[r.key][ci] is None for ci in range(ncols))]
    if still:
        issues.append(
            Problem(ProblemKind.MISSING_ROWS, 3, "part 3 rows missing (not derivable): " + "、".join(still))
        )
    issues.extend(problems_of(ProblemKind.IDENTITY_FAILED, 3, check(values, eqs)))
    if column_read is None:
        used = {m.key: _used_tokens(cells, nums, apps[m.key]) for m, _, nums in spans}
    if column_read is not None:
        last_end = max(last_end, max((t for ts in used.values() for t in ts), default=0) + 1)
    span = (chain[0].first_tok, _table_end(cells, chain, end_tok))
    where: dict[tuple[str, int], tuple[int, int, int]] = {}
    for key, toks in used.items():
        if column_read is not None:
            found = {ci: (t, 0, len(cells.tokens[t].text.lstrip("+-"))) for ci, t in enumerate(toks)}
        else:
            found = cell_tokens(cells, toks, read_values.get(key, []))
        where.update({(key, ci): loc for ci, loc in found.items()})
    return PartThree(
        apps, [m.key for m in chain], last_end, derived_out, ambiguous, issues, used, span, where
    )


def unread_problem(cells: Cells, p3: PartThree, elsewhere: set[int]) -> Problem | None:
    """The non-zero numbers in the table's span read into no cell (of this table or of
    ``elsewhere``: the part-four row when it stands inside that span), as a problem."""
    unread = unread_numbers(cells, *p3.span, _flat(p3.used) | elsewhere)
    if not unread:
        return None
    shown = " ".join(cells.tokens[t].text for t in unread[:8])
    return Problem(
        ProblemKind.UNREAD_NUMBERS, 3, f"part 3: {len(unread)} numbers not read into any cell: {shown}"
    )


def _flat(used: dict[str, list[int]]) -> set[int]:
    return {t for ts in used.values() for t in ts}


def _used_tokens(cells: Cells, nums: list[int], row: list[Value]) -> list[int]:
    """The tokens a row's cells were read from: all of them, or the window of a row with more
    numbers than columns whose values are the row read."""
    if len(nums) <= len(row):
        return list(nums)
    vals = [cells.tokens[t].value for t in nums]
    for i in range(len(nums) - len(row) + 1):
        if vals[i : i + len(row)] == row:
            return nums[i : i + len(row)]
    return nums[: len(row)]


def _table_end(cells: Cells, chain: list[RowMatch], end_tok: int) -> int:
    """Where the table's numbers end: the first text after the last row label that is neither short
    nor table header (the numbers of a table read column by column stand after all its labels)."""
    for t in range(max(chain[-1].label_toks) + 1, end_tok):
        tok = cells.tokens[t]
        if tok.kind == TEXT and len(tok.cjk) > 4 and tok.cjk not in _KNOWN:
            return t
    return end_tok


def _column_order(
    cells: Cells, edition: Edition, chain: list[RowMatch], end_tok: int
) -> tuple[dict[str, RowReading], dict[str, list[int]]] | None:
    """The rows of a table printed column by column (:mod:`.column_order`), when every row of the
    edition was found, its numbers are rows × columns and exactly one order satisfies every identity."""
    keys = [r.key for r in edition.rows]
    if [m.key for m in chain] != keys:
        return None
    nums = numbers_after_labels(cells, chain, _table_end(cells, chain, end_tok))
    if not nums or len(nums) != len(keys) * P3_WIDTH:
        return None
    eqs = _equations(edition)

    def holds(reading: dict[str, tuple[Value, ...]]) -> bool:
        values = {(k, ci): v for k, vec in reading.items() for ci, v in enumerate(vec)}
        return not check(values, eqs)

    found = column_major_readings([cells.tokens[t].value for t in nums], keys, P3_WIDTH, holds)
    if len(found) != 1:
        return None
    (reading,) = found
    nrows = len(keys)
    col_major = reading == {
        k: tuple(cells.tokens[nums[c * nrows + r]].value for c in range(P3_WIDTH)) for r, k in enumerate(keys)
    }
    used = {
        k: [nums[c * nrows + r] if col_major else nums[r * P3_WIDTH + c] for c in range(P3_WIDTH)]
        for r, k in enumerate(keys)
    }
    return {k: RowReading([v], [v], v) for k, v in reading.items()}, used
