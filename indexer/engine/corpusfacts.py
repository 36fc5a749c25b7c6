"""Corpus facts: the facts of a report that depend on other reports, kept beside the generation.

A whoosh document holds what one file says. Whether this year's 上年结转 matches last year's
结转下年度继续办理 (``cross_year``), or how much of the text was copied from another report
(``reuse_*``), changes when a *neighbour* changes; rewriting whoosh documents for that means
re-analysing them. So these facts live in one small table per generation (``corpus_facts.json``,
keyed by report id), recomputed at the end of every build from a small record per report (and the
reuse index, ``reuse/``), and written atomically. The facet registry marks the facets read from it
(``Facet.corpus``); ``columns.py`` counts, filters and sorts them like stored ones, and
``search.py`` merges the row into every facts record it returns.

Facts of a row (:data:`KEYS`):

* ``cross_year``: ``consistent`` / ``inconsistent`` / ``unknown`` — this report's ``carried_over``
  against ``carried_forward`` of the same body's report of the year before (``unknown``: there is
  none in the index, or a number is missing); ``cross_year_prev`` that report's id,
  ``cross_year_next`` the id of the next year's report whose check concerns this one;
* ``reuse_max``, ``reuse_from``, ``reuse_kind``: :meth:`ReuseIndex.facts`;
* ``reuse_prev``: the share of this report's own text found in ``cross_year_prev``
  (:meth:`ReuseIndex.share`): how much a year repeats the year before.

Crash safety: an incremental build writes this table after whoosh's commit and before the file
list, while ``pending.txt`` names the files committed; a build that dies in between re-parses
those files next time, and their records (and reuse entries, replaced by id) are written again.
The reuse index's changes are one SQLite transaction, committed after whoosh's commit and before
this table (``reuse.store``): a build that dies before it leaves the index as the last build left it.
"""

from __future__ import annotations

import json
import os
import pickle
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:  # the reuse index pulls in datasketch and scipy (seconds): a server never needs it
    from indexer.engine.reuse import ReportInput, ReuseIndex

TABLE_FILE = "corpus_facts.json"
SPOOL_FILE = ".reuse_inputs.spool"
FORMAT = 1
KEYS = ("cross_year", "cross_year_prev", "cross_year_next", "reuse_max", "reuse_from", "reuse_kind",
        "reuse_prev")
REUSE_FACTS = ("reuse_max", "reuse_from", "reuse_kind")  # ReuseIndex.facts
CONSISTENT, INCONSISTENT, UNKNOWN = "consistent", "inconsistent", "unknown"
# The key a build worker puts its corpus part under in the document (popped before writing).
PART_KEY = "_corpus_part"
# The reuse index's note saying its changes are committed and this table not yet written from them
# (a build died in between): the next build computes every row's reuse facts again.
TABLE_BEHIND = "corpus_table_behind"


class Record(NamedTuple):
    """What the cross-year check needs of one report (a tuple: 100,000 are read per build)."""

    body_id: str | None
    year: int | None
    carried_over: int | None
    carried_forward: int | None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def record_of(facts: Mapping[str, Any]) -> Record:
    apps = facts.get("applications") or {}
    return Record(facts.get("body_id") or None, _int(facts.get("year")), _int(apps.get("carried_over")),
                  _int(apps.get("carried_forward")))


def reuse_input(rid: str, facts: Mapping[str, Any], search_text: str) -> ReportInput:
    """The reuse detector's view of a report: its text cut into masked pieces (the text itself is
    not kept: the index needs only the pieces), its body (``body_id``; a report with no known body is
    a body of its own), and its place names to mask."""
    from indexer.engine.reuse import ReportInput
    from indexer.engine.reuse.units import pack, pieces

    places = tuple(facts.get(k) for k in ("body", "town", "county", "city", "province"))
    return ReportInput(rid, facts.get("body_id") or f"?{rid}", _int(facts.get("year")), "", places,
                       pack(pieces(search_text, places)))


