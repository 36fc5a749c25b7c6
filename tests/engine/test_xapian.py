"""The xapian backend over two ``xapian-tcpsrv`` shard servers gives the whoosh backend's results:
the same hit sets, totals, facet counts, column-sorted orders, snippets and report pages, for a mix
of queries over the sample corpus and a generated one; a shard that does not answer gives the
documented error (or a result marked partial); an incremental build reaches the right shard."""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

xapian = pytest.importorskip("xapian", reason="the xapian backend needs its Python bindings: "
                             "pip install nianbao[xapian] (xapian-bindings-binary)")
TCPSRV = shutil.which("xapian-tcpsrv")
pytestmark = pytest.mark.skipif(TCPSRV is None, reason="xapian-tcpsrv not installed (Debian: xapian-tools)")

from indexer.engine import corpusfacts  # noqa: E402
from indexer.engine.build import build_index  # noqa: E402
from indexer.engine.facets import DEFAULT as _REGISTRY  # noqa: E402
from indexer.engine.query import FACETS, Query, SearchIndex  # noqa: E402
from indexer.engine.search import CORPUS_HIT_FACTS  # noqa: E402
from indexer.engine.xapian import schema as xs  # noqa: E402
from indexer.engine.xapian.build import build_xapian  # noqa: E402
from indexer.engine.xapian.cluster import ShardUnavailable, parse_shards  # noqa: E402
from indexer.engine.xapian.search import XapianIndex, open_index  # noqa: E402
from indexer.extract.report import report_id  # noqa: E402
from webui.present import hit_json, result_json  # noqa: E402

# Corpus facts (cross_year, reuse: indexer/engine/corpusfacts.py) are the whoosh backend's only:
# the xapian backend does not compute them yet, so the comparisons leave them out.
NOT_ON_XAPIAN = set(_REGISTRY.corpus)


def _hit_json(hit, result) -> dict:
    out = hit_json(hit, result) | {"score": None}
    return {k: v for k, v in out.items() if k not in CORPUS_HIT_FACTS and k != "reuse_url"}

ROOT = Path(__file__).resolve().parents[2]
GENERATED = 200  # reports in the generated corpus (2,000 were run by hand: see docs/xapian.md)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Servers:
    """``xapian-tcpsrv`` processes on free loopback ports, one per shard folder."""

    def __init__(self, dirs: list[Path]) -> None:
        self.procs: list[subprocess.Popen] = []
        self.ports: list[int] = []
        for d in dirs:
            port = _free_port()
            self.procs.append(subprocess.Popen(
                [TCPSRV, "--interface", "127.0.0.1", "--port", str(port), "--quiet", str(d)],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                # its own process group: xapian-tcpsrv signals its whole group when it is stopped
                start_new_session=True))
            self.ports.append(port)
        deadline = time.monotonic() + 10
        for port in self.ports:
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        self.stop()
                        pytest.fail(f"xapian-tcpsrv did not listen on {port}")
                    time.sleep(0.05)

    @property
    def spec(self) -> str:
        return ",".join(f"127.0.0.1:{p}" for p in self.ports)

    def kill(self, i: int) -> None:
        """The shard's server and the connections it serves (forked into its process group)."""
        os.killpg(self.procs[i].pid, signal.SIGKILL)
        self.procs[i].wait()

    def stop(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                p.terminate()
                p.wait(5)
            with contextlib.suppress(ProcessLookupError):  # connections still being served
                os.killpg(p.pid, signal.SIGKILL)


def _both(tmp_path_factory, corpus: Path, name: str):
    """(whoosh SearchIndex, XapianIndex over two served shards, servers, xapian index dir)."""
    wdir = tmp_path_factory.mktemp(f"{name}-whoosh")
    xdir = tmp_path_factory.mktemp(f"{name}-xapian")
    build_index(corpus, wdir, procs=2)
    summary = build_xapian(corpus, xdir, shards=2, procs=2)
    assert summary.skipped == [] or summary.total > 0
    servers = Servers([xdir / "shard-0", xdir / "shard-1"])
    return SearchIndex(wdir), XapianIndex(parse_shards(servers.spec), xdir), servers, xdir


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    w, x, servers, _ = _both(tmp_path_factory, ROOT / "corpus", "sample")
    yield w, x
    x.close()
    servers.stop()


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("generated")
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_corpus.py"), "--reports", str(GENERATED),
                    "--seed", "5", "--out", str(corpus)], check=True, capture_output=True, timeout=120)
    (corpus / "gold.json").unlink(missing_ok=True)
    w, x, servers, _ = _both(tmp_path_factory, corpus, "generated")
    texts = [p.read_text("utf-8", errors="replace") for p in sorted(corpus.glob("*.txt"))[:60]]
    yield w, x, texts
    x.close()
    servers.stop()


