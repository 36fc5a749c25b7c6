"""The side-by-side view of two reports (/reports/<id>/reuse/<other>): shared passages marked in both
columns from the two stored texts, shares both ways, 404s, escaping, template wording left unmarked."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from indexer.engine.build import build_index
from indexer.engine.generations import current_generation
from indexer.engine.reuse import BOILERPLATE_FILE, ReportInput, ReuseIndex, Settings
from indexer.extract.normalise import search_string
from webui import create_app
from webui.urls import reuse_url

STATUTE = "根据《中华人民共和国政府信息公开条例》要求，现将本机关政府信息公开年度报告向社会公布。"
COPIED = ("本年度围绕乡村振兴、河长制等重点领域，通过微信公众号和政务公开栏及时发布各类政府信息{n}条。",
          "在便民服务大厅设置政府信息查阅点，配备电脑和查阅资料，方便群众就近查阅政府信息。",
          "组织工作人员参加政务公开业务培训{n}次，进一步提升了工作人员的业务能力和保密意识。")
OWN_A = "建立村务公开栏巡查制度，每月由党政办对各村公开栏更新情况进行一次检查通报。"
OWN_B = "新建镇级政务服务网点三处，群众可在网点自助查询政策文件和办事指南。"


def report(title: str, n: int, own: str, extra: str = "") -> str:
    body = "".join(s.format(n=n) for s in COPIED)
    return f"{title}\n\n{STATUTE}\n\n一、总体情况\n\n{body}\n\n{own}\n\n{extra}\n"


@pytest.fixture(scope="module")
def pair_index(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    corpus = tmp_path_factory.mktemp("pair-corpus")
    texts = {"a.txt": report("某甲镇人民政府2020年政府信息公开工作年度报告", 12, OWN_A),
             "b.txt": report("某乙镇人民政府2021年政府信息公开工作年度报告", 37, OWN_B,
                             "附注：<script>alert(1)</script> & 其他。")}
    for name, text in texts.items():
        (corpus / name).write_text(text, encoding="utf-8")
    index_dir = tmp_path_factory.mktemp("pair-index")
    build_index(corpus, index_dir, procs=1)
    return index_dir, texts


@pytest.fixture(scope="module")
def client(pair_index):
    return create_app({"INDEX_DIR": str(pair_index[0]), "TESTING": True}).test_client()


def ids(client) -> dict[str, str]:
    hits = client.get("/api/search").get_json()["hits"]
    return {h["file"]: h["id"] for h in hits}


def columns(page: str) -> tuple[str, str]:
    found = re.findall(r'<article class="source pair-[ab]".*?<pre class="text">(.*?)</pre>', page, re.S)
    assert len(found) == 2
    return found[0], found[1]


def marks(column: str) -> list[str]:
    return re.findall(r'<mark class="shared" id="[ab]-\d+">(.*?)</mark>', column, re.S)


def test_the_url_builder_gives_the_views_path():
    assert reuse_url("r1", "r 2") == "/reports/r1/reuse/r%202"


def test_shared_passages_are_marked_in_both_columns_and_own_text_is_not(client):
    i = ids(client)
    resp = client.get(reuse_url(i["a.txt"], i["b.txt"]))
    assert resp.status_code == 200
    left, right = columns(resp.get_data(as_text=True))
    for col in (left, right):
        shared = "".join(marks(col))
        assert "方便群众就近查阅政府信息" in shared and "提升了工作人员的业务能力" in shared
    assert OWN_A[:10] in left and OWN_A[:10] not in "".join(marks(left))
    assert OWN_B[:10] in right and OWN_B[:10] not in "".join(marks(right))
    assert '<a class="pair" href="#b-1"' in left and '<a class="pair" href="#a-1"' in right


def test_the_share_is_shown_in_each_direction_with_links_to_both_reports(client):
    i = ids(client)
    page = client.get(reuse_url(i["a.txt"], i["b.txt"])).get_data(as_text=True)
    shares = re.findall(r'<strong class="share" data-side="([ab])">(\d+)%</strong>', page)
    assert [side for side, _ in shares] == ["a", "b"]
    assert all(50 <= int(v) < 100 for _, v in shares)  # most of each text is the copied paragraph
    assert f'href="/reports/{i["a.txt"]}"' in page and f'href="/reports/{i["b.txt"]}"' in page


def test_an_unknown_report_on_either_side_is_404(client):
    i = ids(client)
    assert client.get(reuse_url("no-such-report", i["b.txt"])).status_code == 404
    resp = client.get(reuse_url(i["a.txt"], "no-such-report"))
    assert resp.status_code == 404 and "no-such-report" in resp.get_data(as_text=True)


def test_the_texts_are_escaped_and_the_page_has_no_inline_script(client):
    i = ids(client)
    page = client.get(reuse_url(i["b.txt"], i["a.txt"])).get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; 其他" in page
    assert "<script>alert" not in page
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page) == []


def test_template_wording_the_reuse_build_learned_is_not_marked(pair_index, tmp_path):
    """With ``reuse_boilerplate.json`` in the generation, the statute sentence every report has stays
    plain; the copied paragraph is still marked."""
    index_dir = pair_index[0]
    own = "号机关自己的一句话写在这里。"
    many = [ReportInput(f"r{i}", f"b{i}", 2020, search_string(f"{STATUTE}第{i}{own}"), ()) for i in range(30)]
    learned = ReuseIndex.build(many, Settings(boilerplate_min_count=5)).boilerplate
    gen = current_generation(index_dir)
    assert gen is not None
    learned.write(gen / BOILERPLATE_FILE)
    try:
        c = create_app({"INDEX_DIR": str(index_dir), "TESTING": True}).test_client()
        i = ids(c)
        left, right = columns(c.get(reuse_url(i["a.txt"], i["b.txt"])).get_data(as_text=True))
        for col in (left, right):
            assert "政府信息公开年度报告向社会公布" not in "".join(marks(col))
            assert "方便群众就近查阅政府信息" in "".join(marks(col))
    finally:
        (gen / BOILERPLATE_FILE).unlink()
