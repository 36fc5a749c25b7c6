"""The pages beyond search results: hints about the query, the body and compare pages, the report
page's navigation, and what the interface promises about itself (Chinese, accessible, no inline
script)."""

from __future__ import annotations

import re

import pytest

from webui import create_app, follow


@pytest.fixture(scope="module")
def client(sample_index):
    return create_app({"INDEX_DIR": str(sample_index), "TESTING": True}).test_client()


def page_of(client, url: str, status: int = 200) -> str:
    resp = client.get(url)
    assert resp.status_code == status, url
    return resp.get_data(as_text=True)


def test_a_word_query_shows_its_cut_and_offers_the_exact_phrase(client):
    page = page_of(client, "/?q=微信公众号")
    cut = re.search(r'<p class="note cut">(.*?)</p>', page, re.S).group(1)
    assert "微信" in cut and "公众" in cut
    assert 'href="/?q=%22%E5%BE%AE%E4%BF%A1%E5%85%AC%E4%BC%97%E5%8F%B7%22"' in cut
    assert "命中" in page  # each result's hit count


def test_a_query_naming_a_table_subject_suggests_the_facet(client):
    page = page_of(client, "/?q=行政诉讼")
    assert re.search(r'class="facet-hint" href="[^"]*has_litigation=yes"', page)


def test_places_without_suffix_and_unknown_fields_are_explained(client):
    page = page_of(client, "/?q=town:刘楼")
    assert "乡镇“刘楼”按“刘楼镇”检索" in page and "共 <strong>1</strong> 份报告" in page
    page = page_of(client, "/?q=foo:微信公众号")
    assert "没有名为“foo”的字段" in page and "共 <strong>0</strong>" not in page


def test_a_bad_range_number_keeps_the_other_filters_with_a_chinese_message(client):
    page = page_of(client, "/?year=2020&applications_new_min=abc", 400)
    assert "新收依申请数（最小）" in page and "applications_new_min" not in re.search(
        r'<div class="error".*?</div>', page, re.S).group(0)
    assert "共 <strong>2</strong> 份报告" in page  # year=2020 still applied


def test_paging_past_the_end_says_so_without_a_total(client):
    page = page_of(client, "/?page=9")
    assert "已超出范围" in page and "共 <strong>" not in page and "没有符合条件" not in page


def test_syntax_help_lists_has_litigation_and_upper_case_operators(client):
    page = page_of(client, "/")
    assert "has_litigation:1" in page and "须大写" in page
    assert "jieba" not in page and "分面" not in page


def test_pages_have_an_h1_a_skip_link_and_no_inline_script(client, sample_index):
    hit = client.get("/api/search?q=town:李楼镇").get_json()["hits"][0]
    urls = ("/", "/?q=微信公众号", "/compare?ids=a,b", hit["url"].split("#")[0], f"/bodies/{hit['body_id']}")
    for url in urls:
        page = client.get(url).get_data(as_text=True)
        assert "<h1" in page and 'class="skip"' in page, url
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), url  # every script is a file
        assert " onchange=" not in page and " onclick=" not in page


def test_long_facet_lists_fold_behind_more_without_javascript(client):
    from indexer.engine.query import Query
    from indexer.engine.results import FacetValue
    from webui.labels import value_label

    values = [FacetValue(f"{i}镇", 1, i == 11, Query()) for i in range(12)]
    app = client.application
    with app.test_request_context():
        html = app.jinja_env.from_string('{% from "_macros.html" import facet_list with context %}'
                                         "{{ facet_list('town', values) }}").render(
            values=values, value_label=value_label)
    shown, folded = html.split('<details class="more-values">')
    assert shown.count("<li") == 10 and folded.count("<li") == 2 and "更多（2）" in folded
    assert 'aria-checked="true"' in folded and "☑" in folded  # selected: ticked, not colour only


def test_body_page_lists_years_and_compare_page_marks_differences(client):
    api = client.get("/api/search?q=town:李楼镇").get_json()
    body_id = api["hits"][0]["body_id"]
    page = page_of(client, f"/bodies/{body_id}")
    assert "李楼镇" in page and '<svg class="chart"' in page and 'class="year-row' in page
    ids = [h["id"] for h in client.get("/api/search").get_json()["hits"]][:3]
    page = page_of(client, "/compare?ids=" + ",".join(ids))
    assert page.count('<th scope="col"><a href="/reports/') == 3
    assert 'class="differs"' in page and "结果纠正" in page and "自然人" in page
    assert "请选 2 到 5 份" in page_of(client, f"/compare?ids={ids[0]}", 400)
    page_of(client, "/bodies/nope", 404)


