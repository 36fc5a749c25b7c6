"""The build's worker: one report file in, its index document (with postings made ahead) out.

Runs in worker processes: reading, extracting, jieba and the bigram postings are the expensive
part of a build, and all of it is done here so the single whoosh writer only adds what it gets.
"""

from __future__ import annotations

import multiprocessing
import signal
import threading
from collections.abc import Iterable
from functools import cache, partial
from pathlib import Path
from typing import Any

from indexer.engine import corpusfacts
from indexer.engine.document import to_document
from indexer.engine.words import cut_words, init_jieba
from indexer.extract.normalise import search_string
from indexer.extract.read import ReadError, SourceText, read_source
from indexer.extract.report import extract
from indexer.schema import WORD_SEP, field_postings, make_schema

# (root, relpath) or (root, relpath, sha1 recorded for it): a file whose content still has the
# recorded hash comes back unchanged, hashed once and not parsed.
Task = tuple[str, str] | tuple[str, str, str | None]
# (relpath, document or None, skip reason or None); neither document nor reason: unchanged
Prepared = tuple[str, dict[str, Any] | None, str | None]


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
        facts, norm = extract(source.text, rel)  # norm: the search text, folded once
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


class _FileTimeout(BaseException):
    """Raised by the alarm inside a parse that ran too long (a BaseException: the extractor's
    ``except Exception`` must not swallow it)."""


def _on_alarm(signum, frame) -> None:
    raise _FileTimeout


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
        signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            return prepare_document(task, corpus_part=True)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except _FileTimeout:
        return task[1], None, f"took longer than {timeout:g} s to parse (the build's per-file time limit)"
    finally:
        signal.signal(signal.SIGALRM, old)
