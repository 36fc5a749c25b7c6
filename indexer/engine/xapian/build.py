"""Building N shard databases: a report goes to the shard its id hashes to, incrementally.

Layout of an index folder for this backend::

    INDEX_DIR/xapian.json    shard count, schema version, corpus folder (a changed count or schema
                             means a full rebuild: every report may move)
    INDEX_DIR/shard-<i>/     a Xapian database, plus files.tsv (and pending.txt while a build
                             commits) as the whoosh generations keep them (``generations.py``)

Each shard is served as it is by ``xapian-tcpsrv INDEX_DIR/shard-<i>``. An incremental build
re-parses only files whose content hash changed, replaces them in their shard by their id term and
deletes the reports whose files are gone; each shard's commit is atomic for its readers. A writer
commits every :data:`COMMIT_EVERY` reports it wrote: Xapian itself buffers 10,000 documents before it
flushes, and with a report's bigram positions that held 7.4 GB in one process at 100,000 reports
(four shard processes would not fit this machine's 24 GB); so readers of a shard that is being
rebuilt in full see it grow in steps of that many reports.
Shards are written in parallel: one process per shard parses and writes its own reports when there
are at least as many shards as processes; otherwise parser processes feed one writer in this one.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from indexer.engine.build import BuildSummary, Progress
from indexer.engine.generations import (
    FileList,
    FileRecord,
    clear_pending,
    read_files,
    read_pending,
    write_files,
    write_pending,
)
from indexer.engine.planning import plan_files
from indexer.engine.prepare import Task
from indexer.engine.words import init_jieba
from indexer.engine.xapian import schema as xs
from indexer.engine.xapian.document import prepare, to_document
from indexer.extract.read import FileEntry, scan
from indexer.extract.report import report_id

META = "xapian.json"


def shard_dirs(index_dir: Path, shards: int) -> list[Path]:
    return [index_dir / f"shard-{i}" for i in range(shards)]


def read_layout(index_dir: Path) -> dict:
    try:
        data = json.loads((Path(index_dir) / META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


# what one shard's build gives: (reports written, skipped (file, reason), reports in the shard,
# files unchanged, reports written by format)
_ShardResult = tuple[int, list, int, int, Counter]


@dataclass
class _ShardPlan:
    """What one shard's build must do (picklable: it crosses to the shard's process)."""

    shard: int
    path: str
    root: str
    full: bool
    tasks: list[Task]  # to the workers (``planning.plan_files``)
    gone: list[str]
    files: FileList  # unchanged files, kept as they are
    entries: dict[str, tuple[int, int]]  # rel → (size, mtime_ns) of the files to parse

    recorded: dict[str, str]  # rel → recorded hash of the tasks that carry one

    @property
    def todo(self) -> list[str]:
        return [t[1] for t in self.tasks]


def build_xapian(corpus_dir: str | Path, index_dir: str | Path, *, shards: int = 1, full: bool = False,
                 procs: int | None = None, progress: bool = False) -> BuildSummary:
    """Build or update the ``shards`` shard databases of ``corpus_dir`` under ``index_dir``."""
    t0 = time.perf_counter()
    if shards < 1:
        raise ValueError("--shards must be at least 1")
    corpus = Path(corpus_dir).resolve()
    if not corpus.exists():
        raise FileNotFoundError(f"no corpus at {corpus}")
    root_dir = Path(index_dir)
    root_dir.mkdir(parents=True, exist_ok=True)
    unreadable: list[tuple[str, str]] = []  # named as skipped, as the whoosh build does
    entries = {e.rel: e for e in scan(corpus, unreadable)}
    root = str(corpus if corpus.is_dir() else corpus.parent)
    layout = read_layout(root_dir)
    dirs = shard_dirs(root_dir, shards)
    incremental = (not full and layout.get("shards") == shards and layout.get("schema") == xs.SCHEMA_VERSION
                   and layout.get("corpus") == str(corpus) and all(d.is_dir() for d in dirs))
    summary = BuildSummary(str(corpus), str(root_dir), generation=f"xapian, {shards} shards",
                           full=not incremental, skipped=unreadable)
    if not incremental:
        # the shards kept are overwritten as a new revision (a served shard never disappears); shards
        # past the new count go
        keep = {d.name for d in dirs}
        for old in root_dir.glob("shard-*"):
            if old.name not in keep:
                shutil.rmtree(old, ignore_errors=True)
        (root_dir / META).unlink(missing_ok=True)

    by_shard: list[dict[str, FileEntry]] = [{} for _ in range(shards)]
    for rel, e in entries.items():
        by_shard[xs.shard_of(report_id(rel), shards)][rel] = e
    plans = [_plan(i, dirs[i], root, by_shard[i], incremental, summary) for i in range(shards)]
    procs = procs or os.cpu_count() or 1
    results = _run(plans, procs, progress)
    for indexed, skipped, total, touched, formats in results:
        summary.formats.update(formats)
        summary.unchanged += touched
        summary.indexed += indexed
        summary.skipped.extend(skipped)
        summary.total += total
    _write_layout(root_dir, {"shards": shards, "schema": xs.SCHEMA_VERSION, "corpus": str(corpus),
                             "built": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "reports": summary.total})
    summary.seconds = time.perf_counter() - t0
    return summary


def _plan(shard: int, path: Path, root: str, entries: dict[str, FileEntry], incremental: bool,
          summary: BuildSummary) -> _ShardPlan:
    """The files of one shard to parse and to delete, from its file list, by the planner the whoosh
    build uses (``planning.plan_files``)."""
    known = read_files(path) if incremental else {}
    pending = read_pending(path) if incremental else set()
    plan = plan_files(root, entries, known, pending)
    summary.unchanged += len(plan.kept)
    summary.deleted += len(plan.gone)
    return _ShardPlan(shard, str(path), root, not incremental, plan.tasks, plan.gone + plan.pending_gone,
                      plan.kept, {t[1]: (entries[t[1]].size, entries[t[1]].mtime_ns) for t in plan.tasks},
                      {t[1]: t[2] for t in plan.tasks if len(t) > 2 and t[2] is not None})


def _run(plans: list[_ShardPlan], procs: int, progress: bool) -> list[_ShardResult]:
    work = sum(len(p.tasks) for p in plans)
    if len(plans) >= procs > 1 and work >= 8:
        init_jieba()  # once here: forked shard processes inherit the dictionary
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(min(procs, len(plans))) as pool:
            return pool.map(_build_shard_alone, plans, chunksize=1)
    return _build_shards_together(plans, procs, progress)


def _build_shard_alone(plan: _ShardPlan) -> _ShardResult:
    """One shard's build in its own process: parse and write its files one after the other."""
    init_jieba()
    return _write_shard(plan, map(prepare, plan.tasks))


