"""Building the index: parallel parsing, one whoosh writer, incremental and atomic.

A full build writes a new generation (see ``generations.py``) and only then points ``CURRENT`` at
it, so a server reading the old one never sees a half-built index, and a build that fails leaves the
old one serving. An incremental build (the default when the schema is unchanged) re-parses only files
whose content hash changed, deletes reports whose files are gone, and commits in place: whoosh's
commit is atomic for readers, and a failed build cancels its writer.

The worker (a file in, a document out) is ``prepare.py``; the writer's fast paths are ``writer.py``.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from collections import Counter
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.writing import IndexWriter

from indexer.engine import corpusfacts
from indexer.engine.buildlock import locked_build
from indexer.engine.gcpolicy import with_fewer_collections
from indexer.engine.generations import (
    FILES,
    FileRecord,
    clear_pending,
    current_generation,
    point_current_at,
    read_files,
    read_meta,
    read_pending,
    remove_old_generations,
    write_files,
    write_meta,
    write_pending,
)
from indexer.engine.planning import plan_files
from indexer.engine.prepare import Task, format_of, prepared, write_in_workers
from indexer.engine.writer import commit_segments
from indexer.extract.read import FileEntry, scan
from indexer.extract.report import report_id
from indexer.schema import SCHEMA_VERSION, make_schema

MAX_SEGMENTS = 40


@dataclass
class BuildSummary:
    """What a build did, for the CLI's closing lines and for tests."""

    corpus: str
    index_dir: str
    generation: str = ""
    full: bool = False
    indexed: int = 0  # added or re-parsed
    unchanged: int = 0
    deleted: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    formats: Counter[str] = field(default_factory=Counter)  # reports parsed, by SourceText.format
    total: int = 0  # reports in the index after the build
    seconds: float = 0.0
    corpus_seconds: float = 0.0  # the corpus-facts step at the end (corpusfacts.py), reuse included
    reuse_seconds: float = 0.0  # of which: the reuse index (its computation, loading and saving)
    reuse_update_seconds: float = 0.0  # of which: computing it (full) or add/update/remove (incremental)

    def lines(self) -> list[str]:
        out = [
            f"{'full' if self.full else 'incremental'} build of {self.corpus} → {self.index_dir} "
            f"({self.generation})",
            f"reports in index: {self.total}; parsed: {self.indexed}; unchanged: {self.unchanged}; "
            f"deleted: {self.deleted}; skipped: {len(self.skipped)}; time: {self.seconds:.2f} s",
        ]
        if self.corpus_seconds:
            out.append(f"corpus facts (cross-year, reuse): {self.corpus_seconds:.2f} s, of which the reuse "
                       f"index {self.reuse_seconds:.2f} s (computing it {self.reuse_update_seconds:.2f} s)")
        if self.formats:
            out.append("parsed by format: " + ", ".join(f"{k} {n}" for k, n in sorted(self.formats.items())))
        out.extend(f"  skipped {f}: {reason}" for f, reason in self.skipped)
        return out


class Progress:
    """A progress bar on a terminal; a line per 10% otherwise (CI logs)."""

    def __init__(self, total: int, stream=None, enabled: bool = True) -> None:
        self.stream = stream or sys.stderr  # looked up now: sys.stderr may have been replaced
        self.total, self.enabled = total, enabled and total > 0
        self.tty = self.enabled and getattr(self.stream, "isatty", lambda: False)()
        self.done = 0
        self.last_decile = -1
        self.start = time.perf_counter()

    def step(self, n: int = 1) -> None:
        self.done += n
        if not self.enabled:
            return
        frac = self.done / self.total
        rate = self.done / max(time.perf_counter() - self.start, 1e-9)
        if self.tty:
            bar = "#" * int(frac * 30)
            self.stream.write(f"\r[{bar:<30}] {self.done}/{self.total} reports  {rate:.0f}/s")
            if self.done == self.total:
                self.stream.write("\n")
            self.stream.flush()
        elif int(frac * 10) > self.last_decile:
            self.last_decile = int(frac * 10)
            self.stream.write(f"  {self.done}/{self.total} reports ({frac:.0%}, {rate:.0f}/s)\n")