def worker_part(rid: str, facts: Mapping[str, Any], search_text: str) -> tuple[Record, ReportInput]:
    """What a build worker sends beside the document, so the build never parses the facts JSON: the
    worker cuts the reuse pieces too (``pieces`` is ~3 ms a report, spread over the workers, not
    done again by the build's one parent process)."""
    return record_of(facts), reuse_input(rid, facts, search_text)


def cross_year_check(carried_over: int | None, previous_carried_forward: int | None) -> str:
    """The one home of the cross-year rule: this year's 上年结转 equals last year's 结转下年度继续办理."""
    if carried_over is None or previous_carried_forward is None:
        return UNKNOWN
    return CONSISTENT if carried_over == previous_carried_forward else INCONSISTENT


def previous_years(records: Mapping[str, Record]) -> dict[str, str]:
    """Each report → the same body's report of the year before (the lowest id if several)."""
    by_body_year: dict[tuple[str, int], str] = {}
    for rid in sorted(records):
        r = records[rid]
        if r.body_id and r.year is not None:
            by_body_year.setdefault((r.body_id, r.year), rid)
    out: dict[str, str] = {}
    for rid, r in records.items():
        if r.body_id and r.year is not None:
            prev = by_body_year.get((r.body_id, r.year - 1))
            if prev is not None:
                out[rid] = prev
    return out


def compute(records: Mapping[str, Record], reuse: ReuseIndex | None,
            old: Mapping[str, dict] | None = None, dirty: set[str] | None = None) -> dict[str, dict]:
    """Every report's corpus facts. ``old`` and ``dirty`` (ids whose text changed, or whose reuse
    figures did): a report's reuse facts are kept from ``old`` unless it is dirty, ``reuse_prev``
    unless the pair changed (an incremental build reads only the changed reports of the reuse index);
    a row whose report, previous and next year did not change is kept whole (0.44 s for the
    100,000 rows of the bench index, 1.2 s profiled before)."""
    prev_of = previous_years(records)
    next_of: dict[str, str] = {}
    for rid in sorted(prev_of):
        next_of.setdefault(prev_of[rid], rid)
    out: dict[str, dict] = {}
    for rid, r in records.items():
        prev = prev_of.get(rid)
        before = (old or {}).get(rid)
        if (dirty is not None and before is not None and rid not in dirty
                and (prev is None or prev not in dirty) and before.get("cross_year_prev") == prev
                and before.get("cross_year_next") == next_of.get(rid)
                and (before.get("reuse_kind") is None) == (reuse is None)):
            out[rid] = before  # nothing it depends on changed (most rows of an incremental build)
            continue
        p = records[prev] if prev else None
        row: dict[str, Any] = {
            "cross_year": cross_year_check(r.carried_over, p.carried_forward if p else None),
            "cross_year_prev": prev, "cross_year_next": next_of.get(rid),
        }
        if reuse is not None and rid in reuse:
            if (before is not None and dirty is not None and rid not in dirty
                    and before.get("reuse_kind") is not None):  # its neighbours did not change
                row.update({k: before.get(k) for k in REUSE_FACTS})
            else:
                row.update(reuse.facts(rid))
            if prev is None or prev not in reuse:
                row["reuse_prev"] = None
            elif (before is not None and dirty is not None and before.get("cross_year_prev") == prev
                  and rid not in dirty and prev not in dirty):
                row["reuse_prev"] = before.get("reuse_prev")
            else:
                row["reuse_prev"] = reuse.share(rid, prev)
        else:
            row.update(reuse_max=None, reuse_from=None, reuse_kind=None, reuse_prev=None)
        out[rid] = row
    return out


