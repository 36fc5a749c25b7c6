"""Corpus facts: the facts of a report that depend on other reports, kept beside the generation.

A whoosh document holds what one file says. Whether this year's 上年结转 matches last year's
结转下年度继续办理 (``cross_year``), or how much of the text was copied from another report
(``reuse_*``), changes when a *neighbour* changes; rewriting whoosh documents for that means
re-analysing them. So these facts live in one small table per generation (``corpus_facts.sqlite``,
a row per report id, :class:`TableFile`), computed at the end of every build from a small record
per report (and the reuse index, ``reuse/``): a full build writes it whole and renames it into
place, an incremental one rewrites the rows that changed in one transaction (:func:`changed_rows`).
The facet registry marks the facets read from it (``Facet.corpus``); ``columns.py`` counts, filters
and sorts them like stored ones, and ``search.py`` merges the row into every facts record it returns.

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
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:  # the reuse index pulls in datasketch and scipy (seconds): a server never needs it
    from indexer.engine.reuse import ReportInput, ReuseIndex

TABLE_FILE = "corpus_facts.sqlite"  # see TableFile
OLD_TABLE_FILE = "corpus_facts.json"  # format 1: every row as one JSON document, read until replaced
SPOOL_FILE = ".reuse_inputs.spool"
FORMAT = 2
KEYS = ("cross_year", "cross_year_prev", "cross_year_next", "reuse_max", "reuse_from", "reuse_kind",
        "reuse_prev")
REUSE_FACTS = ("reuse_max", "reuse_from", "reuse_kind")  # ReuseIndex.facts
CONSISTENT, INCONSISTENT, UNKNOWN = "consistent", "inconsistent", "unknown"
# The key a build worker puts its corpus part under in the document (popped before writing).
PART_KEY = "_corpus_part"
# The reuse index's note saying its changes are committed and this table not yet written from them
# (a build died in between): the next build computes every row's reuse facts again.
TABLE_BEHIND = "corpus_table_behind"
# The reuse index's note saying which rule (``reuse.RULE``) decided the table's reuse facts: a build
# by a newer rule decides every row's again from the saved neighbours (``_redecide``; no rebuild).
RULE_NOTE = "reuse_rule"


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
        out[rid] = {
            "cross_year": cross_year_check(r.carried_over, p.carried_forward if p else None),
            "cross_year_prev": prev, "cross_year_next": next_of.get(rid),
            **_reuse_part(rid, prev, reuse, before, dirty),
        }
    return out


def _reuse_part(rid: str, prev: str | None, reuse: ReuseIndex | None, before: Mapping[str, Any] | None,
                dirty: set[str] | None) -> dict[str, Any]:
    """A row's reuse facts and ``reuse_prev`` (the share of its text found in ``prev``), kept from
    ``before`` where neither it nor the pair is dirty."""
    if reuse is None or rid not in reuse:
        return {"reuse_max": None, "reuse_from": None, "reuse_kind": None, "reuse_prev": None}
    kept = before if dirty is not None and rid not in dirty else None  # its figures did not change
    if kept is not None and kept.get("reuse_kind") is not None:
        row = {k: kept.get(k) for k in REUSE_FACTS}
    else:
        row = dict(reuse.facts(rid))
    if prev is None or prev not in reuse:
        row["reuse_prev"] = None
    elif kept is not None and kept.get("cross_year_prev") == prev and prev not in (dirty or ()):
        row["reuse_prev"] = kept.get("reuse_prev")
    else:
        row["reuse_prev"] = reuse.share(rid, prev)
    return row


@dataclass
class CorpusTable:
    """A generation's records and corpus facts, as a server and a full build see them: every row
    in memory. The file is ``corpus_facts.sqlite`` (:class:`TableFile`); an incremental build
    changes its rows in place (:meth:`TableFile.replace`, :func:`changed_rows`) instead of reading
    and writing all of them."""

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
        """The table of ``gen`` (empty when missing or of another format); an older generation's
        ``corpus_facts.json`` is read until a build replaces it."""
        table = TableFile.open(gen)
        if table is not None:
            try:
                return cls(*table.rows())
            finally:
                table.close()
        return _read_json(gen)

    def write(self, gen: Path) -> None:
        """Write every row, atomically (a server reads the old table or the new one)."""
        TableFile.write_all(gen, self.records, self.facts)
        (gen / OLD_TABLE_FILE).unlink(missing_ok=True)


def _read_json(gen: Path) -> CorpusTable:
    try:
        data = json.loads((gen / OLD_TABLE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return CorpusTable()
    if not isinstance(data, dict) or data.get("format") != 1 or data.get("keys") != list(KEYS):
        return CorpusTable()
    return CorpusTable({rid: Record(*r) for rid, r in data["records"].items()},
                       {rid: dict(zip(KEYS, row, strict=True)) for rid, row in data["facts"].items()})


_COLUMNS = (*Record._fields, *KEYS)
_SCHEMA = f"""
CREATE TABLE meta(name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE rows(id TEXT PRIMARY KEY, {", ".join(f'"{c}"' for c in _COLUMNS)});
CREATE INDEX rows_body ON rows(body_id);
"""
_PLACEHOLDERS = ", ".join("?" * (1 + len(_COLUMNS)))


def _row(rid: str, record: Record, facts: Mapping[str, Any]) -> tuple:
    return (rid, *record, *(facts.get(k) for k in KEYS))


def _unrow(row: tuple) -> tuple[str, Record, dict]:
    n = len(Record._fields)
    return row[0], Record(*row[1:1 + n]), dict(zip(KEYS, row[1 + n:], strict=True))


class TableFile:
    """The corpus-facts table as an SQLite file: one row per report (its record and facts), with an
    index by body, since a report's cross-year facts depend on its own body's reports only."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    @classmethod
    def open(cls, gen: Path) -> TableFile | None:
        """The generation's table, or None when it is missing or of another format."""
        path = gen / TABLE_FILE
        if not path.exists():
            return None
        conn = sqlite3.connect(path, timeout=30)
        try:
            got = dict(conn.execute("SELECT name, value FROM meta").fetchall())
        except sqlite3.DatabaseError:
            conn.close()
            return None
        if got.get("format") != str(FORMAT) or got.get("columns") != json.dumps(_COLUMNS):
            conn.close()
            return None
        return cls(conn)

    @staticmethod
    def write_all(gen: Path, records: Mapping[str, Record], facts: Mapping[str, Mapping[str, Any]]) -> None:
        """A new file with every row, put in place by a rename (readers see the old file or this)."""
        path = gen / TABLE_FILE
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.unlink(missing_ok=True)
        conn = sqlite3.connect(tmp)
        try:
            conn.executescript(_SCHEMA)
            conn.executemany("INSERT INTO meta VALUES (?, ?)",
                             [("format", str(FORMAT)), ("columns", json.dumps(_COLUMNS))])
            conn.executemany(f"INSERT INTO rows VALUES ({_PLACEHOLDERS})",
                             (_row(rid, r, facts.get(rid) or {}) for rid, r in records.items()))
            conn.commit()
        finally:
            conn.close()
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)

    def rows(self) -> tuple[dict[str, Record], dict[str, dict]]:
        records: dict[str, Record] = {}
        facts: dict[str, dict] = {}
        for row in self._conn.execute("SELECT * FROM rows"):
            rid, records[rid], facts[rid] = _unrow(row)
        return records, facts

    def select(self, ids: Iterable[str] = (), bodies: Iterable[str] = ()) -> dict[str, tuple[Record, dict]]:
        """The rows of these ids and of every report of these bodies."""
        out: dict[str, tuple[Record, dict]] = {}
        for column, values in (("id", list(ids)), ("body_id", list(bodies))):
            for i in range(0, len(values), 500):
                chunk = values[i:i + 500]
                sql = f"SELECT * FROM rows WHERE {column} IN ({', '.join('?' * len(chunk))})"
                for row in self._conn.execute(sql, chunk):
                    rid, record, facts = _unrow(row)
                    out[rid] = (record, facts)
        return out

    def replace(self, rows: Mapping[str, tuple[Record, dict]], removed: Iterable[str]) -> None:
        with self._conn:
            self._conn.executemany("DELETE FROM rows WHERE id = ?", [(rid,) for rid in removed])
            self._conn.executemany(f"INSERT OR REPLACE INTO rows VALUES ({_PLACEHOLDERS})",
                                   [_row(rid, r, f) for rid, (r, f) in rows.items()])

    def close(self) -> None:
        self._conn.close()