@locked_build  # one build at a time per index folder; what a killed build left is removed first
@with_fewer_collections  # see gcpolicy
def build_index(
    corpus_dir: str | Path,
    index_dir: str | Path,
    *,
    full: bool = False,
    procs: int | None = None,
    progress: bool = False,
    fail_after: Callable[[int], None] | None = None,
    segment_docs: int = 8000,
    file_timeout: float | None = 60.0,
) -> BuildSummary:
    """Build or update the index of ``corpus_dir`` in ``index_dir``.

    ``fail_after`` is a test hook called after each document is written (it may raise to simulate a
    crash mid-build). A full build writes a segment every ``segment_docs`` reports (see
    :class:`~indexer.engine.writer.SegmentedWriter`). A file whose parsing takes longer than
    ``file_timeout`` seconds is skipped and named in the summary (None: no limit).
    """
    t0 = time.perf_counter()
    corpus = Path(corpus_dir).resolve()
    index_root = Path(index_dir)
    index_root.mkdir(parents=True, exist_ok=True)
    unreadable: list[tuple[str, str]] = []
    entries = {e.rel: e for e in scan(corpus, unreadable)}
    root = str(corpus if corpus.is_dir() else corpus.parent)

    gen = current_generation(index_root)
    meta = read_meta(gen) if gen else {}
    incremental = (
        not full and gen is not None and meta.get("schema") == SCHEMA_VERSION
        and meta.get("corpus") == str(corpus)
    )
    summary = BuildSummary(str(corpus), str(index_root), full=not incremental, skipped=unreadable)
    procs = procs or os.cpu_count() or 1

    if incremental:
        assert gen is not None
        _update_in_place(gen, meta, root, entries, procs, progress, summary, fail_after, file_timeout)
        target = gen
    else:
        target = index_root / f"gen-{time.strftime('%Y%m%d-%H%M%S')}-{time.time_ns() % 10**9:09d}"
        target.mkdir()
        try:
            ix = whoosh_index.create_in(str(target), make_schema())
            new_files: dict[str, FileRecord] = {}
            changes = corpusfacts.Changes(spool=corpusfacts.Spool(target / corpusfacts.SPOOL_FILE))
            try:
                segments = _write_full(ix, root, entries, procs, progress, summary, new_files, fail_after,
                                       file_timeout, segment_docs, changes)
            except BaseException:
                changes.close()
                raise
            commit_segments(ix, segments)
            ix.close()
            t_corpus = time.perf_counter()
            summary.reuse_seconds, summary.reuse_update_seconds = corpusfacts.full(target, changes)
            summary.corpus_seconds = time.perf_counter() - t_corpus
            write_files(target, new_files)
            write_meta(target, {"schema": SCHEMA_VERSION, "corpus": str(corpus), "built": _now(),
                                "reports": len(new_files)})
        except BaseException:
            shutil.rmtree(target, ignore_errors=True)
            raise
        summary.total = len(new_files)
        point_current_at(index_root, target)
        remove_old_generations(index_root, keep={target.name, gen.name if gen else ""})

    summary.generation = target.name
    summary.seconds = time.perf_counter() - t0
    return summary


class _LazyWriter:
    """An incremental build's writer, opened when the first change arrives: a corpus whose files
    were only touched (same content) is hashed but the index is never opened for writing."""

    def __init__(self, gen: Path) -> None:
        self.gen = gen
        self.ix: Any = None  # whoosh's open_index is unannotated
        self.writer: IndexWriter | None = None

    def __call__(self):
        if self.writer is None:
            # without mmap: whoosh3 copies a mapped file into a BytesIO when it opens it, and the
            # writer's lookup of the replaced reports opened every segment's terms file (5.6 s at
            # 100,000 reports)
            self.ix = FileStorage(str(self.gen), supports_mmap=False).open_index()
            self.writer = self.ix.writer()
        return self.writer

    def cancel(self) -> None:
        if self.writer is not None:
            self.writer.cancel()
            self.ix.close()


def _update_in_place(gen: Path, meta: dict[str, Any], root: str, entries: dict[str, FileEntry], procs: int,
                     progress: bool, summary: BuildSummary, fail_after: Callable[[int], None] | None,
                     timeout: float | None = None) -> None:
    """An incremental build: re-parse changed and new files, delete the gone ones, commit in place.

    A file whose size and modification time match the list keeps its recorded hash (as git does);
    the others go to the workers with their recorded hash, and each is read and hashed once there:
    only those whose content changed are parsed. When nothing changed, the index is not opened for
    writing at all.
    """
    known = read_files(gen)
    pending = read_pending(gen)  # committed by a build that died before recording them
    plan = plan_files(root, entries, known, pending)
    files, tasks, gone = plan.kept, plan.tasks, plan.gone
    summary.unchanged = len(files)
    lazy = _LazyWriter(gen)
    changes = corpusfacts.Changes()
    try:
        if gone or pending:
            writer = lazy()
            for rel in gone:
                writer.delete_by_term("id", report_id(rel))
                changes.remove(report_id(rel))
                summary.deleted += 1
            for rel in plan.pending_gone:
                writer.delete_by_term("id", report_id(rel))
                changes.remove(report_id(rel))
        # files that may be in the index already are replaced, the others added without a lookup
        existing = {t[1] for t in tasks if t[1] in known or t[1] in pending}
        touched = _write_docs(lazy, tasks, entries, existing, procs, progress, summary, files, fail_after,
                              timeout, changes)
    except BaseException:
        lazy.cancel()
        raise
    if lazy.writer is None:
        if touched or not (gen / FILES).exists():  # the latter: a list kept in an older manifest
            write_files(gen, files)
            write_meta(gen, _slim(meta, len(files)))
        summary.total = len(files)
        return
    write_pending(gen, {t[1] for t in tasks} - touched)
    # merging segments rewrites most of the index (27 s for one report at 100,000 reports):
    # let whoosh merge only once small incremental segments have piled up
    lazy.writer.commit(merge=len(list(gen.glob("*.seg"))) > MAX_SEGMENTS)
    lazy.ix.close()
    # after the commit, before the file list: pending.txt still names what a crash would redo
    t_corpus = time.perf_counter()
    summary.reuse_seconds, summary.reuse_update_seconds = corpusfacts.incremental(
        gen, changes, _stored_reports(gen))
    summary.corpus_seconds = time.perf_counter() - t_corpus
    write_files(gen, files)
    clear_pending(gen)
    write_meta(gen, {**_slim(meta, len(files)), "built": _now()})
    summary.total = len(files)


