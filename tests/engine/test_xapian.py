"""The xapian backend over two ``xapian-tcpsrv`` shard servers gives the whoosh backend's results:
the same hit sets, totals, facet counts, column-sorted orders, snippets and report pages, for a mix
of queries over the sample corpus and a generated one; a shard that does not answer gives the
documented error (or a result marked partial); an incremental build reaches the right shard."""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from tests.helpers import (
    ROOT,
    all_pages,
    both_backends,
    first_page,
    free_port,
    generated_corpus,
    repeats_corpus,
    xapian_skip_reason,
)

pytestmark = pytest.mark.skipif(xapian_skip_reason() is not None, reason=str(xapian_skip_reason()))
xapian = pytest.importorskip("xapian", reason="the xapian backend needs its Python bindings: "
                             "pip install nianbao[xapian] (xapian-bindings-binary)")

from indexer.engine import facets  # noqa: E402
from indexer.engine.query import Query, SearchIndex  # noqa: E402
from indexer.engine.xapian import schema as xs  # noqa: E402
from indexer.engine.xapian.build import build_xapian  # noqa: E402
from indexer.engine.xapian.cluster import LoopbackServers, ShardUnavailable, allow_partial_var, parse_shards  # noqa: E402
from indexer.engine.xapian.search import Unsupported, XapianIndex, open_index  # noqa: E402
from indexer.extract.report import report_id  # noqa: E402
from webui.present import hit_json, result_json  # noqa: E402

# Reports in the generated corpus: 200 in a local run of the suite, 2,000 in .ci/run (which sets
# NIANBAO_XAPIAN_REPORTS=2000: about ten minutes of a 2-core machine, every query's whole result list
# read from both backends).
GENERATED = int(os.environ.get("NIANBAO_XAPIAN_REPORTS", "200"))


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    both = both_backends(ROOT / "corpus", tmp_path_factory.mktemp("sample"))
    yield both.whoosh, both.xapian
    both.close()


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    corpus = generated_corpus(tmp_path_factory.mktemp("generated"), GENERATED)
    both = both_backends(corpus, tmp_path_factory.mktemp("generated-ix"))
    texts = [p.read_text("utf-8", errors="replace") for p in sorted(corpus.glob("*.txt"))[:60]]
    yield both.whoosh, both.xapian, texts
    both.close()


HAND_QUERIES = [
    {}, {"q": "行政复议"}, {"q": "政务公开 微信"}, {"q": '"微信公众号"'}, {"q": '"政务新媒体"'},
    {"q": '"镇"'}, {"q": '"号"'}, {"q": "微信 OR 微博"}, {"q": "NOT 微博"}, {"q": "公开 -诉讼"},
    {"q": "(微信 OR 微博) 公开栏"}, {"q": "year:2020"}, {"q": "litigation_total:>=1"},
    {"q": "applications_new:[3 TO 10]"}, {"q": "has_litigation:1 政府"}, {"q": "status:verified"},
    {"q": "信息公开", "has_applications": "1"}, {"litigation_total_min": "1"},
    {"applications_new_min": "1", "applications_new_max": "12"}, {"reconsideration_total_min": "1"},
    {"year": ["2020", "2021"]}, {"sort": "year"}, {"sort": "year_asc"}, {"sort": "applications"},
    {"sort": "litigation", "q": "公开"}, {"q": "不存在的词语组合"}, {"q": '"政府信息公开" NOT "行政诉讼"'},
    {"granted_share_min": "50"}, {"applications_carried_over_min": "1", "q": "公开"},
    {"q": "granted_share:[0 TO 80] 政府"}, {"q": "reconsideration_corrected:>=1"}, {"q": "file:不存在.txt"},
    {"q": "status:verified OR has_litigation:0", "sort": "year"}, {"q": "NOT status:verified"},
]


