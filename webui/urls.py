"""Every URL nianbao's pages and API link to, built in one place from what the core returns (a
:class:`~indexer.engine.query.Query`, a report id). No Flask here: the CLI's JSON uses it too."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from indexer.engine.query import Query
from indexer.engine.results import Hit

SEARCH = "/"
API_SEARCH = "/api/search"
API_CSV = "/api/search.csv"
API_JSONL = "/api/search.jsonl"
DATA_CSV = "/api/data.csv"  # every report's facts
COMPARE = "/compare"


def search_url(query: Query, base: str = SEARCH) -> str:
    """The search page (or, with ``base=API_SEARCH``, its JSON) of ``query``."""
    args = query.to_args()
    return base + ("?" + urlencode(args) if args else "")


def report_url(report_id: str, query: Query | None = None) -> str:
    """A report's page; it carries the search state so the page can link back and mark the hits."""
    return search_url(query or Query(), f"/reports/{report_id}")


def hit_url(hit: Hit, query: Query) -> str:
    """A result's report page, at its first marked hit when it has one."""
    return report_url(hit.id, query) + ("#hit-1" if hit.marked else "")


def report_json_url(report_id: str, q: str = "") -> str:
    return f"/api/reports/{quote(report_id)}" + ("?" + urlencode({"q": q}) if q else "")


def export_url(query: Query, base: str = API_CSV) -> str:
    """The whole result set of ``query`` (every page) as CSV or JSON Lines."""
    from dataclasses import replace

    return search_url(replace(query, page=1, expand=()), base)


def body_url(body_id: str) -> str:
    return f"/bodies/{quote(body_id)}"


def reuse_url(report_id: str, other_id: str) -> str:
    """The side-by-side view of a report and the other report its text is also found in."""
    return f"/reports/{quote(report_id)}/reuse/{quote(other_id)}"


def compare_url(ids) -> str:
    return COMPARE + "?" + urlencode({"ids": ",".join(ids)})
