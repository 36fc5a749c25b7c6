"""The search engine over one served index: open, search, facets, paging, one report.

:class:`SearchIndex` parses a :class:`~indexer.engine.query.Query`, evaluates it to a set of
document numbers (``matching.py``), counts the facets over that set (``columns.py``), ranks one page
(``ranking.py`` or a column sort) and reads the page's hits back through the document mapping
(``document.py``). It returns data (``results.py``); the web layer makes URLs of it.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import replace
from pathlib import Path
from typing import NamedTuple

import numpy as np

from indexer.engine import corpusfacts, facets, highlight, pinning, querylang
from indexer.engine.columns import Columns
from indexer.engine.document import HIT_FACTS, from_stored, stored_hit
from indexer.engine.errors import IndexMissing, QueryError
from indexer.engine.files import PositionalStorage
from indexer.engine.generations import current_generation, read_meta
from indexer.engine.matching import DocSets
from indexer.engine.query import SORTS, Query
from indexer.engine.ranking import Ranker
from indexer.engine.results import FacetValue, Forgiven, Hit, ReportView, SearchResult
from indexer.engine.textstore import read_stored

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
        self._opening = False  # a request is opening a new version (_current)
        self._extra: dict = {}  # per index version: columns the overview reads (body names)
        self._state = self._open()
        self._state.warm()
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
        # Read with positional reads, not mmap: mapped index pages count as the server's resident
        # memory (630 MB against 148 MB at 10,000 reports, for ~8% more query time); and with a
        # position per thread, so that concurrent searches need no lock (engine/files.py).
        ix = PositionalStorage(str(gen)).open_index()
        return _OpenIndex(gen, ix, ix.searcher(), self.facets)

    def _current(self) -> _OpenIndex:
        """The version this read uses: the one the request already read (``one_version``), or the
        newest (``_latest``)."""
        return pinning.pinned(self, self._latest)

    def _latest(self) -> _OpenIndex:
        """The open index, reopened if CURRENT points elsewhere or the index was committed to.

        The request that finds a new version opens and warms it; requests arriving meanwhile are
        answered from the version they found (complete, and still on disk), so none waits."""
        with self._lock:
            state = self._state
            gen = current_generation(self.index_dir)
            fresh = state is not None and state.searcher.up_to_date() and \
                corpusfacts.table_stamp(state.gen) == state.stamp
            if state is not None and (gen is None or (gen == state.gen and fresh)):
                return state
            if state is not None and self._opening:
                return state
            self._opening = True
        try:
            if state is not None and gen == state.gen:
                # (the corpus-facts table is written just after an incremental build's commit)
                # a new searcher, not searcher.refresh(): whoosh's refresh reuses segment readers
                # that keep the old deletion lists, so changed and deleted reports would linger
                new = _OpenIndex(state.gen, state.ix, state.ix.searcher(), self.facets)
            else:
                new = self._open()
            new.warm()
        finally:
            with self._lock:
                self._opening = False
        with self._lock:
            # the old version is not closed here: a request may still be using it; its files are
            # closed when the last reference goes (_OpenIndex.__del__)
            self._state = new
        return new

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
        columns = st.columns()
        matched = st.matched_docs(combined)
        total = len(matched.docset)
        counted = self._facets(query, self._counts_beside_selection(st, query, node, matched))
        totals = {name: len(matched.counts[name]) for name in self.facets.listed}

        start = (query.page - 1) * query.per_page
        hit_docs: list[tuple[int, float | None]] = []
        if total and start < total:
            hit_docs = self._rank(st, query, node, matched, columns, start)
        hay = querylang.needles(node)
        docs = highlight.IndexedDocuments(st.docsets())
        with facets.using(self.facets):
            table = st.table()
            hits = [self._hit(st.searcher, docnum, score, node, docs, table) for docnum, score in hit_docs]
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
        # only the page's part of the column order becomes hits (a deep page: 20 of thousands)
        tail = ordered[max(start - len(ranked), 0):].tolist()
        return (ranked[start:] + [(d, None) for d in tail])[:end - start]

    def _facets(self, query: Query,
                all_counts: Mapping[str, Mapping[str, int]]) -> dict[str, list[FacetValue]]:
        out: dict[str, list[FacetValue]] = {}
        for name in self.facets.listed:
            facet = self.facets[name]
            counts = all_counts.get(name, Counter())  # a backend without a facet counts nothing
            selected = query.selected(name)
            size = facet.shown(name in query.expand)
            shown = facet.ordered(counts, size)[:size]
            shown_vals = {v for v, _ in shown}
            shown += [(v, counts.get(v, 0)) for v in selected if v not in shown_vals]
            out[name] = [FacetValue(v, c, v in selected, query.toggled(name, v)) for v, c in shown]
        return out

    def _hit(self, searcher, docnum: int, score: float | None, node,
             docs: highlight.IndexedDocuments, table: corpusfacts.CorpusTable | None = None) -> Hit:
        """One result: its facts, the passages that matched the query (marked exactly where it
        matched), and whether the report page marks a hit."""
        stored = searcher.stored_fields(docnum)
        facts = (table or corpusfacts.CorpusTable()).merged(stored["id"], stored_hit(stored))
        text = read_stored(stored)  # what the build prepared: read in part, never normalised again
        doc = docs.document(docnum)
        hay = highlight.hit_needles(node, text, doc)
        snips, count = highlight.hit_snippets(text, hay, doc)
        marked = any(s.marks for s in snips)
        return Hit(id=stored["id"], file=stored["file"], title=stored.get("title") or stored["file"],
                   **{k: facts.get(k) for k in HIT_FACTS}, snippets=snips, source_url=facts.get("source_url"),
                   score=round(score, 4) if score is not None else None, marked=marked, hit_count=count,
                   body_id=facts.get("body_id"), **{k: facts.get(k) for k in CORPUS_HIT_FACTS})

    def _counts_beside_selection(self, st: _OpenIndex, query: Query, node,
                                 matched: Matched) -> dict[str, Mapping[str, int]]:
        """Facet counts where a facet with selected values is counted without its own selection, so
        that its other values stay listed (with the counts they would add: values of one facet OR)."""
        counts = dict(matched.counts)
        for name, _vals in query.filters:
            if name not in self.facets.listed:
                continue
            others = replace(query, filters=tuple(f for f in query.filters if f[0] != name))
            with facets.using(self.facets):
                combined = _combine(_filter_nodes(others, self.facets), node)
            counts[name] = st.matched_docs(combined).counts[name]
        return counts

    def forgiving(self, query: Query) -> Forgiven:
        """``query`` with place filters typed without their suffix read as the indexed place
        (``town:某楼`` → ``town:某楼镇``), and what was read as what: (field, typed, matched)."""
        if not query.q or ":" not in query.q:
            return Forgiven(query, [], [])
        st = self._current()
        columns = st.columns()
        known = {name: set(columns.labels[name]) for name in PLACE_SUFFIXES if name in columns.labels}
        return forgive_places(query, known)

    def unknown_fields(self, q: str) -> list[str]:
        """Names typed as ``name:value`` that are no field of the index (read as plain words)."""
        import re

        known = {f.name for f in self.facets} | {"file"}
        return [m for m in dict.fromkeys(re.findall(r"(?:^|[\s(])-?([A-Za-z_]+):", q)) if m not in known]

    def uncounted_facets(self, query: Query) -> list[str]:
        """The listed facets this backend cannot count for ``query`` (none: every one is counted)."""
        return []

    def iter_facts(self, query: Query):
        """Every matched report of ``query`` as (id, file, title, facts), in the result order, every
        page, without snippets: what an export writes. The query is parsed and matched now, so a bad
        one raises QueryError before a streamed export has sent its first line (a 400, not a 200 cut
        short)."""
        with facets.using(self.facets):
            node = querylang.parse(query.q)
            filters = _filter_nodes(query, self.facets)
        st = self._current()
        matched = st.matched_docs(_combine(filters, node))
        total = len(matched.docset)
        whole = replace(query, page=1, per_page=max(total, 1))
        ranked = self._rank(st, whole, node, matched, st.columns(), 0) if total else []

        def rows():
            table = st.table()
            for start in range(0, len(ranked), 200):
                chunk = [st.searcher.stored_fields(d) for d, _ in ranked[start:start + 200]]
                for stored in chunk:
                    yield stored["id"], stored["file"], stored.get("title") or stored["file"], \
                        table.merged(stored["id"], json.loads(stored["facts"]))

        return rows()

    def overview(self, query: Query, top: int = 10) -> dict:
        """Totals over the whole result set of ``query``: sums of the key numbers, rates over the
        ``verified`` reports only, the numbers by year, the top bodies by applications and litigation."""
        with facets.using(self.facets):
            node = querylang.parse(query.q)
            filters = _filter_nodes(query, self.facets)
        st = self._current()
        columns = st.columns()
        matched = st.matched_docs(_combine(filters, node))
        bodies = self._bodies(st)
        docs = matched.docs
        num = columns.numbers

        def total(name: str, sel=docs) -> int:
            values, present = num[name]
            return int(values[sel][present[sel]].sum()) if len(sel) else 0

        sums = {name: total(name) for name in OVERVIEW_SUMS}
        verified_code = columns.labels["status"].index("verified") if "verified" in columns.labels["status"] \
            else -1
        verified = docs[columns.codes["status"][docs] == verified_code] if len(docs) else docs
        rates = {}
        for key, numerators, denominator in OVERVIEW_RATES:
            den = total(denominator, verified)
            top_ = sum(total(n, verified) for n in numerators)
            rates[key] = {"numerator": top_, "denominator": den,
                          "rate": round(top_ / den, 4) if den else None}
        by_year: dict[int, dict[str, int]] = {}
        year_values, year_present = num["year"]
        for y in sorted({int(v) for v in year_values[docs][year_present[docs]]}):
            sel = docs[(year_values[docs] == y) & year_present[docs]]
            by_year[y] = {"reports": len(sel), **{n: total(n, sel) for n in OVERVIEW_BY_YEAR}}
        names, codes = bodies
        body_codes = codes[docs]
        reports_per = np.bincount(body_codes, minlength=len(names))

        def ranked(name: str) -> list[tuple[str, int, int]]:
            values, present = num[name]
            sums_per = np.bincount(body_codes, weights=np.where(present[docs], values[docs], 0),
                                   minlength=len(names)).astype(np.int64)
            picked = [c for c in np.flatnonzero(sums_per > 0) if names[c]]
            rows = [(names[c], int(reports_per[c]), int(sums_per[c])) for c in picked]
            return sorted(rows, key=lambda r: (-r[2], r[0]))[:top]

        return {"reports": len(docs), "verified": len(verified), "left_out": len(docs) - len(verified),
                "sums": sums, "rates": rates, "by_year": by_year,
                **{key: ranked(name) for key, name in OVERVIEW_TOP.items()}}

    def _bodies(self, st: _OpenIndex) -> tuple[list[str], np.ndarray]:
        """The publishing bodies (names) and each document's body as a code into them: a column read
        once per index version, so that the overview counts per body with numpy."""
        key = ("bodies", st.gen, id(st.searcher))
        got = self._extra.get(key)
        if got is None:
            n = st.searcher.reader().doc_count_all()
            column = [v or "" for v in Columns._column(st.searcher, "body", n)]
            names, codes = np.unique(np.asarray(column, dtype=object), return_inverse=True) if column else (
                np.asarray([], dtype=object), np.zeros(0, dtype=np.int64))
            got = ([str(x) for x in names], codes.astype(np.int64))
            self._extra = {key: got}
        return got

    def body_reports(self, body_id: str) -> list[tuple[str, str, dict]]:
        """Every report of one body (its stable ``body_id``) as (id, title, facts), oldest first. The
        id is a term, not query text: an id from a URL that the query language cannot parse is a
        body without reports (404), not an error."""
        st = self._current()
        matched = st.matched_docs(querylang.FieldTerm("body_id", body_id))
        stored = [st.searcher.stored_fields(int(d)) for d in matched.docs]
        table = st.table()
        return sorted(((s["id"], s.get("title") or s["file"], table.merged(s["id"], json.loads(s["facts"])))
                       for s in stored), key=lambda r: (r[2].get("year") or 0, r[0]))

    def suggest(self, prefix: str, limit: int = 10) -> list[tuple[str, str]]:
        """Places and bodies of the index that start with (places) or contain (bodies) ``prefix``,
        as (field, value), places first: the search box's autocomplete."""
        prefix = prefix.strip()
        if not prefix:
            return []
        st = self._current()
        columns = st.columns()
        bodies = self._bodies(st)
        out: list[tuple[str, str]] = []
        for name in PLACE_SUFFIXES:
            values = sorted(set(columns.labels.get(name, ())))
            out += [(name, v) for v in values if v and v.startswith(prefix)]
        out += [("body", v) for v in bodies[0] if v and prefix in v]
        return out[:limit]

    def reports_by_id(self, ids: list[str]) -> list[tuple[str, str, dict]]:
        """(id, title, facts) of each known id, in the order given."""
        out = []
        table = self._current().table()
        for rid in ids:
            stored = self._stored_by_id(rid)
            if stored is not None:
                out.append((stored["id"], stored.get("title") or stored["file"],
                            table.merged(stored["id"], json.loads(stored["facts"]))))
        return out

    # -- one report ----------------------------------------------------------------------------
    def _stored_by_id(self, report_id: str) -> dict | None:
        st = self._current()
        docnum = st.searcher.document_number(id=report_id)
        return None if docnum is None else st.searcher.stored_fields(docnum)

    def report(self, report_id: str, q: str = "") -> ReportView | None:
        """One report with what ``q`` matched in it marked. Raises QueryError for a bad ``q``."""
        with facets.using(self.facets):
            node = querylang.parse(q) if q else None
        st = self._current()
        docnum = st.searcher.document_number(id=report_id)
        if docnum is None:
            return None
        stored = st.searcher.stored_fields(docnum)
        report = from_stored(stored)
        text = read_stored(stored)
        norm_text = text.norm.whole()  # the whole text, as the build normalised it
        doc = highlight.IndexedDocuments(st.docsets()).document(docnum)
        with facets.using(self.facets):
            hay = highlight.match_needles(node, norm_text, doc)
        spans = highlight.stored_marks(text, norm_text, hay)
        facts = st.table().merged(report.id, report.facts)
        return ReportView(report.id, report.file, report.title, facts, report.text, spans,
                          len(spans), facts.get("source_url"))

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