def _mix(w: SearchIndex, texts: list[str]) -> list[dict]:
    """The hand queries, a facet value or two of the index, and the benchmark's seeded mix."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from benchlib.mix import make_mix

    return HAND_QUERIES + _index_queries(w) + [m["args"] for m in make_mix(40, 3, texts, w)]


def _index_queries(w: SearchIndex) -> list[dict]:
    """Queries on values of the index: a facet value of each facet, two facet values at once, a place
    path of the hierarchy (each level), a body and a body id, a file."""
    empty = w.search(Query.from_args({"per_page": "1"}))
    corpus = set(facets.current().corpus)  # whoosh's only (engine/corpusfacts.py)
    out: list[dict] = [{name: vals[0].value} for name, vals in empty.facets.items()
                       if vals and name not in corpus]
    if len(empty.facets["year"]) >= 2:
        out.append({"year": [v.value for v in empty.facets["year"][:2]], "q": "公开"})
    hit = empty.hits[0]
    path = [v for v in (hit.province, hit.city, hit.county, hit.town) if v]
    out += [{"place": "/".join(path[:n])} for n in range(1, len(path) + 1)]
    out += [{"place": "/".join(path[:2]), "q": "政府", "sort": "applications"},
            {"q": f"body_id:{hit.body_id}"}, {"q": f'file:{hit.file} OR body:"{hit.body}"'},
            {"q": "政府", "province": path[0]}]
    return out


def _compare(w: SearchIndex, x: XapianIndex, args: dict) -> float | None:
    """Assert both backends agree on ``args`` (totals, full facet counts, facet totals, overview,
    every matched report, and for column sorts their order page by page); the top-10 overlap of a
    relevance ranking. The whole result list is read as an export (no snippets: fast at 2,000)."""
    args = {k: v for k, v in args.items() if k != "page"}
    wt, _wids, wf, wtot = first_page(w, args)
    xt, xids, xf, xtot = first_page(x, args)
    assert (xt, xf, xtot) == (wt, wf, wtot), args
    query = Query.from_args(args)
    assert x.overview(query) == w.overview(query), args
    exported, want = list(x.iter_facts(query)), list(w.iter_facts(query))
    assert len(exported) == len({r[0] for r in exported}) == xt, args
    assert sorted(exported, key=str) == sorted(want, key=str), args
    assert xids == [r[0] for r in exported[:100]], args  # the export is in the pages' order
    if args.get("sort", "relevance") != "relevance" or not args.get("q"):
        assert exported == want, args  # column sorts (year, then file) are the same order
        if xt > 100:
            page = {**args, "per_page": "100", "page": "2"}
            assert [h.id for h in x.search(Query.from_args(page)).hits] == [r[0] for r in want[100:200]]
        return None
    top = min(10, len(want))
    return len({r[0] for r in exported[:top]} & {r[0] for r in want[:top]}) / top if top else None


def test_sample_corpus_agrees_with_whoosh_on_hits_facets_overview_and_exports(sample):
    w, x = sample
    for args in HAND_QUERIES + _index_queries(w):
        _compare(w, x, args)


def test_generated_corpus_agrees_with_whoosh_on_the_query_mix_with_overview_and_exports(generated):
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
            assert [hit_json(h, b) | {"score": None} for h in b.hits] == \
                [hit_json(h, a) | {"score": None} for h in a.hits]
            assert b.total == a.total and b.pages == a.pages and b.needles == a.needles


def test_report_pages_are_whooshs(sample):
    w, x = sample
    for hit in w.search(Query.from_args({"per_page": "10"})).hits:
        a, b = w.report(hit.id, "政府 \"信息公开\""), x.report(hit.id, "政府 \"信息公开\"")
        assert b is not None and a is not None
        assert (b.facts, b.text, b.marks, b.hit_count, b.title) == \
            (a.facts, a.text, a.marks, a.hit_count, a.title)
    assert x.report("0000000000000000") is None
    assert x.stats()["reports"] == w.stats()["reports"]


def test_exports_move_no_report_text_and_equal_whooshs(sample):
    """The shards' documents hold no text (it is in their metadata), so an export, which writes
    facts only, reads no text at all; a result page reads the texts of its hits only (snippets).
    The exported rows are whoosh's."""
    import json
    import zlib

    w, x = sample
    for shard in sorted(Path(x.index_dir).glob("shard-*")):
        db = xapian.Database(str(shard))
        for post in db.postlist(""):
            data = json.loads(zlib.decompress(db.get_document(post.docid).get_data()))
            assert set(data) == {"id", "file", "sha1", "title", "facts"}
            assert db.get_metadata(xs.text_key(data["id"]))
        db.close()
    read: list[str] = []
    text_of = x._text
    x._text = lambda docid, rid: read.append(rid) or text_of(docid, rid)  # type: ignore[method-assign]
    try:
        for args in ({"sort": "year_asc"}, {"q": "公开", "sort": "year"}, {"q": "政府"}):
            query = Query.from_args(args)
            rows = list(x.iter_facts(query))
            assert rows and read == [], args
            want = list(w.iter_facts(query))
            assert (rows if args.get("sort") else sorted(rows, key=str)) == \
                (want if args.get("sort") else sorted(want, key=str)), args
        page = x.search(Query.from_args({"q": "公开", "per_page": "3"}))
        assert sorted(read) == sorted(h.id for h in page.hits) and any(h.snippets for h in page.hits)
    finally:
        del x._text


