"""The web UI and JSON API, against a real index built once from the sample corpus."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from markupsafe import escape

from indexer.engine import facets
from indexer.engine.build import build_index
from indexer.engine.query import ReportView
from indexer.engine.querylang import MAX_DEPTH, MAX_QUERY_CHARS
from indexer.extract.normalise import search_text
from webui import create_app
from webui.views import content_disposition, guess_charset

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
LIULOU = "000_dcf4e469761e050f.txt"  # 刘楼镇 2020: 微信公众号 three times
XUEFANG = "001_dba21300d4162f8d.txt"  # 穴坊镇 2020: <b> tags in the text, a source_url


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("index")
    summary = build_index(CORPUS, out, procs=1)
    assert summary.total == 5, summary.lines()
    return out


@pytest.fixture(scope="session")
def app(index_dir):
    app = create_app({"INDEX_DIR": str(index_dir), "CORPUS_DIR": str(CORPUS), "TESTING": True})
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def ids(app) -> dict[str, str]:
    """file name → report id, from the API."""
    body = app.test_client().get("/api/search?per_page=100").get_json()
    return {h["file"]: h["id"] for h in body["hits"]}


# -- helpers --------------------------------------------------------------------------------------


def text_of(resp) -> str:
    return resp.get_data(as_text=True)


def hit_blocks(page: str) -> list[str]:
    """The HTML of each result on a search page."""
    return re.findall(r'<li class="result">(.*?)</li>\s*(?=<li class="result">|</ol>)', page, re.S)


def hrefs(page: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'href="([^"]*)"', page)]


class FormState(HTMLParser):
    """What the browser would submit for ``<form id=form_id>``: its own fields plus those outside it
    that name it with ``form=``. Selects submit their selected option."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None

    def _ours(self, a: dict) -> bool:
        return a.get("form") == self.form_id or (self.inside and "form" not in a)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = True
        elif tag == "input" and self._ours(a) and a.get("name"):
            if a.get("type") not in ("submit", "button"):
                self.fields.append((a["name"], a.get("value") or ""))
        elif tag == "select" and self._ours(a):
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None


def submitted(page: str, form_id: str = "s") -> list[tuple[str, str]]:
    parser = FormState(form_id)
    parser.feed(page)
    return parser.fields


# -- the search page -------------------------------------------------------------------------------


def test_search_page_lists_all_reports_for_empty_query(client):
    resp = client.get("/")
    page = text_of(resp)
    assert resp.status_code == 200
    assert '<html lang="zh-CN">' in page
    assert len(hit_blocks(page)) == 5
    assert "共 <strong>5</strong> 份报告" in page
    for town in ("刘楼镇", "穴坊镇", "齐都镇", "卜集镇", "李楼镇"):
        assert town in page


def test_search_page_shows_syntax_help_and_every_facet(client):
    page = text_of(client.get("/"))
    assert '<details class="syntax">' in page
    assert "精确短语" in page
    for label in ("年份", "省", "市", "县区", "乡镇", "数据质量", "有依申请", "有行政复议", "有行政诉讼"):
        assert f"<h3>{label}</h3>" in page
    assert page.count('class="facet"') == len(facets.DEFAULT.listed)  # the corpus facts' too


def test_phrase_search_returns_exactly_the_three_reports_with_weixin_gongzhonghao(client):
    resp = client.get("/", query_string={"q": '"微信公众号"'})
    page = text_of(resp)
    assert resp.status_code == 200
    blocks = hit_blocks(page)
    assert len(blocks) == 3
    for block in blocks:
        assert "<mark>微信公众号</mark>" in block
    api = client.get("/api/search", query_string={"q": '"微信公众号"'}).get_json()
    assert api["total"] == 3
    assert {h["file"] for h in api["hits"]} == {LIULOU, XUEFANG, "003_89d79d270a8f58c8.txt"}
    for hit in api["hits"]:
        assert any("<mark>微信公众号</mark>" in s for s in hit["snippets"])


def test_search_result_shows_title_place_numbers_status_and_links_to_report(client, ids):
    page = text_of(client.get("/", query_string={"q": "微信公众号"}))
    block = next(b for b in hit_blocks(page) if "刘楼镇" in b)
    assert "2020 年" in block
    assert "山东省 济宁市 汶上县 刘楼镇" in block
    assert "新收依申请" in block and "行政复议" in block and "行政诉讼" in block
    assert re.search(r'class="badge status-\w+"', block)
    assert f'href="/reports/{ids[LIULOU]}?q=' in block


