"""The JSON twins of the pages: same parameters, same query core, errors as ``{"error": ...}``."""

from __future__ import annotations

from flask import Blueprint, request

from indexer.engine.query import Query, QueryError

from . import get_index
from .present import result_json
from .urls import API_SEARCH

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.errorhandler(QueryError)
def query_error(err: QueryError):
    return {"error": str(err)}, 400


@bp.get("/search")
def search():
    """Takes the arguments of ``/``; the body is ``present.result_json(result, API_SEARCH)``: facet
    toggle URLs stay in the API, hits' ``url`` are the report pages."""
    query = Query.from_args(request.args)
    return result_json(get_index().search(query), API_SEARCH)


@bp.get("/reports/<report_id>")
def report(report_id: str):
    view = get_index().report(report_id, request.args.get("q", "").strip())
    if view is None:
        return {"error": f"unknown report {report_id!r}"}, 404
    return view.to_json()


@bp.get("/stats")
def stats():
    return get_index().stats()
