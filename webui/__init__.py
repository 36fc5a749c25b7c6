"""The web UI and JSON API of nianbao (年报检索).

``create_app`` is the application factory (as in Flask's tutorial): the search page and the report
pages live in :mod:`webui.views`, their JSON twins in :mod:`webui.api`. Both call the one query core
(:mod:`indexer.engine.search`), so the page and the API cannot disagree; every URL they link to is
built in :mod:`webui.urls`, every label read from :mod:`webui.labels`.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g, render_template, request
from flask.json.provider import DefaultJSONProvider

from indexer.engine.errors import IndexMissing
from indexer.engine.pinning import pin_versions, unpin_versions
from indexer.engine.xapian.cluster import ShardUnavailable, allow_partial_var

__all__ = ["create_app", "get_index"]

_EXT = "nianbao"


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app. Config keys: ``INDEX_DIR`` (default ``"index"``), ``CORPUS_DIR`` (optional,
    where ``/reports/<id>/raw`` looks for the original file when the index cannot give it)."""
    app = Flask(__name__)
    app.json = _HtmlSafeJSON(app)
    app.config.from_mapping(INDEX_DIR="index", CORPUS_DIR=None,
                            BACKEND=os.environ.get("NIANBAO_BACKEND"),  # None: as the folder was built
                            SHARDS=os.environ.get("NIANBAO_SHARDS"))  # xapian: host:port,host:port
    if config:
        app.config.update(config)
    # Readable JSON: Chinese as is, keys in the order the query core gives them.
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    app.extensions[_EXT] = {"index": None, "lock": threading.Lock()}

    from . import api, labels, present, render, reuseview, urls, views

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(reuseview.bp)
    app.jinja_env.filters["place"] = views.place
    app.jinja_env.globals.update(status_info=labels.status_info, search_url=urls.search_url,
                                 hit_url=urls.hit_url, facet_more=present.facet_more,
                                 carried=urls.carried, carried_query=urls.carried_query)
    app.jinja_env.filters["marked_html"] = render.marked_html
    app.jinja_env.filters["snippet_html"] = render.snippet_html
    app.jinja_env.globals["fact_table"] = views.fact_table

    @app.errorhandler(IndexMissing)
    def index_missing(err: IndexMissing):
        if _wants_json():
            message = str(err)
            if "python -m indexer build" not in message:
                message = f"no index yet: run python -m indexer build ({message})"
            return {"error": message}, 503
        return render_template("no_index.html", error=str(err),
                               index_dir=str(app.config["INDEX_DIR"])), 503

    @app.errorhandler(ShardUnavailable)
    def shard_unavailable(err: ShardUnavailable):
        if _wants_json():
            return {"error": str(err), "missing_shards": err.shards}, 503
        return render_template("error.html", code=503, title="分片无响应 Shard not answering",
                               message=str(err)), 503

    @app.before_request
    def partial_results() -> None:
        """``partial=1``: a xapian search runs on the shards that answer and says which are missing,
        and every link of the page carries ``partial=1`` on (``urls.carrying``)."""
        g.partial_token = allow_partial_var.set(request.args.get("partial", "") in urls.CARRIED["partial"])
        g.carried_token = urls.carrying(request.args)
        g.pinned_token = pin_versions()  # one index version for all the request reads (engine/pinning)

    @app.teardown_request
    def partial_results_done(_exc: BaseException | None) -> None:
        """The request's choice ends with it (the thread's context outlives the request)."""
        token = g.pop("partial_token", None)
        if token is not None:
            try:
                allow_partial_var.reset(token)
            except ValueError:  # set in another context (a streamed response's)
                allow_partial_var.set(False)
        pinned = g.pop("pinned_token", None)
        if pinned is not None:
            unpin_versions(pinned)
        carried = g.pop("carried_token", None)
        if carried is not None:
            urls.done_carrying(carried)

    @app.url_defaults
    def carry_on(endpoint: str, values: dict[str, Any]) -> None:
        """Links made by ``url_for`` in the templates carry what ``urls.py``'s links carry (not the
        static files: they do not read the index)."""
        if endpoint != "static":
            for name, value in urls.carried():
                values.setdefault(name, value)

    for code, api_message, title, message in (
        (404, "not found", "找不到该页面", "这个地址没有内容。"),
        (405, "method not allowed", "不支持的请求方式", "只支持 GET。"),
    ):
        app.register_error_handler(code, _error_page(code, api_message, title, message))

    app.after_request(security_headers)
    return app


# No inline script or style anywhere (scripts are static files), nothing framed, no plugin content.
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


class _HtmlSafeJSON(DefaultJSONProvider):
    """JSON with ``<``, ``>`` and ``&`` written as ``\\u003c`` etc.: the same values once parsed, but a
    report's or a query's markup never appears as markup in a response body, whoever reads it."""

    def dumps(self, obj, **kwargs) -> str:
        return super().dumps(obj, **kwargs).replace("<", "\\u003c").replace(">", "\\u003e").replace(
            "&", "\\u0026")


def security_headers(resp):
    """Every response gets the headers above; a view that set its own (the raw original's sandbox
    policy) keeps it."""
    for name, value in SECURITY_HEADERS.items():
        resp.headers.setdefault(name, value)
    return resp


def _error_page(code: int, api_message: str, title: str, message: str):
    """An HTTP error as JSON under /api/, as a page elsewhere."""

    def handler(err):
        if _wants_json():
            return {"error": api_message}, code
        return render_template("error.html", code=code, title=title, message=message), code

    return handler


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def get_index():
    """The app's one :class:`indexer.engine.search.SearchIndex`, opened on first use.

    Raises :class:`IndexMissing` while there is no index; a later request tries again, so building
    the index while the server runs needs no restart. The SearchIndex itself reopens when the index
    on disk changes and is safe to share across threads.
    """
    state = current_app.extensions[_EXT]
    index = state["index"]
    if index is not None:
        return index
    with state["lock"]:
        if state["index"] is None:
            from indexer.engine.xapian.search import open_index

            cfg = current_app.config
            state["index"] = open_index(Path(cfg["INDEX_DIR"]), cfg.get("BACKEND"), cfg.get("SHARDS"))
        return state["index"]
