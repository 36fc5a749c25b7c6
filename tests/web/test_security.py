"""Hostile strings in reports, file names, queries and facet values never reach a page as markup;
every response carries the security headers; only indexed reports are served, never a file outside
the corpus; the server listens on loopback unless told otherwise."""

from __future__ import annotations

import os
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest

import indexer.engine.prepare as prepare_mod
from indexer.engine.build import build_index
from indexer.extract.report import report_id
from webui import CONTENT_SECURITY_POLICY, create_app

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
SAMPLES = sorted(CORPUS.glob("*.txt"))

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
ATTR = "' onmouseover='x"
PAYLOADS = (SCRIPT, IMG, ATTR)
# What must never appear in a response: the payloads' markup, unescaped. (A quote in element text
# is harmless and need not be escaped there; in an attribute it would add the handler the parser
# check below looks for.)
RAW_MARKUP = ("<script>alert", "<img src=x", "<iframe")

SCRIPTED = "000_scripted.txt"  # payloads in its text and, through the build, in its facets
NAMED_IMG = f"{IMG}.txt"
NAMED_ATTR = f"{ATTR}.txt"
PAGE = "page.html"
LINK = "leak.txt"  # a symbolic link to a file outside the corpus
SECRET = "TOP-SECRET-OUTSIDE-THE-CORPUS"
BODY = f"{SCRIPT}县人民政府"
TOWN = f"{IMG}镇"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> tuple[Path, Path, object]:
    """A corpus of hostile reports, its index, and the build summary."""
    root = tmp_path_factory.mktemp("hostile")
    corpus = root / "corpus"
    corpus.mkdir()
    text = SAMPLES[0].read_text(encoding="utf-8")
    injected = "\n".join(PAYLOADS)
    (corpus / SCRIPTED).write_text(text.replace("一、总体情况", f"一、总体情况\n{injected}\n", 1),
                                   encoding="utf-8")
    shutil.copy(SAMPLES[1], corpus / NAMED_IMG)
    shutil.copy(SAMPLES[2], corpus / NAMED_ATTR)
    (corpus / PAGE).write_text(
        "<html><head><script>alert(1)</script></head><body><h1>某县 2021 年政府信息公开工作年度报告</h1>"
        "<p>一、总体情况</p><iframe src=\"https://example.invalid/\"></iframe><p>正文 "
        + SAMPLES[3].read_text(encoding="utf-8").replace("<", "&lt;") + "</p></body></html>",
        encoding="utf-8")
    outside = root / "outside.txt"
    outside.write_text(SECRET + "\n" + text, encoding="utf-8")
    os.symlink(outside, corpus / LINK)

    real = prepare_mod.extract

    def facets_with_markup(text: str, file: str, reading=()):
        """The real extractor, with markup in the facet values of one report (as if a gazetteer or
        body name carried it): the pages must escape whatever the index holds."""
        got = real(text, file, reading)
        if file == SCRIPTED:
            got.facts.update(body=BODY, town=TOWN, county=ATTR)
        return got

    index = root / "index"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(prepare_mod, "extract", facets_with_markup)
        summary = build_index(corpus, index, procs=1)
    return corpus, index, summary


@pytest.fixture(scope="module")
def client(hostile):
    corpus, index, _ = hostile
    app = create_app({"INDEX_DIR": str(index), "CORPUS_DIR": str(corpus), "TESTING": True})
    return app.test_client()


