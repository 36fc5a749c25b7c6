"""HTML pages: the search page, one page per report, and the original file."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import quote

from flask import Blueprint, Response, abort, current_app, render_template, request

from indexer.engine import facets as facet_registry
from indexer.engine.correcting import corrected
from indexer.engine.query import SORTS, Query, QueryError
from indexer.extract.meta import mentioned_urls
from indexer.extract.tables.template import APPLICANT_COLUMNS, OUTCOME_COLUMNS, PART_FOUR_GROUPS, TOTAL_COLUMN

from . import corpuslines, follow, get_index
from .charts import BY_YEAR_TITLE, bar_chart
from .hints import correction_notes, facet_hints, word_cuts
from .labels import (
    FACET_LABELS,
    HIERARCHY_LABELS,
    NUMBER_LABELS,
    OTHER_FACT_LABELS,
    RANGE_LABELS,
    RATES,
    SORT_LABELS,
    SYNTAX_HELP,
    TABLE_KEY_LABELS,
    arg_label,
    query_error_text,
    status_info,
    uncounted_note,
    value_label,
)
from .present import report_tables
from .urls import (
    API_CSV,
    API_JSONL,
    API_SEARCH,
    body_url,
    carried,
    compare_url,
    export_url,
    report_json_url,
    report_url,
    search_url,
)

__all__ = ["bp", "content_disposition", "guess_charset", "place", "status_info"]

bp = Blueprint("views", __name__)


def place(obj) -> str:
    """省 市 县区 乡镇 of a hit or a facts dict, joined, skipping the unknown and repeats."""
    get = obj.get if isinstance(obj, dict) else (lambda k: getattr(obj, k, None))
    parts: list[str] = []
    for key in ("province", "city", "county", "town"):
        v = get(key)
        if v and v not in parts:
            parts.append(str(v))
    return " ".join(parts)


@dataclass
class Chip:
    name: str
    label: str
    remove_url: str


@dataclass
class PageLink:
    number: int | None  # None: a gap (…)
    url: str = ""
    current: bool = False


def _chips(query: Query) -> list[Chip]:
    chips: list[Chip] = []
    if query.q:
        chips.append(Chip("检索词", query.q, search_url(replace(query, q="", page=1))))
    for name, vals in query.filters:
        for v in vals:
            chips.append(Chip(FACET_LABELS.get(name, name), value_label(name, v),
                              search_url(query.toggled(name, v))))
    for name, mn, mx in query.ranges:
        text = f"{'' if mn is None else mn} – {'' if mx is None else mx}"
        if mn is None:
            text = f"≤ {mx}"
        elif mx is None:
            text = f"≥ {mn}"
        chips.append(Chip(RANGE_LABELS.get(name, name), text, search_url(query.without_range(name))))
    return chips


def _pages(query: Query, pages: int) -> list[PageLink]:
    wanted = {1, pages, *range(query.page - 2, query.page + 3)}
    out: list[PageLink] = []
    last = 0
    for n in sorted(p for p in wanted if 1 <= p <= pages):
        if n > last + 1:
            out.append(PageLink(None))
        out.append(PageLink(n, search_url(query.with_page(n)), n == query.page))
        last = n
    return out


def _hidden_state(query: Query) -> list[tuple[str, str]]:
    """Arguments the search form carries as hidden inputs: the facet filters and expanded facets,
    and what every link carries (``partial=1``).

    q, sort, per_page and the ranges are visible inputs of the same form; page is dropped on purpose
    (a new search starts on page 1)."""
    registry = facet_registry.current()
    keep = set(registry.listed) | {"expand"} | {h.name for h in registry.hierarchies}
    return [(k, v) for k, v in query.to_args() if k in keep] + list(carried())


@dataclass
class TreeLevel:
    """The place hierarchy on the search page: the path chosen so far (each step links back up to
    it) and the values of the next level with their counts (each links one level down)."""

    name: str
    label: str
    crumbs: list[tuple[str, str]]  # (value, URL that goes back up to this level); first: 全部
    level: str | None  # the label of the facet listed next (None: at the bottom)
    values: list[tuple[str, int, str]]  # (value, count, URL one level down)
    facet: str | None = None  # the facet listed next: its "全部 N 个" link lists every value


def _trees(query: Query, result) -> list[TreeLevel]:
    out: list[TreeLevel] = []
    if result is None:
        return out
    for h in facet_registry.current().hierarchies:
        path = query.path_of(h.name)
        crumbs = [("全部", search_url(query.with_path(h.name, ())))]
        crumbs += [(v, search_url(query.with_path(h.name, path[: i + 1]))) for i, v in enumerate(path)]
        level = h.levels[len(path)] if len(path) < len(h.levels) else None
        values = []
        if level is not None:
            for fv in result.facets.get(level, []):
                if fv.count:
                    down = search_url(query.with_path(h.name, (*path, fv.value)))
                    values.append((fv.value, fv.count, down))
        out.append(TreeLevel(h.name, HIERARCHY_LABELS.get(h.name, h.name), crumbs,
                             level and FACET_LABELS.get(level, level), values, level))
    return out


def _overview(index, query: Query, result):
    """The totals, rates, chart and top bodies of the whole result set (not only this page)."""
    if result is None or not result.total:
        return None
    data = index.overview(query)
    groups = [(str(y), vals) for y, vals in sorted(data["by_year"].items())]
    data["chart"] = bar_chart(groups, BY_YEAR_TITLE)
    data["rate_rows"] = [(key, *RATES[key], r) for key, r in data["rates"].items()]

    def of_body(name: str) -> str:
        """The current search narrowed to one body's reports."""
        term = 'body:"' + name.replace('"', "") + '"'
        return search_url(replace(query, q=f"{query.q} {term}".strip()).with_page(1))

    for key in ("top_applications", "top_litigation"):
        data[key] = [(b, n, v, of_body(b)) for b, n, v in data[key]]
    return data


