"""Locating and reading the tables of an annual report, driven by :mod:`indexer.extract.tables.template`.

Pure functions: the whole report text (``indexer.extract.normalise.nfkc(original).text``) in, a
:class:`~indexer.extract.tables.result.TableReading` out.  How a table is read:

1. *Cells* (:mod:`.cells`): markup stripped, lines split into tab cells, cells into tokens; the
   Chinese characters of the text tokens make the label stream.
2. *Labels* (:mod:`.labels`): the template's row labels found in the label stream, as chains.
3. *Numbers* (:mod:`.readings`): the readings a row's numbers allow; the identities choose.
4. *Parts* (:mod:`.part_two`, :mod:`.part_three`, :mod:`.part_four`): each part reader returns
   what its table says and the problems it met; :func:`read_tables` puts them together and the
   status follows from the kinds of the problems (:func:`.result.status_of`).
5. *Trust*: a table printed column by column is read column-major when exactly one order satisfies
   every identity (:mod:`.column_order`); non-zero numbers in a table's span that no cell was read
   from (``UNREAD_NUMBERS``) keep a report from ``verified``, so that a table read as zeros beside
   its real numbers is ``partial``; every cell read records its span in the text (:mod:`.spans`).

Reports before 2019 have no tables: their numbers come from :mod:`indexer.extract.prose`.
"""

from __future__ import annotations

import re

from indexer.extract import prose
from indexer.extract.normalise import Normalised, nfkc
from indexer.extract.tables import template
from indexer.extract.tables.cells import Cells, tokenize
from indexer.extract.tables.labels import MIN_ROWS_FOUND
from indexer.extract.tables.part_four import (
    PartFour,
    headerless_part_four,
    part_four_anchors,
    part_four_header,
    read_part_four,
)
from indexer.extract.tables.part_three import PartThree, find_part_three, read_part_three, unread_problem
from indexer.extract.tables.part_two import read_part_two
from indexer.extract.tables.result import Problem, ProblemKind, TableReading, edition_by_year, status_of
from indexer.extract.tables.spans import token_spans
from indexer.extract.tables.template import Edition

_MISSING, _AMBIGUOUS = ProblemKind.MISSING_TABLE, ProblemKind.AMBIGUOUS
_TITLE_YEAR = re.compile(r"(20\d\d)\s*年\s*度?[^\n。]{0,30}?(?:年度报告|年报)")


def _detect_edition(cells: Cells, text: str) -> Edition | None:
    """The template edition: by the markers only one edition prints, else by the document that
    defines it, else by the report's year (the newest edition not after it)."""
    scores = {ed.year: sum(1 for mk in ed.markers if re.search(mk, cells.stream)) for ed in template.EDITIONS}
    best = max(scores.values())
    if best > 0 and list(scores.values()).count(best) == 1:
        return edition_by_year(max(scores, key=lambda y: scores[y]))
    for year, pat in template.EDITION_DOCUMENT_PATTERNS:
        if re.search(pat, text):
            return edition_by_year(year)
    m = _TITLE_YEAR.search(text[:3000])
    if m:
        y = int(m.group(1))
        eligible = [ed for ed in template.EDITIONS if ed.year <= y]
        if eligible:
            return max(eligible, key=lambda ed: ed.year)
    return None


def _find_part_four(cells: Cells, after: int, p3: PartThree | None) -> PartFour | None:
    """The part-four row: after one of its header's anchors, else (part three read) by its shape."""
    for pos in part_four_anchors(cells, after):
        p4 = read_part_four(cells, cells.tok_at(pos), part_four_header(cells, pos))
        if p4 is not None:
            return p4
    if p3 is not None:
        row_tok = headerless_part_four(cells, p3.end_tok)
        if row_tok is not None:
            return read_part_four(cells, row_tok, None)
    return None


