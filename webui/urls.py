"""Every URL nianbao's pages and API link to, built in one place from what the core returns (a
:class:`~indexer.engine.query.Query`, a report id). No Flask here: the CLI's JSON uses it too.

A request may ask for something that is no part of the query but must hold on every page it leads
to: ``partial=1`` (search the shards that answer, on the xapian backend; whoosh ignores it). The
web app sets it per request (:func:`carrying`) and every URL built here carries it on, so the next
click on a page asked with it is not a 503 again while a shard is down. Permalinks written into
data (:func:`report_permalink`: the ``url`` column of an export) never carry it.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterable, Mapping
from urllib.parse import quote, urlencode

from indexer.engine.query import Query
from indexer.engine.results import Hit

SEARCH = "/"
API_SEARCH = "/api/search"
API_CSV = "/api/search.csv"
API_JSONL = "/api/search.jsonl"
DATA_CSV = "/api/data.csv"  # every report's facts
COMPARE = "/compare"

# The request arguments carried on to every link, with the values that turn them on.
CARRIED: dict[str, tuple[str, ...]] = {"partial": ("1", "true", "yes")}
_carried: contextvars.ContextVar[tuple[tuple[str, str], ...]] = contextvars.ContextVar(
    "nianbao_carried_args", default=())


def carried_args(args: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """The arguments of a request (``request.args``) that its links carry on: ``partial=1``."""
    return tuple((name, "1") for name, on in CARRIED.items() if args.get(name, "") in on)


def carrying(args: Mapping[str, str]) -> contextvars.Token:
    """Links built from now on (in this context: one request) carry ``args``' :data:`CARRIED`
    arguments; give the token back to :func:`done_carrying` when the request ends."""
    return _carried.set(carried_args(args))


def done_carrying(token: contextvars.Token) -> None:
    try:
        _carried.reset(token)
    except ValueError:  # set in another context (a streamed response's)
        _carried.set(())


def carried() -> tuple[tuple[str, str], ...]:
    """What every link of the current request carries (for links Flask's ``url_for`` builds, and
    the forms' hidden inputs)."""
    return _carried.get()


def with_args(path: str, args: Iterable[tuple[str, str]] = ()) -> str:
    """``path`` with ``args`` and the carried arguments as its query string."""
    pairs = [*args, *carried()]
    return path + ("?" + urlencode(pairs) if pairs else "")


def search_url(query: Query, base: str = SEARCH) -> str:
    """The search page (or, with ``base=API_SEARCH``, its JSON) of ``query``."""
    return with_args(base, query.to_args())


def report_url(report_id: str, query: Query | None = None) -> str:
    """A report's page; it carries the search state so the page can link back and mark the hits."""
    return search_url(query or Query(), f"/reports/{report_id}")


def report_permalink(report_id: str) -> str:
    """A report's page as data names it (an export's ``url`` column): nothing carried."""
    return f"/reports/{report_id}"


def hit_url(hit: Hit, query: Query) -> str:
    """A result's report page, at its first marked hit when it has one."""
    return report_url(hit.id, query) + ("#hit-1" if hit.marked else "")


def report_json_url(report_id: str, q: str = "") -> str:
    return with_args(f"/api/reports/{quote(report_id)}", [("q", q)] if q else [])


def export_url(query: Query, base: str = API_CSV) -> str:
    """The whole result set of ``query`` (every page) as CSV or JSON Lines."""
    from dataclasses import replace

    return search_url(replace(query, page=1, expand=()), base)


def body_url(body_id: str) -> str:
    return with_args(f"/bodies/{quote(body_id)}")


def reuse_url(report_id: str, other_id: str) -> str:
    """The side-by-side view of a report and the other report its text is also found in."""
    return with_args(f"/reports/{quote(report_id)}/reuse/{quote(other_id)}")


def compare_url(ids) -> str:
    return with_args(COMPARE, [("ids", ",".join(ids))])


def carried_query() -> str:
    """The carried arguments as a query string (``partial=1``), for the page's script to add to the
    autocomplete's requests."""
    return urlencode(carried())
