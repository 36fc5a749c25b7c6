"""The build's worker: one report file in, its index document (with postings made ahead) out.

Runs in worker processes: reading, extracting, word cutting and the bigram postings are the
expensive part of a build, and all of it is done here. In a full build each worker also writes its
documents into whoosh segments of its own (:func:`write_in_workers`): no document crosses a process
boundary and no single writer holds the others up. An incremental build sends the documents back to
the one writer that replaces them in place (:func:`prepared`).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import queue
import signal
import threading
import traceback
from collections.abc import Iterable, Iterator
from functools import cache, partial
from pathlib import Path
from types import FrameType
from typing import Any

from indexer.engine import corpusfacts
from indexer.engine.document import to_document
from indexer.engine.words import cut_words, init_jieba
from indexer.engine.writer import SegmentedWriter
from indexer.extract.normalise import search_string
from indexer.extract.read import ReadError, SourceText, read_source
from indexer.extract.report import extract
from indexer.schema import WORD_SEP, field_postings, make_schema

# (root, relpath) or (root, relpath, sha1 recorded for it): a file whose content still has the
# recorded hash comes back unchanged, hashed once and not parsed.
# The most characters of text one file may have: a report's text is 10,000-100,000 characters (a
# 300-page PDF about 500,000), and extracting and cutting one costs about 95 bytes a character at its
# peak (a 20 MB text file, 7 million characters: 666 MiB in its worker), so this bounds a worker's
# memory at about 200 MiB a file; a longer text is skipped and named, not indexed.
MAX_TEXT_CHARS = 2_000_000
Task = tuple[str, str] | tuple[str, str, str | None]
# (relpath, document or None, skip reason or None); neither document nor reason: unchanged
Prepared = tuple[str, dict[str, Any] | None, str | None]
# (relpath, sha1 or None, skip reason or None, format or None, the corpus step's part or None): a
# file written by a worker (the part: ``corpusfacts.worker_part``, sent back to the parent)
Written = tuple[str, str | None, str | None, str | None, Any]
CHUNK = 8  # files a worker takes at a time


@cache
def _schema():
    return make_schema()  # for the postings; made once per process


def read_task(task: Task) -> SourceText | None:
    """The file of ``task`` read, or None when its content still has the recorded hash (both
    backends' workers). Raises ReadError, also for a link to a file outside the corpus."""
    root, rel = task[0], task[1]
    known_sha1 = task[2] if len(task) > 2 else None
    path = Path(root) / rel
    if not path.resolve().is_relative_to(Path(root).resolve()):  # a link must not leak a file
        raise ReadError("symbolic link to a file outside the corpus")
    source = read_source(path)
    return None if known_sha1 is not None and source.sha1 == known_sha1 else source


def prepare_document(task: Task, corpus_part: bool = False) -> Prepared:
    """(relpath, document fields or None, skip reason or None) for one file. ``corpus_part``: the
    document also carries what the build's corpus step needs (``corpusfacts.PART_KEY``; the build
    takes it out before writing)."""
    rel = task[1]
    try:
        source = read_task(task)
        if source is None:
            return rel, None, None
        if len(source.text) > MAX_TEXT_CHARS:
            return rel, None, (f"text of {len(source.text):,} characters, over the limit of "
                               f"{MAX_TEXT_CHARS:,} a file (the build's per-file memory bound)")
        facts, norm = extract(source.text, rel, source.problems)  # norm: the search text, folded once
    except ReadError as err:
        return rel, None, str(err)
    except Exception as err:  # an extractor bug must not lose the rest of the corpus
        return rel, None, f"extraction failed: {type(err).__name__}: {err}"
    facts["encoding"] = source.encoding
    facts["format"] = source.format  # last key: the build counts formats from the JSON tail
    doc = to_document(facts, rel=rel, sha1=source.sha1, text=source.text)
    doc.update(text_postings(doc["title"], facts.get("body") or "", source.text, norm))
    if corpus_part:
        doc[corpusfacts.PART_KEY] = corpusfacts.worker_part(doc["id"], facts, norm)
    return rel, doc, None


def text_postings(title: str, body: str, text: str, norm: str | None = None) -> dict[str, Any]:
    """The searchable text fields: jieba words of the title, the publishing body and the text,
    and the text's character bigrams (see ``indexer.schema``). ``norm`` is the text's search
    string when the extraction already made it (``search_string(text)``)."""
    schema = _schema()
    if norm is None:
        norm = search_string(text)
    return {
        "title_words": WORD_SEP.join(cut_words(search_string(title))),
        "body_words": WORD_SEP.join(cut_words(body)),
        "words": field_postings(schema["words"], WORD_SEP.join(cut_words(norm)), "words"),
        "grams": field_postings(schema["grams"], norm, "grams"),
        "search_len": len(norm),
    }


def prepared(tasks: list[Task], procs: int, timeout: float | None = None) -> Iterable[Prepared]:
    """:func:`prepare_document` over ``tasks``, in ``procs`` forked processes when worth it; a file
    whose parsing takes longer than ``timeout`` seconds is skipped with that reason."""
    if not tasks:
        return
    work = partial(prepare_bounded, timeout=timeout)
    init_jieba()  # once in the parent: forked workers inherit the loaded dictionary
    if procs <= 1 or len(tasks) < 8:
        yield from map(work, tasks)
        return
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(procs) as pool:
        yield from pool.imap(work, tasks, chunksize=4)


def write_in_workers(ix, tasks: list[Task], procs: int, timeout: float | None, segment_docs: int,
                     segments: list) -> Iterator[Written]:
    """A full build's parsing and writing: each of ``procs`` forked processes takes files from a
    queue, prepares them and writes the documents into whoosh segments of its own (a private
    :class:`~indexer.engine.writer.SegmentedWriter`, a segment per ``segment_docs`` of its reports).
    Yields each file's hash, skip reason and format as they come; the finished segments are appended
    to ``segments`` once every worker is done (``writer.commit_segments`` lists them in the index)."""
    init_jieba()  # once in the parent: forked workers inherit the loaded dictionary
    chunks = [tasks[i:i + CHUNK] for i in range(0, len(tasks), CHUNK)]
    if procs <= 1 or len(tasks) < 8:
        sink = _Sink(ix, segment_docs, timeout)
        try:
            for chunk in chunks:
                yield from sink.write(chunk)
        except BaseException:
            sink.writer.cancel()
            raise
        segments.extend(sink.finish())
        return
    ctx = multiprocessing.get_context("fork")
    jobs, results = ctx.Queue(), ctx.Queue()
    me = os.getpid()
    workers = [ctx.Process(target=_segment_worker, args=(ix, segment_docs, timeout, jobs, results, me),
                           daemon=True) for _ in range(procs)]
    for w in workers:
        w.start()  # before the first put: no queue thread is running when they fork
    for chunk in chunks:
        jobs.put(chunk)
    for _ in workers:
        jobs.put(None)
    done = 0
    try:
        while done < len(workers):
            try:
                kind, payload = results.get(timeout=1.0)
            except queue.Empty:
                dead = [w.exitcode for w in workers if w.exitcode not in (None, 0)]
                if dead:
                    raise RuntimeError(f"a build worker died (exit status {dead[0]})") from None
                continue
            if kind == "files":
                yield from payload
            elif kind == "segments":
                segments.extend(payload)
                done += 1
            else:
                raise RuntimeError(f"a build worker failed: {payload}")
    finally:
        if done < len(workers):  # stopped early: the caller removes what was written
            for w in workers:
                w.terminate()
        for w in workers:
            w.join()


class _Sink:
    """One process's share of a full build: files prepared and written into its own segments."""

    def __init__(self, ix, segment_docs: int, timeout: float | None) -> None:
        self.writer = SegmentedWriter(ix, segment_docs, private=True)
        self.timeout = timeout

    def write(self, chunk: list[Task]) -> list[Written]:
        out: list[Written] = []
        for task in chunk:
            rel, doc, reason = prepare_bounded(task, self.timeout)
            if doc is None:  # a full build knows no hashes: no document means skipped
                out.append((rel, None, reason or "unknown error", None, None))
                continue
            part = doc.pop(corpusfacts.PART_KEY, None)
            self.writer.add_document(**doc)
            out.append((rel, doc["sha1"], None, format_of(doc), part))
        return out

    def finish(self) -> list:
        self.writer.commit()
        return self.writer.segments


def _segment_worker(ix, segment_docs: int, timeout: float | None, jobs, results, parent: int) -> None:
    """A worker process of :func:`write_in_workers`; any failure goes back to the parent as text."""
    try:
        sink = _Sink(ix, segment_docs, timeout)
        while (chunk := _next_job(jobs, results, parent)) is not None:
            results.put(("files", sink.write(chunk)))
        results.put(("segments", sink.finish()))
    except BaseException as err:
        results.put(("error", f"{type(err).__name__}: {err}\n{traceback.format_exc()}"))


def _next_job(jobs, results, parent: int):
    """The next chunk of files, or None at the end. A worker whose build process died (killed) leaves
    at once: it would wait on the queue for ever, holding the build lock it inherited, and the next
    build would wait behind it (what it wrote is removed with the dead build's generation)."""
    while True:
        if os.getppid() != parent:
            results.cancel_join_thread()  # nobody reads its results: do not wait to flush them
            os._exit(1)
        try:
            return jobs.get(timeout=1.0)
        except queue.Empty:
            continue


def format_of(doc: dict[str, Any]) -> str:
    """The SourceText.format that prepare_document put last in the document's facts JSON: read from
    its tail (parsing 7 kB of JSON per report would cost 20 s per 100,000)."""
    tail = doc["facts"][-32:]
    i = tail.rfind('"format": "')
    return tail[i + 11:].rstrip('"}') if i >= 0 else "txt"


class _FileTimeout(BaseException):
    """Raised by the alarm inside a parse that ran too long (a BaseException: the extractor's
    ``except Exception`` must not swallow it)."""


def _raising_is_ignored_at(frame: FrameType | None) -> bool:
    """Whether an exception raised at ``frame`` would be swallowed by Python: inside a gc callback
    (hypothesis installs one, for instance) or a ``__del__`` it is printed as "Exception ignored" and
    lost, so the alarm waits for its next repeat instead."""
    gc_callback_codes = {getattr(callback, "__code__", None) for callback in gc.callbacks}
    while frame is not None:
        if frame.f_code in gc_callback_codes or frame.f_code.co_name == "__del__":
            return True
        frame = frame.f_back
    return False


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    if not _raising_is_ignored_at(frame):
        raise _FileTimeout


ALARM_REPEAT = 0.05  # seconds between the per-file alarm's repeats (prepare_bounded)


def prepare_bounded(task: Task, timeout: float | None) -> Prepared:
    """:func:`prepare_document` stopped after ``timeout`` seconds by a SIGALRM in the process doing it.

    Each pool worker is a process of its own, so its alarm bounds only its file; Python code and
    regular expressions see the signal (C code that never checks for signals would not). Off the
    main thread (a build run from a server thread) signals cannot be used and there is no bound.
    """
    if not timeout or threading.current_thread() is not threading.main_thread():
        return prepare_document(task, corpus_part=True)
    old = signal.signal(signal.SIGALRM, _on_alarm)
    try:
        # then again every ALARM_REPEAT seconds until it is disarmed: an exception raised where Python
        # ignores it (a __del__, a weakref or gc callback) would otherwise lose the bound
        signal.setitimer(signal.ITIMER_REAL, timeout, ALARM_REPEAT)
        try:
            return prepare_document(task, corpus_part=True)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except _FileTimeout:
        return task[1], None, f"took longer than {timeout:g} s to parse (the build's per-file time limit)"
    finally:
        signal.signal(signal.SIGALRM, old)