# What a result set's overview adds up (both backends): the sums, the rates over verified reports
# (key, numerators, denominator), the numbers by year, the bodies ranked by a number.
OVERVIEW_SUMS = ("applications_new", "granted_full", "applications_total", "reconsideration_total",
                 "litigation_total")
OVERVIEW_RATES = (
    ("granted", ("granted_full", "applications_partial"), "applications_total"),
    ("reconsideration_corrected", ("reconsideration_corrected",), "reconsideration_total"),
    ("litigation_corrected", ("litigation_corrected",), "litigation_total"),
)
OVERVIEW_BY_YEAR = ("applications_new", "reconsideration_total", "litigation_total")
OVERVIEW_TOP = {"top_applications": "applications_new", "top_litigation": "litigation_total"}


def _filter_nodes(query: Query, registry: facets.Registry) -> tuple:
    """The URL's facet selections and ranges as query-language nodes (ANDed with the text)."""
    nodes: list = []
    for name, vals in query.filters:
        terms: list[querylang.Node]
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
    for name, path in query.paths:
        h = registry.hierarchy(name)
        if h is not None:
            nodes.extend(querylang.FieldTerm(level, v) for level, v in zip(h.levels, path, strict=False))
    return tuple(nodes)


def _combine(filters: tuple, node) -> object:
    if node is not None:
        return querylang.And((*filters, node))
    return querylang.And(filters) if filters else None


