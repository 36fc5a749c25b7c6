"""The JSON of a search result: the API's body and the CLI's ``--json`` (the same keys and values).

The core's result holds data; this adds the labels (``labels.py``) and the URLs (``urls.py``):
facet toggles and "list in full" links point at ``base`` (the API's own search under /api/), hits at
their report pages.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from indexer.engine.results import Hit, SearchResult

from . import labels, urls

HIT_KEYS = ("id", "file", "title", "body", "year", "town", "county", "city", "province",
            "applications_new", "reconsideration_total", "litigation_total", "status",
            "cross_year", "reuse_max", "reuse_from", "reuse_kind")


def hit_json(hit: Hit, result: SearchResult) -> dict[str, Any]:
    out = {k: getattr(hit, k) for k in HIT_KEYS}
    out["snippets"] = [s.html() for s in hit.snippets]
    out.update(url=urls.hit_url(hit, result.query), source_url=hit.source_url, score=hit.score,
               hit_count=hit.hit_count, body_id=hit.body_id,
               reuse_url=urls.reuse_url(hit.id, hit.reuse_from) if hit.reuse_from else None)
    out["snippet_spans"] = [s.to_json() for s in hit.snippets]
    return out


def facet_more(result: SearchResult, name: str, base: str = urls.SEARCH) -> tuple[str, str] | None:
    """(label, URL) of the link under facet ``name`` that lists it in full or folds it back."""
    more = result.facet_more(name)
    if more is None:
        return None
    return labels.facet_more_label(more.expanded, more.total), urls.search_url(more.toggle, base)


def result_json(result: SearchResult, base: str = urls.SEARCH) -> dict[str, Any]:
    query = result.query
    return {
        "query": {"q": query.q, "args": _group(query.to_args()), "url": urls.search_url(query, base)},
        "total": result.total,
        "page": query.page,
        "per_page": query.per_page,
        "pages": result.pages,
        "sort": query.sort,
        "took_ms": round(result.took_ms, 2),
        "hits": [hit_json(h, result) for h in result.hits],
        "facets": {name: [{"value": v.value, "count": v.count, "selected": v.selected,
                           "toggle_url": urls.search_url(v.toggle, base),
                           "label": labels.value_label(name, v.value)} for v in vals]
                   for name, vals in result.facets.items()},
        "facet_totals": result.facet_totals,
        "hierarchies": hierarchies_json(result, base),
        "facet_more": {name: {"label": more[0], "url": more[1]} for name in result.facets
                       if (more := facet_more(result, name, base))},
        # a xapian ClusterResult: whether shards were missing (``partial=1``)
        **({"partial": result.partial, "missing_shards": getattr(result, "missing_shards", [])}
           if hasattr(result, "partial") else {}),
    }


def _group(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for k, v in pairs:
        out.setdefault(k, []).append(v)
    return out


def hierarchies_json(result: SearchResult, base: str = urls.SEARCH) -> dict[str, Any]:
    """Each hierarchy facet (place: 省 › 市 › 县区 › 乡镇): the chosen path, the level listed next and
    its values with counts for the result set, each with the URL one level down; ``up_url`` goes back
    one level."""
    from indexer.engine import facets

    out: dict[str, Any] = {}
    query = result.query
    for h in facets.current().hierarchies:
        path = query.path_of(h.name)
        level = h.levels[len(path)] if len(path) < len(h.levels) else None
        values = [{"value": v.value, "count": v.count,
                   "url": urls.search_url(query.with_path(h.name, (*path, v.value)), base)}
                  for v in (result.facets.get(level, []) if level else []) if v.count]
        out[h.name] = {"path": list(path), "level": level, "values": values,
                       "up_url": urls.search_url(query.with_path(h.name, path[:-1]), base) if path else None}
    return out
