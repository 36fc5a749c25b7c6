"""The report page's extracted tables: each cell read from the text links to the number in the
text, every identity is listed with its result, and derived numbers say so."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from indexer.extract.report import extract_facts
from indexer.extract.tables.checks import identity_results
from webui import create_app, labels
from webui.present import report_tables
from webui.render import marked_html

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
LINK = re.compile(r'<a class="cell-link" href="#([^"]+)"[^>]*>([^<]*)</a>')
ANCHOR = re.compile(r'<span id="(src-[^"]+)" class="cell-src">([^<]*)</span>')


@pytest.fixture(scope="module")
def client(sample_index):
    return create_app({"INDEX_DIR": str(sample_index), "TESTING": True}).test_client()


def report_pages(client) -> dict[str, str]:
    hits = client.get("/api/search?per_page=100").get_json()["hits"]
    assert len(hits) == 5
    return {h["file"]: client.get(f"/reports/{h['id']}").get_data(as_text=True) for h in hits}


def test_every_linked_cell_points_at_an_anchor_in_the_text_holding_that_number(client):
    for file, page in report_pages(client).items():
        links = LINK.findall(page)
        assert len(links) >= 20, file  # the sample tables have at least one number a row
        text = page[page.index('<pre class="text">'):page.index("</pre>")]
        anchors = ANCHOR.findall(text)
        ids = [a for a, _ in anchors]
        assert len(ids) == len(set(ids)), file
        where = dict(anchors)
        for target, shown in links:
            assert where.get(target) == shown, (file, target)
        assert {t for t, _ in links} == set(ids), file  # and every anchor has its cell


def test_identities_are_listed_one_per_row_with_their_results(client):
    for file, page in report_pages(client).items():
        facts = extract_facts((CORPUS / file).read_text(encoding="utf-8"), file)
        want = identity_results(facts["tables"])
        rows = re.findall(r'<tr class="identity (\w+)">\s*<th scope="row">([^<]*)</th><td>([^<]*)</td>'
                          r'\s*<td class="num">([^<]*)</td><td class="num">([^<]*)</td>'
                          r'\s*<td class="result">([^<]*)</td>', page)
        assert len(rows) == len(want) >= 40, file
        assert all(r[0] == "held" and "相符" in r[5] for r in rows), file  # the samples are verified
        assert ("第三部分「总计」列", "一+二 = 三（七）+四") in {(r[1], r[2]) for r in rows}
        assert ("第四部分「行政复议」", "总计 = 维持+纠正+其他+尚未审结") in {(r[1], r[2]) for r in rows}
        assert f"共 {len(want)} 项：{len(want)} 项相符，0 项不符" in page


def test_derived_numbers_are_marked_and_link_nowhere(client):
    page = report_pages(client)["003_89d79d270a8f58c8.txt"]
    cells = re.findall(r'<td class="num( derived-cell)?">(.*?)</td>', page, re.S)
    derived = [c for d, c in cells if d]
    assert derived and all("推算" in c and "cell-link" not in c for c in derived)
    assert all("推算" not in c for d, c in cells if not d)


def test_a_failed_identity_shows_both_sides_in_chinese_on_the_page(tmp_path):
    from indexer.engine.build import build_index

    name = "001_dba21300d4162f8d.txt"
    text = (CORPUS / name).read_text(encoding="utf-8")
    s, e = extract_facts(text, name)["tables"]["spans"]["part3.new.total"]
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / name).write_text(text[:s] + str(int(text[s:e]) + 7) + text[e:], encoding="utf-8")
    build_index(corpus, tmp_path / "index", procs=1)
    client = create_app({"INDEX_DIR": str(tmp_path / "index"), "TESTING": True}).test_client()
    rid = client.get("/api/search").get_json()["hits"][0]["id"]
    page = client.get(f"/reports/{rid}").get_data(as_text=True)
    failed = re.findall(r'<tr class="identity failed">\s*<th scope="row">([^<]*)</th><td>([^<]*)</td>'
                        r'\s*<td class="num">(\d+)</td><td class="num">(\d+)</td>'
                        r'\s*<td class="result">([^<]*)</td>', page)
    assert ("第三部分「总计」列", "一+二 = 三（七）+四", "7", "0", "✗ 不符（7 ≠ 0）") in failed
    assert ("第三部分「一、本年新收政府信息公开申请数量」行", "总计 = 各申请人之和", "7", "0",
            "✗ 不符（7 ≠ 0）") in failed
    assert len(failed) == 2 and "2 项不符" in page


def test_report_tables_skip_spans_that_do_not_hold_their_number():
    tables = {"part_four": {"reconsideration": {"maintained": 1, "corrected": 0, "other": 0, "pending": 0,
                                                "total": 1}},
              "spans": {"part4.reconsideration.maintained": [3, 4], "part4.reconsideration.total": [0, 1]}}
    view = report_tables(tables, "9 x1")
    assert view.anchors == [(3, 4, "src-part4-reconsideration-maintained")]  # "9" is not the total 1
    row = view.tables[0].rows[0]
    assert row[0] == "行政复议" and row[1][0].anchor and row[1][4].anchor is None


def test_cell_anchors_nest_with_hit_marks():
    text = "甲 12 345 乙"
    html = marked_html(text, [(5, 8)], anchors=True, cells=[(2, 4, "a"), (5, 8, "b")])
    assert str(html) == ('甲 <span id="a" class="cell-src">12</span> <mark id="hit-1" class="hit">'
                         '<span id="b" class="cell-src">345</span></mark> 乙')
    split = str(marked_html(text, [(3, 6)], anchors=True, cells=[(2, 4, "a"), (5, 8, "b")]))
    assert split.count("<span") == split.count("</span>") == 4
    assert split.index("<mark") < split.index("</mark>")
    assert re.sub(r"<[^>]+>", "", split) == text


def test_identity_scopes_read_in_chinese():
    assert labels.identity_scope("part 3 自然人 column") == "第三部分「自然人」列"
    row = "二、上年结转政府信息公开申请数量"
    assert labels.identity_scope(f"part 3 row {row}") == f"第三部分「{row}」行"
    assert labels.identity_scope("part 4 行政诉讼·直接起诉") == "第四部分「行政诉讼·直接起诉」"
    assert labels.identity_scope("something else") == "something else"


def test_a_prose_only_report_links_each_figure_it_states_to_its_sentence(tmp_path):
    import sys

    sys.path.insert(0, str(CORPUS.parent / "scripts"))
    from make_corpus import generate

    from indexer.engine.build import build_index

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, data, gold in generate(40, 31, ["prose_pre2019"]):
        if gold["applications"]["new"]:
            (corpus / name).write_bytes(data)
    build_index(corpus, tmp_path / "ix", procs=1, progress=False)
    client = create_app({"INDEX_DIR": str(tmp_path / "ix"), "TESTING": True}).test_client()
    hits = client.get("/api/search?per_page=100").get_json()["hits"]
    linked = 0
    for hit in hits:
        page = client.get(f"/reports/{hit['id']}").get_data(as_text=True)
        if 'class="tables prose-figures"' not in page:
            continue
        figures = re.search(r'<section class="tables prose-figures".*?</section>', page, re.S).group(0)
        text = page[page.index('<pre class="text">'):page.index("</pre>")]
        anchors = dict(ANCHOR.findall(text))
        for anchor, value in LINK.findall(figures):
            assert anchors.get(anchor) == value, (hit["file"], anchor)  # the digits of that figure
            linked += 1
        assert labels.NUMBER_LABELS["applications_new"] in figures
    assert linked >= 5