# place facets typed without their suffix (town:某楼 → 某楼镇, province:山东 → 山东省)
PLACE_SUFFIXES = {"province": ("省", "市", "自治区"), "city": ("市", "地区", "自治州", "盟"),
                  "county": ("县", "区", "市", "旗", "自治县"), "town": ("镇", "乡", "街道", "街道办事处")}


AMBIGUOUS_SHOWN = 5  # candidates named for a place that begins several


def forgive_places(query: Query, known: dict[str, set[str]]) -> Forgiven:
    """``query`` with each place typed without its suffix read as the one of ``known`` (the place
    values an index holds, per facet) that it names: the suffixed form first, else the only known
    value it begins (several: none is chosen, and they are named). Shared by both backends."""
    notes: list[tuple[str, str, str]] = []
    ambiguous: list[tuple[str, str, list[str]]] = []
    q = query.q
    for name, suffixes in PLACE_SUFFIXES.items():
        values = known.get(name)
        if not values:
            continue
        for typed in dict.fromkeys(_field_values(q, name)):
            if typed in values:
                continue
            hits = [typed + sfx for sfx in suffixes if typed + sfx in values]
            if not hits:
                begun = sorted(v for v in values if v and v.startswith(typed))
                if len(begun) > 1:
                    ambiguous.append((name, typed, begun[:AMBIGUOUS_SHOWN]))
                    continue
                hits = begun
            if hits:
                q = re.sub(rf"(^|[\s(-]){name}:{re.escape(typed)}(?=$|[\s()])", rf"\g<1>{name}:{hits[0]}", q)
                notes.append((name, typed, hits[0]))
    return Forgiven(replace(query, q=q), notes, ambiguous)


