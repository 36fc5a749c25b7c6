"""/api/suggest and the search box's autocomplete markup: places and bodies from the index."""

from __future__ import annotations

import re

import pytest

from indexer.engine import querylang
from webui import create_app
from webui.present import suggestion_json


@pytest.fixture(scope="module")
def client(sample_index):
    return create_app({"INDEX_DIR": str(sample_index), "TESTING": True}).test_client()


def suggestions(client, **args) -> list[dict]:
    resp = client.get("/api/suggest", query_string=args)
    assert resp.status_code == 200
    return resp.get_json()["suggestions"]


def test_a_town_prefix_suggests_the_town_then_bodies_holding_it(client):
    got = suggestions(client, prefix="李楼")
    assert got[0] == {"field": "town", "value": "李楼镇", "query": "town:李楼镇", "label": "乡镇 李楼镇"}
    bodies = [s for s in got if s["field"] == "body"]
    assert bodies and all("李楼" in s["value"] and s["label"] == "发布机关 " + s["value"] for s in bodies)
    assert [s["field"] for s in got] == sorted((s["field"] for s in got), key=lambda f: f == "body")


def test_places_match_by_their_start_bodies_anywhere(client):
    assert [s["value"] for s in suggestions(client, prefix="山东")] == ["山东省"]
    inner = suggestions(client, prefix="楼镇")
    assert inner and {s["field"] for s in inner} == {"body"}  # no place starts with 楼镇


def test_every_suggestion_searches_for_reports(client):
    for s in suggestions(client, prefix="人民政府", limit=50) + suggestions(client, prefix="济"):
        assert client.get("/api/search", query_string={"q": s["query"]}).get_json()["total"] >= 1, s


def test_limit_caps_the_list_and_a_bad_limit_is_a_readable_error(client):
    everything = suggestions(client, prefix="人民政府", limit=50)
    assert len(everything) == 5  # the five sample bodies
    assert suggestions(client, prefix="人民政府", limit=2) == everything[:2]
    assert len(suggestions(client, prefix="人民政府", limit=0)) == 1  # at least one
    assert len(suggestions(client, prefix="人民政府")) == 5  # 10 by default
    resp = client.get("/api/suggest?prefix=人民政府&limit=many")
    assert resp.status_code == 400 and "limit" in resp.get_json()["error"]


def test_empty_or_unknown_prefixes_suggest_nothing(client):
    for prefix in ("", "   ", "不存在的地名", "<script>"):
        assert suggestions(client, prefix=prefix) == []
    assert client.get("/api/suggest").get_json() == {"suggestions": []}


def test_markup_in_a_prefix_never_comes_back_raw(client):
    resp = client.get("/api/suggest", query_string={"prefix": "<img src=x onerror=alert(1)>"})
    raw = resp.get_data(as_text=True)
    assert "<" not in raw and ">" not in raw


def test_values_the_query_language_would_split_are_quoted():
    for value in ("某镇人民政府", "某县 某镇", "某(临时)机构", "-某镇", '某"镇'):
        q = suggestion_json("body", value)["query"]
        node = querylang.parse(q)
        assert (node.field, node.value) == ("body", value.replace('"', "")), q
    assert suggestion_json("town", "某镇")["query"] == "town:某镇"


def test_the_search_box_is_an_aria_combobox_served_from_the_app(client):
    page = client.get("/").get_data(as_text=True)
    box = re.search(r"<input[^>]*id=\"q\"[^>]*>", page).group(0)
    for attr in ('role="combobox"', 'aria-autocomplete="list"', 'aria-expanded="false"',
                 'aria-controls="suggest"'):
        assert attr in box
    assert re.search(r'<ul id="suggest"[^>]*role="listbox"[^>]*aria-label="[^"]+"[^>]*hidden', page)
    assert 'role="status"' in page
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', page)
    assert scripts and all(s.startswith("/static/") for s in scripts)
    with client.get(scripts[0]) as resp:
        js = resp.get_data(as_text=True)
    assert '"/api/suggest?limit=10&prefix="' in js and "aria-activedescendant" in js