@dataclass
class CorpusTable:
    """A generation's records and corpus facts (``corpus_facts.json``)."""

    records: dict[str, Record] = field(default_factory=dict)
    facts: dict[str, dict] = field(default_factory=dict)

    def get(self, rid: str) -> dict:
        """The corpus facts of a report ({} when the table does not know it)."""
        return self.facts.get(rid) or {}

    def merged(self, rid: str, facts: dict) -> dict:
        """``facts`` with the report's corpus facts added (what every reader shows)."""
        row = self.facts.get(rid)
        return {**facts, **row} if row else facts

    @classmethod
    def read(cls, gen: Path) -> CorpusTable:
        """The table of ``gen`` (empty when missing or of another format)."""
        try:
            data = json.loads((gen / TABLE_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("keys") != list(KEYS):
            return cls()
        return cls({rid: Record(*r) for rid, r in data["records"].items()},
                   {rid: dict(zip(KEYS, row, strict=True)) for rid, row in data["facts"].items()})

    def write(self, gen: Path) -> None:
        """Write atomically (a server reads the old table or the new one)."""
        data = {"format": FORMAT, "keys": list(KEYS),
                "records": {rid: list(r) for rid, r in self.records.items()},
                "facts": {rid: [row.get(k) for k in KEYS] for rid, row in self.facts.items()}}
        path = gen / TABLE_FILE
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        # json.dumps, not json.dump: dump streams through the pure-Python encoder (3.5 s for the
        # table of 100,000 reports, against 0.3 s in C)
        encoded = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(encoded)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)


def table_stamp(gen: Path) -> tuple[int, int] | None:
    """(mtime_ns, size) of the table file: a server reloads when it changes."""
    try:
        st = (gen / TABLE_FILE).stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


class Spool:
    """A full build's reuse inputs, pickled to a file as the reports arrive (their texts would be
    ~100 MB in memory at 10,000 reports) and read back once for :meth:`ReuseIndex.build`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._f = open(path, "wb")  # noqa: SIM115 (closed in finish/close)
        self.count = 0

    @classmethod
    def written(cls, path: Path, count: int) -> Spool:
        """A spool a run before wrote in full (``count`` items), to read again."""
        spool = cls.__new__(cls)
        spool.path, spool.count = path, count
        spool._f = open(os.devnull, "wb")  # noqa: SIM115 (items() closes it)
        return spool

    def finish(self) -> None:
        """Every item is written: flush the file (it is read by :meth:`items`)."""
        self._f.close()

    def add(self, item: ReportInput) -> None:
        pickle.dump(item, self._f, protocol=pickle.HIGHEST_PROTOCOL)
        self.count += 1

    def __iter__(self) -> Iterator[ReportInput]:
        """Read the spool from its start (again for each pass of :meth:`ReuseIndex.build`)."""
        return self.items()

    def items(self) -> Iterator[ReportInput]:
        self._f.close()
        with open(self.path, "rb") as f:
            for _ in range(self.count):
                yield pickle.load(f)

    def close(self) -> None:
        self._f.close()
        self.path.unlink(missing_ok=True)


@dataclass
class Changes:
    """What a build changed, as the corpus step needs it: each written report's record (and reuse
    input, or a spool of them in a full build), and the ids that left the index."""

    records: dict[str, Record] = field(default_factory=dict)
    inputs: dict[str, ReportInput] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)
    spool: Spool | None = None

    def put(self, rid: str, part: tuple[Record, ReportInput]) -> None:
        record, item = part
        self.records[rid] = record
        self.removed.discard(rid)
        if self.spool is not None:
            self.spool.add(item)
        else:
            self.inputs[rid] = item

    def remove(self, rid: str) -> None:
        self.records.pop(rid, None)
        self.inputs.pop(rid, None)
        self.removed.add(rid)

    def __bool__(self) -> bool:
        return bool(self.records or self.removed)

    def close(self) -> None:
        """Drop the spool (a build that failed)."""
        if self.spool is not None:
            self.spool.close()


class ReuseTimes(NamedTuple):
    """Seconds the reuse index took in a build's corpus step: all of it, and of that the update
    itself (a full build: the whole computation; an incremental one: add/update/remove)."""

    total: float
    update: float


def full(gen: Path, changes: Changes) -> ReuseTimes:
    """A full build's corpus step: the reuse index over every report, then the table."""
    from indexer.engine.reuse import ReuseIndex

    t0 = time.perf_counter()
    assert changes.spool is not None
    try:
        reuse = ReuseIndex.build(changes.spool)  # read three times
    finally:
        changes.spool.close()
    built = time.perf_counter() - t0
    reuse.save(gen)
    seconds = time.perf_counter() - t0
    CorpusTable(changes.records, compute(changes.records, reuse)).write(gen)
    return ReuseTimes(seconds, built)