def _build_shards_together(plans: list[_ShardPlan], procs: int,
                           progress: bool) -> list[_ShardResult]:
    """Fewer shards than processes: parser processes feed one writer per shard, here. A build that
    fails leaves each shard's changes uncommitted or, if closed mid-way, committed but not in the
    file list: the next build parses those files again and replaces them by their id term."""
    init_jieba()
    tasks = [t for p in plans for t in p.tasks]
    shard_of_rel = {t[1]: p.shard for p in plans for t in p.tasks}
    dbs = {p.shard: _open_writable(p) for p in plans}
    out: dict[int, list[Any]] = {p.shard: [0, [], dict(p.files), 0, Counter()] for p in plans}
    bar = Progress(len(tasks), enabled=progress)
    try:
        for p in plans:
            _delete_gone(dbs[p.shard], p)
            if p.todo:
                write_pending(Path(p.path), set(p.todo))
        if procs > 1 and len(tasks) >= 8:
            ctx = multiprocessing.get_context("fork")
            with ctx.Pool(procs) as pool:
                for rel, rec, reason in pool.imap(prepare, tasks, chunksize=4):
                    bar.step()
                    _write_one(dbs[shard_of_rel[rel]], plans[shard_of_rel[rel]], out[shard_of_rel[rel]],
                               rel, rec, reason)
        else:
            for rel, rec, reason in map(prepare, tasks):
                bar.step()
                _write_one(dbs[shard_of_rel[rel]], plans[shard_of_rel[rel]], out[shard_of_rel[rel]],
                           rel, rec, reason)
        results = []
        for p in plans:
            dbs[p.shard].commit()
            _finish(p, out[p.shard][2])
            results.append((out[p.shard][0], out[p.shard][1], len(out[p.shard][2]), out[p.shard][3],
                            out[p.shard][4]))
        return results
    finally:
        for db in dbs.values():
            db.close()


def _write_shard(plan: _ShardPlan, prepared) -> _ShardResult:
    db = _open_writable(plan)
    state: list = [0, [], dict(plan.files), 0, Counter()]
    try:
        _delete_gone(db, plan)
        if plan.todo:
            write_pending(Path(plan.path), set(plan.todo))
        for rel, rec, reason in prepared:
            _write_one(db, plan, state, rel, rec, reason)
        db.commit()
    finally:
        db.close()
    _finish(plan, state[2])
    return state[0], state[1], len(state[2]), state[3], state[4]


def _open_writable(plan: _ShardPlan):
    import xapian

    flags = xapian.DB_CREATE_OR_OVERWRITE if plan.full else xapian.DB_CREATE_OR_OPEN
    db = xapian.WritableDatabase(plan.path, flags)
    db.set_metadata("nianbao_schema", xs.SCHEMA_VERSION)
    db.set_metadata("nianbao_corpus", plan.root)
    return db


def _delete(db, rid: str) -> None:
    """A report leaves its shard: its document and its text."""
    db.delete_document(xs.id_term(rid))
    db.set_metadata(xs.text_key(rid), "")  # an empty value deletes the key


def _delete_gone(db, plan: _ShardPlan) -> None:
    for rel in plan.gone:
        _delete(db, report_id(rel))


COMMIT_EVERY = 1000  # reports a shard writer writes between commits (module docstring)


def _write_one(db, plan: _ShardPlan, state: list, rel: str, rec: dict | None, reason: str | None) -> None:
    files: dict[str, FileRecord] = state[2]
    size, mtime = plan.entries.get(rel, (None, None))
    if rec is None and reason is None:  # same content as recorded: only its stat changed
        files[rel] = FileRecord(plan.recorded[rel], size, mtime)
        state[3] += 1
        return
    if rec is None:
        state[1].append((rel, reason or "unknown error"))
        _delete(db, report_id(rel))  # a file that became unreadable leaves too
        files.pop(rel, None)
        return
    # replace by the id term: adds when absent, so a build that died before its file list was
    # written never leaves a second copy
    db.replace_document(xs.id_term(rec["id"]), to_document(rec))
    db.set_metadata(xs.text_key(rec["id"]), rec["text"])  # in the same commit as the document
    files[rel] = FileRecord(rec["sha1"], size, mtime)
    state[0] += 1
    state[4][rec.get("format") or "txt"] += 1  # the summary's count by format
    if state[0] % COMMIT_EVERY == 0:
        db.commit()  # bounds the writer's buffer (module docstring)


def _finish(plan: _ShardPlan, files: dict[str, FileRecord]) -> None:
    path = Path(plan.path)
    write_files(path, files)
    clear_pending(path)


def _write_layout(index_dir: Path, meta: dict) -> None:
    tmp = index_dir / f".{META}.{os.getpid()}"
    tmp.write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, index_dir / META)