@bp.get("/")
def search():
    error = None
    result = None
    status = 200
    notes: list[str] = []
    bad: list[tuple[str, str]] = []
    try:
        query = Query.from_args(request.args, bad)
    except QueryError as e:
        error, status = str(e), 400
        query = Query(q=" ".join(request.args.getlist("q")).strip())
    if bad:
        # the other filters stay; only the box that is not a number is left out
        error = "；".join(f"“{arg_label(name)}”须为整数（填的是“{value}”），这一项未使用"
                         for name, value in bad)
        status = 400
    index = get_index()
    overview = None
    searched = query
    if status == 200 or bad:
        try:
            fixed = corrected(index, query)
            searched = fixed.query
            notes += correction_notes(fixed)
            result = index.search(searched)
            notes += [uncounted_note(n) for n in index.uncounted_facets(searched)]  # facets it lacks
            if getattr(result, "partial", False):  # partial=1 on the xapian backend, a shard down
                notes.append(f"部分结果：分片 {'、'.join(result.missing_shards)} 无响应，"
                             "以下只含其余分片的报告")
            overview = _overview(index, searched, result)
        except QueryError as e:
            error, status = query_error_text(e), 400
    facets = result.facets if result else {}
    past_end = bool(result and result.total and not result.hits)
    return render_template(
        "search.html",
        query=query,
        result=result,
        error=error,
        notes=notes,
        past_end=past_end,
        last_page_url=search_url(query.with_page(result.pages)) if past_end and result else None,
        cuts=word_cuts(searched) if result else [],
        facet_hints=facet_hints(searched) if result else [],
        trees=_trees(query, result),
        overview=overview,
        facets=[(name, FACET_LABELS.get(name, name), facets.get(name, []))
                for name in facet_registry.current().listed],
        value_label=value_label,
        chips=_chips(query),
        ranges=[(name, RANGE_LABELS.get(name, name), *query.range_of(name))
                for name in facet_registry.current().ranged],
        sorts={key: SORT_LABELS.get(key, key) for key in SORTS},
        per_page_choices=sorted({10, 20, 50, 100, query.per_page}),
        syntax_help=SYNTAX_HELP,
        hidden=_hidden_state(query),
        pages=_pages(query, result.pages) if result else [],
        prev_url=search_url(query.with_page(query.page - 1)) if result and query.page > 1 else None,
        next_url=(search_url(query.with_page(query.page + 1)) if result and query.page < result.pages
                  else None),
        json_url=search_url(query, API_SEARCH) if error is None else None,
        # the exports hold what the page lists: the query as searched (places read, typos out)
        csv_url=export_url(searched, API_CSV) if result else None,
        jsonl_url=export_url(searched, API_JSONL) if result else None,
        body_url=body_url,
        number_labels=NUMBER_LABELS,
    ), status