@pytest.fixture(scope="module")
def repeats(tmp_path_factory):
    """Reports of few characters (repeated bigrams at several offsets), as in test_matching."""
    corpus = tmp_path_factory.mktemp("xrepeats")
    texts = repeats_corpus(corpus)
    xdir = tmp_path_factory.mktemp("xrepeats-ix")
    build_xapian(corpus, xdir, shards=2, procs=1)
    servers = LoopbackServers([xdir / "shard-0", xdir / "shard-1"])
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
    servers = LoopbackServers([xdir / "shard-0", xdir / "shard-1"])
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
        page = client.get("/?q=公开&partial=1")
        assert page.status_code == 200 and "部分结果" in page.get_data(as_text=True)
        assert dead in page.get_data(as_text=True)
        r = client.get("/api/search?q=公开&partial=1")
        assert r.status_code == 200 and r.get_json()["partial"] is True
        assert r.get_json()["missing_shards"] == [dead]
    finally:
        servers.stop()


def test_all_shards_down_is_an_error_even_with_partial(tmp_path_factory):
    xdir = tmp_path_factory.mktemp("down-xapian")
    build_xapian(ROOT / "corpus", xdir, shards=2, procs=1)
    x = XapianIndex(parse_shards(f"127.0.0.1:{free_port()},127.0.0.1:{free_port()}"), xdir)
    with pytest.raises(ShardUnavailable):
        x.search(Query.from_args({}), allow_partial=True)


def _shard_holding(xdir: Path, rid: str) -> list[int]:
    return [i for i in range(2) if xapian.Database(str(xdir / f"shard-{i}")).term_exists(xs.id_term(rid))]


def test_an_incremental_build_reaches_the_right_shard(corpus_copy, tmp_path):
    xdir = tmp_path / "ix"
    build_xapian(corpus_copy, xdir, shards=2, procs=1)
    servers = LoopbackServers([xdir / "shard-0", xdir / "shard-1"])
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
        os.utime(files[2], ns=(files[2].stat().st_atime_ns, files[2].stat().st_mtime_ns + 10**9))
        touched = build_xapian(corpus_copy, xdir, shards=2, procs=1)  # hashed, same content: kept
        assert (touched.indexed, touched.unchanged, touched.total) == (0, 4, 4)
        from indexer.engine.generations import read_files

        shard = xdir / f"shard-{xs.shard_of(report_id(files[2].name), 2)}"
        assert read_files(shard)[files[2].name].mtime_ns == files[2].stat().st_mtime_ns  # new stat kept
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
    monkeypatch.setenv("NIANBAO_SHARDS", f"127.0.0.1:{free_port()}")
    with pytest.raises(ShardUnavailable):
        open_index(tmp_path).search(Query.from_args({}))


def test_cluster_script_starts_reports_and_stops_the_shard_servers(tmp_path):
    build_xapian(ROOT / "corpus", tmp_path, shards=2, procs=1)
    base = free_port()
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
    want = [all_pages(w, a)[:2] for a in queries]
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda a: all_pages(x, a)[:2], queries))
    assert [(t, set(ids)) for t, ids in got] == [(t, set(ids)) for t, ids in want]