class _Elements(HTMLParser):
    """Every start tag of a page, with its attributes, as a browser's tokenizer sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def assert_no_markup(body: str, where: str) -> None:
    for raw in RAW_MARKUP:
        assert raw not in body, f"{raw!r} unescaped in {where}"
    parser = _Elements()
    parser.feed(body)
    for tag, attrs in parser.tags:
        assert tag not in ("img", "iframe", "object", "embed"), f"<{tag}> in {where}"
        if tag == "script":
            assert (attrs.get("src") or "").startswith("/static/"), f"inline script in {where}"
        handlers = [a for a in attrs if a.startswith("on")]
        assert not handlers, f"event handler attribute {handlers} in {where}"


def test_the_link_out_of_the_corpus_is_skipped_with_its_reason(hostile):
    _, _, summary = hostile
    assert dict(summary.skipped) == {LINK: "symbolic link to a file outside the corpus"}
    assert summary.total == 4


def pages(ids: dict[str, str]) -> list[str]:
    q = urlencode
    out = ["/", "/?" + q({"q": "alert"}), "/?" + q({"q": "onerror"}), "/?" + q({"q": "onmouseover"})]
    out += ["/?" + q({"q": p}) for p in PAYLOADS]
    out += ["/?" + q({"body": BODY}), "/?" + q({"town": TOWN}), "/?" + q({"county": ATTR}),
            "/?" + q({"body": SCRIPT, "q": IMG}), "/?" + q({"expand": "town"}),
            "/?" + q({"expand": "county"}),
            "/?" + q({"sort": SCRIPT}), "/?" + q({"page": IMG}), "/?" + q({"applications_new_min": ATTR})]
    for rid in ids.values():
        out += [f"/reports/{rid}", f"/reports/{rid}?" + q({"q": "alert"}),
                f"/reports/{rid}?" + q({"q": SCRIPT}),
                f"/reports/{rid}?" + q({"q": IMG.lstrip('"'), "body": BODY})]
    out += [f"/reports/{quote(p, safe='')}" for p in PAYLOADS]
    return out


@pytest.fixture(scope="module")
def ids(hostile) -> dict[str, str]:
    return {rel: report_id(rel) for rel in (SCRIPTED, NAMED_IMG, NAMED_ATTR, PAGE)}


def test_pages_never_carry_hostile_markup_unescaped(client, ids):
    seen_escaped = 0
    for url in pages(ids):
        resp = client.get(url)
        assert resp.status_code in (200, 400, 404), url
        body = resp.get_data(as_text=True)
        assert_no_markup(body, url)
        seen_escaped += "&lt;script&gt;" in body or "&lt;img src=x" in body or "&#39; onmouseover" in body
    assert seen_escaped >= 10  # the payloads did reach the pages, escaped


def test_the_api_never_carries_hostile_markup_unescaped(client, ids):
    urls = [u.replace("/?", "/api/search?", 1) if u.startswith("/?") else u for u in pages(ids)]
    urls = ["/api/search"] + [u if not u.startswith("/reports/") else "/api" + u for u in urls[1:]]
    for url in urls:
        resp = client.get(url)
        assert resp.status_code in (200, 400, 404), url
        assert resp.mimetype == "application/json", url
        body = resp.get_data(as_text=True)
        assert "<script" not in body and "<img" not in body and "<iframe" not in body, url
    hits = client.get("/api/search?" + urlencode({"q": "alert"})).get_json()["hits"]
    assert hits, "the scripted report is found"
    for hit in hits:
        for snippet in hit["snippets"]:  # HTML a client inserts as is: only <mark> as markup
            assert_no_markup(snippet, "a snippet")


def test_the_facet_values_with_markup_are_listed_escaped(client):
    page = client.get("/?" + urlencode({"expand": "town"})).get_data(as_text=True)
    assert "&lt;img src=x onerror=alert(1)&gt;镇" in page
    assert "&#39; onmouseover=&#39;x" in page  # the county, in a link's attribute and its text
    facets = client.get("/api/search").get_json()["facets"]
    assert TOWN in [v["value"] for v in facets["town"]]  # the JSON value itself is intact
    report = client.get(f"/reports/{report_id(SCRIPTED)}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;县人民政府" in report  # the body, among the facts


def test_every_response_carries_the_security_headers(client, ids):
    rid = ids[SCRIPTED]
    for url in ["/", "/?q=%22", "/api/search", "/api/stats", f"/reports/{rid}", f"/api/reports/{rid}",
                "/static/style.css", "/static/report.js", "/no/such/page", "/api/nothing"]:
        resp = client.get(url)
        resp.close()  # a static file's response holds the file open
        assert resp.headers["X-Content-Type-Options"] == "nosniff", url
        assert resp.headers["X-Frame-Options"] == "DENY", url
        assert resp.headers["Referrer-Policy"] == "same-origin", url
        assert resp.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, url
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY


def test_templates_hold_no_inline_script_or_handlers():
    """The policy forbids inline script: a template with some would silently lose it."""
    import re

    templates = Path(__file__).resolve().parents[2] / "webui" / "templates"
    for path in templates.glob("*.html"):
        src = path.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", src), path.name
        assert not re.search(r"\son[a-z]+\s*=", src), path.name
        assert not re.search(r"\sstyle\s*=|<style", src), path.name


def test_an_html_original_is_served_as_sandboxed_plain_text(client, ids):
    resp = client.get(f"/reports/{ids[PAGE]}/raw")
    assert resp.status_code == 200
    assert resp.mimetype == "text/plain"
    assert resp.headers["Content-Security-Policy"].startswith("sandbox")
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Content-Disposition"].startswith("inline; filename=")
    assert b"<script>alert(1)</script>" in resp.data  # the original, byte for byte, as text


def test_a_hostile_file_name_is_quoted_in_the_download_header(client, ids):
    resp = client.get(f"/reports/{ids[NAMED_IMG]}/raw")
    assert resp.status_code == 200
    disposition = resp.headers["Content-Disposition"]
    assert disposition.count('"') == 2 and "\r" not in disposition and "\n" not in disposition


@pytest.mark.parametrize("rid", [
    report_id(LINK), "..", "../..", "%2e%2e", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "..%2F..%2Fetc%2Fpasswd",
    "%2Fetc%2Fpasswd", "%252e%252e", "outside.txt", LINK, "000_scripted.txt",
])
def test_only_indexed_reports_are_served(client, rid):
    for url in (f"/reports/{rid}", f"/reports/{rid}/raw", f"/api/reports/{rid}"):
        resp = client.get(url)
        assert resp.status_code == 404, url
        assert SECRET.encode() not in resp.data and b"root:" not in resp.data, url


@pytest.mark.parametrize("url", ["/reports//etc/passwd", "/reports/../../etc/passwd/raw",
                                 "/reports/%2e%2e/%2e%2e/etc/passwd/raw", "/static/../../../etc/passwd",
                                 "/static/%2e%2e/%2e%2e/indexer/__main__.py"])
def test_traversal_paths_serve_nothing(client, url):
    resp = client.get(url)
    assert resp.status_code in (404, 308), url
    assert SECRET.encode() not in resp.data and b"root:" not in resp.data and b"import" not in resp.data


def test_raw_refuses_a_file_replaced_by_a_link_out_of_the_corpus(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SAMPLES[0], corpus / "a.txt")
    build_index(corpus, tmp_path / "index", procs=1)
    outside = tmp_path / "secret.txt"
    outside.write_text(SECRET, encoding="utf-8")
    (corpus / "a.txt").unlink()
    os.symlink(outside, corpus / "a.txt")
    client = create_app({"INDEX_DIR": str(tmp_path / "index"), "CORPUS_DIR": str(corpus),
                         "TESTING": True}).test_client()
    resp = client.get(f"/reports/{report_id('a.txt')}/raw")
    assert resp.status_code == 404
    assert SECRET.encode() not in resp.data


def test_the_server_listens_on_loopback_by_default(monkeypatch, tmp_path):
    import waitress

    import webui.__main__ as cli

    calls: list[dict] = []
    monkeypatch.setattr(waitress, "serve", lambda app, **kw: calls.append(kw))
    assert cli.main(["--index", str(tmp_path / "none"), "--workers", "1"]) == 0
    assert calls[-1]["host"] == "127.0.0.1"
    assert cli.main(["--index", str(tmp_path / "none"), "--workers", "1", "--host", "0.0.0.0"]) == 0
    assert calls[-1]["host"] == "0.0.0.0"  # only when told

    # several processes (the default on a machine with more than one core) share one socket, bound
    # the same way: stopped here, before anything forks
    import socket

    class Bound(Exception):
        pass

    def create_server(address, **kw):
        calls.append({"host": address[0]})
        raise Bound

    monkeypatch.setattr(socket, "create_server", create_server)
    with pytest.raises(Bound):
        cli.main(["--index", str(tmp_path / "none"), "--workers", "2"])
    assert calls[-1]["host"] == "127.0.0.1"
