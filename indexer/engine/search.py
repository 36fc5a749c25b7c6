"""The search engine over one served index: open, search, facets, paging, one report.

:class:`SearchIndex` parses a :class:`~indexer.engine.query.Query`, evaluates it to a set of
document numbers (``matching.py``), counts the facets over that set (``columns.py``), ranks one page
(``ranking.py`` or a column sort) and reads the page's hits back through the document mapping
(``document.py``). It returns data (``results.py``); the web layer makes URLs of it.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import NamedTuple

import numpy as np
from whoosh.filedb.filestore import FileStorage

from indexer.engine import facets, highlight, querylang
from indexer.engine.columns import Columns
from indexer.engine.document import from_stored, hit_facts
from indexer.engine.errors import IndexMissing, QueryError
from indexer.engine.generations import current_generation, read_meta
from indexer.engine.matching import DocSets
from indexer.engine.query import SORTS, Query
from indexer.engine.ranking import Ranker
from indexer.engine.results import FacetValue, Hit, ReportView, SearchResult
from indexer.extract.normalise import search_text

__all__ = ["IndexMissing", "QueryError", "SearchIndex", "warm_up"]


def warm_up() -> None:
    """Load jieba's dictionary and the NFKC tables now (≈0.7 s) rather than in the first request."""
    from indexer.engine.words import init_jieba
    from indexer.extract.normalise import nfkc_string

    init_jieba()
    nfkc_string("")


