#!/usr/bin/env python3
"""Benchmark of nianbao: build, queries, incremental updates and memory, beside SQLite FTS5 and a scan.

    python scripts/bench.py --reports N [--seed 1] [--workdir bench/] [--json FILE] [--queries 200]
                            [--procs 2] [--skip-peers]
    python scripts/bench.py --reuse --reports N     (the reuse detector only: benchlib/reuse_bench.py)
    python scripts/bench.py --reports N --index DIR  (queries only, on an index of that corpus)

Generates (or reuses, keyed by N and seed, under the work folder) a corpus of N reports with
scripts/make_corpus.py, then in one run measures and prints a table with the targets beside the
figures (met / not met; nothing is asserted):

* build: a full ``build_index`` in a fresh process (wall time, reports/s, MB/s, peak memory of its
  process tree sampled from /proc, index size) and the floor: jieba alone (``words.reference_words``) over the
  same normalised texts with the same number of processes;
* queries: p50/p95 of a fixed, seeded mix through ``SearchIndex.search`` (facets included), overall
  and per kind; the same mix through SQLite FTS5 (trigram) and a substring scan, whose phrase hit
  sets must equal ours;
* incremental: add, change, delete one report, each followed by a timed incremental build;
* serve RSS and cold start: a fresh process that opens the index and runs the mix once (its first
  query's time against 3 × the warm p95);
* concurrency (``--index`` mode): the mix from 1 and from 8 threads on one open index.

``--index DIR`` measures the queries only (the mix ``--repeat`` times, per kind, cold start, serve
RSS, concurrency) on an index already built from the same corpus: no build, no peers, no
incremental step; what a change to the query side is compared by, before against after.

All times are measured with time.perf_counter; JSON units are seconds, milliseconds and bytes.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import platform
import shutil
import sqlite3
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def snapshot_sources() -> Path:
    """A private copy of indexer/ to import from (here and in the subprocesses), so that edits to the
    work tree during a long run cannot mix two versions of the code (or of the index schema)."""
    dest = Path(tempfile.mkdtemp(prefix="nianbao-bench-src-"))
    shutil.copytree(ROOT / "indexer", dest / "indexer", ignore=shutil.ignore_patterns("__pycache__"))
    atexit.register(shutil.rmtree, dest, True)
    return dest


SRC = snapshot_sources()
sys.path[:0] = [str(SRC), str(ROOT / "scripts")]

from benchlib import corpus as bcorpus  # noqa: E402
from benchlib import mix as bmix  # noqa: E402
from benchlib import peers, steps  # noqa: E402
from benchlib.measure import RSS_METHOD, jieba_floor, percentile  # noqa: E402

from indexer.engine.query import Query, SearchIndex  # noqa: E402

TARGETS = {"build_over_floor": 1.5, "query_p95_ms": 100.0, "incremental_seconds": 2.0,
           "serve_rss_bytes": 1 << 30, "reuse_share_of_build": 0.2, "reuse_incremental_add_seconds": 0.5}
KINDS = list(bmix.WEIGHTS)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--reports", type=int, required=True, help="corpus size N")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--workdir", type=Path, default=ROOT / "bench")
    p.add_argument("--json", type=Path, help="write the figures to this file")
    p.add_argument("--queries", type=int, default=200, help="size of the query mix")
    p.add_argument("--procs", type=int, default=2, help="processes for the build and the jieba floor")
    p.add_argument("--reuse", action="store_true",
                   help="only the reuse detector's figures (benchlib/reuse_bench.py) at --reports")
    p.add_argument("--skip-peers", action="store_true",
                   help="no FTS5 and no scan timings (phrase hit sets are still checked by scan)")
    p.add_argument("--backend", choices=["whoosh", "xapian"], default="whoosh",
                   help="xapian: also the sharded xapian backend (benchlib/xapian_bench.py)")
    p.add_argument("--shards", default="1,2,4", help="xapian: shard counts to measure (default: 1,2,4)")
    p.add_argument("--keep-builds", action="store_true",
                   help="xapian: reuse the sharded builds already in the work folder for this corpus")
    p.add_argument("--index", type=Path,
                   help="queries only, on this index (built from the corpus of --reports and --seed)")
    p.add_argument("--repeat", type=int, default=3, help="--index: runs of the mix (default: 3)")
    return p.parse_args(argv)


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


# ---------------------------------------------------------------------------------------------
# Steps


def latency_stats(ms: list[float]) -> dict:
    return {"n": len(ms), "p50_ms": percentile(ms, 50), "p95_ms": percentile(ms, 95),
            "max_ms": max(ms) if ms else None}


def by_kind(mix: list[dict], timings: dict[str, list[float]]) -> dict:
    """kind → engine → latency stats."""
    out: dict = {}
    for kind in KINDS:
        rows = [i for i, m in enumerate(mix) if m["kind"] == kind]
        out[kind] = {engine: latency_stats([ms[i] for i in rows]) for engine, ms in timings.items()}
    return out


def run_peer(engine, mix: list[dict]) -> list[float]:
    """The mix through a peer (one warm-up query first); latency in ms."""
    engine.search(mix[0], Query.from_args(mix[0]["args"]))
    out = []
    for item in mix:
        query = Query.from_args(item["args"])
        t0 = time.perf_counter()
        engine.search(item, query)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def check_phrases(idx: SearchIndex, mix: list[dict], ours: list[dict], others: dict) -> dict:
    """Our hit set of every phrase query (all reports, not one page) against each peer's."""
    rows = [i for i, m in enumerate(mix) if m["text_kind"] == "phrase"]
    our_sets = [steps.our_hit_files(idx, mix[i]["args"]["q"]) for i in rows]
    disagreements = []
    for i, mine in zip(rows, our_sets, strict=True):
        item, query = mix[i], Query.from_args(mix[i]["args"])
        theirs = {name: engine.hit_files(item, query) for name, engine in others.items()}
        bad = {name: s for name, s in theirs.items() if s != mine}
        if bad or len(mine) != ours[i]["total"]:
            disagreements.append({
                "q": item["args"]["q"], "ours": len(mine), "ours_total": ours[i]["total"],
                **{name: len(s) for name, s in theirs.items()},
                **{f"only_{name}": sorted(s - mine)[:5] for name, s in bad.items()},
                **{f"missing_in_{name}": sorted(mine - s)[:5] for name, s in bad.items()},
            })
    return {"checked": len(rows), "against": sorted(others), "agree": not disagreements,
            "disagreements": disagreements}