def _slim(meta: dict[str, Any], reports: int) -> dict[str, Any]:
    """The metadata without the file lists older versions kept in it."""
    return {**{k: v for k, v in meta.items() if k not in ("files", "stats")}, "reports": reports}


def _write_full(ix, root: str, entries: dict[str, FileEntry], procs: int, progress: bool,
                summary: BuildSummary, files_out: dict[str, FileRecord],
                fail_after: Callable[[int], None] | None, timeout: float | None, segment_docs: int,
                changes: corpusfacts.Changes | None = None) -> list:
    """A full build's files parsed and written by the workers, each into segments of its own
    (``prepare.write_in_workers``); returns the segments. Together the workers hold at most twice
    ``segment_docs`` reports in memory (≈125 kB each: 2 GB for the default), whatever their number;
    with two workers the segments are as large (and as many) as one writer's were."""
    bar = Progress(len(entries), enabled=progress)
    segments: list = []
    written = 0
    per_worker = max(1, 2 * segment_docs // max(1, procs))
    for rel, sha1, reason, fmt, part in write_in_workers(ix, [(root, rel) for rel in entries], procs,
                                                         timeout, per_worker, segments):
        bar.step()
        if sha1 is None:
            summary.skipped.append((rel, reason or "unknown error"))
            continue
        if changes is not None and part is not None:
            changes.put(report_id(rel), part)
        e = entries[rel]
        files_out[rel] = FileRecord(sha1, e.size, e.mtime_ns)
        summary.formats[fmt or "txt"] += 1
        summary.indexed += 1
        written += 1
        if fail_after is not None:
            fail_after(written)
    return segments


def _write_docs(writer: Callable[[], Any], tasks: list[Task], entries: dict[str, FileEntry],
                existing: set[str], procs: int, progress: bool, summary: BuildSummary,
                files_out: MutableMapping[str, FileRecord], fail_after: Callable[[int], None] | None,
                timeout: float | None = None, changes: corpusfacts.Changes | None = None) -> set[str]:
    """Parse ``tasks`` in worker processes and write them; ``existing`` ones replace their old
    version. ``writer()`` gives the writer (opened on first use). ``files_out`` gets a record for
    each file written or found unchanged; ``changes`` each written report's corpus part and each
    removed id; returns the files found unchanged (touched only)."""
    bar = Progress(len(tasks), enabled=progress)
    known_sha1 = {t[1]: t[2] for t in tasks if len(t) > 2}
    written = 0
    touched: set[str] = set()
    for rel, doc, reason in prepared(tasks, procs, timeout):
        bar.step()
        e = entries.get(rel)
        size, mtime = (e.size, e.mtime_ns) if e else (None, None)
        if doc is None and reason is None:  # same content as recorded: only its stat changed
            sha1 = known_sha1[rel]
            assert sha1 is not None  # it came back unchanged: it had a recorded hash
            files_out[rel] = FileRecord(sha1, size, mtime)
            summary.unchanged += 1
            touched.add(rel)
            continue
        if doc is None:
            summary.skipped.append((rel, reason or "unknown error"))
            # a file that became unreadable leaves the index too
            if rel in existing:
                writer().delete_by_term("id", report_id(rel))
                if changes is not None:
                    changes.remove(report_id(rel))
            files_out.pop(rel, None)
            continue
        part = doc.pop(corpusfacts.PART_KEY, None)
        if changes is not None and part is not None:
            changes.put(doc["id"], part)
        summary.formats[format_of(doc)] += 1
        if rel in existing:
            writer().update_document(**doc)
        else:
            writer().add_document(**doc)
        files_out[rel] = FileRecord(doc["sha1"], size, mtime)
        summary.indexed += 1
        written += 1
        if fail_after is not None:
            fail_after(written)
    return touched


def _stored_reports(gen: Path):
    """(id, facts, search text) of every report the generation's index holds: the corpus step's
    inputs when its own files are missing."""
    from indexer.engine.textstore import read_stored

    ix = FileStorage(str(gen), supports_mmap=False, readonly=True).open_index()
    try:
        with ix.searcher() as searcher:
            for stored in searcher.all_stored_fields():
                # the search text as the build normalised it (kept for hits), not normalised again
                yield stored["id"], json.loads(stored["facts"]), read_stored(stored).norm.whole()
    finally:
        ix.close()


def _sha1_of(path: Path) -> str | None:
    import hashlib

    try:
        return hashlib.sha1(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")