def test_has_litigation_filter_returns_only_the_report_with_litigation(client):
    page = text_of(client.get("/?has_litigation=1"))
    blocks = hit_blocks(page)
    assert len(blocks) == 1
    assert "李楼镇" in blocks[0]
    api = client.get("/api/search?has_litigation=1").get_json()
    assert api["total"] == 1
    assert api["hits"][0]["town"] == "李楼镇"
    assert api["hits"][0]["litigation_total"] == 4


def test_year_facet_counts(client):
    api = client.get("/api/search").get_json()
    assert {v["value"]: v["count"] for v in api["facets"]["year"]} == {"2019": 2, "2020": 2, "2021": 1}
    page = text_of(client.get("/"))
    section = re.search(r'data-facet="year">(.*?)</section>', page, re.S).group(1)
    counts = dict(re.findall(r'<span class="fv">(\d{4})</span>\s*<span class="count">(\d+)</span>', section))
    assert counts == {"2019": "2", "2020": "2", "2021": "1"}


def test_facet_toggle_url_reproduces_filtered_page(client):
    page = text_of(client.get("/", query_string={"q": "微信公众号"}))
    section = re.search(r'data-facet="year">(.*?)</section>', page, re.S).group(1)
    link = next(h for h in hrefs(section) if "year=2020" in h)
    assert dict(parse_qsl(urlsplit(link).query)) == {"q": "微信公众号", "year": "2020"}

    filtered = text_of(client.get(link))
    blocks = hit_blocks(filtered)
    assert blocks and all("2020 年" in b for b in blocks)
    api = client.get("/api/search", query_string={"q": "微信公众号", "year": "2020"}).get_json()
    assert len(blocks) == api["total"]
    # the selected value is marked, and its link (and the chip's) removes it again
    section = re.search(r'data-facet="year">(.*?)</section>', filtered, re.S).group(1)
    assert 'class="selected"' in section
    unfilter = next(h for h in hrefs(section) if "year" not in urlsplit(h).query and h.startswith("/?"))
    assert dict(parse_qsl(urlsplit(unfilter).query)) == {"q": "微信公众号"}
    chips = re.search(r'<div class="chips"[^>]*>(.*?)</div>', filtered, re.S).group(1)
    assert "年份" in chips and "2020" in chips
    assert unfilter in hrefs(chips)


def test_api_facet_toggle_urls_stay_in_the_api(client):
    api = client.get("/api/search").get_json()
    toggle = next(v["toggle_url"] for v in api["facets"]["year"] if v["value"] == "2021")
    assert toggle.startswith("/api/search?")
    again = client.get(toggle).get_json()
    assert again["total"] == 1
    assert again["hits"][0]["url"].startswith("/reports/")


def test_malformed_query_gives_readable_400_not_500(client):
    for q in ('"微信', "AND"):
        resp = client.get("/", query_string={"q": q})
        page = text_of(resp)
        assert resp.status_code == 400, q
        assert "检索式有误" in page
        assert f'value="{escape(q)}"' in page  # the box keeps what was typed
        api = client.get("/api/search", query_string={"q": q})
        assert api.status_code == 400
        assert api.get_json()["error"]


def test_bad_parameters_give_readable_400(client):
    for qs in ("page=0", "sort=nonsense", "applications_new_min=abc", "has_litigation=maybe"):
        resp = client.get("/?" + qs)
        assert resp.status_code == 400, qs
        assert "检索式有误" in text_of(resp)
        assert client.get("/api/search?" + qs).status_code == 400


