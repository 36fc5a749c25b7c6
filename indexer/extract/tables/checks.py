"""Every identity of the template checked on a facts record's tables, each with its result.

The reader only names the identities that fail (its problems); a report page shows all of them:
held, failed (with the two sides' values) or not checked (a cell unknown). This works on the
``tables`` of a facts record, so that it needs no re-reading of the report, and uses the same
equations as the reader (one definition of each identity).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from indexer.extract.tables import part_four, part_three, template
from indexer.extract.tables.identities import Cell, Equation, Value
from indexer.extract.tables.result import edition_by_year

__all__ = ["IdentityResult", "identity_results"]


@dataclass(frozen=True)
class IdentityResult:
    """One identity on one report: ``held`` is True, False, or None (not checked: a cell unknown)."""

    part: int  # 3 or 4
    scope: str  # the equation's scope as the reader's problems name it ("part 3 自然人 column" …)
    lhs_name: str
    rhs_name: str
    lhs: Value
    rhs: Value
    held: bool | None
    cells: tuple[str, ...]  # the cells it sums, as span keys ("part3.new.total", "part4.…")


def _cell_key(cell: Cell) -> str:
    row, ci = cell
    if row == "part4":
        g, c = divmod(ci, len(template.OUTCOME_COLUMNS))
        return f"part4.{template.PART_FOUR_GROUPS[g].key}.{template.OUTCOME_COLUMNS[c].key}"
    return f"part3.{row}.{template.PART_THREE_COLUMNS[ci].key}"


def _result(part: int, eq: Equation, values: Mapping[Cell, Value]) -> IdentityResult:
    vals = [(values.get(c), k) for c, k in eq.terms]
    known = all(v is not None for v, _ in vals)
    lhs = sum(v for v, k in vals if k > 0) if known else None  # type: ignore[misc]
    rhs = sum(v for v, k in vals if k < 0) if known else None  # type: ignore[misc]
    return IdentityResult(part, eq.scope, eq.lhs_name, eq.rhs_name, lhs, rhs, (lhs == rhs) if known else None,
                          tuple(_cell_key(c) for c, _ in eq.terms))


def identity_results(tables: Mapping[str, Any]) -> list[IdentityResult]:
    """The identities of parts three and four on ``tables`` (a facts record's ``tables``): part
    three's only when its table was read (its template edition known), part four's when its row was."""
    out: list[IdentityResult] = []
    edition = edition_by_year(tables.get("edition"))
    apps = tables.get("applications") or {}
    if edition is not None and apps:
        values: dict[Cell, Value] = {}
        for row, cells in apps.items():
            if isinstance(cells, Mapping):  # a row not found has its cells derived, or None
                for ci, col in enumerate(template.PART_THREE_COLUMNS):
                    values[(row, ci)] = cells.get(col.key)
        out += [_result(3, eq, values) for eq in part_three._equations(edition)]
    p4 = tables.get("part_four") or {}
    if p4:
        flat: dict[Cell, Value] = {}
        for gi, g in enumerate(template.PART_FOUR_GROUPS):
            for ci, c in enumerate(template.OUTCOME_COLUMNS):
                flat[("part4", gi * len(template.OUTCOME_COLUMNS) + ci)] = (p4.get(g.key) or {}).get(c.key)
        out += [_result(4, eq, flat) for eq in part_four._equations()]
    return out