def _all(idx, args: dict) -> tuple[int, list[str], dict, dict]:
    """(total, every hit's id in page order, full facet counts, facet totals) of a search."""
    args = {**args, "per_page": "100", "expand": [f for f in FACETS if f not in NOT_ON_XAPIAN]}
    first = idx.search(Query.from_args(args))
    ids = [h.id for h in first.hits]
    for page in range(2, first.pages + 1):
        ids += [h.id for h in idx.search(Query.from_args({**args, "page": str(page)})).hits]
    facets = {name: {v.value: v.count for v in vals} for name, vals in first.facets.items()
              if name not in NOT_ON_XAPIAN}
    totals = {name: n for name, n in first.facet_totals.items() if name not in NOT_ON_XAPIAN}
    return first.total, ids, facets, totals


HAND_QUERIES = [
    {}, {"q": "行政复议"}, {"q": "政务公开 微信"}, {"q": '"微信公众号"'}, {"q": '"政务新媒体"'},
    {"q": '"镇"'}, {"q": '"号"'}, {"q": "微信 OR 微博"}, {"q": "NOT 微博"}, {"q": "公开 -诉讼"},
    {"q": "(微信 OR 微博) 公开栏"}, {"q": "year:2020"}, {"q": "litigation_total:>=1"},
    {"q": "applications_new:[3 TO 10]"}, {"q": "has_litigation:1 政府"}, {"q": "status:verified"},
    {"q": "信息公开", "has_applications": "1"}, {"litigation_total_min": "1"},
    {"applications_new_min": "1", "applications_new_max": "12"}, {"reconsideration_total_min": "1"},
    {"year": ["2020", "2021"]}, {"sort": "year"}, {"sort": "year_asc"}, {"sort": "applications"},
    {"sort": "litigation", "q": "公开"}, {"q": "不存在的词语组合"}, {"q": '"政府信息公开" NOT "行政诉讼"'},
]