def _page_methods_agree(w: SearchIndex, x: XapianIndex) -> None:
    """Body pages, compare, suggest and forgiving places give whoosh's answers on this index."""
    everything = list(w.iter_facts(Query(sort="year_asc")))
    bodies = list(dict.fromkeys(f.get("body_id") for _i, _f, _t, f in everything if f.get("body_id")))
    assert bodies
    for body_id in bodies[:40]:
        assert x.body_reports(body_id) == w.body_reports(body_id), body_id
    assert x.body_reports("0000000000000000") == w.body_reports("0000000000000000") == []
    ids = [i for i, _f, _t, _facts in everything]
    for chosen in (ids[:2], ids[-5:][::-1], [ids[0], "nope", ids[-1]], ["nope"], []):
        assert x.reports_by_id(chosen) == w.reports_by_id(chosen), chosen
    prefixes = {"", " ", "镇", "人民", "政府", "县", "x"}
    for _i, _f, _t, facts in everything[:30]:
        for name in ("province", "city", "county", "town", "body"):
            value = facts.get(name) or ""
            prefixes |= {value[:1], value[:2], value[1:3]}
    for prefix in sorted(prefixes):
        assert x.suggest(prefix) == w.suggest(prefix), prefix
        assert x.suggest(prefix, limit=3) == w.suggest(prefix, limit=3), prefix
    for _i, _f, _t, facts in everything[:10]:
        for name in ("town", "county", "city", "province"):
            value = facts.get(name)
            if value and len(value) > 2:
                query = Query(q=f"{name}:{value[:-1]} 公开")
                assert x.forgiving(query) == w.forgiving(query), query
    for q in ("towm:某镇 公开", "year:2020 foo:bar", "-bar:x", ""):
        assert x.unknown_fields(q) == w.unknown_fields(q)


def test_body_pages_compare_suggest_and_forgiving_places_are_whooshs(sample, generated):
    _page_methods_agree(*sample)
    w, x, _texts = generated
    _page_methods_agree(w, x)


def test_a_facet_the_shards_do_not_index_is_refused_with_a_message(sample):
    """A corpus-derived facet the whoosh backend gains (its generation's side table) is no field of
    the shards: filtering on it is a QueryError naming it, its facet list is empty and a notice says
    why, and the web app answers 400 with the message, never a 500 or a silently empty result."""
    from indexer.engine.facets import ValueFacet, fact
    from webui import create_app

    _w, x = sample
    registry = facets.DEFAULT.with_facet(ValueFacet("cross_year_test", fact("cross_year_test")))
    with facets.using(registry):
        extended = XapianIndex(x.shards, x.index_dir)
        try:
            for args in ({"q": "cross_year_test:yes"}, {"cross_year_test": "yes"},
                         {"q": "公开 OR cross_year_test:yes"}):
                with pytest.raises(Unsupported, match="cross_year_test"):
                    extended.search(Query.from_args(args))
            res = extended.search(Query.from_args({"q": "公开"}))
            assert res.total == x.search(Query.from_args({"q": "公开"})).total
            assert res.facets["cross_year_test"] == [] and res.facet_totals["cross_year_test"] == 0
            assert "cross_year_test" in extended.uncounted_facets(Query())
            # on the default registry: exactly its listed corpus facts (whoosh's only)
            default = facets.DEFAULT
            assert set(x.uncounted_facets(Query())) == set(default.corpus) & set(default.listed)
        finally:
            extended.close()
        app = create_app({"INDEX_DIR": x.index_dir, "BACKEND": "xapian",
                          "SHARDS": ",".join(s.spec for s in x.shards)})
        client = app.test_client()
        page = client.get("/?q=公开")
        assert page.status_code == 200 and "cross_year_test" in page.get_data(as_text=True)
        for url in ("/?cross_year_test=yes", "/?q=cross_year_test:yes", "/api/search?cross_year_test=yes",
                    "/api/search.csv?q=cross_year_test:yes"):
            r = client.get(url)
            assert r.status_code == 400, url
            assert "cross_year_test" in r.get_data(as_text=True), url


