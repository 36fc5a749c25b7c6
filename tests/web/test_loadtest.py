"""scripts/loadtest.py with tiny bounds: it serves on loopback, finds no error over the sample index
(also while rebuilding), and refuses a host that is not loopback."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def loadtest():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import loadtest
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    return loadtest


def test_the_load_test_finds_no_error_on_the_sample_index(loadtest, sample_index, capsys):
    assert loadtest.main(["--index", str(sample_index), "--clients", "1,4", "--requests", "40",
                          "--seconds", "20"]) == 0
    out = capsys.readouterr().out
    assert "clients  1: 40 requests" in out and "clients  4: 40 requests" in out
    assert "errors 0, inconsistent 0" in out


def test_the_load_test_serves_from_a_process_of_its_own(loadtest, sample_index, capsys):
    assert loadtest.main(["--index", str(sample_index), "--server-process", "--clients", "2",
                          "--requests", "30", "--seconds", "20"]) == 0
    out = capsys.readouterr().out
    assert "clients  2: 30 requests" in out and "errors 0, inconsistent 0" in out


def test_the_load_test_while_rebuilding(loadtest, corpus_copy, capsys):
    assert loadtest.main(["--corpus", str(corpus_copy), "--rebuild", "--clients", "2", "--requests", "60",
                          "--seconds", "20"]) == 0
    out = capsys.readouterr().out
    committed = re.search(r"rebuilds committed meanwhile: (\d+); failed: 0", out)
    assert committed and int(committed.group(1)) >= 1, out


def test_the_load_test_sends_searches_pages_reports_and_both_exports(loadtest, sample_index):
    with loadtest.Server(sample_index, None, 2) as server:
        reqs = loadtest.plan(server.url)
    kinds, paths = {r.kind for r in reqs}, [r.path for r in reqs]
    assert kinds == {"api", "page", "report", "report_api", "export"}
    assert any(p.startswith("/api/search.csv") for p in paths)
    assert any(p.startswith("/api/search.jsonl") for p in paths)


def test_an_answer_mixing_two_versions_is_neither_versions_answer(loadtest):
    """The check is on the hits and facet counts too, not the total alone: a page whose total is the
    old index's and whose hits or counts are the new one's is not an allowed answer."""
    def api(total, ids, count):
        return json.dumps({"total": total, "hits": [{"id": i} for i in ids],
                           "facets": {"year": [{"value": "2020", "count": count}]}}).encode()

    old, new = loadtest.answer_of("api", api(5, "abc", 3)), loadtest.answer_of("api", api(5, "abd", 2))
    for mixed in (api(5, "abd", 3), api(5, "abc", 2)):
        assert loadtest.answer_of("api", mixed) not in {old, new}
    page = '<p>共 <strong>2</strong> 份报告</p><a href="/reports/aa11">x</a><a href="/reports/bb22">y</a>'
    other = page.replace("bb22", "cc33")
    assert loadtest.answer_of("page", page.encode()) != loadtest.answer_of("page", other.encode())


@pytest.mark.parametrize("url", ["http://example.com:8000", "http://10.0.0.1:8000", "http://0.0.0.0:80",
                                 "http://[2001:db8::1]:80"])
def test_the_load_test_refuses_hosts_that_are_not_loopback(loadtest, url, capsys):
    assert loadtest.main(["--url", url]) == 2
    assert "loopback" in capsys.readouterr().err


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"])
def test_loopback_hosts_are_accepted(loadtest, host):
    assert loadtest.is_loopback(host)