# Facts shown first on the report page, in this order; everything else is under "全部字段".
FACT_LABELS: dict[str, str] = {
    "year": "年份",
    "published": "发布日期",
    "body": "发布机关",
    "province": "省",
    "city": "市",
    "county": "县区",
    "town": "乡镇",
    "notes": "说明",
    "applications": "依申请公开",
    "applications_new": NUMBER_LABELS["applications_new"],
    "reconsideration": "行政复议",
    "reconsideration_total": NUMBER_LABELS["reconsideration_total"],
    "litigation_direct": "行政诉讼（直接起诉）",
    "litigation_after_reconsideration": "行政诉讼（复议后起诉）",
    "litigation_total": NUMBER_LABELS["litigation_total"],
    "places_ambiguous": "地名有歧义",
}
ALWAYS_SHOWN = {"year", "body", "province", "city", "county", "town"}
SHOWN_APART = {"status", "problems", "title", "file", "source_url"}  # in the page's own places
# Keys inside the number groups (applications, reconsideration, litigation_*).
SUBFACT_LABELS: dict[str, str] = {
    "new": "本年新收",
    "carried_over": "上年结转",
    "granted": "予以公开",
    "handled_total": "办理结果总计",
    "carried_forward": "结转下年",
    "maintained": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
    "total": "总计",
}
# Column labels of the template's number tables, by table: the same key names a different column in
# each ("other" is 其他 applicants in part three, 其他结果 outcomes in part four).
COLUMN_LABELS: tuple[dict[str, str], ...] = (
    {c.key: c.label for c in (*APPLICANT_COLUMNS, TOTAL_COLUMN)} | {"other": "其他申请人"},
    {c.key: c.label for c in OUTCOME_COLUMNS},
)
ROW_LABELS: dict[str, str] = {c.key: c.label for c in PART_FOUR_GROUPS} | {
    k: v for k, v in SUBFACT_LABELS.items() if k not in ("other", "total")}
ROW_META = ("label", "found")  # keys of a table row that describe the row, not a cell


@dataclass
class FactTable:
    """A mapping of rows that share their keys (the extracted number tables), shown as a table."""

    columns: list[tuple[str, str]]  # (key, label)
    rows: list[tuple[str, str, list]]  # (key, label, cells in column order)


def fact_table(value) -> FactTable | None:
    """``value`` as a table when it is two or more rows of plain values with the same keys (a dict of
    them, or a list), else None: it is then shown as nested lists, and a 7-column table as nested
    lists was a page 40,000 px tall."""
    if isinstance(value, list) and all(isinstance(r, dict) for r in value):
        value = {str(i): r for i, r in enumerate(value, 1)}
    if not isinstance(value, dict) or len(value) < 2 or not all(isinstance(r, dict) for r in value.values()):
        return None
    keysets = {tuple(k for k in r if k not in ROW_META) for r in value.values()}
    if len(keysets) != 1:
        return None
    keys = next(iter(keysets))
    if not keys or any(isinstance(r[k], dict | list) for r in value.values() for k in keys):
        return None
    labels = next((g for g in COLUMN_LABELS if set(keys) <= set(g)), SUBFACT_LABELS)
    rows = []
    for key, r in value.items():
        label = str(r.get("label") or ROW_LABELS.get(key) or FACT_LABELS.get(key) or key)
        if r.get("found") is False:
            label += "（未找到）"
        rows.append((key, label, [r[k] for k in keys]))
    return FactTable([(k, labels.get(k, k)) for k in keys], rows)


