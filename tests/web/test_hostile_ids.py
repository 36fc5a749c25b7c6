"""Hostile body ids and report ids in ``/bodies/<body_id>`` and ``/compare?ids=...``: markup,
attribute-breaking strings, path traversal, 10,000-character ids, unicode (emoji, a right-to-left
override, a NUL) and empty ids each get a 404 (bodies) or 400 (compare) page with a message, never a
500, and the page never carries the injected markup unescaped; the security headers are on each. (An
id holding a "/", percent-encoded or not, matches no route: the app's own 404 page answers it.)"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, unquote, urlencode

import pytest
from markupsafe import escape

from tests.web.test_security import IMG, SCRIPT, assert_no_markup
from webui import create_app

CORPUS = Path(__file__).resolve().parents[2] / "corpus"

HOSTILE = {
    "script": SCRIPT,  # its "/" keeps it from the body route: the app's 404 page answers
    "script without a slash": "<script>alert(1)",
    "iframe": "<iframe src=javascript:alert(1)>",
    "attribute-breaking": IMG,
    "single-quote handler": "' onmouseover='alert(1)",
    "path traversal": "../../etc/passwd",
    "encoded traversal": "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "10,000 characters": ("机关<b>x</b>" * 1000)[:10_000],
    "10,000 characters of one letter": "x" * 10_000,
    "unicode": "某县人民政府💥\u202e\u200b\u3000",
    "nul": "\x00",
    "empty": "",
    "dot dot": "..",
    "space": " ",
}
NAMES = list(HOSTILE)

COMPARE_MESSAGES = ("请选 2 到 5 份报告对比", "有的报告编号不存在")


@pytest.fixture(scope="module")
def client(sample_index):
    app = create_app({"INDEX_DIR": str(sample_index), "CORPUS_DIR": str(CORPUS), "TESTING": True})
    return app.test_client()


@pytest.fixture(scope="module")
def report_ids(client) -> list[str]:
    return [h["id"] for h in client.get("/api/search?per_page=5").get_json()["hits"]]


def page_of(resp, url: str) -> str:
    assert resp.mimetype == "text/html", url
    assert resp.headers["X-Content-Type-Options"] == "nosniff", url
    assert "Content-Security-Policy" in resp.headers, url
    page = resp.get_data(as_text=True)
    assert_no_markup(page, url)
    return page


@pytest.mark.parametrize("name", NAMES)
def test_a_hostile_body_id_gets_a_404_page_with_a_message_and_no_markup(client, name):
    body_id = HOSTILE[name]
    # percent-encoded as links make it (the view gets the id itself), and as typed into the address
    # bar (the view gets it percent-decoded)
    for url, got in ((f"/bodies/{quote(body_id, safe='')}", body_id),
                     (f"/bodies/{body_id}", unquote(body_id))):
        resp = client.get(url)
        assert resp.status_code == 404, (url[:80], resp.status_code)
        page = page_of(resp, url[:80])
        if got and "/" not in got:  # the body page's own 404, the id echoed escaped
            assert f"没有机关编号为 {escape(got)} 的报告" in page, url[:80]
        else:  # an id with a "/" (or none) matches no route: the app's 404 page
            assert "这个地址没有内容" in page, url[:80]


@pytest.mark.parametrize("name", NAMES)
def test_hostile_compare_ids_get_a_400_page_with_a_message_and_no_markup(client, name):
    bad = HOSTILE[name]
    for args in ({"ids": bad}, {"ids": f"{bad},{bad}x"}, {"ids": f"{bad}，{bad}"},
                 {"id": [bad, bad + "2"]}, {"ids": ",".join([bad] * 6)}):
        url = "/compare?" + urlencode(args, doseq=True)
        resp = client.get(url)
        assert resp.status_code == 400, (url[:80], resp.status_code)
        page = page_of(resp, url[:80])
        assert any(m in page for m in COMPARE_MESSAGES), url[:80]


def test_compare_with_too_many_or_no_ids_gets_a_400_page_with_a_message(client, report_ids):
    six = "/compare?" + urlencode({"ids": ",".join([*report_ids, "a"])})
    one_repeated = "/compare?" + "&".join(["ids=a"] * 2000)
    for url in ("/compare", "/compare?ids=", "/compare?ids=,,,", six, one_repeated):
        resp = client.get(url)
        assert resp.status_code == 400, url[:80]
        assert "请选 2 到 5 份报告对比" in page_of(resp, url[:80])


@pytest.mark.parametrize("name", ["script", "attribute-breaking", "path traversal", "10,000 characters"])
def test_a_hostile_id_beside_real_ones_is_left_out_with_a_message(client, report_ids, name):
    url = "/compare?" + urlencode({"ids": ",".join([*report_ids[:2], HOSTILE[name]])})
    resp = client.get(url)
    assert resp.status_code == 200  # the two real reports are compared
    page = page_of(resp, url[:80])
    assert "有的报告编号不存在，已略去" in page
    assert 'class="compare"' in page and all(f"/reports/{rid}" in page for rid in report_ids[:2])


def test_a_real_body_page_still_answers(client):
    body_id = client.get("/api/search?per_page=1").get_json()["hits"][0]["body_id"]
    resp = client.get(f"/bodies/{quote(body_id)}")
    assert resp.status_code == 200
    assert "没有机关编号为" not in page_of(resp, "a real body")
