"""Searching the shards: the query language's tree → a Xapian query, results as the whoosh backend
gives them (``indexer.engine.query``'s ``SearchResult``, ``Hit``, ``FacetValue``, ``ReportView``).

Matching is the same set as the whoosh backend's (``matching.DocSets``), built from Xapian
operators: a word is (all its jieba words) OR (the string as a phrase); a phrase an ``OP_PHRASE``
over its bigrams; filters boolean terms; ranges ``OP_VALUE_RANGE`` over ``sortable_serialise``d
slots; NOT an ``OP_AND_NOT`` from all documents. The match is given weight 0 and ranking comes
from an ``OP_AND_MAYBE`` of BM25 over the positive words (title ×3, body name ×2) and phrase
bigrams, so ranking never changes what matches. Facet counts are ``ValueCountMatchSpy``s over
every match (``checkatleast`` = all documents), merged by Xapian across the shards.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from indexer.engine import facets, highlight, querylang
from indexer.engine.document import hit_facts
from indexer.engine.errors import IndexMissing, Unsupported
from indexer.engine.query import Query
from indexer.engine.querylang import And, FieldRange, FieldTerm, Node, Not, Or, Phrase, Word, query_words
from indexer.engine.results import Forgiven, Hit, ReportView, SearchResult
from indexer.engine.search import SearchIndex, _filter_nodes, warm_up
from indexer.engine.xapian import schema as xs
from indexer.engine.xapian.cluster import Shard, ShardUnavailable, allow_partial_var, combine, probe
from indexer.extract.normalise import normalise_query_phrase, search_text
from indexer.schema import bigrams

__all__ = ["ClusterResult", "ShardUnavailable", "Unsupported", "XapianIndex", "to_query"]


COMMON_TERM_SHARE = 0.5  # ranking.COMMON_TERM_SHARE
K1, B = 1.2, 0.75  # whoosh's BM25F parameters (Xapian's defaults are 1 and 0.5)


def bm25():
    import xapian

    return xapian.BM25Weight(K1, 0, 1, B, 0.5)


def _supported(name: str, kind: str) -> bool:
    """Whether the xapian shards index field ``name`` (``kind``: "term" or "number"); a name the
    registry does not know is searched as the whoosh backend does (it matches nothing)."""
    known = xs.KEYWORD_FIELDS if kind == "term" else tuple(xs.NUMBER_SLOTS)
    if name in known:
        return True
    if name in facets.current():
        raise Unsupported(name)
    return False


@dataclass
class ClusterResult(SearchResult):
    """A ``SearchResult`` that says whether shards were missing (only with allow_partial)."""

    partial: bool = False
    missing_shards: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# The query tree → Xapian


def to_query(node: Node | None):
    """The Xapian query matching the same reports as ``DocSets.evaluate(node)``."""
    import xapian

    if node is None:
        return xapian.Query.MatchAll
    if isinstance(node, FieldTerm):
        if not _supported(node.field, "term"):
            return xapian.Query.MatchNothing
        return xapian.Query(xs.field_term(node.field, node.value))
    if isinstance(node, FieldRange):
        return _range(node)
    if isinstance(node, Phrase):
        return phrase_query(normalise_query_phrase(node.text))
    if isinstance(node, Word):
        return _word(normalise_query_phrase(node.text))
    if isinstance(node, Not):
        return xapian.Query(xapian.Query.OP_AND_NOT, xapian.Query.MatchAll, to_query(node.child))
    if isinstance(node, Or):
        return xapian.Query(xapian.Query.OP_OR, [to_query(c) for c in node.children])
    if isinstance(node, And):
        pos = [to_query(c) for c in node.children if not isinstance(c, Not)]
        neg = [to_query(c.child) for c in node.children if isinstance(c, Not)]
        q = xapian.Query(xapian.Query.OP_AND, pos) if pos else xapian.Query.MatchAll
        if neg:
            q = xapian.Query(xapian.Query.OP_AND_NOT, q, xapian.Query(xapian.Query.OP_OR, neg))
        return q
    raise TypeError(node)


def phrase_query(text: str):
    """Reports whose normalised text contains ``text``: its bigrams at consecutive positions."""
    import xapian

    if not text:
        return xapian.Query.MatchAll
    if len(text) == 1:  # any bigram starting with it, or the text's last character alone
        return xapian.Query(xapian.Query.OP_WILDCARD, xs.GRAM_PREFIX + text)
    grams = [xs.GRAM_PREFIX + g for g in bigrams(text)]
    if len(grams) == 1:
        return xapian.Query(grams[0])
    return xapian.Query(xapian.Query.OP_PHRASE, grams, len(grams))


def _word(text: str):
    import xapian

    if not text:
        return xapian.Query.MatchAll
    words = list(dict.fromkeys(query_words(text)))
    phrase = phrase_query(text)
    if not words:
        return phrase
    return xapian.Query(xapian.Query.OP_OR, [xapian.Query(xapian.Query.OP_AND, words), phrase])


def _range(node: FieldRange):
    import xapian

    if not _supported(node.field, "number"):
        return xapian.Query.MatchNothing
    slot = xs.NUMBER_SLOTS[node.field]
    low = xapian.sortable_serialise(node.low if node.low is not None else -1e300)
    if node.high is None:
        return xapian.Query(xapian.Query.OP_VALUE_GE, slot, low)
    return xapian.Query(xapian.Query.OP_VALUE_RANGE, slot, low, xapian.sortable_serialise(node.high))


def scoring_query(node: Node | None, db=None):
    """BM25 over the positive words and phrase bigrams (``querylang.scoring_terms``' choice).

    As in the whoosh backend (``ranking.Ranker``), terms found in more than half of the reports of
    ``db`` are left out (their idf is close to nothing); with none left, None: relevance cannot
    separate the reports and they are ordered by year instead."""
    import xapian

    limit = COMMON_TERM_SHARE * max(db.get_doccount(), 1) if db is not None else None
    parts = []
    for fieldname, text in querylang.scoring_terms(node):
        prefix, weight = {"words": ("", 1.0), "title_words": (xs.TITLE_PREFIX, xs.TITLE_WEIGHT),
                          "body_words": (xs.BODY_PREFIX, xs.BODY_WEIGHT),
                          "grams": (xs.GRAM_PREFIX, 1.0)}.get(fieldname, (None, 0.0))
        if prefix is None:
            continue
        term = prefix + text
        if limit is not None and not 0 < db.get_termfreq(term) <= limit:
            continue
        q = xapian.Query(term)
        parts.append(q if weight == 1.0 else xapian.Query(xapian.Query.OP_SCALE_WEIGHT, q, weight))
    return xapian.Query(xapian.Query.OP_OR, parts) if parts else None


# ---------------------------------------------------------------------------------------------
# The index


class XapianIndex:
    """The shards of one index as one searchable index; the same methods as ``SearchIndex``.

    Xapian database handles are not thread-safe: each request thread keeps its own connections to
    the shards (a web server of 8 threads over 4 shards holds up to 32), so searches run side by
    side, each a few round trips to the shards, which work in parallel processes."""

    def __init__(self, shards: list[Shard], index_dir: str | Path = "") -> None:
        self.shards = list(shards)
        self.index_dir = str(index_dir)
        self.facets = facets.current()  # SearchIndex._facets lists with it
        self._local = threading.local()  # .db, .missing: this thread's handle
        self._lock = threading.Lock()
        self._handles: list = []  # every thread's handle, for close()
        warm_up()

    # -- opening -------------------------------------------------------------------------------
    def _forget(self) -> None:
        db = getattr(self._local, "db", None)
        self._local.db, self._local.parts = None, []
        if db is not None:
            with self._lock:
                if db in self._handles:
                    self._handles.remove(db)
            with contextlib.suppress(Exception):
                db.close()

    def _database(self, allow_partial: bool):
        """(this thread's database over the answering shards, missing shard specs)."""
        db = getattr(self._local, "db", None)
        if db is not None and not self._local.missing:
            try:
                db.reopen()  # see the shards' latest commits
                return db, []
            except Exception:
                self._forget()
        self._forget()
        live, dead, detail = probe(self.shards)
        if dead and (not allow_partial or not live):
            for _s, d in live:
                d.close()
            raise ShardUnavailable(dead, detail)
        for shard, d in live:
            schema = d.get_metadata("nianbao_schema").decode("utf-8")
            if schema and schema != xs.SCHEMA_VERSION:
                raise IndexMissing(f"shard {shard.spec} was built by another version of nianbao (schema "
                                   f"{schema}, this one reads {xs.SCHEMA_VERSION}): rebuild with "
                                   "`python -m indexer build --backend xapian --full`")
        db = combine([d for _s, d in live])
        self._local.db, self._local.missing = db, dead
        self._local.parts = [d for _s, d in live]  # in db's order: a docid's shard (see _text)
        with self._lock:
            self._handles.append(db)
        return db, dead

    def _text(self, docid: int, report_id: str) -> str:
        """A report's text, from the metadata of the shard holding document ``docid`` of this
        thread's database (documents of combined databases interleave: docid 1 is the first
        shard's first, docid 2 the second shard's first…). Called inside :meth:`_run`'s ``fn``."""
        parts = self._local.parts
        raw = parts[(docid - 1) % len(parts)].get_metadata(xs.text_key(report_id))
        return zlib.decompress(raw).decode("utf-8") if raw else ""

    def _run(self, allow_partial: bool, fn):
        """``fn(db)`` on this thread's handle; a shard that fails mid-search is found and reported."""
        import xapian

        for attempt in range(3):
            db, missing = self._database(allow_partial)
            try:
                return fn(db), missing
            except xapian.DatabaseModifiedError:
                self._forget()  # a commit overtook this read: reopen and run again
            except (xapian.NetworkError, xapian.DatabaseError) as err:
                self._forget()  # the next attempt probes the shards and names the missing ones
                if attempt == 2:
                    raise ShardUnavailable([s.spec for s in self.shards], str(err)) from err
        raise ShardUnavailable([s.spec for s in self.shards], "database kept changing")

    def close(self) -> None:
        with self._lock:
            handles, self._handles = self._handles, []
        for db in handles:
            with contextlib.suppress(Exception):
                db.close()
        self._local = threading.local()

    def __enter__(self) -> XapianIndex:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def stats(self) -> dict:
        def get(db):
            return {"reports": db.get_doccount(), "built": None, "index_dir": self.index_dir,
                    "generation": f"xapian, {len(self.shards)} shards",
                    "shards": [s.spec for s in self.shards]}

        out, missing = self._run(allow_partial_var.get(), get)
        if missing:
            out["missing_shards"] = missing
        return out

    # -- searching -----------------------------------------------------------------------------
    def _match(self, query: Query) -> tuple[Node | None, Node | None]:
        """(the query text's tree, the whole match: text and the URL's filters) of ``query``."""
        node = querylang.parse(query.q)
        return node, _combined(_filter_nodes(query, facets.current()), node)

    def counted_facets(self) -> tuple[str, ...]:
        """The registry's listed facets that the shards count (the others are listed empty, and
        :meth:`uncounted_facets` names them)."""
        return tuple(name for name in self.facets.listed if name in xs.FACET_SLOTS)

    def uncounted_facets(self, query: Query) -> list[str]:
        """The listed facets this backend cannot count for ``query`` (the shards do not index them):
        names; the page says so with their labels."""
        return [name for name in self.facets.listed if name not in xs.FACET_SLOTS]

    def search(self, query: Query, base: str = "/", allow_partial: bool | None = None) -> ClusterResult:
        import xapian

        t0 = time.perf_counter()
        allow = allow_partial_var.get() if allow_partial is None else allow_partial
        node, combined = self._match(query)
        hay = querylang.needles(node)
        start = (query.page - 1) * query.per_page
        counted = self.counted_facets()

        def run(db):
            everything = db.get_doccount()  # checkatleast: every match is counted and spied on
            enquire, scored = _ordered(db, node, combined, query.sort)
            spies = {}
            for facet in counted:
                spies[facet] = xapian.ValueCountMatchSpy(xs.FACET_SLOTS[facet])
                enquire.add_matchspy(spies[facet])
            if scored:  # BM25 order (ties by document): one pass gives page and counts
                mset = enquire.get_mset(start, query.per_page, everything)
                total = mset.get_matches_estimated()
            else:
                # Xapian 1.4's remote backend over-counts match spies when the match is sorted by a
                # value (250 for 200 documents in a test): count in relevance order, without the page,
                # then fetch the sorted page without spies
                enquire.set_sort_by_relevance()
                total = enquire.get_mset(0, 0, everything).get_matches_estimated()
                enquire.clear_matchspies()
                _sort(enquire, query.sort)
                mset = enquire.get_mset(start, query.per_page)
            rows = []
            for item in mset:  # the page's texts too: its snippets need them
                data = _data(item.document.get_data())
                rows.append((data, self._text(item.docid, data["id"]), item.weight))
            counts = {facet: _spied(spy) for facet, spy in spies.items()}
            distinct = {facet: len(c) for facet, c in counts.items()}
            # as the whoosh backend: a facet with selected values is counted without its own selection
            for name in {f[0] for f in query.filters if f[0] in spies}:
                others = replace(query, filters=tuple(f for f in query.filters if f[0] != name))
                counts[name] = _spy_counts(db, _combined(_filter_nodes(others, facets.current()), node),
                                           name, everything)
            return total, rows, counts, distinct, scored

        (total, rows, counts, distinct, scored), missing = self._run(allow, run)
        counters = {name: Counter(counts.get(name, {})) for name in self.facets.listed}
        # the whoosh backend's facet listing (order, top values, selected ones, toggle URLs)
        listing = SearchIndex._facets(self, query, counters)  # type: ignore[arg-type]
        totals = {name: distinct.get(name, 0) for name in self.facets.listed}
        hits = [self._hit(data, text, weight if scored and weight > 0 else None, hay, query)
                for data, text, weight in rows]
        return ClusterResult(query, total, hits, listing, (time.perf_counter() - t0) * 1000, hay, totals,
                             partial=bool(missing), missing_shards=list(missing))

    @staticmethod
    def _hit(data: dict, original: str, score: float | None, hay: list[str], query: Query) -> Hit:
        facts = data["facts"]
        norm = search_text(original)
        snips = highlight.snippets(original, hay, norm=norm)
        count = len(highlight.find_spans(norm.text, hay)) if hay else 0
        return Hit(id=data["id"], file=data["file"], title=data.get("title") or data["file"],
                   **hit_facts(facts), snippets=snips, source_url=facts.get("source_url"),
                   score=round(score, 4) if score is not None else None,
                   marked=any(s.marks for s in snips), hit_count=count, body_id=facts.get("body_id"))

    def unknown_fields(self, q: str) -> list[str]:
        """Names typed as ``name:value`` that are no field of the index (the whoosh backend's rule)."""
        return SearchIndex.unknown_fields(self, q)  # type: ignore[arg-type]

    def forgiving(self, query: Query) -> Forgiven:
        """``town:某楼`` → ``town:某楼镇`` as the whoosh backend does, the known places from the shards'
        terms."""
        from indexer.engine.search import PLACE_SUFFIXES, forgive_places

        if not query.q or ":" not in query.q:
            return Forgiven(query, [], [])

        def places(db) -> dict[str, set[str]]:
            return {name: set(_values_of(db, name)) for name in PLACE_SUFFIXES}

        known_by, _missing = self._run(allow_partial_var.get(), places)
        return forgive_places(query, known_by)

    def iter_facts(self, query: Query, chunk: int = 200) -> Iterator[tuple[str, str, str, dict]]:
        """Every matched report of ``query`` as (id, file, title, facts), in the result order (the
        order of :meth:`search`'s pages), read a chunk at a time without facets, snippets or texts
        (the documents hold no text: an export moves only the facts).

        The first chunk is read now, not when the rows are first wanted: a shard that does not
        answer fails the request (503) before a streamed export has sent its first line."""
        allow = allow_partial_var.get()
        node, combined = self._match(query)

        def chunk_at(start: int) -> list[bytes]:
            def page(db):
                enquire, _scored = _ordered(db, node, combined, query.sort)
                return [item.document.get_data() for item in enquire.get_mset(start, chunk)]

            return self._run(allow, page)[0]

        def rows(first: list[bytes]) -> Iterator[tuple[str, str, str, dict]]:
            got, start = first, 0
            while True:
                for raw in got:
                    data = _data(raw)
                    yield data["id"], data["file"], data.get("title") or data["file"], data["facts"]
                if len(got) < chunk:
                    return
                start += chunk
                got = chunk_at(start)

        return rows(chunk_at(0))

    def overview(self, query: Query, top: int = 10) -> dict:
        """The whoosh backend's overview of the whole result set (``SearchIndex.overview``): sums,
        rates over the ``verified`` reports, numbers by year, top bodies; every figure counted by
        match spies over the shards (sums from the number slots and the ``group NUL number`` pairs,
        see ``schema.GROUPED``)."""
        import xapian

        from indexer.engine.search import OVERVIEW_BY_YEAR, OVERVIEW_RATES, OVERVIEW_SUMS, OVERVIEW_TOP

        _node, combined = self._match(query)

        def run(db):
            enquire = xapian.Enquire(db)
            enquire.set_query(xapian.Query(xapian.Query.OP_SCALE_WEIGHT, to_query(combined), 0.0))
            spies = {("sum", n): xapian.ValueCountMatchSpy(xs.NUMBER_SLOTS[n]) for n in OVERVIEW_SUMS}
            spies.update({("count", f): xapian.ValueCountMatchSpy(xs.FACET_SLOTS[f])
                          for f in ("year", "status", "body")})
            spies.update({pair: xapian.ValueCountMatchSpy(slot) for pair, slot in xs.GROUPED.items()})
            for spy in spies.values():
                enquire.add_matchspy(spy)
            mset = enquire.get_mset(0, 0, db.get_doccount())
            return mset.get_matches_estimated(), {key: [(v.term, v.termfreq) for v in spy.values()]
                                                  for key, spy in spies.items()}

        (reports, spied), _missing = self._run(allow_partial_var.get(), run)
        sums = {n: sum(round(xapian.sortable_unserialise(t)) * c for t, c in spied[("sum", n)])
                for n in OVERVIEW_SUMS}

        def grouped(group: str, name: str) -> Counter:
            out: Counter = Counter()
            for term, c in spied[(group, name)]:
                key, _sep, number = term.decode("utf-8").rpartition(xs.PAIR_SEP)
                out[key] += int(number) * c
            return out

        counts = {f: {t.decode("utf-8"): c for t, c in spied[("count", f)]}
                  for f in ("year", "status", "body")}
        verified = counts["status"].get("verified", 0)
        rates = {}
        for key, numerators, denominator in OVERVIEW_RATES:
            den = grouped("status", denominator)["verified"]
            num = sum(grouped("status", n)["verified"] for n in numerators)
            rates[key] = {"numerator": num, "denominator": den, "rate": round(num / den, 4) if den else None}
        by_year_sums = {n: grouped("year", n) for n in OVERVIEW_BY_YEAR}
        by_year = {int(y): {"reports": c, **{n: by_year_sums[n][y] for n in OVERVIEW_BY_YEAR}}
                   for y, c in sorted(counts["year"].items(), key=lambda kv: int(kv[0]))}

        def ranked(name: str) -> list[tuple[str, int, int]]:
            per = grouped("body", name)
            rows = [(b, counts["body"].get(b, 0), int(v)) for b, v in per.items() if v > 0 and b]
            return sorted(rows, key=lambda r: (-r[2], r[0]))[:top]

        return {"reports": reports, "verified": verified, "left_out": reports - verified, "sums": sums,
                "rates": rates, "by_year": by_year,
                **{key: ranked(name) for key, name in OVERVIEW_TOP.items()}}

    def body_reports(self, body_id: str) -> list[tuple[str, str, dict]]:
        """Every report of one body (its stable ``body_id``) as (id, title, facts), oldest first."""
        import xapian

        def run(db):
            enquire = xapian.Enquire(db)
            enquire.set_query(xapian.Query(xs.field_term("body_id", body_id)))
            return [item.document.get_data() for item in enquire.get_mset(0, db.get_doccount())]

        raws, _missing = self._run(allow_partial_var.get(), run)
        rows = [(d["id"], d.get("title") or d["file"], d["facts"]) for d in map(_data, raws)]
        return sorted(rows, key=lambda r: (r[2].get("year") or 0, r[0]))

    def reports_by_id(self, ids: list[str]) -> list[tuple[str, str, dict]]:
        """(id, title, facts) of each known id, in the order given (one round trip per shard)."""
        import xapian

        if not ids:
            return []

        def run(db):
            enquire = xapian.Enquire(db)
            enquire.set_query(xapian.Query(xapian.Query.OP_OR, [xapian.Query(xs.id_term(i)) for i in ids]))
            return [item.document.get_data() for item in enquire.get_mset(0, len(ids))]

        raws, _missing = self._run(allow_partial_var.get(), run)
        by_id = {d["id"]: d for d in map(_data, raws)}
        return [(i, by_id[i].get("title") or by_id[i]["file"], by_id[i]["facts"]) for i in ids if i in by_id]

    def suggest(self, prefix: str, limit: int = 10) -> list[tuple[str, str]]:
        """The whoosh backend's autocomplete (places that start with ``prefix``, then bodies that
        contain it), read from the shards' terms."""
        from indexer.engine.search import PLACE_SUFFIXES

        prefix = prefix.strip()
        if not prefix:
            return []

        def run(db) -> list[tuple[str, str]]:
            out = [(name, v) for name in PLACE_SUFFIXES for v in _values_of(db, name, prefix)]
            if len(out) < limit:
                out += [("body", v) for v in _values_of(db, "body") if prefix in v]
            return out[:limit]

        got, _missing = self._run(allow_partial_var.get(), run)
        return got

    # -- one report ----------------------------------------------------------------------------
    def _stored_by_id(self, report_id: str, text: bool = False) -> dict | None:
        """A report's stored record, with its text under ``"text"`` when asked."""
        import xapian

        def get(db):
            enquire = xapian.Enquire(db)
            enquire.set_query(xapian.Query(xs.id_term(report_id)))
            for item in enquire.get_mset(0, 1):
                data = _data(item.document.get_data())
                if text:
                    data["text"] = self._text(item.docid, data["id"])
                return data
            return None

        data, _missing = self._run(allow_partial_var.get(), get)
        return data

    def report(self, report_id: str, q: str = "") -> ReportView | None:
        data = self._stored_by_id(report_id, text=True)
        if data is None:
            return None
        facts, text = data["facts"], data["text"]
        hay = querylang.needles(querylang.parse(q)) if q else []
        spans = highlight.marks(text, hay)
        return ReportView(data["id"], data["file"], data.get("title") or data["file"], facts, text, spans,
                          len(spans), facts.get("source_url"))

    def raw(self, report_id: str) -> tuple[bytes, str] | None:
        """The original file, from the corpus folder the shard was built from, when this machine has
        it (a remote shard's folder usually is not here: the web layer's CORPUS_DIR serves then)."""
        data = self._stored_by_id(report_id)
        if data is None:
            return None
        corpus, _missing = self._run(allow_partial_var.get(), lambda db: db.get_metadata("nianbao_corpus"))
        if not corpus:
            return None
        root = Path(corpus.decode("utf-8") if isinstance(corpus, bytes) else corpus)
        path = root / data["file"] if root.is_dir() else root
        try:
            return path.read_bytes(), Path(data["file"]).name
        except OSError:
            return None


def _combined(filters: tuple, node: Node | None) -> Node | None:
    return And((*filters, node)) if node is not None else (And(filters) if filters else None)


def _ordered(db, node: Node | None, combined: Node | None, sort: str):
    """(an Enquire over ``combined`` in the result order of ``sort``, whether BM25 ranks it): the
    match at weight 0 and BM25 over ``node``'s positive words and bigrams beside it, or a sort by
    the precomputed key slot (relevance without any rankable term: by year, as whoosh)."""
    import xapian

    match = xapian.Query(xapian.Query.OP_SCALE_WEIGHT, to_query(combined), 0.0)
    scoring = scoring_query(node, db) if sort == "relevance" else None
    enquire = xapian.Enquire(db)
    enquire.set_weighting_scheme(bm25())
    if scoring is not None:
        enquire.set_query(xapian.Query(xapian.Query.OP_AND_MAYBE, match, scoring))
        return enquire, True
    enquire.set_query(match)
    _sort(enquire, sort)
    return enquire, False


def _sort(enquire, sort: str) -> None:
    enquire.set_sort_by_value(xs.SORT_SLOTS["year" if sort == "relevance" else sort][2], False)


def _values_of(db, name: str, prefix: str = "") -> list[str]:
    """The values of keyword field ``name`` in the shards that start with ``prefix``, in order."""
    head = xs.field_term(name, "")
    return [t.term.decode("utf-8")[len(head):] for t in db.allterms(head + prefix)]


def _spied(spy) -> dict[str, int]:
    return {v.term.decode("utf-8"): v.termfreq for v in spy.values()}


def _spy_counts(db, node: Node | None, name: str, everything: int) -> dict[str, int]:
    """Facet ``name``'s value counts over every report ``node`` matches."""
    import xapian

    enquire = xapian.Enquire(db)
    enquire.set_query(xapian.Query(xapian.Query.OP_SCALE_WEIGHT, to_query(node), 0.0))
    spy = xapian.ValueCountMatchSpy(xs.FACET_SLOTS[name])
    enquire.add_matchspy(spy)
    enquire.get_mset(0, 0, everything)
    return _spied(spy)


def _data(raw: bytes) -> dict:
    return json.loads(zlib.decompress(raw).decode("utf-8"))


def open_index(index_dir: str | Path, backend: str | None = None, shards: str | None = None):
    """The served index for ``backend`` (default ``NIANBAO_BACKEND``, else whoosh): a ``SearchIndex``,
    or a ``XapianIndex`` over ``shards`` / ``NIANBAO_SHARDS`` / the local shard folders. Without a
    choice, a folder holding only a xapian build is opened with xapian."""
    import os

    backend = (backend or os.environ.get("NIANBAO_BACKEND") or _built_with(Path(index_dir))).lower()
    if backend == "whoosh":
        return SearchIndex(index_dir)
    if backend != "xapian":
        raise ValueError(f"unknown backend {backend!r} (whoosh or xapian)")
    try:
        import xapian  # noqa: F401
    except ImportError:
        raise IndexMissing("the xapian backend needs the Xapian Python bindings: "
                           "pip install nianbao[xapian]") from None
    from indexer.engine.xapian.cluster import shards_from_env

    return XapianIndex(shards_from_env(index_dir, shards), index_dir)


def _built_with(index_dir: Path) -> str:
    from indexer.engine.generations import CURRENT
    from indexer.engine.xapian.build import META

    return "xapian" if (index_dir / META).exists() and not (index_dir / CURRENT).exists() else "whoosh"
