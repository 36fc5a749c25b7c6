"""Corpus facts on the pages, the API and the exports: the cross-year lines on both years' report
pages, the reuse line linking the side-by-side view, the body page's figures, the new columns."""

from __future__ import annotations

import csv
import html
import io
import re

import pytest

from indexer.engine.build import build_index
from indexer.extract.report import report_id
from tests.derived_corpus import REPORTS, write_corpus
from webui import create_app
from webui.urls import reuse_url

ID = {name: report_id(name) for name in REPORTS}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    root = tmp_path_factory.mktemp("derived-web")
    build_index(write_corpus(root / "corpus"), root / "ix", procs=1)
    return create_app({"INDEX_DIR": str(root / "ix"), "TESTING": True}).test_client()


def _text(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def _page(client, url: str) -> str:
    resp = client.get(url)
    assert resp.status_code == 200, url
    return resp.get_data(as_text=True)


def test_report_page_checks_carried_over_against_last_years_report_and_links_it(client):
    page = _page(client, f"/reports/{ID['a2017.txt']}")
    assert "与上年报告衔接：上年结转 2 = 2016 年报告的结转下年度 2 ✓" in _text(page)
    assert f'href="/reports/{ID["a2016.txt"]}"' in page
    failing = _text(_page(client, f"/reports/{ID['a2018.txt']}"))
    assert "上年结转 1 ≠ 2017 年报告的结转下年度 3 ✗" in failing


def test_last_years_report_page_shows_the_check_made_by_next_years_report(client):
    page = _page(client, f"/reports/{ID['a2017.txt']}")
    assert "与下年报告衔接：2018 年报告的上年结转 1 ≠ 本报告的结转下年度 3 ✗" in _text(page)
    assert f'href="/reports/{ID["a2018.txt"]}"' in page
    first = _text(_page(client, f"/reports/{ID['b2017.txt']}"))
    assert "索引中没有本机关上一年的报告" in first


def test_report_page_says_how_much_text_is_found_in_another_report_and_links_side_by_side(client):
    page = _page(client, f"/reports/{ID['b2017.txt']}")
    line = re.search(r'<p class="small reuse reuse-other_body">(.*?)</p>', page, re.S)
    assert line is not None
    assert re.search(r"\d+% 的文字也见于", _text(line.group(1)))
    assert "南丙镇人民政府 2016 年报告（其他单位）" in _text(line.group(1))
    assert f'href="{reuse_url(ID["b2017.txt"], ID["c2016.txt"])}"' in line.group(1)
    assert reuse_url("a", "b") == "/reports/a/reuse/b"
    none = _page(client, f"/reports/{ID['c2017.txt']}")
    assert "未发现与其他报告大段相同的文字" in _text(none) and "/reuse/" not in none


def test_body_page_uses_the_engines_cross_year_verdict_and_shows_repetition(client):
    body_id = client.get(f"/api/reports/{ID['a2017.txt']}").get_json()["facts"]["body_id"]
    page = _page(client, f"/bodies/{body_id}")
    rows = {int(m.group(1)): m.group(2) for m in re.finditer(
        r'<tr class="year-row[^"]*" data-year="(\d+)">(.*?)</tr>', page, re.S)}
    assert "✓ 相符" in rows[2017] and "✗ 不符" in rows[2018] and "相符" not in rows[2016]
    assert re.search(r'class="num repeats">100%', rows[2017])  # 2017 repeats 2016 whole
    assert "与上年文字重复" in page


def test_api_hits_and_report_json_carry_the_corpus_facts(client):
    api = client.get("/api/search?reuse_kind=same_body&sort=reuse").get_json()
    assert api["total"] == 2 and api["sort"] == "reuse"
    hit = api["hits"][0]
    assert hit["reuse_kind"] == "same_body" and hit["reuse_max"] == 1.0 and hit["cross_year"]
    assert hit["reuse_url"] == reuse_url(hit["id"], hit["reuse_from"])
    labels = {v["value"]: v["label"] for v in api["facets"]["reuse_kind"]}
    assert labels["other_body"] == "其他单位"
    facts = client.get(f"/api/reports/{ID['a2018.txt']}").get_json()["facts"]
    assert facts["cross_year"] == "inconsistent" and facts["cross_year_prev"] == ID["a2017.txt"]


def test_csv_export_has_the_cross_year_and_reuse_columns(client):
    body = client.get("/api/search.csv?cross_year=consistent").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert len(rows) == 1 and rows[0]["id"] == ID["a2017.txt"]
    row = rows[0]
    assert (row["cross_year"], row["cross_year_prev"]) == ("consistent", ID["a2016.txt"])
    assert (row["reuse_max"], row["reuse_from"], row["reuse_kind"]) == ("1.0", ID["a2016.txt"], "same_body")
    assert row["reuse_prev"] == "1.0"


def test_search_page_lists_the_corpus_facets_and_the_reuse_sort(client):
    page = _page(client, "/")
    assert 'data-facet="cross_year"' in page and 'data-facet="reuse"' in page
    assert "其他单位" in page and "80% 以上" in page and "文字重复（多→少）" in page


def test_a_report_page_links_to_its_body_and_the_same_bodys_previous_and_next_year(client):
    page = _page(client, f"/reports/{ID['a2017.txt']}")
    prev = re.search(r'<a rel="prev" class="prev-year" href="([^"]+)">← 2016 年</a>', page).group(1)
    nxt = re.search(r'<a rel="next" class="next-year" href="([^"]+)">2018 年 →</a>', page).group(1)
    assert prev.startswith(f"/reports/{ID['a2016.txt']}") and nxt.startswith(f"/reports/{ID['a2018.txt']}")
    body = re.search(r'<a class="body-link" href="(/bodies/[^"]+)">', page).group(1)
    assert "2016" in _page(client, body) and "2018" in _page(client, body)
    first = _page(client, f"/reports/{ID['a2016.txt']}")
    assert 'class="prev-year"' not in first and 'class="next-year"' in first  # no year before 2016