def _field_values(q: str, name: str) -> list[str]:
    """The values typed after ``name:`` in query text (unquoted)."""
    return re.findall(rf"(?:^|[\s(-]){name}:([^\s()\"]+)", q)


# The corpus facts a search result carries (``Hit`` fields; the API's hit keys).
CORPUS_HIT_FACTS = ("cross_year", "reuse_max", "reuse_from", "reuse_kind")


class Matched(NamedTuple):
    """A query's matched documents and their facet counts."""

    docset: AbstractSet[int]  # a matching.DocMask
    docs: np.ndarray  # the same documents, for numpy
    counts: dict[str, Mapping[str, int]]


# the text fields relevance ranks by (querylang.scoring_terms): their length columns are read at open
RANKED_FIELDS = ("words", "title_words", "body_words", "grams")


class _OpenIndex:
    """One index version: its searcher, value columns, and a small cache of matched sets.

    Any number of requests use one version at once: its files are read with a position per thread
    (``engine/files.py``), and its caches are thread-safe (``SizedLRU``, or filled under ``_lock``).
    """

    CACHE_SIZE = 32

    def __init__(self, gen: Path, ix, searcher, registry: facets.Registry) -> None:
        self.gen, self.ix, self.searcher, self.registry = gen, ix, searcher, registry
        self.stamp = corpusfacts.table_stamp(gen)  # read before the table: a newer one reopens
        self._table: corpusfacts.CorpusTable | None = None
        self._columns: Columns | None = None
        self._docsets: DocSets | None = None
        self._ranker: Ranker | None = None
        self._cache: OrderedDict[object, Matched] = OrderedDict()
        self._lock = threading.Lock()

    def warm(self) -> None:
        """Read now what every search needs (value columns, the live documents, the length columns
        BM25 reads: a few MB at 100,000 reports), so that the first search after opening a version
        costs what the others do."""
        self.columns()
        self.docsets()
        ranker = self.ranker()
        for field in RANKED_FIELDS:
            if field in self.ix.schema:
                ranker.lengths(field)

    def table(self) -> corpusfacts.CorpusTable:
        """The generation's corpus facts (cross-year, reuse), read once per index version."""
        with self._lock:
            if self._table is None:
                self._table = corpusfacts.CorpusTable.read(self.gen)
            return self._table

    def columns(self) -> Columns:
        table = self.table()
        with self._lock:
            if self._columns is None:
                self._columns = Columns(self.searcher, self.registry, table)
            return self._columns

    def ranker(self) -> Ranker:
        docsets = self.docsets()  # its word postings files serve ranking too
        with self._lock:
            if self._ranker is None:
                self._ranker = Ranker(self.searcher.reader(), docsets.word_file, docsets.gram_keys)
            return self._ranker

    def docsets(self) -> DocSets:
        with self._lock:
            if self._docsets is None:
                self._docsets = DocSets(self.searcher, lambda name: self.columns().numbers[name],
                                        (frozenset(self.registry.corpus),
                                         lambda name, value: self.columns().docs_with(name, value)),
                                        folder=self.gen)
            return self._docsets

    def matched(self, node) -> tuple[AbstractSet[int], dict[str, Mapping[str, int]]]:
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
        docs = docset.docs()
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