def test_range_filter_inputs_keep_state(client):
    args = {"q": "微信公众号", "year": "2020", "applications_new_min": "0", "applications_new_max": "5",
            "sort": "year"}
    resp = client.get("/?" + urlencode(args))
    page = text_of(resp)
    assert resp.status_code == 200
    assert re.search(r'name="applications_new_min" form="s"\s+value="0"', page)
    assert re.search(r'name="applications_new_max" form="s"\s+value="5"', page)
    # submitting the form (what a browser sends) reproduces the same state
    fields = submitted(page)
    sent = {k: v for k, v in fields if v}
    assert sent == {**args, "per_page": "20"}  # the page-size selector sends its value too
    again = client.get("/?" + urlencode(fields))
    assert hit_blocks(text_of(again)) == hit_blocks(page)
    # the range shows as a chip whose link removes only the range
    chips = re.search(r'<div class="chips"[^>]*>(.*?)</div>', page, re.S).group(1)
    assert "新收依申请数" in chips
    removing = [dict(parse_qsl(urlsplit(h).query)) for h in hrefs(chips)]
    assert {"q": "微信公众号", "year": "2020", "sort": "year"} in removing


def test_range_filter_narrows_results(client):
    api = client.get("/api/search?litigation_total_min=1").get_json()
    assert [h["town"] for h in api["hits"]] == ["李楼镇"]
    page = text_of(client.get("/?litigation_total_min=1"))
    assert len(hit_blocks(page)) == 1


def test_sort_selector_orders_results_and_is_kept(client):
    page = text_of(client.get("/?sort=year_asc"))
    years = [int(y) for y in re.findall(r'<span class="year">(\d{4}) 年</span>', page)]
    assert years == sorted(years) and len(years) == 5
    assert '<option value="year_asc" selected>' in page


def test_pagination_links(client):
    page1 = text_of(client.get("/?per_page=2"))
    assert len(hit_blocks(page1)) == 2
    nav = re.search(r'<nav class="pagination".*?</nav>', page1, re.S).group(0)
    links = hrefs(nav)
    assert "/?page=2&per_page=2" in links and "/?page=3&per_page=2" in links
    assert 'rel="next"' in nav and 'aria-current="page">1<' in nav
    page3 = text_of(client.get("/?page=3&per_page=2"))
    assert len(hit_blocks(page3)) == 1
    assert 'rel="prev"' in page3
    seen = set()
    for p in (1, 2, 3):
        seen |= set(re.findall(r'href="/reports/(\w+)', text_of(client.get(f"/?page={p}&per_page=2"))))
    assert len(seen) == 5


def test_search_page_links_to_its_json_twin(client):
    page = text_of(client.get("/", query_string={"q": "微信公众号", "year": "2020"}))
    json_link = next(h for h in hrefs(page) if h.startswith("/api/search"))
    assert dict(parse_qsl(urlsplit(json_link).query)) == {"q": "微信公众号", "year": "2020"}
    assert client.get(json_link).get_json()["total"] >= 1


def test_api_search_shape(client):
    resp = client.get("/api/search", query_string={"q": "微信公众号"})
    assert resp.status_code == 200
    assert resp.mimetype == "application/json"
    body = resp.get_json()
    assert {"query", "total", "page", "per_page", "hits", "facets"} <= set(body)
    assert body["page"] == 1 and body["per_page"] == 20
    assert set(body["facets"]) == set(facets.DEFAULT.listed)
    hit_keys = {"id", "title", "body", "year", "town", "county", "city", "province", "applications_new",
                "reconsideration_total", "litigation_total", "snippets", "url", "source_url", "file"}
    assert body["hits"]
    for hit in body["hits"]:
        assert hit_keys <= set(hit)
        assert hit["url"].startswith(f"/reports/{hit['id']}")
    assert "微信公众号" in resp.get_data(as_text=True)  # readable JSON, not \\u escapes


# -- the report page -------------------------------------------------------------------------------


def test_report_page_marks_hits_with_anchors(client, ids):
    rid = ids[LIULOU]
    occurrences = (CORPUS / LIULOU).read_text(encoding="utf-8").count("微信公众号")
    assert occurrences == 4
    resp = client.get(f"/reports/{rid}", query_string={"q": '"微信公众号"'})
    page = text_of(resp)
    assert resp.status_code == 200
    pre = re.search(r'<pre class="text">(.*?)</pre>', page, re.S).group(1)
    marks = re.findall(r'<mark id="hit-(\d+)" class="hit">([^<]*)</mark>', pre)
    assert marks == [(str(n), "微信公众号") for n in range(1, occurrences + 1)]
    assert f"共 <strong>{occurrences}</strong> 处命中" in page
    assert 'id="next-hit"' in page and 'id="prev-hit"' in page
    # the search hit's URL lands on the first mark
    hits = client.get("/api/search", query_string={"q": '"微信公众号"'}).get_json()["hits"]
    url = next(h["url"] for h in hits if h["id"] == rid)
    assert url.startswith(f"/reports/{rid}?") and url.endswith("#hit-1")
    assert 'id="hit-1"' in text_of(client.get(url.split("#")[0]))


