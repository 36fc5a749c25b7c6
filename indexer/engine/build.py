"""Building the index: parallel parsing, one whoosh writer, incremental and atomic.

Layout of an index folder::

    INDEX_DIR/CURRENT          name of the generation being served (replaced atomically)
    INDEX_DIR/gen-<stamp>/     a whoosh index + manifest.json + files.tsv (see ``manifest.py``)

A full build writes a new generation and only then points ``CURRENT`` at it, so a server reading the
old one never sees a half-built index, and a build that fails leaves the old one serving. An
incremental build (the default when the schema is unchanged) re-parses only files whose content hash
changed, deletes reports whose files are gone, and commits in place: whoosh's commit is atomic for
readers, and a failed build cancels its writer.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import sys
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.util.numeric import byte_to_length, length_to_byte

from indexer.engine.generations import (
    FILES,
    FileRecord,
    clear_pending,
    read_files,
    read_meta,
    read_pending,
    write_files,
    write_meta,
    write_pending,
)
from indexer.engine.words import cut_words, init_jieba
from indexer.extract.normalise import search_string
from indexer.extract.read import FileEntry, ReadError, read_source, scan
from indexer.extract.report import extract_facts, has_value, report_id
from indexer.schema import SCHEMA_VERSION, WORD_SEP, Postings, field_postings, make_schema

CURRENT = "CURRENT"
MAX_SEGMENTS = 40
_SCHEMA = make_schema()  # for computing postings in workers


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

    def lines(self) -> list[str]:
        out = [
            f"{'full' if self.full else 'incremental'} build of {self.corpus} → {self.index_dir} "
            f"({self.generation})",
            f"reports in index: {self.total}; parsed: {self.indexed}; unchanged: {self.unchanged}; "
            f"deleted: {self.deleted}; skipped: {len(self.skipped)}; time: {self.seconds:.2f} s",
        ]
        if self.formats:
            out.append("parsed by format: " + ", ".join(f"{k} {n}" for k, n in sorted(self.formats.items())))
        out.extend(f"  skipped {f}: {reason}" for f, reason in self.skipped)
        return out


class BuildError(RuntimeError):
    """The build could not complete; the index that was serving is untouched."""


# ---------------------------------------------------------------------------------------------
# Locating generations


def current_generation(index_dir: Path) -> Path | None:
    """The generation folder being served, or None if there is no index."""
    pointer = index_dir / CURRENT
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except OSError:
        return None
    gen = index_dir / name
    return gen if name and gen.is_dir() and whoosh_index.exists_in(str(gen)) else None


def _point_current_at(index_dir: Path, gen: Path) -> None:
    tmp = index_dir / f".{CURRENT}.{os.getpid()}"
    tmp.write_text(gen.name + "\n", encoding="utf-8")
    os.replace(tmp, index_dir / CURRENT)


def _remove_old_generations(index_dir: Path, keep: set[str]) -> None:
    """Keep the served generation and the one before it (a server may still be reading it)."""
    gens = sorted((p for p in index_dir.glob("gen-*") if p.is_dir()), key=lambda p: p.name)
    for old in gens[:-2]:
        if old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# Parsing one file into an index document (runs in worker processes)


def _init_worker() -> None:
    init_jieba()


def prepare_document(task: tuple[str, str]) -> tuple[str, dict[str, Any] | None, str | None]:
    """(relpath, document fields or None, skip reason or None) for one file."""
    root, rel = task
    path = Path(root) / rel
    try:
        source = read_source(path)
        facts = extract_facts(source.text, rel)
    except ReadError as err:
        return rel, None, str(err)
    except Exception as err:  # an extractor bug must not lose the rest of the corpus
        return rel, None, f"extraction failed: {type(err).__name__}: {err}"
    facts["encoding"] = source.encoding
    facts["format"] = source.format
    norm = search_string(source.text)
    title = facts.get("title") or Path(rel).stem
    doc: dict[str, Any] = {
        "id": report_id(rel),
        "file": rel,
        "sha1": source.sha1,
        "title": title,
        "title_words": WORD_SEP.join(cut_words(search_string(title))),
        "body_words": WORD_SEP.join(cut_words(facts.get("body") or "")),
        "words": field_postings(_SCHEMA["words"], WORD_SEP.join(cut_words(norm)), "words"),
        "grams": field_postings(_SCHEMA["grams"], norm, "grams"),
        "facts": json.dumps(facts, ensure_ascii=False),
        "text_z": zlib.compress(source.text.encode("utf-8"), 6),
        "search_len": len(norm),
    }
    for name in ("province", "city", "county", "town", "body", "status"):
        if facts.get(name):
            doc[name] = str(facts[name])
    apps = facts.get("applications") or {}
    recon = facts.get("reconsideration") or {}
    numbers = {
        "year": facts.get("year"),
        "applications_new": apps.get("new"),
        "applications_total": apps.get("handled_total"),
        "reconsideration_total": recon.get("total"),
        "litigation_total": facts.get("litigation_total"),
    }
    for name, value in numbers.items():
        if isinstance(value, int):
            doc[name] = value
    doc["has_applications"] = has_value(numbers["applications_new"])
    doc["has_reconsideration"] = has_value(numbers["reconsideration_total"])
    doc["has_litigation"] = has_value(numbers["litigation_total"])
    return rel, doc, None


def _prepared(tasks: list[tuple[str, str]], procs: int) -> Iterable[tuple[str, dict | None, str | None]]:
    if not tasks:
        return
    if procs <= 1 or len(tasks) < 8:
        _init_worker()
        yield from map(prepare_document, tasks)
        return
    _init_worker()  # once in the parent: forked workers inherit the loaded dictionary
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(procs) as pool:
        yield from pool.imap(prepare_document, tasks, chunksize=4)


# ---------------------------------------------------------------------------------------------
# The build


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


def build_index(
    corpus_dir: str | Path,
    index_dir: str | Path,
    *,
    full: bool = False,
    procs: int | None = None,
    progress: bool = False,
    fail_after: Callable[[int], None] | None = None,
    segment_docs: int = 8000,
) -> BuildSummary:
    """Build or update the index of ``corpus_dir`` in ``index_dir``.

    ``fail_after`` is a test hook called after each document is written (it may raise to simulate a
    crash mid-build). A full build writes a segment every ``segment_docs`` reports (see
    :class:`SegmentedWriter`).
    """
    t0 = time.perf_counter()
    corpus = Path(corpus_dir).resolve()
    index_root = Path(index_dir)
    index_root.mkdir(parents=True, exist_ok=True)
    entries = {e.rel: e for e in scan(corpus)}
    root = str(corpus if corpus.is_dir() else corpus.parent)

    gen = current_generation(index_root)
    meta = read_meta(gen) if gen else {}
    incremental = (
        not full and gen is not None and meta.get("schema") == SCHEMA_VERSION
        and meta.get("corpus") == str(corpus)
    )
    summary = BuildSummary(str(corpus), str(index_root), full=not incremental)
    procs = procs or os.cpu_count() or 1

    if incremental:
        assert gen is not None
        _update_in_place(gen, meta, root, entries, procs, progress, summary, fail_after)
        target = gen
    else:
        target = index_root / f"gen-{time.strftime('%Y%m%d-%H%M%S')}-{time.time_ns() % 10**9:09d}"
        target.mkdir()
        try:
            ix = whoosh_index.create_in(str(target), make_schema())
            writer = SegmentedWriter(ix, segment_docs)
            new_files: dict[str, FileRecord] = {}
            try:
                _write_docs(writer, root, list(entries), entries, set(), procs, progress, summary,
                            new_files, fail_after)
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
            ix.close()
            write_files(target, new_files)
            write_meta(target, {"schema": SCHEMA_VERSION, "corpus": str(corpus), "built": _now(),
                                "reports": len(new_files)})
        except BaseException:
            shutil.rmtree(target, ignore_errors=True)
            raise
        summary.total = len(new_files)
        _point_current_at(index_root, target)
        _remove_old_generations(index_root, keep={target.name, gen.name if gen else ""})

    summary.generation = target.name
    summary.seconds = time.perf_counter() - t0
    return summary


def _update_in_place(gen: Path, meta: dict[str, Any], root: str, entries: dict[str, FileEntry], procs: int,
                     progress: bool, summary: BuildSummary, fail_after: Callable[[int], None] | None) -> None:
    """An incremental build: re-parse changed and new files, delete the gone ones, commit in place.

    A file whose size and modification time match the list keeps its recorded hash (as git does);
    the others are hashed, and only those whose content changed are parsed again. When nothing
    changed, the index is not opened for writing at all.
    """
    known = read_files(gen)
    pending = read_pending(gen)  # committed by a build that died before recording them
    files: dict[str, FileRecord] = {}
    todo: list[str] = []
    touched = False
    for rel, e in entries.items():
        rec = known.get(rel)
        if rec is not None and rel not in pending:
            if rec.size == e.size and rec.mtime_ns == e.mtime_ns:
                files[rel] = rec
                continue
            sha1 = _sha1_of(Path(root) / rel)
            if sha1 == rec.sha1:
                files[rel] = FileRecord(sha1, e.size, e.mtime_ns)
                touched = True
                continue
        todo.append(rel)
    gone = [rel for rel in known if rel not in entries]
    summary.unchanged = len(entries) - len(todo)
    if not todo and not gone and not pending:
        if touched or not (gen / FILES).exists():  # the latter: a list kept in an older manifest
            write_files(gen, files)
            write_meta(gen, _slim(meta, len(files)))
        summary.total = len(files)
        return

    # without mmap: whoosh3 copies a mapped file into a BytesIO when it opens it, and the writer's
    # lookup of the replaced reports opened every segment's terms file (5.6 s at 100,000 reports)
    ix = FileStorage(str(gen), supports_mmap=False).open_index()
    writer = ix.writer()
    try:
        for rel in gone:
            writer.delete_by_term("id", report_id(rel))
            summary.deleted += 1
        for rel in pending - set(entries):
            writer.delete_by_term("id", report_id(rel))
        # files that may be in the index already are replaced, the others added without a lookup
        existing = {rel for rel in todo if rel in known or rel in pending}
        _write_docs(writer, root, todo, entries, existing, procs, progress, summary, files, fail_after)
    except BaseException:
        writer.cancel()
        ix.close()
        raise
    write_pending(gen, set(todo))
    # merging segments rewrites most of the index (27 s for one report at 100,000 reports):
    # let whoosh merge only once small incremental segments have piled up
    writer.commit(merge=len(list(gen.glob("*.seg"))) > MAX_SEGMENTS)
    ix.close()
    write_files(gen, files)
    clear_pending(gen)
    write_meta(gen, {**_slim(meta, len(files)), "built": _now()})
    summary.total = len(files)


def _slim(meta: dict[str, Any], reports: int) -> dict[str, Any]:
    """The metadata without the file lists older versions kept in it."""
    return {**{k: v for k, v in meta.items() if k not in ("files", "stats")}, "reports": reports}


def add_prepared(writer, fields: dict[str, Any], lengths: FieldLengths | None = None) -> None:
    """``writer.add_document(**fields)`` with a bulk path for :class:`Postings` values.

    whoosh's add_document walks every posting in Python (weight, length, pool size, append); with
    ~1,500 postings a report that made the single writer the bottleneck of the build. Postings made
    in the workers already carry those figures, so here they are added to the pool in one step. The
    other fields go through the same steps as in whoosh 3.54's SegmentWriter.add_document (pinned);
    a test checks that both paths give the same index. ``lengths`` records each field length for
    the segment flush (see :class:`FieldLengths`).
    """
    writer._check_state()
    perdoc = writer.perdocwriter
    schema = writer.schema
    docnum = writer.docnum
    pool = writer.pool
    perdoc.start_doc(docnum)
    try:
        for fieldname in sorted(fields):
            value = fields[fieldname]
            if value is None:
                continue
            field = schema[fieldname]
            length = 0
            if isinstance(value, Postings):
                pool.current.extend([(fieldname, tb, docnum, w, vb) for tb, _f, w, vb in value])
                pool.fieldnames.add(fieldname)
                pool.currentsize += value.pool_size
                if pool.currentsize > pool.limit:
                    pool.save()
                flen = value.length if field.scorable else 0
                perdoc.add_field(fieldname, field, None, flen)
                if lengths is not None:
                    lengths.record(fieldname, docnum, flen)
                continue
            if field.indexed:
                for tbytes, freq, weight, vbytes in field.index(value):
                    if field.scorable:
                        length += freq
                    pool.add((fieldname, tbytes, docnum, weight, vbytes))
            perdoc.add_field(fieldname, field, value if field.stored else None, length)
            if lengths is not None and field.indexed:
                lengths.record(fieldname, docnum, length)
            if field.column_type:
                perdoc.add_column_value(fieldname, field.column_type, field.to_column_value(value))
    except ValueError:
        perdoc.cancel_doc()
        raise
    perdoc.finish_doc()
    writer._added = True
    writer.docnum += 1


class FieldLengths:
    """Each document's field lengths of one segment, kept in memory while it is written.

    When whoosh flushes a segment it looks up the field length of every posting (3 million lookups
    for 2,000 reports) in the length column it has just written, through a file seek and read per
    lookup: a quarter of the flush. These are the same values, as whoosh would read them back (a
    one-byte approximation; 0 reads as None).
    """

    def __init__(self) -> None:
        self._by_field: dict[str, dict[int, int | None]] = {}

    def record(self, fieldname: str, docnum: int, length: int) -> None:
        lbyte = length_to_byte(length)
        self._by_field.setdefault(fieldname, {})[docnum] = byte_to_length(lbyte) if lbyte else None

    def doc_field_length_reader(self, fieldname: str, default=0):
        get = self._by_field.get(fieldname, {}).get
        return lambda docnum: get(docnum, default)

    def close(self) -> None:
        self._by_field.clear()


def bulk_add_postings(fieldwriter, schema, lengths, items) -> None:
    """whoosh3's ``FieldWriter.add_postings`` for the W3 codec, a term at a time.

    whoosh adds the sorted postings of a segment one by one (a type check, list appends and
    statistics per posting; three Python calls each). Here each term's postings fill the codec's
    block buffers a block at a time, with the same statistics, so the blocks written are the same
    (a test compares them). Relies on the pinned whoosh3 version's W3 posting writer; anything else
    goes through whoosh's own method.
    """
    for fieldname, field_items in groupby(items, key=itemgetter(0)):
        fieldwriter.start_field(fieldname, schema[fieldname])
        dfl = lengths.doc_field_length_reader(fieldname) if lengths else None
        for btext, term_items in groupby(field_items, key=itemgetter(1)):
            postings = [p for p in term_items if p[2] != -1]  # docnum -1: spelling words (unused)
            if not postings:
                continue
            fieldwriter.start_term(btext)
            _fill_blocks(fieldwriter._postwriter, postings, dfl)
            fieldwriter.finish_term()
        fieldwriter.finish_field()


def _fill_blocks(pw, postings: list, dfl) -> None:
    """Add one term's postings to a W3 posting writer's buffer a block at a time (``add_posting``
    writes the full buffer out when the next posting arrives; so does this)."""
    limit = pw._blocklimit
    for start in range(0, len(postings), limit):
        chunk = postings[start:start + limit]
        if start:
            pw._write_block()
        ids = [p[2] for p in chunk]
        weights = [p[3] for p in chunk]
        pw._ids.extend(ids)
        pw._weights.extend(weights)
        pw._values.extend([v for p in chunk if (v := p[4])])
        top = max(weights)
        if top > pw._maxweight:
            pw._maxweight = top
        if dfl is not None:
            lens = [n for n in map(dfl, ids) if n]
            if lens:
                low, high = min(lens), max(lens)
                if pw._minlength is None or low < pw._minlength:
                    pw._minlength = low
                if high > pw._maxlength:
                    pw._maxlength = high


def _uses_w3_postings(writer) -> bool:
    try:
        from whoosh.codec.whoosh3 import W3Codec, W3FieldWriter
    except ImportError:
        return False
    return type(writer.codec) is W3Codec and type(writer.fieldwriter) is W3FieldWriter


class SegmentedWriter:
    """A full build's writer: one whoosh segment per ``segment_docs`` reports, each sorted in memory.

    whoosh's posting pool spills to temporary files (pickling every posting, then merging) once it
    passes ``limitmb``; at 1,500 postings a report that was a third of the writer's time. Committing
    a segment every few thousand reports with a pool large enough to hold it avoids the spill. The
    segments are not merged (merging rewrites every posting); a search reads them side by side.
    The generation is not served until the build completes, so the intermediate commits are private.
    """

    LIMIT_MB = 4096

    def __init__(self, ix, segment_docs: int) -> None:
        self.ix, self.segment_docs = ix, max(1, segment_docs)
        self.writer = self._new()
        self.pending = 0

    def _new(self):
        writer = self.ix.writer(limitmb=self.LIMIT_MB)
        self.lengths = FieldLengths()
        if writer.codec.length_stats:
            writer.per_document_reader = lambda: self.lengths  # read at the segment flush
        if _uses_w3_postings(writer):
            fw = writer.fieldwriter
            fw.add_postings = lambda schema, lengths, items: bulk_add_postings(fw, schema, lengths, items)
        return writer

    def add_document(self, **doc) -> None:
        add_prepared(self.writer, doc, self.lengths)
        self.pending += 1
        if self.pending >= self.segment_docs:
            self.writer.commit(merge=False)
            self.writer = self._new()
            self.pending = 0

    def delete_by_term(self, field: str, text: str) -> None:
        self.writer.delete_by_term(field, text)

    def commit(self) -> None:
        self.writer.commit(merge=False)

    def cancel(self) -> None:
        self.writer.cancel()


def _write_docs(writer, root: str, rels: list[str], entries: dict[str, FileEntry], existing: set[str],
                procs: int, progress: bool, summary: BuildSummary, files_out: dict[str, FileRecord],
                fail_after: Callable[[int], None] | None) -> None:
    """Parse ``rels`` in worker processes and write them; ``existing`` ones replace their old
    version. ``files_out`` gets a record for each file written."""
    bar = Progress(len(rels), enabled=progress)
    written = 0
    for rel, doc, reason in _prepared([(root, r) for r in rels], procs):
        bar.step()
        if doc is None:
            summary.skipped.append((rel, reason or "unknown error"))
            # a file that became unreadable leaves the index too
            if rel in existing:
                writer.delete_by_term("id", report_id(rel))
            files_out.pop(rel, None)
            continue
        summary.formats[_format_of(doc)] += 1
        if rel in existing:
            writer.update_document(**doc)
        else:
            writer.add_document(**doc)
        e = entries.get(rel)
        files_out[rel] = FileRecord(doc["sha1"], e.size if e else None, e.mtime_ns if e else None)
        summary.indexed += 1
        written += 1
        if fail_after is not None:
            fail_after(written)


def _format_of(doc: dict[str, Any]) -> str:
    """The SourceText.format that prepare_document put last in the document's facts JSON: read from
    its tail (parsing 7 kB of JSON per report would cost 20 s per 100,000)."""
    tail = doc["facts"][-32:]
    i = tail.rfind('"format": "')
    return tail[i + 11:].rstrip('"}') if i >= 0 else "txt"


def _sha1_of(path: Path) -> str | None:
    import hashlib

    try:
        return hashlib.sha1(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")
