"""The accounting identities: checking them, choosing readings by them, deriving cells from them.

Generic over tables: a table is a mapping ``row key -> vector of cells`` (``None`` = unknown or not
given).  Two kinds of identity:

* *group* identities inside one vector (a row of part three: 总计 = the six applicant columns; the
  part-four row: in each of its three groups 总计 = 维持+纠正+其他+尚未审结), used to filter the
  readings of a single row;
* *column* identities across rows (part three: 一+二 = 三（七）+四, （七）= the outcome rows), used
  to choose jointly among the readings several rows allow (:func:`solve_joint`).

Every identity becomes :class:`Equation` s over cells (``sum(coef * cell) == 0``) for
:func:`derive` (fill unknown cells the equations determine, numbers being non-negative integers)
and :func:`check` (name every equation that fails).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

Value = int | float | None
Vec = tuple[Value, ...]
# (indices of the parts, index of the total) inside one vector
Group = tuple[tuple[int, ...], int]
Cell = tuple[str, int]  # (row key, column index)


def vec_ok(vec: Vec, groups: Sequence[Group]) -> bool:
    """True when every group identity holds (groups whose parts are all ``None`` — not given — and
    groups with an unknown total are not checked)."""
    for parts, tot in groups:
        vals = [vec[i] for i in parts]
        if vec[tot] is None or any(v is None for v in vals):
            continue
        if sum(vals) != vec[tot]:  # type: ignore[arg-type]
            return False
    return True


@dataclass(frozen=True)
class Equation:
    """``sum(coef * cell for cell, coef in terms) == 0``, printed as ``lhs (x) ≠ rhs (y)``."""

    scope: str  # "part 3 总计 column", "part 3 row 一、本年新收…", "part 4 行政复议"
    lhs_name: str
    rhs_name: str
    terms: tuple[tuple[Cell, int], ...]

    @property
    def name(self) -> str:
        return f"{self.scope}: {self.lhs_name} = {self.rhs_name}"


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)


def check(values: Mapping[Cell, Value], equations: Iterable[Equation]) -> list[str]:
    """A message for every equation whose cells are all known and that does not hold."""
    out = []
    for eq in equations:
        vals = [(values.get(c), k) for c, k in eq.terms]
        if any(v is None for v, _ in vals):
            continue
        lhs = sum(v for v, k in vals if k > 0)  # type: ignore[misc]
        rhs = sum(v for v, k in vals if k < 0)  # type: ignore[misc]
        if lhs != rhs:
            out.append(f"{eq.scope}: {eq.lhs_name} ({_fmt(lhs)}) ≠ {eq.rhs_name} ({_fmt(rhs)})")
    return out


def derive(
    values: Mapping[Cell, Value], unknown: set[Cell], equations: Sequence[Equation]
) -> tuple[dict[Cell, int], list[str]]:
    """Cells of ``unknown`` that the equations determine, the numbers being non-negative integers:
    an equation with one unknown cell fixes it; one whose unknown cells share a sign and must sum to
    0 makes them all 0.  Returns the derived cells and the conflicts met (an unknown that would have
    to be negative)."""
    known: dict[Cell, Value] = {c: v for c, v in values.items() if c not in unknown}
    open_cells = set(unknown)
    derived: dict[Cell, int] = {}
    conflicts: list[str] = []
    changed = True
    while changed and open_cells:
        changed = False
        for eq in equations:
            unk = [(c, k) for c, k in eq.terms if c in open_cells]
            if not unk:
                continue
            rest = [(known.get(c), k) for c, k in eq.terms if c not in open_cells]
            known_rest = [(v, k) for v, k in rest if v is not None]
            if len(known_rest) < len(rest):
                continue
            need = -sum(v * k for v, k in known_rest)
            signs = {k for _, k in unk}
            if len(unk) == 1:
                c, k = unk[0]
                v = need / k
                if v < 0 or not float(v).is_integer():
                    conflicts.append(f"{eq.scope}: {eq.lhs_name} = {eq.rhs_name} would need {c} = {_fmt(v)}")
                    open_cells.discard(c)
                    continue
                known[c] = derived[c] = int(v)
                open_cells.discard(c)
                changed = True
            elif len(signs) == 1:
                total = need / next(iter(signs))
                if total == 0:
                    for c, _ in unk:
                        known[c] = derived[c] = 0
                        open_cells.discard(c)
                    changed = True
                elif total < 0:
                    conflicts.append(f"{eq.scope}: {eq.lhs_name} = {eq.rhs_name} would need negative cells")
                    for c, _ in unk:
                        open_cells.discard(c)
    return derived, conflicts


# ---------------------------------------------------------------------------------------------
# Joint choice among row readings
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnIdentity:
    """``sum(coef * row[col]) == 0`` for every column ``col``; ``terms`` name rows."""

    terms: tuple[tuple[str, int], ...]


def solve_joint(
    cands: Mapping[str, Sequence[Vec]],
    identities: Sequence[ColumnIdentity],
    ncols: int,
    cap: int = 200_000,
) -> dict[str, list[Vec]] | None:
    """The readings of each row that belong to at least one choice (one reading per row)
    satisfying every column identity.  Identities naming a row absent from ``cands`` are skipped,
    and so is a column of an identity where some reading has an unknown cell.  Returns ``None``
    when no choice satisfies them all; when the search grows past ``cap`` states, returns the
    candidates unchanged."""
    active: list[tuple[int, int]] = []  # (identity index, column)
    for ii, ident in enumerate(identities):
        if any(r not in cands or not cands[r] for r, _ in ident.terms):
            continue
        for col in range(ncols):
            if all(v[col] is not None for r, _ in ident.terms for v in cands[r]):
                active.append((ii, col))
    out = {r: list(dict.fromkeys(v)) for r, v in cands.items()}
    if not active:
        return out
    rows = [r for r in out if any(r == t for ii, _ in active for t, _ in identities[ii].terms)]
    coef: dict[str, list[tuple[int, int, int]]] = {r: [] for r in rows}  # (slot, col, k)
    for slot, (ii, col) in enumerate(active):
        for r, k in identities[ii].terms:
            coef[r].append((slot, col, k))
    nslots = len(active)

    def contrib(r: str, v: Vec) -> tuple[float, ...]:
        acc = [0.0] * nslots
        for slot, col, k in coef[r]:
            acc[slot] += k * v[col]  # type: ignore[operator]
        return tuple(acc)

    contribs = {r: [contrib(r, v) for v in out[r]] for r in rows}
    zero = (0.0,) * nslots

    def add(a: tuple[float, ...], b: tuple[float, ...]) -> tuple[float, ...]:
        return tuple(x + y for x, y in zip(a, b, strict=True))

    fwd: list[set[tuple[float, ...]]] = [{zero}]
    for r in rows:
        nxt = {add(s, c) for s in fwd[-1] for c in set(contribs[r])}
        if len(nxt) > cap:
            return out
        fwd.append(nxt)
    if zero not in fwd[-1]:
        return None
    suffix: list[set[tuple[float, ...]]] = [set() for _ in rows] + [{zero}]
    for i in range(len(rows) - 1, -1, -1):
        suffix[i] = {add(c, s) for c in set(contribs[rows[i]]) for s in suffix[i + 1]}
        if len(suffix[i]) > cap:
            return out
    for i, r in enumerate(rows):
        keep = []
        for v, c in zip(out[r], contribs[r], strict=True):
            if any(tuple(-x for x in add(s, c)) in suffix[i + 1] for s in fwd[i]):
                keep.append(v)
        out[r] = keep
    return out


def merge_readings(readings: Sequence[Vec]) -> tuple[list[Value], dict[int, list[Value]]]:
    """One vector from several readings: cells they agree on, ``None`` where they differ (with the
    values seen, by column)."""
    if not readings:
        return [], {}
    ncols = len(readings[0])
    merged: list[Value] = []
    differ: dict[int, list[Value]] = {}
    for col in range(ncols):
        seen = list(dict.fromkeys(v[col] for v in readings))
        if len(seen) == 1:
            merged.append(seen[0])
        else:
            merged.append(None)
            differ[col] = seen
    return merged, differ