def test_report_page_without_query_shows_the_text_as_written(client, ids):
    page = text_of(client.get(f"/reports/{ids[LIULOU]}"))
    pre = re.search(r'<pre class="text">(.*?)</pre>', page, re.S).group(1)
    assert "<mark" not in pre
    # the only markup: the table numbers' anchors (cells link to them)
    anchors = set(re.findall(r'<span id="src-[^"]+" class="cell-src">', pre))
    assert anchors and set(re.findall(r"<[^>]+>", pre)) == {"</span>"} | anchors
    assert html.unescape(re.sub(r"</?span[^>]*>", "", pre)) == (CORPUS / LIULOU).read_text(encoding="utf-8")


def test_report_page_shows_facts_and_links(client, ids):
    rid = ids[XUEFANG]
    page = text_of(client.get(f"/reports/{rid}", query_string={"q": "微信公众号"}))
    facts = re.search(r'<aside class="facts">(.*?)</aside>', page, re.S).group(1)
    for expected in ("2020", "穴坊镇", "莱阳市", "烟台市", "山东省", "依申请公开", "本年新收", "行政复议",
                     "行政诉讼数", "数据质量", "勾稽自洽", "未发现问题"):
        assert expected in facts, expected
    links = hrefs(page)
    assert "http://www.laiyang.gov.cn/col/col118852/index.html" in links
    assert f"/reports/{rid}/raw" in links
    q = urlencode({"q": "微信公众号"})
    assert f"/?{q}" in links  # back to the search
    assert f"/api/reports/{rid}?{q}" in links  # the JSON twin


def test_report_text_markup_is_shown_not_rendered(client, ids):
    raw = (CORPUS / XUEFANG).read_text(encoding="utf-8")
    assert "<b>" in raw
    page = text_of(client.get(f"/reports/{ids[XUEFANG]}"))
    pre = re.search(r'<pre class="text">(.*?)</pre>', page, re.S).group(1)
    assert "<b>" not in pre and "&lt;b&gt;" in pre


def test_unknown_report_is_404(client):
    resp = client.get("/reports/doesnotexist")
    assert resp.status_code == 404
    assert "找不到该报告" in text_of(resp)
    api = client.get("/api/reports/doesnotexist")
    assert api.status_code == 404
    assert api.get_json()["error"]
    assert client.get("/reports/doesnotexist/raw").status_code == 404
    assert client.get("/api/nothing-here").get_json() == {"error": "not found"}


def test_api_report_has_every_fact_and_the_text(client, ids):
    rid = ids["004_a536c6293abab9c6.txt"]
    body = client.get(f"/api/reports/{rid}").get_json()
    assert body["id"] == rid
    assert body["text"] == (CORPUS / "004_a536c6293abab9c6.txt").read_text(encoding="utf-8")
    assert body["facts"]["town"] == "李楼镇"
    assert body["facts"]["litigation_total"] == 4


def test_raw_serves_original_bytes(client, ids):
    rid = ids[XUEFANG]
    resp = client.get(f"/reports/{rid}/raw")
    assert resp.status_code == 200
    assert resp.data == (CORPUS / XUEFANG).read_bytes()
    assert resp.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert resp.headers["Content-Disposition"].startswith("inline;")
    assert XUEFANG in resp.headers["Content-Disposition"]
    assert resp.headers["X-Content-Type-Options"] == "nosniff"


def test_raw_charset_guess_and_file_name_header():
    assert guess_charset("政府信息公开".encode()) == "utf-8"
    assert guess_charset("政府信息公开".encode("gb18030")) == "gb18030"
    cd = content_disposition("年报 2020.html")
    assert cd.startswith('inline; filename="')
    assert "filename*=UTF-8''%E5%B9%B4%E6%8A%A5%202020.html" in cd


