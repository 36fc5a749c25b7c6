"""Part two (主动公开): the rows of the tables that stand before part three; no identities.

Its numbers are kept for the facts record (``part_two``); an ambiguous cell there does not lower the
status (no gold fact comes from part two).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from indexer.extract.tables import template
from indexer.extract.tables.cells import Cells
from indexer.extract.tables.identities import Value, merge_readings
from indexer.extract.tables.labels import RowMatch, best_chain, row_specs
from indexer.extract.tables.readings import RowSpan, collect_numbers, column_start, read_numbers
from indexer.extract.tables.template import Edition

_KNOWN = "|".join(template.PART_TWO_HEADER_WORDS)


@dataclass
class PartTwo:
    """Row key -> column key -> cell, for the rows found."""

    rows: dict[str, dict[str, Value]] = field(default_factory=dict)
    ambiguous: dict[str, list[Value]] = field(default_factory=dict)  # "part2.row.column" -> readings


def read_part_two(cells: Cells, edition: Edition | None, stop: int) -> PartTwo:
    """The part-two rows found before stream position ``stop`` (where part three starts)."""
    out = PartTwo()
    editions = [edition] if edition else list(template.EDITIONS)
    best: tuple[list[RowMatch], Edition] | None = None
    for ed in editions:
        chain = best_chain(cells, row_specs(ed.part_two_rows), None, 0, stop)
        if best is None or len(chain) > len(best[0]):
            best = (chain, ed)
    if best is None or len(best[0]) < 2:
        return out
    chain, ed = best
    rows = {r.key: r for r in ed.part_two_rows}
    stop_tok = cells.tok_at(stop)
    spans = []
    for i, m in enumerate(chain):
        ncols = len(rows[m.key].columns)
        row_end = min(chain[i + 1].first_tok if i + 1 < len(chain) else stop_tok, stop_tok)
        spans.append((m, row_end, ncols, collect_numbers(cells, m, m.first_tok, row_end, _KNOWN, ncols)))
    starts = [
        s for _, _, ncols, nums in spans if (s := column_start(cells, [nums, nums], ncols)) is not None
    ]
    abs_start = max(set(starts), key=starts.count) if starts else None
    for m, row_end, ncols, nums in spans:
        row = rows[m.key]
        r = read_numbers(RowSpan(cells, nums, m, m.first_tok, row_end, ncols, (), abs_start))
        cands = r.candidates or [r.fallback]
        merged, differ = merge_readings(cands)
        for ci, seen in differ.items():
            out.ambiguous[f"part2.{row.key}.{row.columns[ci].key}"] = seen
        out.rows[row.key] = {c.key: v for c, v in zip(row.columns, merged, strict=True)}
    return out
