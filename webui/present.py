"""The JSON of a search result: the API's body and the CLI's ``--json`` (the same keys and values).

The core's result holds data; this adds the labels (``labels.py``) and the URLs (``urls.py``):
facet toggles and "list in full" links point at ``base`` (the API's own search under /api/), hits at
their report pages.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from indexer.engine.results import Hit, SearchResult
from indexer.extract.normalise import nfkc_string

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


def suggestion_json(field: str, value: str) -> dict[str, str]:
    """One autocomplete entry: the field, the value, the query text that searches for it (quoted when
    the value holds a space or the query language's own characters) and how it reads."""
    plain = value.replace('"', "")
    needs_quotes = any(ch.isspace() or ch in '():' for ch in plain) or plain.startswith("-")
    query = f'{field}:"{plain}"' if needs_quotes else f"{field}:{plain}"
    return {"field": field, "value": value, "query": query, "label": f"{labels.facet_label(field)} {value}"}


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


# --- the report page's tables: cells linked to the text they were read from ---------------------


@dataclass(frozen=True)
class CellView:
    """One number of an extracted table: ``anchor`` is the id of its place in the text (None when it
    was not read from the text: derived, or its span unknown)."""

    value: Any
    anchor: str | None
    derived: bool


@dataclass(frozen=True)
class TableView:
    title: str
    columns: list[str]
    rows: list[tuple[str, list[CellView]]]  # (row label, cells in column order)


@dataclass(frozen=True)
class IdentityView:
    scope: str  # in Chinese: 第三部分「自然人」列
    equation: str  # 一+二 = 三（七）+四
    lhs: Any
    rhs: Any
    held: bool | None
    result: str  # 相符 / 不符 / 未核对
    anchors: list[str]  # the cells it sums that link to the text


@dataclass(frozen=True)
class ReportTables:
    tables: list[TableView]
    identities: list[IdentityView]
    anchors: list[tuple[int, int, str]]  # (start, end, id) in the text: where each linked cell was read
    # a report whose numbers come from its prose: (label, value, anchor id) of each figure it states
    prose: list[tuple[str, int, str]] = field(default_factory=list)


def cell_anchor(key: str) -> str:
    """The id of a cell's place in the text: ``part3.new.total`` → ``src-part3-new-total``."""
    return "src-" + key.replace(".", "-")


def _spans_in(text: str, tables: dict, values: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """The cells' spans that hold their number in ``text`` (a span that does not, from an index built
    over another text, links nowhere rather than to the wrong place)."""
    out: dict[str, tuple[int, int]] = {}
    for key, span in (tables.get("spans") or {}).items():
        if not (isinstance(span, list | tuple) and len(span) == 2 and key in values):
            continue
        s, e = int(span[0]), int(span[1])
        v = values[key]
        if 0 <= s < e <= len(text) and v is not None and text[s:e].lstrip("+-") == str(abs(v)):
            out[key] = (s, e)
    kept: dict[str, tuple[int, int]] = {}
    end = -1
    for key, (s, e) in sorted(out.items(), key=lambda kv: kv[1]):
        if s >= end:  # two cells never share a place (one anchor each)
            kept[key] = (s, e)
            end = e
    return kept


def report_tables(tables: dict, text: str) -> ReportTables:
    """Parts three and four of ``tables`` (a facts record's) as tables whose cells link to where
    they were read in ``text``, and every identity with its result."""
    from indexer.extract.tables import template
    from indexer.extract.tables.checks import identity_results

    derived = set(tables.get("derived") or {})
    values: dict[str, Any] = {}
    apps = tables.get("applications") or {}
    p4 = tables.get("part_four") or {}
    for row, cells in apps.items():
        if isinstance(cells, dict):
            for c in template.PART_THREE_COLUMNS:
                values[f"part3.{row}.{c.key}"] = cells.get(c.key)
    for g in template.PART_FOUR_GROUPS:
        for c in template.OUTCOME_COLUMNS:
            values[f"part4.{g.key}.{c.key}"] = (p4.get(g.key) or {}).get(c.key)
    spans = _spans_in(text, tables, values)

    def cell(key: str, derived_key: str | None = None) -> CellView:
        return CellView(values.get(key), cell_anchor(key) if key in spans else None,
                        derived_key in derived if derived_key else False)

    views: list[TableView] = []
    if apps:
        rows = []
        for row, cells in apps.items():
            if not isinstance(cells, dict):
                continue
            label = str(cells.get("label") or row) + ("（未找到）" if cells.get("found") is False else "")
            rows.append((label, [cell(f"part3.{row}.{c.key}", f"{row}.{c.key}")
                                 for c in template.PART_THREE_COLUMNS]))
        views.append(TableView("三、收到和处理政府信息公开申请情况",
                               [c.label for c in template.PART_THREE_COLUMNS], rows))
    if p4:
        views.append(TableView("四、政府信息公开行政复议、行政诉讼情况",
                               [c.label for c in template.OUTCOME_COLUMNS],
                               [(g.label, [cell(f"part4.{g.key}.{c.key}") for c in template.OUTCOME_COLUMNS])
                                for g in template.PART_FOUR_GROUPS]))
    identities = [
        IdentityView(labels.identity_scope(r.scope),
                     f"{r.lhs_name} = {r.rhs_name}" if r.rhs_name else r.lhs_name,
                     r.lhs, r.rhs, r.held, labels.IDENTITY_RESULTS[r.held],
                     [cell_anchor(k) for k in r.cells if k in spans])
        for r in identity_results(tables)
    ]
    prose, prose_spans = _prose_figures(tables, text)
    anchors = sorted([(s, e, cell_anchor(k)) for k, (s, e) in spans.items()]
                     + [(s, e, a) for a, (s, e) in prose_spans.items()])
    return ReportTables(views, identities, anchors, prose)


def _prose_figures(tables: dict, text: str) -> tuple[list[tuple[str, int, str]], dict[str, tuple[int, int]]]:
    """The figures a prose-only report states, each linked to where it stands in ``text`` (a span
    whose text is not the figure, from an index built over another text, is left out)."""
    if tables.get("source") != "prose":
        return [], {}
    gold = tables.get("gold_facts") or {}
    figures: list[tuple[str, int, str]] = []
    where: dict[str, tuple[int, int]] = {}
    for key, span in sorted((tables.get("gold_spans") or {}).items(), key=lambda kv: kv[1]):
        group, _, field_name = key.partition(".")
        value = gold.get(key) if not field_name else (gold.get(group) or {}).get(field_name)
        s, e = int(span[0]), int(span[1])
        if not (isinstance(value, int) and 0 <= s < e <= len(text) and nfkc_string(text[s:e]) == str(value)):
            continue
        anchor = cell_anchor("prose." + key)
        figures.append((labels.prose_figure_label(key), value, anchor))
        where[anchor] = (s, e)
    return figures, where