# -- escaping and errors ---------------------------------------------------------------------------


def test_user_text_is_escaped(client, ids):
    evil = "<script>alert(1)</script>"
    resp = client.get("/", query_string={"q": evil})
    page = text_of(resp)
    assert resp.status_code in (200, 400)
    assert evil not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    report = text_of(client.get(f"/reports/{ids[LIULOU]}", query_string={"q": evil}))
    assert evil not in report
    assert "&lt;script&gt;" in report
    chip_page = text_of(client.get("/", query_string={"town": evil}))
    assert evil not in chip_page


def test_missing_index_gives_friendly_page_and_503(tmp_path):
    app = create_app({"INDEX_DIR": str(tmp_path / "no-index-here")})
    client = app.test_client()
    resp = client.get("/")
    assert resp.status_code == 503
    page = text_of(resp)
    assert "还没有索引" in page and "python -m indexer build" in page
    for url in ("/api/search", "/api/reports/abc"):
        api = client.get(url)
        assert api.status_code == 503
        assert "python -m indexer build" in api.get_json()["error"]
    assert client.get("/reports/abc").status_code == 503


def test_index_built_after_start_is_picked_up_without_restart(tmp_path):
    index = tmp_path / "later"
    client = create_app({"INDEX_DIR": str(index)}).test_client()
    assert client.get("/api/search").status_code == 503
    build_index(CORPUS, index, procs=1)
    assert client.get("/api/search").get_json()["total"] == 5


def test_report_page_shows_status_problems_so_numbers_can_be_judged():
    """An inconsistent report lists its problems beside the numbers (stub index: the sample corpus
    has only verified reports)."""

    class OneReport:
        def report(self, report_id, q=""):
            facts = {"year": 2021, "town": "某镇", "status": "inconsistent", "litigation_total": 3,
                     "problems": ["行政复议：总计 5 ≠ 各项之和 4 <b>"]}
            return ReportView(report_id, "x.txt", "某镇 2021 年报告", facts, "正文", [], 0, None)

    app = create_app({"INDEX_DIR": "unused"})
    app.extensions["nianbao"]["index"] = OneReport()
    page = text_of(app.test_client().get("/reports/abc"))
    quality = re.search(r'<section class="quality[^"]*">(.*?)</section>', page, re.S).group(1)
    assert "不一致" in quality and "合计对不上" in quality
    assert "行政复议：总计 5 ≠ 各项之和 4 &lt;b&gt;" in quality


def test_facet_with_more_values_than_shown_links_to_its_full_list_and_back(client, monkeypatch):
    import indexer.engine.facets as facets_module

    monkeypatch.setattr(facets_module, "FACET_SIZE", 2)
    page = text_of(client.get("/"))
    town = re.search(r'data-facet="town".*?</section>', page, re.S).group(0)
    assert town.count("<li") == 2
    more = re.search(r'<a class="more" href="([^"]+)">全部 5 个', town)
    assert more and "expand=town" in more.group(1)
    full = text_of(client.get(html.unescape(more.group(1))))
    town = re.search(r'data-facet="town".*?</section>', full, re.S).group(0)
    assert town.count("<li") == 5
    back = re.search(r'<a class="more" href="([^"]+)">收起', town).group(1)
    assert "expand" not in back
    # the expansion is kept by the facet links and the search form
    assert 'name="expand" value="town"' in full
    assert "expand=town" in re.search(r'data-facet="year".*?href="([^"]+)"', full, re.S).group(1)


def test_api_reports_facet_totals_and_the_url_that_lists_a_facet_in_full(client, monkeypatch):
    import indexer.engine.facets as facets_module

    monkeypatch.setattr(facets_module, "FACET_SIZE", 2)
    body = client.get("/api/search").get_json()
    assert body["facet_totals"]["town"] == 5 and len(body["facets"]["town"]) == 2
    url = body["facet_more"]["town"]["url"]
    assert url.startswith("/api/search?") and "expand=town" in url
    full = client.get(url).get_json()
    assert len(full["facets"]["town"]) == 5


def test_unknown_facet_to_expand_is_a_readable_400(client):
    resp = client.get("/api/search?expand=nonsense")
    assert resp.status_code == 400
    assert "expand" in resp.get_json()["error"]