def test_a_killed_shard_fails_every_page_method_or_answers_for_the_live_shard(tmp_path):
    """Overview, body pages, compare, suggest, exports, report pages and forgiving places: with a
    shard down each raises ShardUnavailable naming it (the web app's 503), and with partial results
    allowed each answers exactly for the reports of the live shard."""
    from webui import create_app

    build_xapian(ROOT / "corpus", tmp_path, shards=2, procs=1)
    files = sorted(p.name for p in (ROOT / "corpus").glob("*.txt"))
    live = {report_id(f) for f in files if xs.shard_of(report_id(f), 2) == 0}
    assert live and len(live) < len(files)
    with LoopbackServers([tmp_path / "shard-0", tmp_path / "shard-1"]) as servers:
        x = XapianIndex(parse_shards(servers.spec), tmp_path)
        everything = list(x.iter_facts(Query(sort="year_asc")))
        ids = [i for i, *_ in everything]
        body_id = everything[0][3]["body_id"]
        calls = {
            "overview": lambda: x.overview(Query()),
            "body_reports": lambda: x.body_reports(body_id),
            "reports_by_id": lambda: x.reports_by_id(ids),
            "suggest": lambda: x.suggest("镇"),
            "iter_facts": lambda: list(x.iter_facts(Query(sort="year"))),
            "report": lambda: x.report(ids[0]),
            "forgiving": lambda: x.forgiving(Query(q="town:某 公开")),
            "stats": lambda: x.stats(),
        }
        before = {name: call() for name, call in calls.items()}
        servers.kill(1)
        dead = servers.specs[1]
        for name, call in calls.items():
            with pytest.raises(ShardUnavailable) as err:
                call()
            assert err.value.shards == [dead], name
        token = allow_partial_var.set(True)
        try:
            assert x.overview(Query())["reports"] == len(live)
            assert {i for i, _t, _f in x.reports_by_id(ids)} == live
            assert {i for i, *_ in x.iter_facts(Query(sort="year"))} == live
            assert set(x.suggest("镇")) <= set(before["suggest"])
            assert x.stats()["missing_shards"] == [dead] and x.stats()["reports"] == len(live)
            assert [r[0] for r in x.body_reports(body_id)] == \
                [r[0] for r in before["body_reports"] if r[0] in live]
        finally:
            allow_partial_var.reset(token)
        client = create_app({"INDEX_DIR": str(tmp_path), "BACKEND": "xapian",
                             "SHARDS": servers.spec}).test_client()
        for url in ("/", f"/bodies/{body_id}", f"/compare?ids={ids[0]},{ids[1]}", f"/reports/{ids[0]}",
                    "/api/suggest?prefix=镇", "/api/search.csv", "/api/search.jsonl", "/api/data.csv",
                    "/api/search?all=1", f"/api/reports/{ids[0]}", "/api/stats"):
            r = client.get(url)
            assert r.status_code == 503, url
            assert dead in r.get_data(as_text=True), url
        for url in ("/?partial=1", "/api/search.csv?partial=1", "/api/suggest?prefix=镇&partial=1",
                    f"/compare?ids={ids[0]},{ids[1]}&partial=1"):
            assert client.get(url).status_code in (200, 400), url  # 400: a compared report is missing
        x.close()


def test_the_shard_build_names_a_link_to_nothing_as_skipped(corpus_copy, tmp_path):
    os.symlink(tmp_path / "missing.txt", corpus_copy / "dangling.txt")
    summary = build_xapian(corpus_copy, tmp_path / "ix", shards=1, procs=1)
    assert ("dangling.txt", "a link to a file that does not exist") in summary.skipped
    assert summary.total == len(list(corpus_copy.glob("*.txt"))) - 1


def test_the_shard_build_counts_the_reports_it_parsed_by_format(corpus_copy, tmp_path):
    summary = build_xapian(corpus_copy, tmp_path / "ix", shards=2, procs=1)
    suffixes = Counter({".txt": "txt", ".md": "md", ".html": "html"}[p.suffix] for p in corpus_copy.iterdir()
                       if p.suffix in (".txt", ".md", ".html"))
    assert summary.formats == suffixes and sum(summary.formats.values()) == summary.indexed
    line = "parsed by format: " + ", ".join(f"{k} {n}" for k, n in sorted(suffixes.items()))
    assert line in summary.lines()
    again = build_xapian(corpus_copy, tmp_path / "ix", shards=2, procs=1)
    assert not again.formats and again.unchanged == summary.indexed  # counts what was parsed, not kept
