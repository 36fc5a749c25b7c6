"""What the tables of one report say: :class:`TableReading`, and the typed problems met reading them.

The status (``verified`` / ``inconsistent`` / ``partial`` / ``no_tables``) follows from the kinds of
the problems (:func:`status_of`), never from their wording; the messages are for people.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from indexer.extract import prose
from indexer.extract.tables import template
from indexer.extract.tables.identities import Value
from indexer.extract.tables.template import Edition

_G = len(template.OUTCOME_COLUMNS)  # cells of one part-four group


class ProblemKind(enum.Enum):
    """What went wrong, as the status sees it."""

    MISSING_TABLE = "missing_table"  # part three or four (or both: no tables) not found
    EXCESS_NUMBERS = "excess_numbers"  # a row holds more numbers than the table has columns
    IDENTITY_FAILED = "identity_failed"  # an accounting identity does not hold
    UNDERIVABLE = "underivable"  # an identity would need a negative or fractional cell
    MISSING_ROWS = "missing_rows"  # rows of part three neither found nor derivable
    AMBIGUOUS = "ambiguous"  # a cell of part three or four read more than one way
    # non-zero numbers stand in a table's span that no cell was read from (a table printed column by
    # column read as zeros, numbers in an order the reader did not follow): the identities holding
    # on what was read prove nothing then
    UNREAD_NUMBERS = "unread_numbers"


@dataclass(frozen=True)
class Problem:
    """One problem met reading a report's tables: its kind, the part (3, 4; None for the whole
    report: no table at all) and a message for people."""

    kind: ProblemKind
    part: int | None
    message: str


def problems_of(kind: ProblemKind, part: int, messages: Iterable[str]) -> list[Problem]:
    """Typed problems from the messages of one kind (what :mod:`identities` returns)."""
    return [Problem(kind, part, m) for m in messages]


_INCONSISTENT = {ProblemKind.IDENTITY_FAILED, ProblemKind.UNDERIVABLE}
_PARTIAL = {
    ProblemKind.MISSING_TABLE,
    ProblemKind.MISSING_ROWS,
    ProblemKind.AMBIGUOUS,
    ProblemKind.UNREAD_NUMBERS,
}


def status_of(issues: Iterable[Problem], gold_unknown: bool) -> str:
    """``no_tables`` when neither table was found; ``inconsistent`` when an identity fails;
    ``partial`` when a table, a row or a cell is missing or ambiguous, numbers in a table's span were
    not read into any cell, or a gold fact stays unknown;
    else ``verified``."""
    issues = list(issues)
    if any(p.kind is ProblemKind.MISSING_TABLE and p.part is None for p in issues):
        return "no_tables"
    kinds = {p.kind for p in issues}
    if kinds & _INCONSISTENT:
        return "inconsistent"
    if kinds & _PARTIAL or gold_unknown:
        return "partial"
    return "verified"


@dataclass
class TableReading:
    """What the tables (or, without tables, the prose) of one report say."""

    edition: int | None = None
    source: str | None = None  # "tables" | "prose" | None
    status: str = "no_tables"
    issues: list[Problem] = field(default_factory=list)  # in the order they are reported
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
    # cell name (part3.row.column, part4.group.column) -> (start, end) of its digits in the report
    # text; cells derived from the identities or read from a blank cell have none
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def problems(self) -> list[str]:
        """The readable messages of :attr:`issues` (what the facts record stores)."""
        return [p.message for p in self.issues]

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
        edition = edition_by_year(self.edition)
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
            "spans": {k: list(v) for k, v in self.spans.items()},
            "gold_spans": {k: list(v) for k, v in self.gold_spans().items()},
        }

    def gold_spans(self) -> dict[str, tuple[int, int]]:
        """The spans of the gold facts read from a table cell (``applications.new``,
        ``reconsideration.total`` …), keyed as in :meth:`gold_facts`; for a report whose numbers
        come from its prose, where the prose states them (``litigation_total`` too)."""
        out: dict[str, tuple[int, int]] = {}
        if self.source == "prose" and self.prose is not None:
            # the figures the prose states where they stand (proactive_total is no gold fact)
            return {k: v for k, v in self.prose.spans.items() if k != "proactive_total"}
        if self.source != "tables":
            return out
        for key, name in template.GOLD_APPLICATION_ROWS:
            span = self.spans.get(f"part3.{key}.{template.TOTAL_COLUMN.key}")
            if span:
                out[f"applications.{name}"] = span
        for g in template.PART_FOUR_GROUPS:
            for c in template.OUTCOME_COLUMNS:
                span = self.spans.get(f"part4.{g.key}.{c.key}")
                if span:
                    out[f"{g.key}.{c.key}"] = span
        return out


def edition_by_year(year: int | None) -> Edition | None:
    """The template edition of a year (None for none)."""
    for ed in template.EDITIONS:
        if ed.year == year:
            return ed
    return None