def test_per_page_selector_keeps_the_choice(client):
    page = text_of(client.get("/?per_page=50"))
    assert re.search(r'<option value="50" selected>50</option>', page)
    assert 'name="per_page"' in page


# -- defects users hit: malformed and oversized queries, marks that did not match, the all-fields panel

MALFORMED = ['"微信', "AND", "year:abc", "(x"]
OVERSIZED = ["(" * 260 + "x" + ")" * 260, "-" * 500 + "微信", "NOT " * 100 + "微信", "微信 " * 400]
GENERAL = "004_a536c6293abab9c6.txt"  # 李楼镇 2019: 行政诉讼, and 行政 in 行政许可, 行政处罚 …


def pre_of(page: str) -> str:
    return re.search(r'<pre class="text">(.*?)</pre>', page, re.S).group(1)


def error_of(page: str) -> str:
    """The text of the page's query-error box."""
    box = re.search(r'<div class="error" role="alert">(.*?)</div>', page, re.S).group(1)
    assert "检索式有误" in box
    return html.unescape(re.sub(r"<[^>]+>", "", box))


def marked(page: str) -> list[str]:
    """The texts of the report page's marks, in order."""
    found = re.findall(r'<mark id="hit-\d+" class="hit">([^<]*)</mark>', pre_of(page))
    return [html.unescape(m) for m in found]


def snippet_marks(hit: dict) -> list[str]:
    return [html.unescape(m) for s in hit["snippets"] for m in re.findall(r"<mark>([^<]*)</mark>", s)]


# -- 1. a malformed query on the report page ------------------------------------------------------

@pytest.mark.parametrize("q", MALFORMED)
def test_report_page_with_a_malformed_query_shows_the_report_and_the_error(client, ids, q):
    rid = ids[LIULOU]
    resp = client.get(f"/reports/{rid}", query_string={"q": q})
    api = client.get(f"/api/reports/{rid}", query_string={"q": q})
    assert resp.status_code == 400 and api.status_code == 400
    page = text_of(resp)
    assert api.get_json()["error"] in error_of(page)  # the same message as the API's
    # the report, unmarked (the table numbers' anchors aside)
    pre = pre_of(page)
    assert "<mark" not in pre
    assert html.unescape(re.sub(r"</?span[^>]*>", "", pre)) == (CORPUS / LIULOU).read_text(encoding="utf-8")


# -- 2. queries too deep or too long --------------------------------------------------------------

@pytest.mark.parametrize("q", OVERSIZED)
def test_oversized_query_is_a_readable_400_on_the_page_and_the_api(client, q):
    page = client.get("/", query_string={"q": q})
    api = client.get("/api/search", query_string={"q": q})
    assert page.status_code == 400 and api.status_code == 400
    message = api.get_json()["error"]
    assert str(MAX_DEPTH) in message or str(MAX_QUERY_CHARS) in message
    assert message in error_of(text_of(page))


def test_query_nested_to_the_limit_still_works(client):
    q = "(" * MAX_DEPTH + '"微信公众号"' + ")" * MAX_DEPTH
    assert client.get("/api/search", query_string={"q": q}).get_json()["total"] == 3
    assert client.get("/api/search", query_string={"q": "-" * MAX_DEPTH + '"微信公众号"'}).status_code == 200


@pytest.mark.parametrize("q", OVERSIZED)
def test_cli_refuses_an_oversized_query_with_exit_2(index_dir, capsys, q):
    from indexer.__main__ import main

    assert main(["search", "--index", str(index_dir), "--", q]) == 2
    err = capsys.readouterr().err
    assert err.startswith("query error:") and ("嵌套过深" in err or "过长" in err)


# -- 3. mark what the query matched ---------------------------------------------------------------

def test_word_found_as_typed_is_marked_whole_never_its_pieces_alone(client, ids):
    text = search_text((CORPUS / GENERAL).read_text(encoding="utf-8")).text
    assert "行政许可" in text and "行政处罚" in text
    page = text_of(client.get(f"/reports/{ids[GENERAL]}", query_string={"q": "行政诉讼"}))
    assert marked(page) == ["行政诉讼"] * text.count("行政诉讼")
    for hit in client.get("/api/search", query_string={"q": "行政诉讼"}).get_json()["hits"]:
        assert set(snippet_marks(hit)) == {"行政诉讼"}, hit["file"]