class SearchIndex:
    """One served index. Thread-safe; reopens itself when a build commits a new version.

    ``SearchIndex(index_dir)`` opens the index (:class:`IndexMissing` if there is none); use it as a
    context manager, or call :meth:`close`. It searches with the facet registry in force when it
    was opened (``facets.current()``).
    """

    def __init__(self, index_dir: str | Path) -> None:
        self.index_dir = Path(index_dir)
        self.facets = facets.current()
        self._lock = threading.Lock()
        self._state: _OpenIndex | None = None
        self._state = self._open()
        warm_up()

    # -- opening -------------------------------------------------------------------------------
    def _open(self) -> _OpenIndex:
        gen = current_generation(self.index_dir)
        if gen is None:
            raise IndexMissing(f"no index in {self.index_dir}: run `python -m indexer build`")
        from indexer.schema import SCHEMA_VERSION

        built_with = read_meta(gen).get("schema")
        if built_with != SCHEMA_VERSION:
            raise IndexMissing(f"the index in {self.index_dir} was built by another version of nianbao "
                               f"(schema {built_with}, this one reads {SCHEMA_VERSION}): rebuild it with "
                               "`python -m indexer build`")
        # Read with plain file reads, not mmap: mapped index pages count as the server's resident
        # memory (630 MB against 148 MB at 10,000 reports, for ~8% more query time).
        ix = FileStorage(str(gen), supports_mmap=False, readonly=True).open_index()
        return _OpenIndex(gen, ix, ix.searcher(), self.facets)

    def _current(self) -> _OpenIndex:
        """The open index, reopened if CURRENT points elsewhere or the index was committed to."""
        with self._lock:
            state = self._state
            gen = current_generation(self.index_dir)
            if state is None or gen is None or gen != state.gen:
                if gen is None and state is not None:
                    return state
                # the old version is not closed here: a request may still be using it; its files
                # are closed when the last reference goes (_OpenIndex.__del__)
                self._state = self._open()
                return self._state
            if not state.searcher.up_to_date():
                # a new searcher, not searcher.refresh(): whoosh's refresh reuses segment readers
                # that keep the old deletion lists, so changed and deleted reports would linger
                self._state = _OpenIndex(state.gen, state.ix, state.ix.searcher(), self.facets)
                return self._state
            return state

    def close(self) -> None:
        """Close the open index files (also done when the object is garbage collected)."""
        with self._lock:
            if self._state is not None:
                self._state.close()
                self._state = None

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def stats(self) -> dict:
        st = self._current()

        manifest = read_meta(st.gen)
        return {"reports": st.searcher.doc_count(), "built": manifest.get("built"),
                "index_dir": str(self.index_dir), "generation": st.gen.name}

    # -- searching -----------------------------------------------------------------------------
    def search(self, query: Query) -> SearchResult:
        """One result page of ``query``: its total, hits with snippets, and facet counts."""
        t0 = time.perf_counter()
        with facets.using(self.facets):
            node = querylang.parse(query.q)
            filters = _filter_nodes(query, self.facets)
        combined = querylang.And((*filters, node)) if node is not None else (
            querylang.And(filters) if filters else None)
        st = self._current()
        with st.reading:
            columns = st.columns()
            matched = st.matched_docs(combined)
            total = len(matched.docset)
            counted = self._facets(query, matched.counts)
            totals = {name: len(matched.counts[name]) for name in self.facets.listed}

            start = (query.page - 1) * query.per_page
            hit_docs: list[tuple[int, float | None]] = []
            if total and start < total:
                hit_docs = self._rank(st, query, node, matched, columns, start)
            hay = querylang.needles(node)
            docs = highlight.IndexedDocuments(st.docsets())
            with facets.using(self.facets):
                hits = [self._hit(st.searcher, docnum, score, node, docs) for docnum, score in hit_docs]
        return SearchResult(query, total, hits, counted, (time.perf_counter() - t0) * 1000, hay, totals)

    def _rank(self, st: _OpenIndex, query: Query, node, matched: Matched, columns: Columns,
              start: int) -> list[tuple[int, float | None]]:
        """The hits of one page: BM25 over the query's words and bigrams, or a column sort."""
        end = start + query.per_page
        docs = matched.docs
        ranked: list[tuple[int, float | None]] = []
        if query.sort == "relevance":
            ranker = st.ranker()
            terms = ranker.ranking_terms(querylang.scoring_terms(node))
            if terms:
                ranked = list(ranker.top(terms, docs, end))
                if len(ranked) >= end or len(ranked) == len(docs):
                    return ranked[start:end]
        name, descending = SORTS[query.sort]
        # documents the ranking terms did not reach (matched by filters or negation only) follow
        if ranked:
            docs = docs[~np.isin(docs, np.asarray([d for d, _ in ranked], dtype=np.int64))]
        need = end - len(ranked)
        rank = columns.rank(name, descending)[docs]
        if len(rank) > need:
            pick = np.argpartition(rank, need - 1)[:need]
        else:
            pick = np.arange(len(rank))
        ordered = docs[pick[np.argsort(rank[pick])]]
        return (ranked + [(int(d), None) for d in ordered])[start:end]

    def _facets(self, query: Query, all_counts: dict[str, Counter]) -> dict[str, list[FacetValue]]:
        out: dict[str, list[FacetValue]] = {}
        for name in self.facets.listed:
            facet = self.facets[name]
            counts = all_counts[name]
            selected = query.selected(name)
            shown = facet.ordered(counts)[:facet.shown(name in query.expand)]
            shown_vals = {v for v, _ in shown}
            shown += [(v, counts.get(v, 0)) for v in selected if v not in shown_vals]
            out[name] = [FacetValue(v, c, v in selected, query.toggled(name, v)) for v, c in shown]
        return out

    def _hit(self, searcher, docnum: int, score: float | None, node,
             docs: highlight.IndexedDocuments) -> Hit:
        """One result: its facts, the passages that matched the query (marked exactly where it
        matched), and whether the report page marks a hit."""
        report = from_stored(searcher.stored_fields(docnum))
        norm = search_text(report.text)
        hay = highlight.match_needles(node, norm.text, docs.document(docnum))
        snips = highlight.snippets(report.text, hay, norm=norm)
        marked = any(s.marks for s in snips)
        return Hit(id=report.id, file=report.file, title=report.title, **hit_facts(report.facts),
                   snippets=snips, source_url=report.facts.get("source_url"),
                   score=round(score, 4) if score is not None else None, marked=marked)

    # -- one report ----------------------------------------------------------------------------
    def _stored_by_id(self, report_id: str) -> dict | None:
        st = self._current()
        with st.reading:
            docnum = st.searcher.document_number(id=report_id)
            return None if docnum is None else st.searcher.stored_fields(docnum)

    def report(self, report_id: str, q: str = "") -> ReportView | None:
        """One report with what ``q`` matched in it marked. Raises QueryError for a bad ``q``."""
        with facets.using(self.facets):
            node = querylang.parse(q) if q else None
        st = self._current()
        with st.reading:
            docnum = st.searcher.document_number(id=report_id)
            if docnum is None:
                return None
            report = from_stored(st.searcher.stored_fields(docnum))
            norm = search_text(report.text)
            doc = highlight.IndexedDocuments(st.docsets()).document(docnum)
            with facets.using(self.facets):
                hay = highlight.match_needles(node, norm.text, doc)
        spans = highlight.marks(report.text, hay, norm)
        return ReportView(report.id, report.file, report.title, report.facts, report.text, spans,
                          len(spans), report.facts.get("source_url"))

    def raw(self, report_id: str) -> tuple[bytes, str] | None:
        """The original file's bytes, read from the corpus folder the index was built from."""
        stored = self._stored_by_id(report_id)
        if stored is None:
            return None

        corpus = read_meta(self._current().gen).get("corpus")
        if not corpus:
            return None
        root = Path(corpus)
        path = root / stored["file"] if root.is_dir() else root
        try:
            if root.is_dir() and not path.resolve().is_relative_to(root.resolve()):
                return None  # replaced by a link out of the corpus since the build
            return path.read_bytes(), Path(stored["file"]).name
        except OSError:
            return None