@bp.get("/reports/<report_id>")
def report(report_id: str):
    q = request.args.get("q", "").strip()
    error = None
    try:
        view = get_index().report(report_id, q)
    except QueryError as e:  # the report still shows, unmarked, with the reason (as the search page does)
        error = str(e)
        view = get_index().report(report_id)
    if view is None:
        return render_template("error.html", code=404, title="找不到该报告",
                               message=f"没有编号为 {report_id} 的报告。"), 404
    facts = view.facts or {}
    main = [(key, label, facts.get(key)) for key, label in FACT_LABELS.items()
            if key in facts and (facts.get(key) not in (None, "", [], {}) or key in ALWAYS_SHOWN)]
    other = [(k, OTHER_FACT_LABELS.get(k, k), v) for k, v in facts.items()
             if k not in FACT_LABELS and k not in SHOWN_APART]
    def lookup(ids: list[str]) -> list[tuple[str, str, dict]]:
        return get_index().reports_by_id(ids) if ids else []

    return render_template(
        "report.html",
        view=view,
        q=q,
        error=error,
        facts=facts,
        main_facts=main,
        other_facts=other,
        sublabels={**SUBFACT_LABELS, **TABLE_KEY_LABELS},
        back_url=_search_url(),
        body_url=body_url,
        report_url=report_url,
        tables=facts.get("tables") or {},
        derived=derived_labels(facts.get("tables") or {}),
        extracted=report_tables(facts.get("tables") or {}, view.text),
        mentioned_urls=mentioned_urls(view.text, view.source_url),
        skip_target="text",
        **_report_extras(view),
        cross_year_lines=corpuslines.cross_year_lines(facts, lookup),
        reuse_line=corpuslines.reuse_line(view.id, facts, lookup),
        json_url=report_json_url(report_id, q if not error else ""),
    ), 400 if error else 200


def _report_extras(view) -> dict:
    """The report page's links along its body's years and its part navigation."""
    facts = view.facts or {}
    body_id = facts.get("body_id")
    prev_report = next_report = None
    if body_id:
        years = [(f.get("year"), rid) for rid, _t, f in get_index().body_reports(body_id)]
        mine = facts.get("year")
        if isinstance(mine, int):
            before = [(y, r) for y, r in years if isinstance(y, int) and y < mine]
            after = [(y, r) for y, r in years if isinstance(y, int) and y > mine]
            prev_report = max(before) if before else None
            next_report = min(after) if after else None
    return {"body_id": body_id, "prev_report": prev_report, "next_report": next_report,
            "parts": part_anchors(view.text)}


@dataclass
class PartLink:
    number: int
    heading: str
    offset: int  # where the part's heading starts in the original text (the script scrolls there)
    fragment: str  # a text fragment (#:~:text=…) that browsers scroll to without the script


def part_anchors(text: str) -> list[PartLink]:
    """The parts of the report (一 to 六) that were found, for the page's part navigation."""
    from indexer.extract.normalise import nfkc
    from indexer.extract.parts import split_parts

    norm = nfkc(text)  # as the extractor splits them
    out = []
    for p in split_parts(norm.text):
        start = norm.orig(p.start)
        line = text[start:].split("\n", 1)[0].strip().lstrip("#*>|-= \t")
        words = line.split()[0] if line.split() else p.heading
        out.append(PartLink(p.number, p.heading, start, "#:~:text=" + quote(words[:20])))
    return out


def derived_labels(tables: dict) -> list[str]:
    """The numbers derived from the identities rather than read (``tables["derived"]`` keys such as
    ``carried_forward.natural_person``), in Chinese: one entry per row, its columns named unless the
    whole row was derived."""
    derived = tables.get("derived") or {}
    rows: dict[str, list[str]] = {}
    for key in derived:
        row, _, col = str(key).partition(".")
        rows.setdefault(row, []).append(col)
    names = {c.key: c.label for c in (*APPLICANT_COLUMNS, TOTAL_COLUMN)}
    out = []
    for row, cols in rows.items():
        label = ((tables.get("applications") or {}).get(row) or {}).get("label") or ROW_LABELS.get(row, row)
        if len(cols) >= len(names) or not all(cols):
            out.append(str(label))
        else:
            out.append(f"{label}（{'、'.join(names.get(c, c) for c in cols)}）")
    return out