def filter_totals(mix: list[dict], ours: list[dict], scan_engine: peers.Scan) -> bool:
    """Queries without text: our totals equal the scan's (facts filters agree)."""
    for i, item in enumerate(mix):
        if item["text"] is None:
            total, _, _ = scan_engine.search(item, Query.from_args(item["args"]))
            if total != ours[i]["total"]:
                log(f"filter total differs for {item['args']}: ours {ours[i]['total']}, scan {total}")
                return False
    return True


def machine() -> dict:
    return {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
            "sqlite": sqlite3.sqlite_version}


# ---------------------------------------------------------------------------------------------
# The run


def run(args: argparse.Namespace) -> dict:
    workdir = args.workdir.resolve()
    rundir = workdir / f"run-n{args.reports}-s{args.seed}"
    rundir.mkdir(parents=True, exist_ok=True)
    log(f"corpus of {args.reports} reports (seed {args.seed}) under {workdir}")
    cached, generator = bcorpus.ensure_corpus(workdir, args.reports, args.seed)
    corpus = bcorpus.working_copy(cached, rundir / "corpus")
    texts = bcorpus.load_texts(corpus)
    norm_list = list(texts.norm.values())
    log(f"{len(texts.norm)} reports, {texts.text_bytes / 1e6:.1f} MB of text ({generator})")

    log(f"jieba floor ({args.procs} procs)")
    floor = jieba_floor(norm_list, args.procs)
    log(f"full build ({args.procs} procs)")
    index_dir = rundir / "index"
    if index_dir.exists():
        shutil.rmtree(index_dir)
    build = steps.full_build(corpus, index_dir, args.procs)
    build["reuse_pieces_cpu_per_report"] = steps.reuse_pieces_cpu(norm_list)

    idx = SearchIndex(index_dir)
    mix = bmix.make_mix(args.queries, args.seed, norm_list, idx)
    steps.write_mix(mix, rundir / "mix.json")
    log(f"query mix: {len(mix)} queries ({bmix.distinct(mix)} distinct matched sets)")
    ours = steps.run_mix(idx, mix)
    timings = {"ours": [r["ms"] for r in ours]}

    xapian = None
    if args.backend == "xapian":  # before the incremental step changes the corpus
        from benchlib import xapian_bench

        log(f"xapian backend: shards {args.shards}")
        xapian = attempt(errors_x := [], "xapian", xapian_bench.run, corpus, rundir, mix, ours, args.procs,
                         [int(n) for n in args.shards.split(",") if n.strip()], args.keep_builds)
    facts = peers.index_facts(index_dir)
    scan = peers.Scan(texts.norm, facts)
    errors: list[dict] = []
    fts = None
    if not args.skip_peers:
        log("peers: FTS5 build and queries, scan queries")
        fts = attempt(errors, "fts5", run_fts5, rundir / "fts5.sqlite", texts.norm, facts, mix)
        if fts is not None:
            timings["fts5"] = fts["ms"]
        scan_ms = attempt(errors, "scan", run_peer, scan, mix)
        if scan_ms is not None:
            timings["scan"] = scan_ms
    log("checking phrase hit sets")
    others = {"scan": scan, **({"fts5": fts["engine"]} if fts else {})}
    phrases = attempt(errors, "phrase check", check_phrases, idx, mix, ours, others)
    filters_agree = attempt(errors, "filter check", filter_totals, mix, ours, scan)
    if fts is not None:
        fts["engine"].close()

    log("serve RSS (fresh process, query mix once)")
    serve = attempt(errors, "serve", steps.serve_rss, index_dir, rundir / "mix.json")
    log("incremental: add, change, delete")
    inc = attempt(errors, "incremental", steps.incremental, corpus, index_dir, idx, args.procs, args.seed)

    result = assemble(args, texts, generator, floor, build, mix, timings, phrases, filters_agree,
                      fts, serve, inc)
    result["errors"] = errors
    if args.backend == "xapian":
        result["xapian"] = xapian
        result["errors"] += errors_x
    return result


