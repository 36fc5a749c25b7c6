"""The query core: one parsed :class:`Query` in, hits, snippets and facet counts out.

The web page, the JSON API and the command line all build a ``Query`` with
:meth:`Query.from_args` and call :meth:`SearchIndex.search`, so they cannot drift apart.
A ``Query`` round-trips through URL arguments (:meth:`Query.to_args`): the URL holds the whole
state, and every facet value carries the URL that toggles it (as Datasette does).
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
import zlib
from collections import Counter, OrderedDict
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlencode

import numpy as np
from whoosh.filedb.filestore import FileStorage

from indexer.engine import highlight, querylang
from indexer.engine.errors import IndexMissing, QueryError
from indexer.engine.generations import read_meta
from indexer.engine.matching import DocSets
from indexer.engine.ranking import Ranker
from indexer.extract.normalise import search_text

__all__ = ["FACETS", "RANGES", "SORTS", "IndexMissing", "Query", "QueryError", "SearchIndex"]

# Facets counted for every search, in display order.
FACETS: tuple[str, ...] = (
    "year",
    "province",
    "city",
    "county",
    "town",
    "status",
    "has_applications",
    "has_reconsideration",
    "has_litigation",
)
# Numeric fields that take ``<field>_min`` / ``<field>_max``.
RANGES: tuple[str, ...] = ("applications_new", "reconsideration_total", "litigation_total")
SORTS: dict[str, str] = {
    "relevance": "相关度",
    "year": "年份（新→旧）",
    "year_asc": "年份（旧→新）",
    "applications": "申请数（多→少）",
    "litigation": "诉讼数（多→少）",
}
MAX_PER_PAGE = 100


def _ints(value: str, name: str) -> int:
    try:
        return int(value.strip())
    except ValueError:
        raise QueryError(f"{name} 必须是整数（got {value!r}）") from None


def _as_list(args: Mapping[str, object], key: str) -> list[str]:
    """Values of ``key`` from a Flask MultiDict, a dict of lists or a plain dict."""
    getlist = getattr(args, "getlist", None)
    if getlist is not None:
        return [v for v in getlist(key) if v is not None]
    v = args.get(key)
    if v is None:
        return []
    if isinstance(v, list | tuple):
        return [str(x) for x in v]
    return [str(v)]


@dataclass(frozen=True)
class Query:
    """Everything that decides a result page. Immutable: derive new ones with ``replace``."""

    q: str = ""
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()  # facet name → selected values (OR)
    ranges: tuple[tuple[str, int | None, int | None], ...] = ()  # field, min, max (inclusive)
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    expand: tuple[str, ...] = ()  # facets listed in full (up to FACET_MAX values), not the top ones

    # -- construction -----------------------------------------------------------------------
    @classmethod
    def from_args(cls, args: Mapping[str, object]) -> Query:
        """Parse URL / CLI arguments. Raises :class:`QueryError` on bad values."""
        q = " ".join(_as_list(args, "q")).strip()
        filters: list[tuple[str, tuple[str, ...]]] = []
        for name in FACETS:
            vals = tuple(dict.fromkeys(v for v in _as_list(args, name) if v != ""))
            if name.startswith("has_"):
                vals = tuple(_yes_no(v, name) for v in vals)
            if vals:
                filters.append((name, vals))
        ranges: list[tuple[str, int | None, int | None]] = []
        for name in RANGES:
            lo = [v for v in _as_list(args, f"{name}_min") if v.strip()]
            hi = [v for v in _as_list(args, f"{name}_max") if v.strip()]
            mn = _ints(lo[-1], f"{name}_min") if lo else None
            mx = _ints(hi[-1], f"{name}_max") if hi else None
            if mn is not None or mx is not None:
                if mn is not None and mx is not None and mn > mx:
                    raise QueryError(f"{name}_min ({mn}) 大于 {name}_max ({mx})")
                ranges.append((name, mn, mx))
        sort = (_as_list(args, "sort") or ["relevance"])[-1] or "relevance"
        if sort not in SORTS:
            raise QueryError(f"未知的排序方式 {sort!r}；可用：{', '.join(SORTS)}")
        page = _ints((_as_list(args, "page") or ["1"])[-1] or "1", "page")
        per_page = _ints((_as_list(args, "per_page") or ["20"])[-1] or "20", "per_page")
        if page < 1:
            raise QueryError("page 必须 ≥ 1")
        if not 1 <= per_page <= MAX_PER_PAGE:
            raise QueryError(f"per_page 必须在 1 到 {MAX_PER_PAGE} 之间")
        expand = tuple(dict.fromkeys(v for v in _as_list(args, "expand") if v))
        unknown = [v for v in expand if v not in FACETS]
        if unknown:
            raise QueryError(f"未知的分面 expand={unknown[0]!r}；可用：{', '.join(FACETS)}")
        expand = tuple(sorted(expand, key=FACETS.index))
        return cls(q, tuple(filters), tuple(ranges), sort, page, per_page, expand)

    # -- URL state ---------------------------------------------------------------------------
    def to_args(self) -> list[tuple[str, str]]:
        """The arguments that reproduce this query (defaults left out)."""
        out: list[tuple[str, str]] = []
        if self.q:
            out.append(("q", self.q))
        for name, vals in self.filters:
            out.extend((name, v) for v in vals)
        for name, mn, mx in self.ranges:
            if mn is not None:
                out.append((f"{name}_min", str(mn)))
            if mx is not None:
                out.append((f"{name}_max", str(mx)))
        if self.sort != "relevance":
            out.append(("sort", self.sort))
        if self.page != 1:
            out.append(("page", str(self.page)))
        if self.per_page != 20:
            out.append(("per_page", str(self.per_page)))
        out.extend(("expand", name) for name in self.expand)
        return out

    def url(self, base: str = "/") -> str:
        args = self.to_args()
        return base + ("?" + urlencode(args) if args else "")

    def selected(self, name: str) -> tuple[str, ...]:
        for n, vals in self.filters:
            if n == name:
                return vals
        return ()

    def range_of(self, name: str) -> tuple[int | None, int | None]:
        for n, mn, mx in self.ranges:
            if n == name:
                return mn, mx
        return None, None

    def toggled(self, name: str, value: str) -> Query:
        """This query with ``name=value`` switched on or off, back on page 1."""
        current = self.selected(name)
        new_vals = tuple(v for v in current if v != value) if value in current else (*current, value)
        filters = [(n, v) for n, v in self.filters if n != name]
        if new_vals:
            filters.append((name, new_vals))
        filters.sort(key=lambda f: FACETS.index(f[0]))
        return replace(self, filters=tuple(filters), page=1)

    def expand_toggled(self, name: str) -> Query:
        """This query with facet ``name`` listed in full, or back to its top values."""
        names = tuple(n for n in self.expand if n != name) if name in self.expand else (*self.expand, name)
        return replace(self, expand=tuple(sorted(names, key=FACETS.index)))

    def without_range(self, name: str) -> Query:
        return replace(self, ranges=tuple(r for r in self.ranges if r[0] != name), page=1)

    def with_page(self, page: int) -> Query:
        return replace(self, page=page)

    def with_sort(self, sort: str) -> Query:
        return replace(self, sort=sort, page=1)


def _yes_no(value: str, name: str) -> str:
    v = value.strip().lower()
    if v in ("1", "yes", "true", "y", "是"):
        return "yes"
    if v in ("0", "no", "false", "n", "否"):
        return "no"
    if v == "unknown":
        return "unknown"
    raise QueryError(f"{name} 取值为 1（是）、0（否）或 unknown")


@dataclass
class FacetValue:
    value: str
    count: int
    selected: bool
    toggle_url: str
    label: str = ""

    def to_json(self) -> dict:
        return {"value": self.value, "count": self.count, "selected": self.selected,
                "toggle_url": self.toggle_url, "label": self.label or self.value}


@dataclass
class Hit:
    id: str
    file: str
    title: str
    body: str | None
    year: int | None
    town: str | None
    county: str | None
    city: str | None
    province: str | None
    applications_new: int | None
    reconsideration_total: int | None
    litigation_total: int | None
    status: str | None
    snippets: list[str]  # HTML: report text escaped, only our <mark> tags unescaped
    url: str  # the report page at the first hit
    source_url: str | None
    score: float | None = None

    def to_json(self) -> dict:
        return {k: getattr(self, k) for k in (
            "id", "file", "title", "body", "year", "town", "county", "city", "province",
            "applications_new", "reconsideration_total", "litigation_total", "status",
            "snippets", "url", "source_url", "score")}


@dataclass
class SearchResult:
    query: Query
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    took_ms: float
    needles: list[str] = field(default_factory=list)  # what was highlighted
    facet_totals: dict[str, int] = field(default_factory=dict)  # distinct values of each facet

    def facet_more(self, name: str, base: str = "/") -> tuple[str, str] | None:
        """(label, URL) of the link that lists facet ``name`` in full or folds it back; None when
        every value is already shown."""
        total = self.facet_totals.get(name, 0)
        if name in self.query.expand:
            return ("收起 fewer", self.query.expand_toggled(name).url(base)) if total > FACET_SIZE else None
        if total > len(self.facets.get(name, [])):
            return f"全部 {total} 个 all", self.query.expand_toggled(name).url(base)
        return None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.per_page))

    def to_json(self, base: str = "/") -> dict:
        return {
            "query": {"q": self.query.q, "args": dict(_group(self.query.to_args())),
                      "url": self.query.url(base)},
            "total": self.total,
            "page": self.query.page,
            "per_page": self.query.per_page,
            "pages": self.pages,
            "sort": self.query.sort,
            "took_ms": round(self.took_ms, 2),
            "hits": [h.to_json() for h in self.hits],
            "facets": {name: [v.to_json() for v in vals] for name, vals in self.facets.items()},
            "facet_totals": self.facet_totals,
            "facet_more": {name: {"label": more[0], "url": more[1]} for name in self.facets
                           if (more := self.facet_more(name, base))},
        }


def _group(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for k, v in pairs:
        out.setdefault(k, []).append(v)
    return out


@dataclass
class ReportView:
    """One report for its page: the text as written, with every hit of the query marked."""

    id: str
    file: str
    title: str
    facts: dict  # every extracted fact (the `extract` JSON)
    text: str  # the original text
    highlighted_html: str  # escaped original text, hits wrapped in <mark id="hit-N" class="hit">
    hit_count: int
    source_url: str | None

    def to_json(self) -> dict:
        return {"id": self.id, "file": self.file, "title": self.title, "facts": self.facts,
                "text": self.text, "hit_count": self.hit_count, "source_url": self.source_url}


# The query syntax as shown in the UI and the README.
SYNTAX_HELP: list[tuple[str, str]] = [
    ("微信公众号", "词语：jieba 切出的各词都出现，或整串文字出现（words, any jieba segmentation）"),
    ('"政务新媒体"', "精确短语：报告原文（规范化后）中包含这一整串文字"),
    ("行政复议 AND 行政诉讼", "AND（默认）：两者都出现"),
    ("微信 OR 微博", "OR：任一出现"),
    ("NOT 微博 / -微博", "NOT 或前缀 -：不出现"),
    ("(微信 OR 微博) 公开栏", "括号分组"),
    ("year:2020  province:山东省  town:城关镇", "字段筛选：year, province, city, county, town, body, status"),
    ("litigation_total:>=1  applications_new:[3 TO 10]", "数值筛选：applications_new, reconsideration_total, "
     "litigation_total, year（>, >=, <, <=, [a TO b]）"),
]


# =============================================================================================
# The engine: parsing, filtering, counting, ranking and snippets over one open index.

FACET_LABELS: dict[str, str] = {
    "year": "年份", "province": "省", "city": "市", "county": "县区", "town": "乡镇",
    "status": "数据质量", "has_applications": "有依申请", "has_reconsideration": "有行政复议",
    "has_litigation": "有行政诉讼",
}
VALUE_LABELS: dict[str, str] = {
    "yes": "有", "no": "无", "unknown": "未知",
    "verified": "已核验", "inconsistent": "不一致", "partial": "部分", "no_tables": "无表格",
}
FACET_SIZE = 30  # values listed per facet, most frequent first (selected ones always)
FACET_MAX = 2000  # values listed when a facet is expanded


def warm_up() -> None:
    """Load jieba's dictionary and the NFKC tables now (≈0.7 s) rather than in the first request."""
    from indexer.engine.words import init_jieba
    from indexer.extract.normalise import nfkc_string

    init_jieba()
    nfkc_string("")