@bp.get("/bodies/<body_id>")
def body(body_id: str):
    reports = get_index().body_reports(body_id)
    if not reports:
        return render_template("error.html", code=404, title="找不到该机关",
                               message=f"没有机关编号为 {body_id} 的报告。"), 404
    rows = follow.years(reports)
    latest = reports[-1][2]
    chart = bar_chart([(str(r.year), r.numbers) for r in rows], f"{latest.get('body')} 历年主要数字")
    ids = [r.report_id for r in rows][-5:]
    return render_template("body.html", rows=rows, facts=latest, chart=chart, body_id=body_id,
                           by_year_title=BY_YEAR_TITLE, compared_years=len(ids), all_years=len(rows),
                           number_labels=NUMBER_LABELS, keys=[k for k, _g, _s in follow.KEY_NUMBERS],
                           compare_url=compare_url(ids) if len(ids) >= 2 else None,
                           report_url=report_url, skip_target="years")


@bp.get("/compare")
def compare():
    ids: list[str] = []
    for v in [*request.args.getlist("ids"), *request.args.getlist("id")]:
        ids += [x.strip() for x in v.split(",") if x.strip()]
    ids = list(dict.fromkeys(ids))
    reports = get_index().reports_by_id(ids[:5]) if 2 <= len(ids) <= 5 else []
    error = None
    if not 2 <= len(ids) <= 5:
        error = f"请选 2 到 5 份报告对比（现在是 {len(ids)} 份）。"
    elif len(reports) < len(ids):
        error = "有的报告编号不存在，已略去。"
    rows = follow.compare_rows(reports, ROW_LABELS) if len(reports) >= 2 else []
    sections: dict[str, list] = {}
    for r in rows:
        sections.setdefault(r.section, []).append(r)
    return render_template("compare.html", reports=reports, sections=sections, error=error,
                           report_url=report_url, body_url=body_url, skip_target="compare",
                           value_label=value_label), (400 if error and len(reports) < 2 else 200)


def _search_url() -> str:
    """The search page this report was reached from: the report URL carries the search state."""
    try:
        return search_url(Query.from_args(request.args))
    except QueryError:
        return "/"


@bp.get("/reports/<report_id>/raw")
def raw(report_id: str):
    got = get_index().raw(report_id)
    if got is None:
        got = _from_corpus(report_id)
    if got is None:
        abort(404)
    data, name = got
    binary = binary_type(data)
    resp = Response(data, mimetype=binary or "text/plain")
    if binary is None:
        resp.content_type = f"text/plain; charset={guess_charset(data)}"
    resp.headers["Content-Disposition"] = content_disposition(name)
    resp.headers["X-Content-Type-Options"] = "nosniff"  # an .html source is never rendered
    # and if a browser rendered it anyway, it would run in a sandbox: no script, no same origin
    resp.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return resp


def _from_corpus(report_id: str) -> tuple[bytes, str] | None:
    """The original file from CORPUS_DIR, when the index knows the report but not its bytes."""
    corpus = current_app.config.get("CORPUS_DIR")
    if not corpus:
        return None
    view = get_index().report(report_id)
    if view is None or not view.file:
        return None
    root = Path(corpus).resolve()
    path = (root / view.file).resolve()
    if root not in path.parents or not path.is_file():
        return None
    return path.read_bytes(), path.name


BINARY_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword",
}


def binary_type(data: bytes) -> str | None:
    """The content type of a PDF/Word original (by its signature bytes, as the reader chose), or None
    for a text or HTML source (served as text/plain, never rendered)."""
    from indexer.extract.read import sniff

    kind = sniff(data)
    return BINARY_TYPES[kind] if kind else None


def guess_charset(data: bytes) -> str:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


def content_disposition(name: str) -> str:
    name = Path(name).name or "report.txt"
    ascii_name = name.encode("ascii", "replace").decode("ascii").replace("?", "_").replace('"', "_")
    return f"inline; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