def _filter_nodes(query: Query, registry: facets.Registry) -> tuple:
    """The URL's facet selections and ranges as query-language nodes (ANDed with the text)."""
    nodes: list = []
    for name, vals in query.filters:
        if isinstance(registry.get(name), facets.NumberFacet):
            terms = []
            for v in vals:
                try:
                    terms.append(querylang.FieldRange(name, int(v), int(v)))
                except ValueError:
                    raise QueryError(f"{name} 必须是整数（got {v!r}）") from None
        else:
            terms = [querylang.FieldTerm(name, v) for v in vals]
        nodes.append(terms[0] if len(terms) == 1 else querylang.Or(tuple(terms)))
    for name, mn, mx in query.ranges:
        nodes.append(querylang.FieldRange(name, mn, mx))
    return tuple(nodes)


class Matched(NamedTuple):
    """A query's matched documents and their facet counts."""

    docset: AbstractSet[int]  # a set, or a cached term's frozenset
    docs: np.ndarray  # the same documents, for numpy
    counts: dict[str, Counter]


class _OpenIndex:
    """One index version: its searcher, value columns, and a small cache of matched sets."""

    CACHE_SIZE = 32

    def __init__(self, gen: Path, ix, searcher, registry: facets.Registry) -> None:
        self.gen, self.ix, self.searcher, self.registry = gen, ix, searcher, registry
        self._columns: Columns | None = None
        self._docsets: DocSets | None = None
        self._ranker: Ranker | None = None
        self._cache: OrderedDict[object, Matched] = OrderedDict()
        self._lock = threading.Lock()
        # whoosh reads a segment's files through one shared file object (seek, then read): two
        # threads reading at once can read each other's bytes. Requests on one index version take
        # turns on its files; a new version has its own.
        self.reading = threading.RLock()

    def columns(self) -> Columns:
        with self._lock:
            if self._columns is None:
                self._columns = Columns(self.searcher, self.registry)
            return self._columns

    def ranker(self) -> Ranker:
        with self._lock:
            if self._ranker is None:
                self._ranker = Ranker(self.searcher.reader())
            return self._ranker

    def docsets(self) -> DocSets:
        with self._lock:
            if self._docsets is None:
                self._docsets = DocSets(self.searcher, lambda name: self.columns().numbers[name])
            return self._docsets

    def matched(self, node) -> tuple[AbstractSet[int], dict[str, Counter]]:
        """The documents matching ``node`` and their facet counts."""
        m = self.matched_docs(node)
        return m.docset, m.counts

    def matched_docs(self, node) -> Matched:
        """The documents matching ``node`` (as a set and as an array) and their facet counts,
        cached per index version (paging, sorting and facet clicks re-run the same query)."""
        key = repr(node)
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit
        columns = self.columns()
        docset = self.docsets().evaluate(node)
        docs = np.fromiter(docset, dtype=np.int64, count=len(docset))
        out = Matched(docset, docs, columns.counts(docs))
        with self._lock:
            self._cache[key] = out
            while len(self._cache) > self.CACHE_SIZE:
                self._cache.popitem(last=False)
        return out

    def close(self) -> None:
        # closing twice, or after a failed open, is harmless
        with contextlib.suppress(Exception):
            self.searcher.close()

    def __del__(self) -> None:
        self.close()