def table_stamp(gen: Path) -> tuple[int, int, bytes] | None:
    """(mtime_ns, size, SQLite's file change counter) of the table file: a server reloads when it
    changes (the counter, bytes 24-27 of the header, grows with every commit that changes the file,
    whatever the clock's resolution)."""
    try:
        with open(gen / TABLE_FILE, "rb") as f:
            st = os.fstat(f.fileno())
            f.seek(24)
            counter = f.read(4)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size, counter


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
    from indexer.engine.reuse import RULE, ReuseIndex

    t0 = time.perf_counter()
    assert changes.spool is not None
    try:
        reuse = ReuseIndex.build(changes.spool)  # read three times
    finally:
        changes.spool.close()
    built = time.perf_counter() - t0
    reuse.notes[RULE_NOTE] = RULE
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
    recomputed), then the rows that changed. ``stored`` yields (id, facts, search text) of every
    indexed report: read only when the table or the reuse index is missing (an index whose corpus
    step never finished). Neither file is read whole: the reuse index is opened (``reuse.store``),
    an add reads its candidates' rows; the table gives the rows of the bodies whose reports changed
    (a cross-year fact depends on its body's reports only) and of the reports whose reuse figures
    changed, and only those are written, in one transaction."""
    from indexer.engine.reuse import INDEX_FILE, RULE, ReuseIndex

    table = TableFile.open(gen)
    legacy = _read_json(gen) if table is None else None  # an older generation's JSON table
    t0 = time.perf_counter()  # the reuse index's load, update and save
    reuse: ReuseIndex | None = None
    if (gen / INDEX_FILE).exists() and (table is not None or (legacy is not None and legacy.records)):
        try:
            reuse = ReuseIndex.load(gen)
        except (OSError, ValueError, EOFError, pickle.UnpicklingError):
            reuse = None
    if reuse is not None:
        after = len(reuse) - len(changes.removed) + sum(rid not in reuse for rid in changes.records)
        if learned_long_ago(reuse.boilerplate.n_reports, after):
            reuse.close()
            reuse = None  # what is boilerplate and how rare a sentence is: learned again on today's corpus
    behind = reuse is not None and bool(reuse.notes.get(TABLE_BEHIND))
    redecide = reuse is not None and reuse.notes.get(RULE_NOTE) != RULE
    dirty: set[str] = set()
    records: dict[str, Record] | None = None  # every row's record, when every row is computed
    t1 = time.perf_counter()
    if reuse is None:  # rebuild both from what the index stores
        records, inputs = {}, []
        for rid, facts, text in stored:
            records[rid] = record_of(facts)
            inputs.append(reuse_input(rid, facts, text))
        reuse = ReuseIndex.build(inputs)
    else:
        for rid in changes.removed:
            dirty |= reuse.remove(rid)
        for item in changes.inputs.values():
            dirty |= reuse.add(item)  # add replaces a report of the same id
        dirty |= changes.removed | set(changes.records)
    updated = time.perf_counter() - t1
    reuse.notes[TABLE_BEHIND] = True  # until the table below is written
    reuse.save(gen)
    seconds = time.perf_counter() - t0
    try:
        if records is not None:  # every row computed again, the file written whole
            CorpusTable(records, compute(records, reuse)).write(gen)
        elif table is not None and not behind:
            table.replace(*changed_rows(table, changes, reuse, dirty))
        else:  # the old JSON table, or one behind the reuse index: every row, the file written whole
            base = CorpusTable(*table.rows()) if table is not None else legacy or CorpusTable()
            records = {rid: r for rid, r in base.records.items() if rid not in changes.removed}
            records.update(changes.records)
            old = None if behind else base.facts  # behind: no row's reuse facts can be trusted
            CorpusTable(records, compute(records, reuse, old, dirty)).write(gen)
        if redecide:
            _redecide(gen, reuse)
    finally:
        reuse.close()
        if table is not None:
            table.close()
    ReuseIndex.save_notes(gen, {TABLE_BEHIND: False, RULE_NOTE: RULE})
    return ReuseTimes(seconds, updated)


def _redecide(gen: Path, reuse: ReuseIndex) -> None:
    """Every row's reuse facts decided again by today's rule from the saved neighbours (their
    shares and evidence do not depend on the rule); the rows whose decision changed rewritten."""
    table = TableFile.open(gen)
    if table is None:
        return
    try:
        records, facts = table.rows()
        changed: dict[str, tuple[Record, dict]] = {}
        for rid, decided in reuse.every_facts():
            row = facts.get(rid)
            if row is not None and any(row.get(k) != decided[k] for k in REUSE_FACTS):
                changed[rid] = (records[rid], {**row, **decided})
        if changed:
            table.replace(changed, ())
    finally:
        table.close()


def changed_rows(table: TableFile, changes: Changes, reuse: ReuseIndex,
                 dirty: set[str]) -> tuple[dict[str, tuple[Record, dict]], set[str]]:
    """The rows an incremental build rewrites (and the ids it deletes): every report of a body that
    gained, lost or changed a report (its cross-year facts may move), computed as :func:`compute`
    computes them over that body; and the reports whose reuse figures changed (``dirty``), their
    reuse facts read again from the index."""
    changed = set(changes.records) | changes.removed
    before = table.select(ids=changed | dirty)
    olds = [r for rid, (r, _) in before.items() if rid in changed]
    bodies = {r.body_id for r in (*olds, *changes.records.values()) if r.body_id is not None}
    rows = {**before, **table.select(bodies=sorted(bodies))}
    records = {rid: r for rid, (r, _) in rows.items() if r.body_id in bodies and rid not in changes.removed}
    records.update(changes.records)
    old = {rid: f for rid, (_, f) in rows.items()}
    out = {rid: (records[rid], f) for rid, f in compute(records, reuse, old, dirty).items()}
    for rid in dirty - out.keys() - changes.removed:
        if rid in rows:  # another body's report whose neighbour changed
            record, facts = rows[rid]
            part = _reuse_part(rid, facts.get("cross_year_prev"), reuse, None, dirty)
            out[rid] = (record, {**facts, **part})
    return out, changes.removed & before.keys()
