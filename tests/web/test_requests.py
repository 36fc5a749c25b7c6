"""Malformed requests get a clear 400 (API: ``{"error": ...}``; page: the message shown) or a 404 for an
unknown report, never a 500: a table of bad queries, paging, ranges and fields over ``/``,
``/api/search``, ``/reports/<id>`` and ``/api/reports/<id>``."""

from __future__ import annotations

import random
from pathlib import Path
from urllib.parse import urlencode

import pytest

from indexer.extract.report import report_id
from webui import create_app

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
SAMPLE = sorted(p.name for p in CORPUS.glob("*.txt"))[0]

_words = random.Random(7)
LONG_QUERY = " ".join(_words.choice(["微信", "公众号", "政府", "信息", "公开", "申请", "2020"])
                      for _ in range(2000))[:10_000]
DEEP = "(" * 3000 + "a" + ")" * 3000

# (name, arguments, bad?): bad ones must get a 400 with a message; the others a normal 200.
CASES: list[tuple[str, dict[str, str], bool]] = [
    ("unbalanced double quote", {"q": '"微信公众号'}, True),
    ("unbalanced chinese quote", {"q": "“微信"}, True),
    ("unbalanced corner quote", {"q": "「微信"}, True),
    ("lone AND", {"q": "AND"}, True),
    ("lone OR", {"q": "OR"}, True),
    ("lone NOT", {"q": "NOT"}, True),
    ("lone minus", {"q": "-"}, False),  # searched as the character itself
    ("open paren", {"q": "("}, True),
    ("close paren", {"q": ")"}, True),
    ("empty parens", {"q": "()"}, True),
    ("trailing OR", {"q": "微信 OR"}, True),
    ("lone colon", {"q": ":"}, False),  # nothing to search for: every report
    ("field without value", {"q": "year:"}, True),
    ("non-numeric field range", {"q": "litigation_total:>=abc"}, True),
    ("non-numeric year", {"q": "year:abc"}, True),
    ("unclosed bracket range", {"q": "litigation_total:[1 TO"}, True),
    ("10,000-character query", {"q": LONG_QUERY}, True),  # past querylang.MAX_QUERY_CHARS
    ("10,000 characters of one word", {"q": "微" * 10_000}, True),
    ("deep nesting", {"q": DEEP}, True),
    ("per_page zero", {"per_page": "0"}, True),
    ("per_page negative", {"per_page": "-5"}, True),
    ("per_page huge", {"per_page": "100000000000000000000"}, True),
    ("per_page text", {"per_page": "ten"}, True),
    ("per_page fraction", {"per_page": "2.5"}, True),
    ("page zero", {"page": "0"}, True),
    ("page negative", {"page": "-3"}, True),
    ("page text", {"page": "first"}, True),
    ("page enormous", {"page": "100000000000000000000000000000"}, False),
    ("page past the end", {"page": "999"}, False),
    ("range min text", {"applications_new_min": "many"}, True),
    ("range max text", {"litigation_total_max": "1e3"}, True),
    ("range min above max", {"applications_new_min": "5", "applications_new_max": "1"}, True),
    ("range enormous", {"reconsideration_total_min": "9" * 40}, False),
    ("range negative", {"reconsideration_total_max": "-1"}, False),
    ("unknown sort", {"sort": "by_magic"}, True),
    ("unknown expand", {"expand": "nosuch"}, True),
    ("bad yes/no facet", {"has_litigation": "maybe"}, True),
    ("unknown argument", {"nosuch": "1"}, False),
    ("unknown facet value", {"town": "不存在镇"}, False),
    ("nul in query", {"q": "微信\x00公众号"}, False),
]
IDS = [c[0] for c in CASES]


@pytest.fixture(scope="module")
def client(sample_index):
    app = create_app({"INDEX_DIR": str(sample_index), "CORPUS_DIR": str(CORPUS), "TESTING": True})
    return app.test_client()


def _cases(endpoint: str):
    return [pytest.param(*c, id=c[0]) for c in CASES]


@pytest.mark.parametrize(("name", "args", "bad"), _cases("api"))
def test_the_search_api_answers_bad_requests_with_400_and_a_message(client, name, args, bad):
    resp = client.get("/api/search?" + urlencode(args))
    assert resp.mimetype == "application/json"
    body = resp.get_json()
    if bad:
        assert resp.status_code == 400, body
        assert isinstance(body.get("error"), str) and body["error"].strip()
    else:
        assert resp.status_code == 200, body
        assert isinstance(body["total"], int)


@pytest.mark.parametrize(("name", "args", "bad"), _cases("page"))
def test_the_search_page_shows_bad_requests_as_a_message(client, name, args, bad):
    resp = client.get("/?" + urlencode(args))
    page = resp.get_data(as_text=True)
    if bad:
        assert resp.status_code == 400
        assert 'class="error"' in page or "error" in page
    else:
        assert resp.status_code == 200
    assert "<form" in page  # the page stays usable: the search form is there to fix the query


@pytest.mark.parametrize(("name", "args", "bad"),
                         [pytest.param(*c, id=c[0]) for c in CASES])
def test_the_report_page_never_fails_on_bad_arguments(client, name, args, bad):
    rid = report_id(SAMPLE)
    resp = client.get(f"/reports/{rid}?" + urlencode(args))
    assert resp.status_code in (200, 400), resp.status_code
    api = client.get(f"/api/reports/{rid}?" + urlencode(args))
    assert api.status_code in (200, 400), api.status_code
    if api.status_code == 400:
        assert api.get_json()["error"].strip()


@pytest.mark.parametrize("rid", ["nosuch", "0" * 16, "f" * 16, "x" * 5000, "%00", "報告", "None", "-1"])
def test_unknown_report_ids_are_404_with_a_message(client, rid):
    page = client.get(f"/reports/{rid}")
    assert page.status_code == 404
    assert "找不到该报告" in page.get_data(as_text=True) or "找不到" in page.get_data(as_text=True)
    api = client.get(f"/api/reports/{rid}")
    assert api.status_code == 404 and api.get_json()["error"].strip()
    assert client.get(f"/reports/{rid}/raw").status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_other_methods_are_405_not_500(client, method):
    for url in ("/", "/api/search", f"/reports/{report_id(SAMPLE)}"):
        assert getattr(client, method)(url).status_code == 405, url
