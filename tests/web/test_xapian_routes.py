"""Every page and API route of the web app answers on the xapian backend as on whoosh: the same
status (200, 400 or 404; never a 500), and for the JSON, CSV and autocomplete answers the same body.
Both backends serve the sample corpus (the xapian one in two shards on loopback)."""

from __future__ import annotations

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

    for name in facets.current().corpus:
        page = re.sub(rf'<section class="facet" data-facet="{name}">.*?</section>', "", page, flags=re.S)
        page = re.sub(rf'<p class="note" role="status">[^<]*“{name}”[^<]*</p>', "", page)
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
