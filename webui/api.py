"""The JSON twins of the pages: same parameters, same query core, errors as ``{"error": ...}``."""

from __future__ import annotations

from flask import Blueprint, Response, request, stream_with_context

from indexer.engine.backend import OpenIndex
from indexer.engine.correcting import corrected
from indexer.engine.query import Query, QueryError

from . import export, get_index
from .hints import correction_notes
from .labels import query_error_text
from .present import result_json
from .urls import API_SEARCH

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.errorhandler(QueryError)
def query_error(err: QueryError):
    return {"error": query_error_text(err)}, 400


@bp.get("/search")
@bp.get("/search.json")
def search():
    """Takes the arguments of ``/``; the body is ``present.result_json(result, API_SEARCH)``: facet
    toggle URLs stay in the API, hits' ``url`` are the report pages."""
    index = get_index()
    fixed = corrected(index, Query.from_args(request.args))
    query, notes = fixed.query, correction_notes(fixed)
    if request.args.get("all") in ("1", "true", "yes"):
        # every hit of every page, each with all its facts (no snippets)
        rows = list(index.iter_facts(query))
        return {"total": len(rows), "query": {"q": query.q, "args": query.to_args()}, "notes": notes,
                "hits": [{"id": i, "file": f, "title": t, "url": export.urls.report_permalink(i),
                          "facts": facts} for i, f, t, facts in rows]}
    return {**result_json(index.search(query), API_SEARCH), "notes": notes}


def _searched() -> tuple[Query, OpenIndex]:
    """The request's query as the page searches it (``correcting.corrected``), and the index."""
    index = get_index()
    return corrected(index, Query.from_args(request.args)).query, index


def _download(lines, mimetype: str, name: str) -> Response:
    resp = Response(stream_with_context(lines), mimetype=mimetype)
    resp.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return resp


@bp.get("/search.csv")
def search_csv():
    """The whole result set (every page), one row per report, a column per fact: streamed."""
    query, index = _searched()
    rows = index.iter_facts(query)
    return _download(export.csv_lines(rows, request.host_url.rstrip("/")), "text/csv",
                     "nianbao-search.csv")


@bp.get("/search.jsonl")
def search_jsonl():
    """The whole result set as JSON Lines: one report (all its facts) a line, streamed."""
    query, index = _searched()
    rows = index.iter_facts(query)
    return _download(export.jsonl_lines(rows, request.host_url.rstrip("/")), "application/x-ndjson",
                     "nianbao-search.jsonl")


@bp.get("/data.csv")
def data_csv():
    """Every report of the index (the whole data set) as CSV."""
    rows = get_index().iter_facts(Query(sort="year_asc"))
    return _download(export.csv_lines(rows, request.host_url.rstrip("/")), "text/csv",
                     "nianbao-all.csv")


@bp.get("/reports/<report_id>")
def report(report_id: str):
    view = get_index().report(report_id, request.args.get("q", "").strip())
    if view is None:
        return {"error": f"unknown report {report_id!r}"}, 404
    return view.to_json()


@bp.get("/stats")
def stats():
    return get_index().stats()


@bp.get("/suggest")
def suggest():
    """Autocomplete for the search box: places and bodies of the index matching ``prefix`` (at most
    ``limit``, 1-50, 10 by default), each with the query that searches for it."""
    from .present import suggestion_json

    prefix = request.args.get("prefix", "")[:50]
    try:
        limit = int(request.args.get("limit", "10"))
    except ValueError:
        return {"error": "limit 须为 1 到 50 的整数"}, 400
    limit = max(1, min(limit, 50))
    return {"suggestions": [suggestion_json(f, v) for f, v in get_index().suggest(prefix, limit)]}