def read_tables(text: str, search: str | None = None, original: str | None = None) -> TableReading:
    """Read the tables of a report (the whole text, NFKC-folded).  ``search`` is accepted for
    callers that have the search text already; the prose is read from ``text`` itself, whose line
    breaks its statistics lines need (the search text joins lines between Chinese characters).
    ``original``: the text before folding; the cells' spans are given in it (else in ``text``)."""
    cells = tokenize(text)
    facts = prose.read_prose(text)
    edition = _detect_edition(cells, text)

    chain, edition_used = find_part_three(cells, edition)
    p3_found = len(chain) >= MIN_ROWS_FOUND
    if p3_found and edition is None:
        edition = edition_used

    # part four: its header, searched after the applications table starts
    after = chain[0].start if p3_found else 0
    anchors = part_four_anchors(cells, after)
    p4_tok = cells.tok_at(anchors[0]) if anchors else len(cells.tokens)
    p3: PartThree | None = None
    if p3_found:
        assert edition is not None
        chain = [m for m in chain if m.first_tok < p4_tok]
        p3 = read_part_three(cells, edition, chain, p4_tok)
    p4 = _find_part_four(cells, after, p3)
    p2 = read_part_two(cells, edition, chain[0].start if p3_found else len(cells.stream))

    reading = TableReading(
        edition=edition.year if edition else None,
        proactive_total=facts.proactive_total,
        prose=facts,
        part_two=p2.rows,
        ambiguous={**(p3.ambiguous if p3 else {}), **(p4.ambiguous if p4 else {}), **p2.ambiguous},
    )
    issues: list[Problem] = []
    if p3 is None and p4 is None:
        reading.source = "prose" if facts.any() else None
        issues.append(Problem(_MISSING, None, "no tables found (numbers from the prose)"))
    else:
        reading.source = "tables"
        if p4 is None:
            issues.append(Problem(_MISSING, 4, "part 4 reconsideration/litigation table not found"))
        if p3 is None:
            issues.append(Problem(_MISSING, 3, "part 3 applications table not found"))
    if p3 is not None:
        reading.applications = p3.applications
        reading.rows_found = p3.rows_found
        reading.derived = p3.derived
        issues.extend(p3.issues)
        unread = unread_problem(cells, p3, set(p4.used) if p4 else set())
        if unread:
            issues.append(unread)
    if p4 is not None:
        reading.part_four = p4.cells
        issues.extend(p4.issues)
    for part, amb in ((3, p3.ambiguous if p3 else {}), (4, p4.ambiguous if p4 else {})):
        issues.extend(Problem(_AMBIGUOUS, part, f"ambiguous {k}: readings {seen}") for k, seen in amb.items())
    reading.issues = issues
    reading.status = status_of(issues, _gold_unknown(reading))
    # spans in the original text when folding moved offsets (one fold, for the cells and the prose)
    fold = nfkc(original) if original is not None and len(original) != len(text) else None
    reading.spans = _spans(cells, text, fold, p3, p4)
    if fold is not None:
        facts.spans = {k: fold.span_to_original(*v) for k, v in facts.spans.items()}
    return reading


def _spans(
    cells: Cells, text: str, fold: Normalised | None, p3: PartThree | None, p4: PartFour | None
) -> dict[str, tuple[int, int]]:
    """Cell name (``part3.row.column``, ``part4.group.column``) -> its span in the report text (in
    the original text through ``fold``, the NFKC fold of it, when given)."""
    where: dict[str, tuple[int, int, int]] = {}
    if p3 is not None:
        for (rk, ci), loc in p3.cell_tokens.items():
            where[f"part3.{rk}.{template.PART_THREE_COLUMNS[ci].key}"] = loc
    if p4 is not None:
        g = len(template.OUTCOME_COLUMNS)
        for ci, loc in p4.cell_tokens.items():
            group, col = template.PART_FOUR_GROUPS[ci // g], template.OUTCOME_COLUMNS[ci % g]
            where[f"part4.{group.key}.{col.key}"] = loc
    found = token_spans(cells, text, {t for t, _, _ in where.values()})
    out: dict[str, tuple[int, int]] = {}
    for name, (tok, a, b) in where.items():
        if tok not in found:
            continue
        start = found[tok][0]
        span = (start + a, start + b)
        out[name] = fold.span_to_original(*span) if fold is not None else span
    return out


def _gold_unknown(reading: TableReading) -> bool:
    g = reading.gold_facts()
    vals = [*g["applications"].values()]
    for k in ("reconsideration", "litigation_direct", "litigation_after_reconsideration"):
        vals.extend(g[k].values())
    return any(v is None for v in vals)