def test_report_page_has_part_navigation_body_link_and_tables(client):
    hit = client.get("/api/search?q=town:李楼镇").get_json()["hits"][0]
    page = page_of(client, hit["url"].split("#")[0])
    assert len(re.findall(r'class="part-link"', page)) == 6
    assert f'href="/bodies/{hit["body_id"]}"' in page
    assert '<section class="tables" id="tables">' in page and "自然人" in page


def test_cross_year_identity_is_marked_where_the_engines_check_fails():
    from indexer.engine import corpusfacts

    def facts(year, carried_over, carried_forward):
        return {"year": year, "body_id": "b1", "applications": {
            "new": 1, "carried_over": carried_over, "granted": 1, "handled_total": 1,
            "carried_forward": carried_forward}}

    reports = [("a", "A", facts(2019, 0, 2)), ("b", "B", facts(2020, 2, 1)),
               ("c", "C", facts(2021, 0, 0)), ("d", "D", facts(2023, 5, 0))]
    table = corpusfacts.compute({rid: corpusfacts.record_of(f) for rid, _t, f in reports}, None)
    rows = follow.years([(rid, t, {**f, **table[rid]}) for rid, t, f in reports])
    assert [r.identity for r in rows] == [None, "ok", "fails", None]  # 2023 does not follow 2021
    assert "≠" in rows[2].identity_text
    assert rows[1].change["applications_carried_over"] == 2 and rows[3].change["applications_new"] is None


def test_numbers_derived_from_totals_are_named_in_chinese_on_the_report_page(client):
    hit = client.get("/api/search?q=town:卜集镇").get_json()["hits"][0]
    page = page_of(client, hit["url"].split("#")[0])
    box = re.search(r'<div class="small derived">(.*?)</div>', page, re.S).group(1)
    assert "结转下年度继续办理" in box and "carried_forward" not in box


def test_api_gives_the_place_hierarchy_beside_the_flat_place_facets(client):
    body = client.get("/api/search?place=山东省").get_json()
    place = body["hierarchies"]["place"]
    assert place["path"] == ["山东省"] and place["level"] == "city"
    assert {v["value"]: v["count"] for v in place["values"]} == {"济宁市": 2, "淄博市": 1, "烟台市": 1}
    assert place["values"][0]["url"].startswith("/api/search?place=")
    assert "town" in body["facets"] and "province" in body["facets"]  # the flat facets stay
    assert client.get(place["up_url"]).get_json()["total"] == 5


def _luminance(hex_colour: str) -> float:
    rgb = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def test_input_borders_have_at_least_3_to_1_contrast_on_white():
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "webui" / "static" / "style.css").read_text("utf-8")
    borders = re.findall(r"input[^{]*\{[^}]*border:\s*1px solid (#[0-9a-fA-F]{6})", css)
    assert borders
    for colour in borders:
        assert (1.05) / (_luminance(colour) + 0.05) >= 3, colour