def run_queries(args: argparse.Namespace) -> dict:
    """The query side alone, on an existing index of the cached corpus (``--index``)."""
    cached, generator = bcorpus.ensure_corpus(args.workdir.resolve(), args.reports, args.seed)
    texts = bcorpus.load_texts(cached)
    idx = SearchIndex(args.index)
    mix = bmix.make_mix(args.queries, args.seed, list(texts.norm.values()), idx)
    mix_file = Path(tempfile.mkdtemp(prefix="nianbao-bench-mix-")) / "mix.json"
    atexit.register(shutil.rmtree, mix_file.parent, True)
    steps.write_mix(mix, mix_file)
    log(f"query mix: {len(mix)} queries; cold start and memory in a fresh process")
    serve = steps.serve_rss(args.index, mix_file)
    log(f"the mix {args.repeat} times")
    ms: list[float] = []
    for _ in range(args.repeat):
        ms += [r["ms"] for r in steps.run_mix(idx, mix)]
    log("concurrency: 1 and 8 threads")
    conc = {n: steps.concurrency(idx, mix, n) for n in (1, 8)}
    p95 = percentile(ms, 95)
    xapian = None
    if args.backend == "xapian":  # the sharded builds of the cached corpus, beside this index
        from benchlib import xapian_bench

        log(f"xapian backend: shards {args.shards}")
        rundir = args.workdir.resolve() / f"run-n{args.reports}-s{args.seed}"
        ours = steps.run_mix(idx, mix)
        xapian = xapian_bench.run(cached, rundir, mix, ours, args.procs,
                                  [int(n) for n in args.shards.split(",") if n.strip()], args.keep_builds)
    return {
        **({"xapian": xapian} if xapian is not None else {}),
        "reports": len(texts.norm), "seed": args.seed, "corpus_generator": generator,
        "index": str(args.index), "queries": len(mix), "repeat": args.repeat,
        "query_p50_ms": percentile(ms, 50), "query_p95_ms": p95, "query_max_ms": max(ms),
        "query_by_kind": by_kind(mix * args.repeat, {"ours": ms}),
        "open_seconds": serve["open_seconds"], "first_query_ms": serve["first_query_ms"],
        "cold_start_ok": serve["first_query_ms"] <= 3 * p95 if p95 else None,
        "serve_rss_bytes": serve["rss"], "serve_hwm_bytes": serve["hwm"],
        "concurrency": {n: {"per_second": c["per_second"], "p50_ms": percentile(c["latencies_ms"], 50),
                            "p95_ms": percentile(c["latencies_ms"], 95), "queries": c["queries"]}
                        for n, c in conc.items()},
        "machine": machine(), "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def query_table(r: dict) -> str:
    """The ``--index`` figures, with the query side's targets (issue 13) beside them."""
    one, eight = r["concurrency"][1], r["concurrency"][8]
    speedup = eight["per_second"] / one["per_second"]

    def threads(c: dict) -> str:
        return f"{c['per_second']:.1f} q/s, p50 {_ms(c['p50_ms'])}, p95 {_ms(c['p95_ms'])}"

    rss = r["serve_rss_bytes"]
    rows = [
        ("reports", f"{r['reports']} (index {r['index']})", "", ""),
        ("query p50 / p95", f"{_ms(r['query_p50_ms'])} / {_ms(r['query_p95_ms'])} "
                            f"({r['queries']} queries × {r['repeat']})", "", ""),
        ("cold start", f"open {r['open_seconds']:.2f} s, first query {_ms(r['first_query_ms'])}",
         "first ≤ 3 × p95", _met(r["cold_start_ok"])),
        ("serve RSS", _mb(rss), "< 1 GiB", _met(rss < TARGETS["serve_rss_bytes"])),
        ("1 thread", threads(one), "", ""),
        ("8 threads", threads(eight), "≥ 1.5 × 1 thread, p95 ≤ 3 ×",
         _met(speedup >= 1.5 and eight["p95_ms"] <= 3 * one["p95_ms"])),
        ("8 / 1 threads", f"{speedup:.2f} × throughput, {eight['p95_ms'] / one['p95_ms']:.2f} × p95", "", ""),
    ]
    w = [max(len(str(row[i])) for row in rows) for i in range(4)]
    lines = [f"{a:<{w[0]}}  {b:<{w[1]}}  {c:<{w[2]}}  {d}" for a, b, c, d in rows]
    m = r["machine"]
    return "\n".join([*lines, "", kind_table(r["query_by_kind"]), "",
                      f"machine: {m['cores']} cores, Python {m['python']}; {r['date']}"])


def attempt(errors: list[dict], step: str, fn, *fargs):
    """``fn(*fargs)``, or None with the failure noted: one broken step must not lose the others."""
    try:
        return fn(*fargs)
    except Exception as err:
        log(f"step {step!r} FAILED: {type(err).__name__}: {err}")
        traceback.print_exc()
        errors.append({"step": step, "error": f"{type(err).__name__}: {err}"})
        return None


def run_fts5(path: Path, texts: dict[str, str], facts: dict[str, dict], mix: list[dict]) -> dict:
    engine = peers.Fts5(path)
    build_seconds = engine.build(texts, facts)
    return {"engine": engine, "build_seconds": build_seconds, "bytes": engine.bytes(),
            "ms": run_peer(engine, mix)}


def assemble(args, texts, generator, floor, build, mix, timings, phrases, filters_agree, fts, serve,
             inc) -> dict:
    ours_ms = timings["ours"]
    fts_ms = timings.get("fts5", [])
    p95 = percentile(ours_ms, 95)
    fts_p95 = percentile(fts_ms, 95)
    inc = inc or {}
    phrases = phrases or {"checked": 0, "against": [], "agree": False, "disagreements": []}
    steps3 = ("add", "change", "delete")
    return {
        "reports": len(texts.norm),
        "seed": args.seed,
        "corpus_generator": generator,
        "text_bytes": texts.text_bytes,
        "corpus_file_bytes": texts.file_bytes,
        "procs": args.procs,
        "build_seconds": build["seconds"],
        "build_wall_seconds": build["wall"],
        "build_reports_per_second": len(texts.norm) / build["seconds"],
        "build_mb_per_second": texts.text_bytes / 1e6 / build["seconds"],
        "build_skipped": build["skipped"],
        # the corpus-facts step at the end of the build, and the reuse index inside it
        "build_corpus_seconds": build.get("corpus_seconds"),
        "build_reuse_seconds": build.get("reuse_seconds"),
        "reuse_share_of_build": (build["reuse_seconds"] / build["seconds"]
                                 if build.get("reuse_seconds") is not None else None),
        # the pieces the workers cut for it (timed on a sample, spread over the build's processes)
        "reuse_worker_seconds_estimate": build["reuse_pieces_cpu_per_report"] * len(texts.norm) / args.procs,
        "reuse_share_of_build_with_workers": (
            (build["reuse_seconds"] + build["reuse_pieces_cpu_per_report"] * len(texts.norm) / args.procs)
            / build["seconds"] if build.get("reuse_seconds") is not None else None),
        "incremental_add_reuse_seconds": (inc.get("add_summary") or {}).get("reuse_seconds"),
        "incremental_add_reuse_update_seconds": (inc.get("add_summary") or {}).get("reuse_update_seconds"),
        "incremental_add_corpus_seconds": (inc.get("add_summary") or {}).get("corpus_seconds"),
        "jieba_floor_seconds": floor["seconds"],
        "jieba_init_seconds": floor["init_seconds"],
        "build_over_floor": build["seconds"] / floor["seconds"],
        "build_peak_rss_bytes": build["peak_rss"],
        "build_peak_pss_bytes": build["peak_pss"],
        "build_rss_method": RSS_METHOD,
        "index_bytes": build["index_bytes"],
        "queries": len(mix),
        "queries_distinct": bmix.distinct(mix),
        "query_p50_ms": percentile(ours_ms, 50),
        "query_p95_ms": p95,
        "query_max_ms": max(ours_ms),
        "query_by_kind": by_kind(mix, timings),
        "fts5_build_seconds": fts["build_seconds"] if fts else None,
        "fts5_bytes": fts["bytes"] if fts else None,
        "fts5_query_p50_ms": percentile(fts_ms, 50),
        "fts5_query_p95_ms": fts_p95,
        "fts5_ratio": p95 / fts_p95 if fts_p95 else None,
        "scan_query_p50_ms": percentile(timings.get("scan", []), 50),
        "scan_query_p95_ms": percentile(timings.get("scan", []), 95),
        **{f"incremental_{k}_seconds": inc.get(f"{k}_seconds") for k in steps3},
        "incremental_visible": {k: inc.get(f"{k}_visible") for k in steps3},
        "incremental_visible_fresh": {k: inc.get(f"{k}_visible_fresh") for k in steps3},
        "incremental_summaries": {k: inc.get(f"{k}_summary") for k in steps3},
        "serve_rss_bytes": serve["rss"] if serve else None,
        "serve_hwm_bytes": serve["hwm"] if serve else None,
        "phrase_hits_agree": phrases["agree"],
        "phrase_check": phrases,
        "filter_totals_agree": filters_agree,
        "machine": machine(),
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


# ---------------------------------------------------------------------------------------------
# The table


def _ms(v: float | None) -> str:
    return "—" if v is None else f"{v:.1f} ms"


def _mb(v: float | None) -> str:
    return "—" if v is None else f"{v / 2**20:.0f} MiB"


def _met(ok: bool | None) -> str:
    return "—" if ok is None else ("met" if ok else "NOT MET")


def _visibility(r: dict) -> str:
    """Which changes a running server (and a fresh one) failed to see."""
    stale = [k for k, ok in r["incremental_visible"].items() if not ok]
    fresh = [k for k, ok in r["incremental_visible_fresh"].items() if not ok]
    out = f" (running server misses: {', '.join(stale)})" if stale else ""
    return out + (f" (fresh server misses: {', '.join(fresh)})" if fresh else "")


def _incremental(r: dict) -> tuple[str, bool | None]:
    secs = [r[f"incremental_{k}_seconds"] for k in ("add", "change", "delete")]
    if None in secs:
        return "failed (see errors)", False
    return " / ".join(f"{v:.2f} s" for v in secs) + _visibility(r), max(secs) < TARGETS["incremental_seconds"]


def _reuse_rows(r: dict) -> list[tuple[str, str, str, str]]:
    """What reuse detection adds: to the full build (its share of the build) and to an incremental add."""
    share, add = r.get("reuse_share_of_build"), r.get("incremental_add_reuse_seconds")
    full = "—" if share is None else (f"{r['build_reuse_seconds']:.2f} s ({share:.0%} of the build; corpus "
                                      f"step {r['build_corpus_seconds']:.2f} s; with the pieces the "
                                      f"workers cut, ~{r['reuse_worker_seconds_estimate']:.0f} s more: "
                                      f"{r['reuse_share_of_build_with_workers']:.0%})")
    itself = r.get("incremental_add_reuse_update_seconds") or 0.0
    inc = "—" if add is None else (f"{add:.3f} s (the add itself {itself:.3f} s, the rest loading and "
                                   f"saving the reuse index; corpus step "
                                   f"{r['incremental_add_corpus_seconds']:.3f} s)")
    whole = r.get("reuse_share_of_build_with_workers", share)  # judged with the workers' part
    return [("reuse in full build", full, f"≤ {TARGETS['reuse_share_of_build']:.0%} of build",
             _met(None if whole is None else whole <= TARGETS["reuse_share_of_build"])),
            ("reuse in incremental add", inc, f"< {TARGETS['reuse_incremental_add_seconds']} s",
             _met(None if add is None else add < TARGETS["reuse_incremental_add_seconds"]))]


def table(r: dict) -> str:
    fts_p95 = r["fts5_query_p95_ms"]
    inc_text, inc_ok = _incremental(r)
    serve = r["serve_rss_bytes"]
    rows = [
        ("reports / text", f"{r['reports']} / {r['text_bytes'] / 1e6:.1f} MB", "", ""),
        ("full build", f"{r['build_seconds']:.1f} s ({r['build_reports_per_second']:.0f} rep/s, "
                       f"{r['build_mb_per_second']:.2f} MB/s)", "", ""),
        ("jieba floor", f"{r['jieba_floor_seconds']:.1f} s (init {r['jieba_init_seconds']:.1f} s)", "", ""),
        ("build / floor", f"{r['build_over_floor']:.2f} ×", f"≤ {TARGETS['build_over_floor']} ×",
         _met(r["build_over_floor"] <= TARGETS["build_over_floor"])),
        ("build peak memory", f"RSS {_mb(r['build_peak_rss_bytes'])}, PSS {_mb(r['build_peak_pss_bytes'])}",
         "", ""),
        ("index size", _mb(r["index_bytes"]), "", ""),
        ("query p50 / p95", f"{_ms(r['query_p50_ms'])} / {_ms(r['query_p95_ms'])}",
         f"p95 ≤ {TARGETS['query_p95_ms']:.0f} ms", _met(r["query_p95_ms"] <= TARGETS["query_p95_ms"])),
        ("FTS5 p50 / p95", f"{_ms(r['fts5_query_p50_ms'])} / {_ms(fts_p95)}", "ours p95 ≤ FTS5 p95",
         _met(None if fts_p95 is None else r["query_p95_ms"] <= fts_p95)),
        ("FTS5 build / size", "—" if r["fts5_build_seconds"] is None else
         f"{r['fts5_build_seconds']:.1f} s / {_mb(r['fts5_bytes'])}", "", ""),
        ("scan p50 / p95", f"{_ms(r['scan_query_p50_ms'])} / {_ms(r['scan_query_p95_ms'])}", "", ""),
        ("incremental add/chg/del", inc_text, f"< {TARGETS['incremental_seconds']:.0f} s", _met(inc_ok)),
        *_reuse_rows(r),
        ("serve RSS", _mb(serve), "< 1 GiB",
         _met(None if serve is None else serve < TARGETS["serve_rss_bytes"])),
        ("phrase hits agree", f"{r['phrase_hits_agree']} ({r['phrase_check']['checked']} phrases vs "
                              f"{', '.join(r['phrase_check']['against'])})", "true",
         _met(r["phrase_hits_agree"])),
    ]
    w = [max(len(str(row[i])) for row in rows) for i in range(4)]
    lines = [f"{a:<{w[0]}}  {b:<{w[1]}}  {c:<{w[2]}}  {d}" for a, b, c, d in rows]
    lines += ["", kind_table(r["query_by_kind"]), "",
              f"memory: {r['build_rss_method']}; serve RSS: VmRSS of a fresh process after the mix",
              f"machine: {r['machine']['cores']} cores, Python {r['machine']['python']}, "
              f"SQLite {r['machine']['sqlite']}; {r['procs']} procs; {r['date']}"]
    lines += [f"ERROR in step {e['step']}: {e['error']}" for e in r.get("errors", [])]
    return "\n".join(lines)


def kind_table(by: dict) -> str:
    engines = [e for e in ("ours", "fts5", "scan") if any(e in v for v in by.values())]
    head = f"{'kind':<8} {'n':>4}" + "".join(f" {e + ' p50':>11} {e + ' p95':>11}" for e in engines)
    lines = [head]
    for kind, stats in by.items():
        cells = "".join(f" {_ms(stats[e]['p50_ms']):>11} {_ms(stats[e]['p95_ms']):>11}" for e in engines)
        lines.append(f"{kind:<8} {stats['ours']['n']:>4}{cells}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.reuse:
        from benchlib import reuse_bench

        return reuse_bench.main(["--reports", str(args.reports), "--seed", str(args.seed)])
    if args.index:
        result = run_queries(args)
        print()
        print(query_table(result))
        if result.get("xapian"):
            from benchlib import xapian_bench

            print(xapian_bench.table({"build_seconds": None, "index_bytes": None,
                                      "query_p50_ms": result["query_p50_ms"],
                                      "query_p95_ms": result["query_p95_ms"]}, result["xapian"]))
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
        return 0
    result = run(args)
    for d in result["phrase_check"]["disagreements"]:
        print("phrase disagreement:", json.dumps(d, ensure_ascii=False))
    print()
    print(table(result))
    if result.get("xapian"):
        from benchlib import xapian_bench

        print(xapian_bench.table(result, result["xapian"]))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
        print(f"\nJSON: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
