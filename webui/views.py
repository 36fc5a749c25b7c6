"""HTML pages: the search page, one page per report, and the original file."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import quote, urlencode

from flask import Blueprint, Response, abort, current_app, render_template, request

from indexer.engine.query import FACET_LABELS, FACETS, RANGES, SORTS, SYNTAX_HELP, Query, QueryError

from . import get_index

bp = Blueprint("views", __name__)

RANGE_LABELS: dict[str, str] = {
    "applications_new": "新收依申请数",
    "reconsideration_total": "行政复议数",
    "litigation_total": "行政诉讼数",
}
YES_NO = {"yes": "有", "no": "无", "unknown": "未知"}
# status → (label, what it means for trusting the numbers)
STATUS: dict[str, tuple[str, str]] = {
    "verified": ("已核验", "表格数字已提取且各项合计自洽 — numbers extracted and their totals check out"),
    "inconsistent": ("不一致", "数字已提取，但合计对不上 — numbers extracted but totals disagree; "
                               "check the source"),
    "partial": ("部分", "只提取到部分数字 — only some numbers could be extracted"),
    "no_tables": ("无表格", "未找到统计表格，没有数字 — no statistics tables found"),
}


def status_info(status: str | None) -> tuple[str, str]:
    """(label, explanation) of a data-quality status, for badges and tooltips."""
    if not status:
        return "未知", "没有数据质量信息"
    return STATUS.get(status, (status, ""))


def place(obj) -> str:
    """省 市 县区 乡镇 of a hit or a facts dict, joined, skipping the unknown and repeats."""
    get = obj.get if isinstance(obj, dict) else (lambda k: getattr(obj, k, None))
    parts: list[str] = []
    for key in ("province", "city", "county", "town"):
        v = get(key)
        if v and v not in parts:
            parts.append(str(v))
    return " ".join(parts)


def value_label(name: str, value: str, label: str = "") -> str:
    if label and label != value:
        return label
    if name.startswith("has_"):
        return YES_NO.get(value, value)
    if name == "status":
        return status_info(value)[0]
    return value


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


def _chips(query: Query, facets: dict) -> list[Chip]:
    chips: list[Chip] = []
    if query.q:
        chips.append(Chip("检索词", query.q, replace(query, q="", page=1).url("/")))
    for name, vals in query.filters:
        known = {fv.value: fv.label for fv in facets.get(name, [])}
        for v in vals:
            chips.append(Chip(FACET_LABELS.get(name, name), value_label(name, v, known.get(v, "")),
                              query.toggled(name, v).url("/")))
    for name, mn, mx in query.ranges:
        text = f"{'' if mn is None else mn} – {'' if mx is None else mx}"
        if mn is None:
            text = f"≤ {mx}"
        elif mx is None:
            text = f"≥ {mn}"
        chips.append(Chip(RANGE_LABELS.get(name, name), text, query.without_range(name).url("/")))
    return chips


def _pages(query: Query, pages: int) -> list[PageLink]:
    wanted = {1, pages, *range(query.page - 2, query.page + 3)}
    out: list[PageLink] = []
    last = 0
    for n in sorted(p for p in wanted if 1 <= p <= pages):
        if n > last + 1:
            out.append(PageLink(None))
        out.append(PageLink(n, query.with_page(n).url("/"), n == query.page))
        last = n
    return out


def _hidden_state(query: Query) -> list[tuple[str, str]]:
    """Arguments the search form carries as hidden inputs: the facet filters and expanded facets.

    q, sort, per_page and the ranges are visible inputs of the same form; page is dropped on purpose
    (a new search starts on page 1)."""
    keep = set(FACETS) | {"expand"}
    return [(k, v) for k, v in query.to_args() if k in keep]


@bp.get("/")
def search():
    error = None
    result = None
    status = 200
    try:
        query = Query.from_args(request.args)
    except QueryError as e:
        error, status = str(e), 400
        query = Query(q=" ".join(request.args.getlist("q")).strip())
    if error is None:
        try:
            result = get_index().search(query, base="/")
        except QueryError as e:
            error, status = str(e), 400
    facets = result.facets if result else {}
    return render_template(
        "search.html",
        query=query,
        result=result,
        error=error,
        facets=[(name, FACET_LABELS.get(name, name), facets.get(name, [])) for name in FACETS],
        value_label=value_label,
        chips=_chips(query, facets),
        ranges=[(name, RANGE_LABELS.get(name, name), *query.range_of(name)) for name in RANGES],
        sorts=SORTS,
        per_page_choices=sorted({10, 20, 50, 100, query.per_page}),
        syntax_help=SYNTAX_HELP,
        hidden=_hidden_state(query),
        pages=_pages(query, result.pages) if result else [],
        prev_url=query.with_page(query.page - 1).url("/") if result and query.page > 1 else None,
        next_url=query.with_page(query.page + 1).url("/") if result and query.page < result.pages else None,
        json_url=query.url("/api/search") if error is None else None,
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
    "applications_new": "新收依申请",
    "reconsideration": "行政复议",
    "reconsideration_total": "行政复议",
    "litigation_direct": "行政诉讼（直接起诉）",
    "litigation_after_reconsideration": "行政诉讼（复议后起诉）",
    "litigation_total": "行政诉讼合计",
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


@bp.get("/reports/<report_id>")
def report(report_id: str):
    q = request.args.get("q", "").strip()
    view = get_index().report(report_id, q)
    if view is None:
        return render_template("error.html", code=404, title="找不到该报告 Report not found",
                               message=f"没有编号为 {report_id} 的报告。"), 404
    facts = view.facts or {}
    main = [(key, label, facts.get(key)) for key, label in FACT_LABELS.items()
            if key in facts and (facts.get(key) not in (None, "", [], {}) or key in ALWAYS_SHOWN)]
    other = [(k, v) for k, v in facts.items() if k not in FACT_LABELS and k not in SHOWN_APART]
    return render_template(
        "report.html",
        view=view,
        q=q,
        facts=facts,
        main_facts=main,
        other_facts=other,
        sublabels=SUBFACT_LABELS,
        back_url=_search_url(),
        json_url=f"/api/reports/{quote(report_id)}" + ("?" + urlencode({"q": q}) if q else ""),
    )


def _search_url() -> str:
    """The search page this report was reached from: the report URL carries the search state."""
    try:
        return Query.from_args(request.args).url("/")
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