@pytest.mark.parametrize("q", ["town:刘楼", "foo:微信公众号", "province:山东 微信"])
def test_exports_and_the_api_hold_the_reports_a_corrected_query_listed(client, q):
    import csv
    import io
    import json
    from urllib.parse import quote

    page = page_of(client, f"/?q={quote(q)}")
    listed = int(re.search(r"共 <strong>(\d+)</strong> 份报告", page).group(1))
    assert listed > 0
    csv_href = re.search(r'href="(/api/search\.csv\?[^"]*)"', page).group(1).replace("&amp;", "&")
    rows = list(csv.DictReader(io.StringIO(client.get(csv_href).get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) == listed
    api = client.get(f"/api/search?q={quote(q)}").get_json()
    assert api["total"] == listed and api["notes"]
    lines = client.get(f"/api/search.jsonl?q={quote(q)}").get_data(as_text=True).splitlines()
    assert len([json.loads(line) for line in lines if line.strip()]) == listed


def test_a_word_cut_after_an_unknown_field_shows_the_words_searched(client):
    page = page_of(client, "/?q=foo:微信公众号")
    cut = re.search(r'<p class="note cut">(.*?)</p>', page, re.S).group(1)
    assert "foo" not in cut and "%22%E5%BE%AE%E4%BF%A1%E5%85%AC%E4%BC%97%E5%8F%B7%22" in cut


def test_report_page_keeps_the_reports_own_address_apart_from_addresses_in_its_text(corpus_copy, tmp_path):
    from indexer.engine.build import build_index
    from indexer.extract.report import report_id

    name = "001_dba21300d4162f8d.txt"  # its own address: http://www.laiyang.gov.cn/col/col118852/index.html
    path = corpus_copy / name
    path.write_text(path.read_text(encoding="utf-8") + "\n投诉举报请登录 https://ts.example.gov.cn/form。\n",
                    encoding="utf-8")
    build_index(corpus_copy, tmp_path / "ix", procs=1, progress=False)
    client = create_app({"INDEX_DIR": str(tmp_path / "ix"), "TESTING": True}).test_client()
    page = page_of(client, f"/reports/{report_id(name)}")
    own = page.index("报告本身的地址")
    assert "http://www.laiyang.gov.cn/col/col118852/index.html" in page[own:own + 200]
    listed = re.search(r'<li class="mentioned-urls">(.*?)</ul>', page, re.S).group(1)
    assert "https://ts.example.gov.cn/form" in listed and "laiyang" not in listed
    other = page_of(client, f"/reports/{report_id('000_dcf4e469761e050f.txt')}")
    assert "mentioned-urls" not in other and "本报告的网址" not in other  # no address at all: neither


def test_top_bodies_link_to_their_reports_within_the_search_and_rates_are_defined_in_the_page(client):
    from html import unescape

    page = page_of(client, "/?q=政府信息")
    table = re.search(r'<table class="top-bodies">(.*?)</table>', page, re.S).group(1)
    href, name = re.search(r'<td><a href="([^"]+)">([^<]+)</a></td>', table).groups()
    narrowed = page_of(client, unescape(href))
    assert "共 <strong>1</strong> 份报告" in narrowed and name in narrowed
    # the search it came from, narrowed to the body
    assert href.startswith("/?q=%E6%94%BF%E5%BA%9C%E4%BF%A1%E6%81%AF+body%3A")
    defs = re.search(r'<details class="rate-definitions small">(.*?)</details>', page, re.S).group(1)
    assert "比率怎么算" in defs and defs.count("<dt>") == 3


def test_a_place_level_over_ten_values_folds_and_links_to_its_full_list(tmp_path_factory):
    from helpers import generated_corpus

    from indexer.engine.build import build_index

    work = tmp_path_factory.mktemp("tree")
    corpus = generated_corpus(work / "corpus", 300)  # every province: 31 values at the top level
    build_index(corpus, work / "ix", procs=2, progress=False)
    client = create_app({"INDEX_DIR": str(work / "ix"), "TESTING": True}).test_client()
    tree_re = r'<section class="tree" data-tree="place">(.*?)</section>'
    tree = re.search(tree_re, page_of(client, "/"), re.S).group(1)
    shown, folded = tree.split('<details class="more-values">')
    assert shown.count("<li>") == 10 and folded.count("<li>") == 20 and "更多（20）" in folded
    full = re.search(r'<a class="more" href="([^"]+)">全部 31 个</a>', folded).group(1)
    expanded = re.search(tree_re, page_of(client, full.replace("&amp;", "&")), re.S).group(1)
    assert expanded.count("<li>") == 31 and "收起" in expanded


def test_every_field_of_the_full_list_has_a_chinese_name_beside_its_key(client):
    hit = client.get("/api/search?q=town:李楼镇").get_json()["hits"][0]
    page = page_of(client, f"/reports/{hit['id']}")
    panel = re.search(r"<summary>全部字段</summary>\s*<dl>(.*?)</dl>", page, re.S).group(1)
    names = re.findall(r"<dt>(.*?)</dt>", panel, re.S)
    assert names and all(re.match(r"[\u4e00-\u9fff]", n) for n in names), names
    assert '<code class="muted small">body_id</code>' in panel
