"""Every page and API route of the web app answers on the xapian backend as on whoosh: the same
status (200, 400 or 404; never a 500), and for the JSON, CSV and autocomplete answers the same body.
Both backends serve the sample corpus (the xapian one in two shards on loopback)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from tests.helpers import ROOT, both_backends, without_corpus_facts, xapian_skip_reason

pytestmark = pytest.mark.skipif(xapian_skip_reason() is not None, reason=str(xapian_skip_reason()))


@pytest.fixture(scope="module")
def clients(tmp_path_factory):
    from webui import create_app

    both = both_backends(ROOT / "corpus", tmp_path_factory.mktemp("routes"))
    whoosh = create_app({"INDEX_DIR": str(both.whoosh_dir), "BACKEND": "whoosh"}).test_client()
    xapian = create_app({"INDEX_DIR": str(both.xapian_dir), "BACKEND": "xapian",
                         "SHARDS": both.servers.spec}).test_client()  # type: ignore[attr-defined]
    yield whoosh, xapian, both
    both.close()


def _urls(both) -> dict[str, list[str]]:
    """Route rule → URLs that exercise it: ordinary requests, bad arguments, unknown ids."""
    from indexer.engine.query import Query

    hits = both.whoosh.search(Query(per_page=5, sort="year_asc")).hits
    a, b = hits[0], hits[1]
    search = ["", "?q=公开", '?q="政务新媒体"&year=2020', "?q=(", "?q=公开)", f"?place={a.province}/{a.city}",
              "?expand=town", "?expand=nope", "?sort=bad", "?sort=applications&page=2&per_page=1",
              "?page=99", "?page=0", "?per_page=1000", "?applications_new_min=x&year=2020",
              "?litigation_total_min=3&litigation_total_max=1", f"?q=town:{(a.town or '某镇')[:-1]}",
              "?q=towm:某镇 公开", "?q=has_litigation:maybe", "?has_litigation=maybe", "?q=year:abc",
              f"?q=body_id:{a.body_id}", "?granted_share_min=50", "?q=NOT 公开", "?partial=1&q=公开"]
    return {
        "/": ["/" + s for s in search],
        "/api/search": ["/api/search" + s for s in search] + ["/api/search?all=1&sort=year",
                                                              "/api/search?all=1&q=("],
        "/api/search.json": ["/api/search.json?q=公开&sort=year"],
        "/api/search.csv": ["/api/search.csv?q=公开&sort=year", "/api/search.csv?q=(", "/api/search.csv"],
        "/api/search.jsonl": ["/api/search.jsonl?sort=year_asc", "/api/search.jsonl?q=公开)"],
        "/api/data.csv": ["/api/data.csv"],
        "/reports/<report_id>": [f"/reports/{a.id}", f"/reports/{a.id}?q=政府", f"/reports/{a.id}?q=(",
                                 "/reports/0000000000000000", f"/reports/{a.id}?q=公开&sort=year&page=2"],
        "/reports/<report_id>/reuse/<other_id>": [f"/reports/{a.id}/reuse/{b.id}",
                                                  f"/reports/{a.id}/reuse/0000000000000000"],
        "/reports/<report_id>/raw": [f"/reports/{a.id}/raw", "/reports/0000000000000000/raw"],
        "/api/reports/<report_id>": [f"/api/reports/{a.id}", f"/api/reports/{a.id}?q=(",
                                     "/api/reports/nope"],
        "/bodies/<body_id>": [f"/bodies/{a.body_id}", "/bodies/0000000000000000", '/bodies/a"b(c'],
        "/compare": [f"/compare?ids={a.id},{b.id}", f"/compare?ids={a.id}", f"/compare?ids={a.id},nope",
                     "/compare", f"/compare?id={a.id}&id={b.id}"],
        "/api/stats": ["/api/stats"],
        "/api/suggest": ["/api/suggest?prefix=镇", "/api/suggest?prefix=", "/api/suggest",
                         f"/api/suggest?prefix={(a.province or '山')[:1]}",
                         "/api/suggest?prefix=" + "长" * 80],
        "/static/<path:filename>": ["/static/nianbao.js", "/static/style.css", "/static/nope.js"],
    }


def _get(client, url: str):
    """The response, its (streamed) body read to the end and the response closed."""
    resp = client.get(url)
    resp.get_data()
    resp.close()
    return resp


def _body(resp) -> object:
    """What must be equal between backends: JSON without the timing, or the text."""
    if resp.is_json:
        data = without_corpus_facts(resp.get_json())
        if isinstance(data, dict):
            data.pop("took_ms", None)
            data.pop("partial", None)  # only the xapian backend says whether shards were missing
            data.pop("missing_shards", None)
            if "generation" in data:  # stats: where each index lives
                return sorted(data)
        return data
    if resp.mimetype in ("application/x-ndjson", "application/jsonl", "application/json-lines") or \
            resp.mimetype.endswith("jsonl") or resp.mimetype.endswith("ndjson"):
        import json

        return [without_corpus_facts(json.loads(line)) for line in resp.get_data(as_text=True).splitlines()
                if line.strip()]
    if resp.mimetype == "text/csv":
        return _csvwithout_corpus_facts(resp.get_data(as_text=True))
    return resp.get_data(as_text=True)


def _csvwithout_corpus_facts(text: str) -> list[list[str]]:
    """A CSV export's rows without the corpus facts' columns (whoosh's only)."""
    import csv
    import io

    from indexer.engine.corpusfacts import KEYS

    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    if not rows:
        return rows
    keep = [i for i, name in enumerate(rows[0]) if name not in KEYS]
    return [[row[i] for i in keep if i < len(row)] for row in rows]


def test_every_route_answers_on_xapian_with_whooshs_status_never_a_500(clients):
    whoosh, xapian, both = clients
    app_rules = {r.rule for r in xapian.application.url_map.iter_rules()}
    urls = _urls(both)
    assert set(urls) == app_rules, "a route without a test URL here"
    for rule, group in urls.items():
        for url in group:
            w, x = _get(whoosh, url), _get(xapian, url)
            assert x.status_code in (200, 400, 404), (url, x.status_code, x.get_data(as_text=True)[:300])
            assert x.status_code == w.status_code, (url, w.status_code, x.status_code)
            if rule.startswith("/api/") and ("sort=" in url or rule in ("/api/suggest", "/api/data.csv")
                                             or "/reports/" in rule or x.status_code != 200):
                assert _body(x) == _body(w), url


def _without_corpus_facet_blocks(page: str) -> str:
    """A search page without the corpus facets' lists (whoosh's only) and the xapian page's notes
    saying it does not count them."""
    import re

    from indexer.engine import facets
    from webui.labels import facet_label

    for name in facets.current().corpus:
        page = re.sub(rf'<section class="facet" data-facet="{name}">.*?</section>', "", page, flags=re.S)
        page = re.sub(rf'<p class="note" role="status">[^<]*“{re.escape(facet_label(name))}”[^<]*</p>', "",
                      page)
    return page


def test_the_search_page_shows_whooshs_overview_and_facets_on_xapian(clients):
    whoosh, xapian, both = clients
    from indexer.engine.query import Query

    province = both.whoosh.search(Query(per_page=1)).hits[0].province
    for url in ("/?q=公开", "/?year=2020", f"/?place={province}", "/?q=政府&sort=year"):
        w, x = _get(whoosh, url).get_data(as_text=True), _get(xapian, url).get_data(as_text=True)
        for marker in ("按年份", "申请", "class=\"facet"):
            assert (marker in x) == (marker in w), (url, marker)
        w, x = _without_corpus_facet_blocks(w), _without_corpus_facet_blocks(x)
        start, end = w.find("<main"), w.find("</main>")
        # the page minus the timing line: the same numbers, hits, facets and links
        strip = [line for line in w[start:end].splitlines()
                 if "毫秒" not in line and " ms" not in line and line.strip()]
        got = [line for line in x[x.find("<main"):x.find("</main>")].splitlines()
               if "毫秒" not in line and " ms" not in line and line.strip()]
        assert got == strip, url


class _Links(HTMLParser):
    """The URLs a page links to or submits to (``href``, ``src``, ``action``), the hidden inputs of
    each GET form and what the autocomplete's script adds to its requests (``data-carry``)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.forms: list[tuple[str, list[tuple[str, str]]]] = []  # (form id, hidden (name, value))
        self.carry: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        got = {k: v or "" for k, v in attrs}
        self.urls += [got[k] for k in ("href", "src", "action") if k in got]
        if "data-carry" in got:
            self.carry.append(got["data-carry"])
        if tag == "form" and got.get("method", "get").lower() == "get":
            self.forms.append((got.get("id", ""), []))
        if tag == "input" and got.get("type") == "hidden" and self.forms:
            self.forms[-1][1].append((got.get("name", ""), got.get("value", "")))


def _app_links(page: str) -> tuple[list[str], list[tuple[str, list[tuple[str, str]]]]]:
    """(the page's URLs into the app, its GET forms): not the static files, in-page fragments or
    other sites (a report's source on its government site). The autocomplete's requests count as
    links (``/api/suggest?`` + what its script adds)."""
    links = _Links()
    links.feed(page)
    urls = [u for u in links.urls
            if u.startswith("/") and not u.startswith(("//", "/static/"))]
    urls += ["/api/suggest?limit=10&prefix=镇" + (f"&{c}" if c else "") for c in links.carry]
    return urls, links.forms


def _carries_partial(url: str) -> bool:
    from urllib.parse import parse_qs, urlsplit

    return parse_qs(urlsplit(url).query).get("partial") == ["1"]


def _live_and_dead_shard() -> tuple[set[str], int]:
    """(ids of the reports in the shard left running, the shard to kill): the one holding fewer of
    the sample corpus' reports, so that the live one has pages, a compare and a body to link."""
    from indexer.engine.xapian import schema as xs
    from indexer.extract.report import report_id

    ids = [report_id(p.name) for p in sorted((ROOT / "corpus").glob("*.txt"))]
    by_shard = [{i for i in ids if xs.shard_of(i, 2) == s} for s in (0, 1)]
    dead = 0 if len(by_shard[0]) < len(by_shard[1]) else 1
    return by_shard[1 - dead], dead


def test_a_page_asked_with_partial_1_carries_it_in_every_link_while_a_shard_is_down(tmp_path):
    """With a shard down, ``partial=1`` holds on every link (facets, place tree, chips, pages, sorts
    and the search form, exports, JSON, hits, bodies, compare, the autocomplete's API, the header's
    and footer's links), so that no next click is a 503; a page asked without it links without it."""
    from indexer.engine.xapian.build import build_xapian, shard_dirs
    from indexer.engine.xapian.cluster import LoopbackServers
    from webui import create_app

    build_xapian(ROOT / "corpus", tmp_path, shards=2, procs=1)
    live, dead = _live_and_dead_shard()
    assert len(live) >= 2
    with LoopbackServers(shard_dirs(tmp_path, 2)) as servers:
        servers.kill(dead)
        client = create_app({"INDEX_DIR": str(tmp_path), "BACKEND": "xapian",
                             "SHARDS": servers.spec}).test_client()
        listing = client.get("/api/search?partial=1&per_page=100&sort=year_asc").get_json()
        assert listing["partial"] is True and {h["id"] for h in listing["hits"]} == live
        first, second = listing["hits"][0], listing["hits"][1]
        pages = ["/?partial=1&per_page=1",
                 f"/?partial=1&q=公开&place={first['province']}&year={first['year']}",
                 "/?partial=1&q=行政诉讼&sort=year", f"/reports/{first['id']}?partial=1&q=公开",
                 f"/bodies/{first['body_id']}?partial=1",
                 f"/compare?partial=1&ids={first['id']},{second['id']}"]
        seen: set[str] = set()
        for url in pages:
            resp = client.get(url)
            assert resp.status_code == 200, url
            links, forms = _app_links(resp.get_data(as_text=True))
            assert links, url
            assert [u for u in links if not _carries_partial(u)] == [], url
            for form_id, hidden in forms:
                assert ("partial", "1") in hidden, (url, form_id)
            seen.update(links)
        paths = {u.split("?")[0] for u in seen}
        for wanted in ("/", "/api/search", "/api/search.csv", "/api/search.jsonl", "/api/data.csv",
                       "/api/stats", "/api/suggest", f"/reports/{first['id']}", f"/bodies/{first['body_id']}",
                       f"/api/reports/{first['id']}"):
            assert wanted in paths, wanted
        for arg in ("page=2", "has_litigation=", "place=", "year="):  # pages, facets, the tree, chips
            assert any(arg in u for u in seen), arg
        for url in sorted(seen):  # the next click answers for the live shard: never a 503
            resp = client.get(url.split("#")[0])
            resp.get_data()
            assert resp.status_code in (200, 400, 404), (url, resp.status_code)
        resp = client.get("/?per_page=1")
        assert resp.status_code == 503
        links, _forms = _app_links(resp.get_data(as_text=True))
        assert links and not [u for u in links if "partial" in u]


def test_partial_1_is_carried_only_when_asked_and_is_harmless_on_both_backends(clients):
    """Without ``partial=1`` no link has it; with it (every shard up) the page is the same on whoosh,
    which ignores it, its links carry it, and an export's rows are the same: their report URLs are
    permalinks, not carrying it."""
    whoosh, xapian, _both = clients
    for client in (whoosh, xapian):
        plain = _get(client, "/?q=公开&per_page=1").get_data(as_text=True)
        links, forms = _app_links(plain)
        assert links and not [u for u in links if "partial" in u]
        assert all(name != "partial" for _id, hidden in forms for name, _v in hidden)
        asked = _get(client, "/?q=公开&per_page=1&partial=1")
        assert asked.status_code == 200
        links, _forms = _app_links(asked.get_data(as_text=True))
        assert links and all(_carries_partial(u) for u in links)
        for export in ("/api/search.csv?q=公开&sort=year", "/api/search.jsonl?q=公开&sort=year"):
            assert _body(_get(client, export + "&partial=1")) == _body(_get(client, export))
            assert "partial=1" not in _get(client, export + "&partial=1").get_data(as_text=True)


def test_unindexed_facets_are_named_by_their_chinese_label_on_the_page_and_in_api_errors(clients):
    """The xapian page's notes on the facets it does not count, and the 400 for a filter on one (as
    a URL argument, in the query text, a range, an export), name the facet by its label."""
    from indexer.engine import facets
    from webui.labels import facet_label

    _whoosh, xapian, _both = clients
    registry = facets.current()
    uncounted = [n for n in registry.listed if n in registry.corpus]
    assert uncounted
    page = _get(xapian, "/?q=公开").get_data(as_text=True)
    for name in uncounted:
        assert facet_label(name) != name
        assert f"筛选项“{facet_label(name)}”只有 whoosh 后端提供" in page, name
        assert f"“{name}”" not in page, name
    label = facet_label("reuse_kind")
    for url in ("/?reuse_kind=other_body", "/?q=公开 reuse_kind:other_body"):
        resp = _get(xapian, url)
        assert resp.status_code == 400, url
        assert f"“{label}”在 Xapian 后端上不可用" in resp.get_data(as_text=True), url
    for url, name in (("/api/search?reuse_kind=other_body", "reuse_kind"),
                      ("/api/search?q=reuse_kind:other_body", "reuse_kind"),
                      ("/api/search.csv?q=reuse_kind:same_body", "reuse_kind"),
                      ("/api/search?reuse_share_min=10", "reuse_share")):
        resp = _get(xapian, url)
        assert resp.status_code == 400, url
        assert resp.get_json()["error"].startswith(f"“{facet_label(name)}”在 Xapian 后端上不可用"), url
