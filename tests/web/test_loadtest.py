"""scripts/loadtest.py with tiny bounds: it serves on loopback, finds no error over the sample index
(also while rebuilding), and refuses a host that is not loopback."""

from __future__ import annotations

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
    assert "rebuilds committed meanwhile" in out and "failed: 0" in out


@pytest.mark.parametrize("url", ["http://example.com:8000", "http://10.0.0.1:8000", "http://0.0.0.0:80",
                                 "http://[2001:db8::1]:80"])
def test_the_load_test_refuses_hosts_that_are_not_loopback(loadtest, url, capsys):
    assert loadtest.main(["--url", url]) == 2
    assert "loopback" in capsys.readouterr().err


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"])
def test_loopback_hosts_are_accepted(loadtest, host):
    assert loadtest.is_loopback(host)