def test_word_found_only_through_its_pieces_marks_the_pieces(client, ids):
    text = search_text((CORPUS / LIULOU).read_text(encoding="utf-8")).text
    assert "政务微信" not in text  # matched through its jieba pieces 政务 + 微信
    page = text_of(client.get(f"/reports/{ids[LIULOU]}", query_string={"q": "政务微信"}))
    assert set(marked(page)) == {"政务", "微信"}
    assert len(marked(page)) == text.count("政务") + text.count("微信")


def test_a_query_that_found_nothing_marks_nothing(client, ids):
    q = "1 抖音直播间"
    assert client.get("/api/search", query_string={"q": q}).get_json()["total"] == 0
    page = text_of(client.get(f"/reports/{ids[LIULOU]}", query_string={"q": q}))
    assert marked(page) == [] and "没有可标出的命中" in page


def test_not_terms_and_field_filters_mark_nothing(client, ids):
    q = '"微信公众号" -政务公开栏 year:2020'
    page = text_of(client.get(f"/reports/{ids[LIULOU]}", query_string={"q": q}))
    assert set(marked(page)) == {"微信公众号"}
    page = text_of(client.get(f"/reports/{ids[LIULOU]}", query_string={"q": "year:2020"}))
    assert marked(page) == []
    body = client.get("/api/search", query_string={"q": "year:2020"}).get_json()
    assert body["total"] == 2 and all(snippet_marks(h) == [] for h in body["hits"])
    body = client.get("/api/search", query_string={"q": '"微信公众号" NOT 行政诉讼'}).get_json()
    assert all("行政诉讼" not in snippet_marks(h) for h in body["hits"])


def test_a_branch_that_did_not_match_marks_nothing(client, ids):
    text = search_text((CORPUS / LIULOU).read_text(encoding="utf-8")).text
    assert "抖音" not in text and "微信公众号" in text and "行政复议" in text
    q = '("微信公众号" 抖音) OR "行政复议"'
    page = text_of(client.get(f"/reports/{ids[LIULOU]}", query_string={"q": q}))
    assert set(marked(page)) == {"行政复议"}


def test_snippets_hold_passages_with_the_most_query_terms(client):
    hits = client.get("/api/search", query_string={"q": '"微信公众号" "行政诉讼"'}).get_json()["hits"]
    assert hits
    for hit in hits:
        best = max(len(set(re.findall(r"<mark>([^<]*)</mark>", s))) for s in hit["snippets"])
        assert best >= 1 and set(snippet_marks(hit)) <= {"微信公众号", "行政诉讼"}


def test_api_snippets_keep_their_html_shape_and_add_the_spans(client):
    hit = client.get("/api/search", query_string={"q": "微信公众号"}).get_json()["hits"][0]
    assert len(hit["snippet_spans"]) == len(hit["snippets"])
    for snippet, data in zip(hit["snippets"], hit["snippet_spans"], strict=True):
        text, rebuilt, pos = data["text"], "", 0
        for s, e in data["marks"]:
            esc = html.escape(text[s:e], quote=False)
            rebuilt += html.escape(text[pos:s], quote=False) + f"<mark>{esc}</mark>"
            pos = e
        assert rebuilt + html.escape(text[pos:], quote=False) == snippet


# -- 4. the all-fields panel ----------------------------------------------------------------------

def test_all_fields_panel_shows_number_tables_as_tables_with_applicant_labels(client, ids):
    page = text_of(client.get(f"/reports/{ids[GENERAL]}"))
    panel = re.search(r'<details class="other-facts">(.*?)</details>', page, re.S).group(1)
    tables = re.findall(r'<table class="fact-table">(.*?)</table>', panel, re.S)
    applicants = next(t for t in tables if "自然人" in t)
    head = re.findall(r'<th scope="col" title="(\w+)">([^<]*)</th>', applicants)
    assert ("other", "其他申请人") in head and ("natural_person", "自然人") in head
    assert "其他结果" not in applicants
    aside = re.search(r'<aside class="facts">(.*?)</aside>', page, re.S).group(1)
    assert "other-facts" not in aside  # full width below the text, not squeezed into the 340 px column
