"""The query model: one immutable :class:`Query` holds everything that decides a result page.

The web page, the JSON API and the command line all build a ``Query`` with :meth:`Query.from_args`
(or from keyword arguments) and call :meth:`SearchIndex.search`, so they cannot drift apart. A
``Query`` round-trips through URL arguments (:meth:`Query.to_args`): the URL holds the whole state,
and every facet value carries the query that toggles it (as Datasette does); ``webui/urls.py``
turns those into URLs. Which arguments are facets comes from the registry (``facets.py``).

``SearchIndex`` and the result types are re-exported here for the callers that import them from
this module (the benchmark, older code).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from indexer.engine import facets
from indexer.engine.errors import IndexMissing, QueryError

__all__ = ["FACETS", "RANGES", "SORTS", "IndexMissing", "Query", "QueryError"]

# Sort name → (number column, descending); "relevance" falls back to the year for unranked hits.
SORTS: dict[str, tuple[str, bool]] = {
    "relevance": ("year", True),
    "year": ("year", True),
    "year_asc": ("year", False),
    "applications": ("applications_new", True),
    "litigation": ("litigation_total", True),
    "reuse": ("reuse_share", True),  # the best share of the text found in another report (corpusfacts.py)
}
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20
# The default registry's listed facets that every index document stores (the corpus facts, whoosh
# only, are facets.DEFAULT.corpus), and its ranged numbers (the registry in force: facets.current()).
FACETS: tuple[str, ...] = tuple(n for n in facets.DEFAULT.listed if not facets.DEFAULT[n].corpus)
RANGES: tuple[str, ...] = facets.DEFAULT.ranged


def _ints(value: str, name: str) -> int:
    try:
        return int(value.strip())
    except ValueError:
        raise QueryError(f"{name} 须为整数（填的是“{value}”）") from None


def _bound(values: list[str], name: str, bad: list[tuple[str, str]] | None) -> int | None:
    if not values:
        return None
    if bad is None:
        return _ints(values[-1], name)
    try:
        return int(values[-1].strip())
    except ValueError:
        bad.append((name, values[-1]))
        return None


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


def _facet_order(names) -> list[str]:
    rank = facets.current().rank
    return sorted(names, key=lambda n: rank.get(n, len(rank)))


@dataclass(frozen=True)
class Query:
    """Everything that decides a result page. Immutable: derive new ones with ``replace``.

    ``Query(q="微信", filters=(("year", ("2020",)),))`` or, from URL or CLI arguments,
    ``Query.from_args({"q": "微信", "year": "2020"})``; :meth:`of` takes keyword arguments as the
    URL does (``Query.of(q="微信", year=2020, litigation_total_min=1)``).
    """

    q: str = ""
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()  # facet name → selected values (OR)
    ranges: tuple[tuple[str, int | None, int | None], ...] = ()  # field, min, max (inclusive)
    sort: str = "relevance"
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    expand: tuple[str, ...] = ()  # facets listed in full (up to FACET_MAX values), not the top ones
    paths: tuple[tuple[str, tuple[str, ...]], ...] = ()  # hierarchy name → path from the top level

    # -- construction -----------------------------------------------------------------------
    @classmethod
    def of(cls, **args: object) -> Query:
        """A query from keyword arguments named as the URL's (values: str, int or lists of them)."""
        return cls.from_args({k: [str(x) for x in v] if isinstance(v, list | tuple) else str(v)
                              for k, v in args.items() if v is not None})

    @classmethod
    def from_args(cls, args: Mapping[str, object], bad: list[tuple[str, str]] | None = None) -> Query:
        """Parse URL / CLI arguments. Raises :class:`QueryError` on bad values; with ``bad`` (a list)
        a range bound that is not a number is left out and reported there as (argument, value)
        instead, so that one mistyped box does not drop every other filter."""
        registry = facets.current()
        q = " ".join(_as_list(args, "q")).strip()
        filters: list[tuple[str, tuple[str, ...]]] = []
        for name in registry.listed:
            facet = registry[name]
            vals = tuple(dict.fromkeys(facet.parse(v) for v in _as_list(args, name) if v != ""))
            if vals:
                filters.append((name, vals))
        ranges: list[tuple[str, int | None, int | None]] = []
        for name in registry.ranged:
            lo = [v for v in _as_list(args, f"{name}_min") if v.strip()]
            hi = [v for v in _as_list(args, f"{name}_max") if v.strip()]
            mn = _bound(lo, f"{name}_min", bad)
            mx = _bound(hi, f"{name}_max", bad)
            if mn is not None or mx is not None:
                if mn is not None and mx is not None and mn > mx:
                    raise QueryError(f"{name}_min ({mn}) 大于 {name}_max ({mx})")
                ranges.append((name, mn, mx))
        sort = (_as_list(args, "sort") or ["relevance"])[-1] or "relevance"
        if sort not in SORTS:
            raise QueryError(f"未知的排序方式 {sort!r}；可用：{', '.join(SORTS)}")
        page = _ints((_as_list(args, "page") or ["1"])[-1] or "1", "page")
        per_page = _ints((_as_list(args, "per_page") or [str(DEFAULT_PER_PAGE)])[-1] or str(DEFAULT_PER_PAGE),
                         "per_page")
        if page < 1:
            raise QueryError("page 必须 ≥ 1")
        if not 1 <= per_page <= MAX_PER_PAGE:
            raise QueryError(f"per_page 必须在 1 到 {MAX_PER_PAGE} 之间")
        expand = tuple(dict.fromkeys(v for v in _as_list(args, "expand") if v))
        unknown = [v for v in expand if v not in registry.listed]
        if unknown:
            raise QueryError(f"未知的分面 expand={unknown[0]!r}；可用：{', '.join(registry.listed)}")
        paths = []
        for h in registry.hierarchies:
            got = [v for v in _as_list(args, h.name) if v.strip()]
            if got and (path := h.parse(got[-1])):
                paths.append((h.name, path))
        return cls(q, tuple(filters), tuple(ranges), sort, page, per_page, tuple(_facet_order(expand)),
                   tuple(paths))

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
        if self.per_page != DEFAULT_PER_PAGE:
            out.append(("per_page", str(self.per_page)))
        out.extend(("expand", name) for name in self.expand)
        for name, path in self.paths:
            h = facets.current().hierarchy(name)
            out.append((name, (h.sep if h else "/").join(path)))
        return out

    def path_of(self, name: str) -> tuple[str, ...]:
        return next((p for n, p in self.paths if n == name), ())

    def with_path(self, name: str, path: tuple[str, ...]) -> Query:
        """This query with hierarchy ``name`` at ``path`` (empty: the top), back on page 1."""
        paths = tuple((n, p) for n, p in self.paths if n != name) + (((name, path),) if path else ())
        return replace(self, paths=paths, page=1)

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
        filters = {n: v for n, v in self.filters if n != name}
        if new_vals:
            filters[name] = new_vals
        return _copy_with(self, filters=tuple((n, filters[n]) for n in _facet_order(filters)), page=1)

    def expand_toggled(self, name: str) -> Query:
        """This query with facet ``name`` listed in full, or back to its top values."""
        names = tuple(n for n in self.expand if n != name) if name in self.expand else (*self.expand, name)
        return replace(self, expand=tuple(_facet_order(names)))

    def without_range(self, name: str) -> Query:
        return replace(self, ranges=tuple(r for r in self.ranges if r[0] != name), page=1)

    def with_page(self, page: int) -> Query:
        return replace(self, page=page)


def _copy_with(query: Query, **changes: object) -> Query:
    """``dataclasses.replace`` without re-running ``__init__``: a result page makes a toggled query
    for each of ~150 listed facet values (``replace`` cost ~3 ms of every search). Only for values
    already in their final form (tuples, ints), as ``toggled`` makes them."""
    new = object.__new__(Query)
    new.__dict__.update(query.__dict__)
    new.__dict__.update(changes)
    return new


def __getattr__(name: str):
    """``SearchIndex`` and the result types, loaded on first use (they pull in numpy and whoosh)."""
    if name == "SearchIndex":
        from indexer.engine.search import SearchIndex

        return SearchIndex
    if name in ("SearchResult", "Hit", "FacetValue", "ReportView"):
        from indexer.engine import results

        return getattr(results, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