def _mix(w: SearchIndex, texts: list[str]) -> list[dict]:
    """The hand queries, a facet value or two of the index, and the benchmark's seeded mix."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from benchlib.mix import make_mix

    empty = w.search(Query.from_args({}))
    extra = [{name: vals[0].value} for name, vals in empty.facets.items()
             if vals and name not in NOT_ON_XAPIAN]
    if empty.facets["province"]:
        extra.append({"q": "政府", "province": empty.facets["province"][0].value})
    return HAND_QUERIES + extra + [m["args"] for m in make_mix(40, 3, texts, w)]


def _compare(w: SearchIndex, x: XapianIndex, args: dict) -> float | None:
    """Assert both backends agree on ``args``; the top-10 overlap of a relevance ranking."""
    args = {k: v for k, v in args.items() if k != "page"}
    wt, wids, wf, wtot = _all(w, args)
    xt, xids, xf, xtot = _all(x, args)
    assert xt == wt, args
    assert len(xids) == len(set(xids)) == xt, args
    assert set(xids) == set(wids), args
    assert xf == wf, args
    assert xtot == wtot, args
    if args.get("sort", "relevance") != "relevance" or not args.get("q"):
        assert xids == wids, args  # column sorts (year, then file) are the same order
        return None
    top = min(10, len(wids))
    return len(set(xids[:top]) & set(wids[:top])) / top if top else None


def test_sample_corpus_agrees_with_whoosh(sample):
    w, x = sample
    for args in HAND_QUERIES:
        _compare(w, x, args)


def test_generated_corpus_agrees_with_whoosh_on_the_query_mix(generated):
    w, x, texts = generated
    overlaps = [o for args in _mix(w, texts) if (o := _compare(w, x, args)) is not None]
    assert overlaps
    # BM25 (Xapian) against BM25F (whoosh), common terms left out by both: the orders differ, but
    # mostly on the same documents (0.95 of the top 10 when this was written)
    assert sum(overlaps) / len(overlaps) >= 0.8, overlaps


def test_deep_pages_and_snippets_are_whooshs(generated):
    w, x, _ = generated
    for args in ({"q": "公开", "sort": "year"}, {"q": '"政府信息公开"', "sort": "applications"},
                 {"sort": "year_asc"}):
        last = w.search(Query.from_args(args)).pages
        for page in (1, 2, last, last + 1):
            a = w.search(Query.from_args({**args, "page": str(page)}))
            b = x.search(Query.from_args({**args, "page": str(page)}))
            assert [_hit_json(h, b) for h in b.hits] == [_hit_json(h, a) for h in a.hits]
            assert b.total == a.total and b.pages == a.pages and b.needles == a.needles


def test_report_pages_are_whooshs(sample):
    w, x = sample
    for hit in w.search(Query.from_args({"per_page": "10"})).hits:
        a, b = w.report(hit.id, "政府 \"信息公开\""), x.report(hit.id, "政府 \"信息公开\"")
        assert b is not None and a is not None
        stored = {k: v for k, v in a.facts.items() if k not in corpusfacts.KEYS}  # whoosh only
        assert (b.facts, b.text, b.marks, b.hit_count, b.title) == \
            (stored, a.text, a.marks, a.hit_count, a.title)
    assert x.report("0000000000000000") is None
    assert x.stats()["reports"] == w.stats()["reports"]


@pytest.fixture(scope="module")
def repeats(tmp_path_factory):
    """Reports of few characters (repeated bigrams at several offsets), as in test_matching."""
    rng = random.Random(7)
    corpus = tmp_path_factory.mktemp("xrepeats")
    texts = {}
    for i in range(40):
        body = "".join(rng.choice("甲乙丙哈公开") for _ in range(rng.randint(5, 60)))
        texts[f"r{i:02d}.txt"] = body
        (corpus / f"r{i:02d}.txt").write_text(body, "utf-8")
    xdir = tmp_path_factory.mktemp("xrepeats-ix")
    build_xapian(corpus, xdir, shards=2, procs=1)
    servers = Servers([xdir / "shard-0", xdir / "shard-1"])
    x = XapianIndex(parse_shards(servers.spec), xdir)
    yield x, texts
    x.close()
    servers.stop()


def test_phrases_equal_a_substring_scan(repeats):
    x, texts = repeats
    rng = random.Random(11)
    phrases = ["甲乙甲乙甲", "甲乙甲丙甲乙", "乙甲乙甲乙甲乙", "哈哈哈哈", "哈哈", "公开公开公开",
               "甲", "开", "丙"]
    for _ in range(120):
        t = rng.choice(list(texts.values()))
        n = rng.randint(1, 9)
        if len(t) > n:
            start = rng.randrange(len(t) - n)
            phrases.append(t[start:start + n])
    for phrase in phrases:
        res = x.search(Query.from_args({"q": f'"{phrase}"', "per_page": "100"}))
        assert {h.file for h in res.hits} == {f for f, t in texts.items() if phrase in t}, phrase
        assert res.total == len(res.hits)


def test_a_killed_shard_gives_the_documented_error_or_a_partial_result(tmp_path_factory):
    xdir = tmp_path_factory.mktemp("kill-xapian")
    build_xapian(ROOT / "corpus", xdir, shards=2, procs=1)
    servers = Servers([xdir / "shard-0", xdir / "shard-1"])
    try:
        x = XapianIndex(parse_shards(servers.spec), xdir)
        full = x.search(Query.from_args({"per_page": "100"}))
        assert full.total == 5 and not full.partial
        servers.kill(1)
        dead = f"127.0.0.1:{servers.ports[1]}"
        with pytest.raises(ShardUnavailable) as err:
            x.search(Query.from_args({}))
        assert err.value.shards == [dead] and dead in str(err.value)
        part = x.search(Query.from_args({"per_page": "100"}), allow_partial=True)
        in_live = {report_id(p.name) for p in (ROOT / "corpus").glob("*.txt")
                   if xs.shard_of(report_id(p.name), 2) == 0}
        assert part.partial and part.missing_shards == [dead]
        assert {h.id for h in part.hits} == in_live and part.total == len(in_live)
        assert result_json(part)["partial"] is True and result_json(part)["missing_shards"] == [dead]

        from webui import create_app

        app = create_app({"INDEX_DIR": str(xdir), "BACKEND": "xapian", "SHARDS": servers.spec})
        client = app.test_client()
        r = client.get("/api/search?q=公开")
        assert r.status_code == 503 and dead in r.get_json()["error"]
        assert r.get_json()["missing_shards"] == [dead]
        assert client.get("/?q=公开").status_code == 503
        r = client.get("/api/search?q=公开&partial=1")
        assert r.status_code == 200 and r.get_json()["partial"] is True
        assert r.get_json()["missing_shards"] == [dead]
    finally:
        servers.stop()


def test_all_shards_down_is_an_error_even_with_partial(tmp_path_factory):
    xdir = tmp_path_factory.mktemp("down-xapian")
    build_xapian(ROOT / "corpus", xdir, shards=2, procs=1)
    x = XapianIndex(parse_shards(f"127.0.0.1:{_free_port()},127.0.0.1:{_free_port()}"), xdir)
    with pytest.raises(ShardUnavailable):
        x.search(Query.from_args({}), allow_partial=True)


def _shard_holding(xdir: Path, rid: str) -> list[int]:
    return [i for i in range(2) if xapian.Database(str(xdir / f"shard-{i}")).term_exists(xs.id_term(rid))]


def test_an_incremental_build_reaches_the_right_shard(corpus_copy, tmp_path):
    xdir = tmp_path / "ix"
    build_xapian(corpus_copy, xdir, shards=2, procs=1)
    servers = Servers([xdir / "shard-0", xdir / "shard-1"])
    try:
        x = XapianIndex(parse_shards(servers.spec), xdir)
        files = sorted(corpus_copy.glob("*.txt"))
        changed, gone = files[0], files[1]
        assert x.search(Query.from_args({"q": '"独一无二的改动标记"'})).total == 0
        changed.write_text(changed.read_text("utf-8") + "\n独一无二的改动标记\n", "utf-8")
        gone.unlink()
        summary = build_xapian(corpus_copy, xdir, shards=2, procs=1)
        assert (summary.full, summary.indexed, summary.deleted, summary.unchanged, summary.total) == \
            (False, 1, 1, 3, 4)
        rid = report_id(changed.name)
        assert _shard_holding(xdir, rid) == [xs.shard_of(rid, 2)]
        assert _shard_holding(xdir, report_id(gone.name)) == []
        # the served shards show the commit to the open index
        res = x.search(Query.from_args({"q": '"独一无二的改动标记"'}))
        assert [h.id for h in res.hits] == [rid]
        assert x.search(Query.from_args({})).total == 4
        again = build_xapian(corpus_copy, xdir, shards=2, procs=1)
        assert (again.indexed, again.unchanged, again.total) == (0, 4, 4)
        moved = build_xapian(corpus_copy, xdir, shards=3, procs=1)  # a new shard count rebuilds
        assert moved.full and moved.total == 4
    finally:
        servers.stop()


def test_open_index_picks_the_backend(sample_index, tmp_path, monkeypatch):
    monkeypatch.delenv("NIANBAO_BACKEND", raising=False)
    monkeypatch.delenv("NIANBAO_SHARDS", raising=False)
    assert isinstance(open_index(sample_index), SearchIndex)
    build_xapian(ROOT / "corpus", tmp_path, shards=2, procs=1)
    local = open_index(tmp_path)  # only a xapian build there: the local shard folders
    assert isinstance(local, XapianIndex) and local.search(Query.from_args({})).total == 5
    monkeypatch.setenv("NIANBAO_BACKEND", "xapian")
    monkeypatch.setenv("NIANBAO_SHARDS", f"127.0.0.1:{_free_port()}")
    with pytest.raises(ShardUnavailable):
        open_index(tmp_path).search(Query.from_args({}))


def test_cluster_script_starts_reports_and_stops_the_shard_servers(tmp_path):
    build_xapian(ROOT / "corpus", tmp_path, shards=2, procs=1)
    base = _free_port()
    with socket.socket() as s:  # the next port must be free as well
        try:
            s.bind(("127.0.0.1", base + 1))
        except OSError:
            pytest.skip("no two consecutive free ports")
    script = [sys.executable, str(ROOT / "scripts" / "cluster")]
    started = subprocess.run([*script, "start", "--index", str(tmp_path), "--base-port", str(base)],
                             capture_output=True, text=True, timeout=30)
    try:
        assert started.returncode == 0, started.stderr
        spec = f"127.0.0.1:{base},127.0.0.1:{base + 1}"
        assert spec in started.stdout
        status = subprocess.run([*script, "status", "--index", str(tmp_path)], capture_output=True, text=True)
        assert status.returncode == 0 and status.stdout.count("answering") == 2
        assert XapianIndex(parse_shards(spec)).search(Query.from_args({})).total == 5
    finally:
        subprocess.run([*script, "stop", "--index", str(tmp_path)], capture_output=True, timeout=30)
    status = subprocess.run([*script, "status", "--index", str(tmp_path)], capture_output=True, text=True)
    assert status.returncode == 1 and status.stdout.count("stopped") == 2


def test_the_cli_builds_shards_and_searches_them(tmp_path, monkeypatch, capsys):
    from indexer.__main__ import main

    monkeypatch.delenv("NIANBAO_BACKEND", raising=False)
    monkeypatch.delenv("NIANBAO_SHARDS", raising=False)
    assert main(["build", str(ROOT / "corpus"), "--index", str(tmp_path), "--backend", "xapian",
                 "--shards", "3", "--quiet"]) == 0
    assert sorted(p.name for p in tmp_path.glob("shard-*")) == ["shard-0", "shard-1", "shard-2"]
    assert "reports in index: 5" in capsys.readouterr().out
    assert main(["search", "--index", str(tmp_path), '"政务新媒体"']) == 0
    assert "2 reports match" in capsys.readouterr().out


def test_threads_search_side_by_side_with_the_same_results(sample):
    from concurrent.futures import ThreadPoolExecutor

    w, x = sample
    queries = [{"q": q} for q in ("行政复议", '"政务新媒体"', "微信 OR 微博", "NOT 微博")] * 4
    want = [_all(w, a)[:2] for a in queries]
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda a: _all(x, a)[:2], queries))
    assert [(t, set(ids)) for t, ids in got] == [(t, set(ids)) for t, ids in want]