# The boilerplate and each sentence's rarity are learned on the corpus of a full build; an incremental
# build that has grown or shrunk the corpus by more than this share since then learns them again
# (a full reuse computation: 40 s at 10,000 reports), so that its figures stay the full build's.
RELEARN_CHANGE = 0.25


def learned_long_ago(learned_on: int, reports_now: int) -> bool:
    """Whether the corpus changed size by more than :data:`RELEARN_CHANGE` since the reuse index
    learned its boilerplate on ``learned_on`` reports."""
    return abs(reports_now - learned_on) > RELEARN_CHANGE * max(learned_on, 1)


def incremental(gen: Path, changes: Changes, stored: Iterable[tuple[str, dict, str]]) -> ReuseTimes:
    """An incremental build's corpus step: the reuse index updated (a removed report's neighbours
    recomputed), the records replaced, every row recomputed. ``stored`` yields (id, facts, search
    text) of every indexed report: read only when the table or the reuse index is missing (an index
    whose corpus step never finished). The reuse index is opened, not read whole (``reuse.store``):
    an add reads its candidates' rows, ``compute`` only the dirty reports' facts and shares, and
    ``save`` commits the rows that changed in one transaction."""
    from indexer.engine.reuse import INDEX_FILE, ReuseIndex

    table = CorpusTable.read(gen)
    t0 = time.perf_counter()  # the reuse index's load, update and save
    reuse: ReuseIndex | None = None
    if (gen / INDEX_FILE).exists() and table.records:
        try:
            reuse = ReuseIndex.load(gen)
        except (OSError, ValueError, EOFError, pickle.UnpicklingError):
            reuse = None
    after = (set(table.records) - changes.removed) | set(changes.records)
    if reuse is not None and learned_long_ago(reuse.boilerplate.n_reports, len(after)):
        reuse.close()
        reuse = None  # what is boilerplate and how rare a sentence is: learned again on today's corpus
    behind = reuse is not None and bool(reuse.notes.get(TABLE_BEHIND))
    dirty: set[str] = set()
    t1 = time.perf_counter()
    if reuse is None:  # rebuild both from what the index stores
        records, inputs = {}, []
        for rid, facts, text in stored:
            records[rid] = record_of(facts)
            inputs.append(reuse_input(rid, facts, text))
        reuse = ReuseIndex.build(inputs)
        table = CorpusTable(records, {})
        old = None
    else:
        old = None if behind else table.facts
        records = dict(table.records)
        for rid in changes.removed:
            records.pop(rid, None)
            dirty |= reuse.remove(rid)
        for item in changes.inputs.values():
            dirty |= reuse.add(item)  # add replaces a report of the same id
        records.update(changes.records)
        dirty |= changes.removed | set(changes.records)
    updated = time.perf_counter() - t1
    reuse.notes[TABLE_BEHIND] = True  # until the table below is written
    reuse.save(gen)
    seconds = time.perf_counter() - t0
    try:
        CorpusTable(records, compute(records, reuse, old, dirty)).write(gen)
    finally:
        reuse.close()
    ReuseIndex.save_notes(gen, {TABLE_BEHIND: False})
    return ReuseTimes(seconds, updated)