class SearchIndex:
    """One served index. Thread-safe; reopens itself when a build commits a new version."""

    def __init__(self, index_dir: str | Path) -> None:
        self.index_dir = Path(index_dir)
        self._lock = threading.Lock()
        self._state: _OpenIndex | None = None
        self._state = self._open()
        warm_up()

    # -- opening -------------------------------------------------------------------------------
    def _open(self) -> _OpenIndex:
        from indexer.engine.build import current_generation

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
        return _OpenIndex(gen, ix, ix.searcher())

    def _current(self) -> _OpenIndex:
        """The open index, reopened if CURRENT points elsewhere or the index was committed to."""
        with self._lock:
            state = self._state
            from indexer.engine.build import current_generation

            gen = current_generation(self.index_dir)
            if state is None or gen is None or gen != state.gen:
                if gen is None and state is not None:
                    return state
                new = self._open()
                if state is not None:
                    state.retire()
                self._state = new
                return new
            if not state.searcher.up_to_date():
                # a new searcher, not searcher.refresh(): whoosh's refresh reuses segment readers
                # that keep the old deletion lists, so changed and deleted reports would linger
                self._state = _OpenIndex(state.gen, state.ix, state.ix.searcher())
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
    def search(self, query: Query, base: str = "/") -> SearchResult:
        t0 = time.perf_counter()
        node = querylang.parse(query.q)
        filters = _filter_nodes(query)
        combined = querylang.And((*filters, node)) if node is not None else (
            querylang.And(filters) if filters else None)
        st = self._current()
        with st.reading:
            columns = st.columns()
            matched = st.matched_docs(combined)
            total = len(matched.docset)
            facets = self._facets(query, matched.counts, base)
            totals = {name: len(matched.counts[name]) for name in FACETS}

            start = (query.page - 1) * query.per_page
            hit_docs: list[tuple[int, float | None]] = []
            if total and start < total:
                hit_docs = self._rank(st, query, node, matched, columns, start)
            hay = querylang.needles(node)
            hits = [self._hit(st.searcher, docnum, score, hay, query) for docnum, score in hit_docs]
        return SearchResult(query, total, hits, facets, (time.perf_counter() - t0) * 1000, hay, totals)

    def _rank(self, st: _OpenIndex, query: Query, node, matched: Matched, columns: _Columns,
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
        name, descending = {
            "relevance": ("year", True), "year": ("year", True), "year_asc": ("year", False),
            "applications": ("applications_new", True), "litigation": ("litigation_total", True),
        }[query.sort]
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

    def _facets(self, query: Query, all_counts: dict[str, Counter], base: str) -> dict:
        out: dict[str, list[FacetValue]] = {}
        for name in FACETS:
            counts = all_counts[name]
            selected = query.selected(name)
            if name == "year":
                items = sorted(counts.items(), key=lambda kv: kv[0], reverse=True)
            elif name.startswith("has_") or name == "status":
                order = ["yes", "no", "unknown", "verified", "inconsistent", "partial", "no_tables"]
                items = sorted(counts.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99)
            else:
                items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
            shown = items[:FACET_MAX if name in query.expand else FACET_SIZE]
            shown_vals = {v for v, _ in shown}
            shown += [(v, counts.get(v, 0)) for v in selected if v not in shown_vals]
            out[name] = [
                FacetValue(v, c, v in selected, query.toggled(name, v).url(base), VALUE_LABELS.get(v, v))
                for v, c in shown
            ]
        return out

    def _hit(self, searcher, docnum: int, score: float | None, hay: list[str], query: Query) -> Hit:
        """One result. Its ``url`` carries the whole search state, so the report page can link back."""
        stored = searcher.stored_fields(docnum)
        facts = json.loads(stored["facts"])
        original = zlib.decompress(stored["text_z"]).decode("utf-8")
        url = query.url(f"/reports/{stored['id']}")
        if hay:
            norm = search_text(original)
            snips = highlight.snippets(original, hay, norm=norm)
            if highlight.find_spans(norm.text, hay, limit=1):
                url += "#hit-1"
        else:
            snips = highlight.opening(original)
        return Hit(
            id=stored["id"], file=stored["file"], title=stored.get("title") or stored["file"],
            body=facts.get("body"), year=facts.get("year"), town=facts.get("town"),
            county=facts.get("county"), city=facts.get("city"), province=facts.get("province"),
            applications_new=(facts.get("applications") or {}).get("new"),
            reconsideration_total=(facts.get("reconsideration") or {}).get("total"),
            litigation_total=facts.get("litigation_total"), status=facts.get("status"),
            snippets=snips, url=url, source_url=facts.get("source_url"),
            score=round(score, 4) if score is not None else None,
        )

    # -- one report ----------------------------------------------------------------------------
    def _stored_by_id(self, report_id: str) -> dict | None:
        st = self._current()
        with st.reading:
            docnum = st.searcher.document_number(id=report_id)
            return None if docnum is None else st.searcher.stored_fields(docnum)

    def report(self, report_id: str, q: str = "") -> ReportView | None:
        stored = self._stored_by_id(report_id)
        if stored is None:
            return None
        facts = json.loads(stored["facts"])
        text = zlib.decompress(stored["text_z"]).decode("utf-8")
        hay = querylang.needles(querylang.parse(q)) if q else []
        html, count = highlight.highlight_text(text, hay)
        return ReportView(stored["id"], stored["file"], stored.get("title") or stored["file"], facts,
                          text, html, count, facts.get("source_url"))

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


def _filter_nodes(query: Query) -> tuple:
    """The URL's facet selections and ranges as query-language nodes (ANDed with the text)."""
    nodes: list = []
    for name, vals in query.filters:
        if name == "year":
            terms = []
            for v in vals:
                try:
                    terms.append(querylang.FieldRange("year", int(v), int(v)))
                except ValueError:
                    raise QueryError(f"year 必须是整数（got {v!r}）") from None
        else:
            terms = [querylang.FieldTerm(name, v) for v in vals]
        nodes.append(terms[0] if len(terms) == 1 else querylang.Or(tuple(terms)))
    for name, mn, mx in query.ranges:
        nodes.append(querylang.FieldRange(name, mn, mx))
    return tuple(nodes)


class _Columns:
    """Facet and sort values per document number, read once per index version (columnar).

    Each facet is kept as numpy integer codes (0 = no value), so counting a facet over a matched set
    is one ``bincount``; each number as (values, present) arrays, for ranges and sorts; each sort
    order as a rank per document, so a page of a column sort is an ``argpartition`` over the matched
    documents.
    """

    def __init__(self, searcher) -> None:
        self.size = n = searcher.reader().doc_count_all()
        self.codes: dict[str, np.ndarray] = {}
        self.labels: dict[str, list[str]] = {}
        for name in FACETS:
            labels: dict[str | None, int] = {None: 0}
            codes = [labels.setdefault(_text_value(v), len(labels)) for v in self._column(searcher, name, n)]
            self.codes[name] = np.asarray(codes, dtype=np.int32) if codes else np.zeros(0, np.int32)
            self.labels[name] = [v or "" for v in labels]
        self.files = [_text_value(v) or "" for v in self._column(searcher, "file", n)]
        self.numbers: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for name in ("year", "applications_new", "reconsideration_total", "litigation_total"):
            col = self._column(searcher, name, n, numeric=True)
            present = np.fromiter((v is not None for v in col), dtype=bool, count=len(col))
            values = np.fromiter((0 if v is None else v for v in col), dtype=np.int64, count=len(col))
            self.numbers[name] = (values, present)  # a missing value reads as 0, not present
        self._ranks: dict[tuple[str, bool], np.ndarray] = {}
        self._lock = threading.Lock()

    def counts(self, docs: np.ndarray) -> dict[str, Counter]:
        """Facet value → number of ``docs`` having it, for every facet."""
        out: dict[str, Counter] = {}
        for name in FACETS:
            labels = self.labels[name]
            per_code = np.bincount(self.codes[name][docs], minlength=len(labels))
            out[name] = Counter({labels[i]: int(per_code[i]) for i in np.flatnonzero(per_code[1:]) + 1})
        return out

    def rank(self, name: str, descending: bool) -> np.ndarray:
        """Each document's place in the order by column ``name`` (missing values last), then by
        file name: the order of a column sort, computed once per index version."""
        key = (name, descending)
        with self._lock:
            got = self._ranks.get(key)
        if got is not None:
            return got
        values, present = self.numbers[name]
        files = self.files
        by_file = sorted(range(self.size), key=files.__getitem__)
        file_rank = np.empty(self.size, dtype=np.int64)
        file_rank[by_file] = np.arange(self.size)
        primary = np.where(present, -values if descending else values, np.iinfo(np.int64).max)
        order = np.lexsort((file_rank, primary))
        rank = np.empty(self.size, dtype=np.int64)
        rank[order] = np.arange(self.size)
        with self._lock:
            self._ranks[key] = rank
        return rank

    @staticmethod
    def _column(searcher, name: str, n: int, numeric: bool = False) -> list:
        out: list = []
        for sub, _offset in searcher.reader().leaf_readers():
            count = sub.doc_count_all()
            if sub.has_column(name):
                vals = list(sub.column_reader(name, translate=True))
                if numeric:
                    # a missing number reads as the column default; stored fields tell them apart
                    present = _present_docs(sub, name)
                    vals = [v if d in present else None for d, v in enumerate(vals)]
                out.extend(vals)
            else:
                out.extend([None] * count)
        return out[:n] + [None] * (n - len(out))


def _text_value(v) -> str | None:
    """A stored column value as text (None for no value)."""
    return None if v in (None, "", b"") else str(v)


def _present_docs(reader, name: str) -> set[int]:
    """Docs of a segment that have a value in numeric field ``name`` (via its postings)."""
    present: set[int] = set()
    if name not in reader.schema:
        return present
    try:
        for term in reader.lexicon(name):
            present.update(reader.postings(name, term).all_ids())
    except Exception:
        pass
    return present


class Matched(NamedTuple):
    """A query's matched documents and their facet counts."""

    docset: AbstractSet[int]  # a set, or a cached term's frozenset
    docs: np.ndarray  # the same documents, for numpy
    counts: dict[str, Counter]


class _OpenIndex:
    """One index version: its searcher, value columns, and a small cache of matched sets."""

    CACHE_SIZE = 32

    def __init__(self, gen: Path, ix, searcher) -> None:
        self.gen, self.ix, self.searcher = gen, ix, searcher
        self._columns: _Columns | None = None
        self._docsets: DocSets | None = None
        self._ranker: Ranker | None = None
        self._cache: OrderedDict[object, Matched] = OrderedDict()
        self._lock = threading.Lock()
        # whoosh reads a segment's files through one shared file object (seek, then read): two
        # threads reading at once can read each other's bytes. Requests on one index version take
        # turns on its files; a new version has its own.
        self.reading = threading.RLock()

    def columns(self) -> _Columns:
        with self._lock:
            if self._columns is None:
                self._columns = _Columns(self.searcher)
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

    def retire(self) -> None:
        """Nothing to do now: a request may still be using this version. Its files are closed when
        the last reference goes (``__del__``)."""

    def close(self) -> None:
        # closing twice, or after a failed open, is harmless
        with contextlib.suppress(Exception):
            self.searcher.close()

    def __del__(self) -> None:
        self.close()
