"""The measured steps that touch our index: full build (in a subprocess, memory sampled), the query
mix, the incremental updates, and a fresh serving process's memory."""

from __future__ import annotations

import json
import random
import time
from pathlib import Path

from benchlib.measure import dir_bytes, run_python
from indexer.engine import querylang
from indexer.engine.build import build_index
from indexer.engine.query import Query, SearchIndex
from indexer.extract.read import discover, read_source
from indexer.extract.report import report_id

BUILD_CODE = """
import json, sys, time
from indexer.engine.build import build_index
t0 = time.perf_counter()
s = build_index(sys.argv[1], sys.argv[2], full=True, procs=int(sys.argv[3]))
print(json.dumps({"seconds": s.seconds, "wall": time.perf_counter() - t0, "indexed": s.indexed,
                  "skipped": s.skipped, "total": s.total, "reuse_seconds": s.reuse_seconds,
                  "reuse_update_seconds": s.reuse_update_seconds, "corpus_seconds": s.corpus_seconds}))
"""

SERVE_CODE = """
import json, sys, time
from indexer.engine.query import Query, SearchIndex
mix = json.load(open(sys.argv[2], encoding="utf-8"))
t0 = time.perf_counter()
idx = SearchIndex(sys.argv[1])
opened = time.perf_counter()
first = None
for item in mix:
    t = time.perf_counter()
    idx.search(Query.from_args(item["args"]))
    first = (time.perf_counter() - t) * 1000 if first is None else first
status = dict(line.split(":", 1) for line in open("/proc/self/status") if ":" in line)
kb = lambda k: int(status[k].split()[0]) * 1024
print(json.dumps({"rss": kb("VmRSS"), "hwm": kb("VmHWM"), "seconds": time.perf_counter() - t0,
                  "open_seconds": opened - t0, "first_query_ms": first}))
"""


def full_build(corpus: Path, index_dir: Path, procs: int) -> dict:
    """A full build in a fresh interpreter, its process tree's memory sampled every 50 ms."""
    out, mem = run_python(BUILD_CODE, [str(corpus), str(index_dir), str(procs)], sample_memory=True)
    assert mem is not None
    out.update(peak_rss=mem.peak_rss, peak_pss=mem.peak_pss, samples=mem.samples,
               index_bytes=dir_bytes(index_dir))
    return out


def run_mix(idx: SearchIndex, mix: list[dict]) -> list[dict]:
    """Each query of the mix once, after one warm-up query; latency in ms and the total."""
    idx.search(Query.from_args({"q": "信息公开"}))  # warm-up: opens the searcher, reads the columns
    out = []
    for item in mix:
        query = Query.from_args(item["args"])
        t0 = time.perf_counter()
        res = idx.search(query)
        ms = (time.perf_counter() - t0) * 1000
        out.append({"ms": ms, "total": res.total, "page_files": [h.file for h in res.hits]})
    return out


_FILES: dict = {}  # docnum → file of the searcher last asked


def our_hit_files(idx: SearchIndex, q: str) -> set[str]:
    """Every report ``q`` matches: the matched set ``SearchIndex.search`` counts and pages through
    (internal, fast); if the engine's internals have moved, every page of the public API instead."""
    try:
        st = idx._current()
        docset, _ = st.matched(querylang.parse(q))
        if _FILES.get("searcher") is not st.searcher:
            reader = st.searcher.reader()
            _FILES.update(searcher=st.searcher,
                          files={d: reader.stored_fields(d)["file"] for d in reader.all_doc_ids()})
        return {_FILES["files"][d] for d in docset}
    except AttributeError:
        out: set[str] = set()
        page = 1
        while True:
            res = idx.search(Query.from_args({"q": q, "per_page": "100", "page": str(page), "sort": "year"}))
            out.update(h.file for h in res.hits)
            if page >= res.pages:
                return out
            page += 1


def serve_rss(index_dir: Path, mix_file: Path) -> dict:
    """A fresh process: open the index (``open_seconds``), run the mix once; the first query's time
    (``first_query_ms``: the cold start) and the memory after the mix (``rss``, ``hwm``)."""
    out, _ = run_python(SERVE_CODE, [str(index_dir), str(mix_file)])
    return out


def concurrency(idx: SearchIndex, mix: list[dict], clients: int, rounds: int = 2) -> dict:
    """The mix ``rounds`` times from ``clients`` threads on one open index (in process, no HTTP):
    throughput and latency as concurrent requests of a server see them."""
    import threading

    items = [Query.from_args(item["args"]) for item in mix] * rounds
    lock = threading.Lock()
    latencies: list[float] = []
    next_item = [0]

    def client() -> None:
        while True:
            with lock:
                i = next_item[0]
                next_item[0] += 1
            if i >= len(items):
                return
            t0 = time.perf_counter()
            idx.search(items[i])
            ms = (time.perf_counter() - t0) * 1000
            with lock:
                latencies.append(ms)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - t0
    return {"clients": clients, "queries": len(items), "seconds": seconds,
            "per_second": len(items) / seconds, "latencies_ms": latencies}


# ---------------------------------------------------------------------------------------------
# Incremental: add, change, delete one report; each re-build timed and checked in search


def _timed_build(corpus: Path, index_dir: Path, procs: int) -> tuple[float, dict]:
    t0 = time.perf_counter()
    s = build_index(corpus, index_dir, procs=procs)
    return time.perf_counter() - t0, {"full": s.full, "indexed": s.indexed, "deleted": s.deleted,
                                      "unchanged": s.unchanged, "total": s.total,
                                      "reuse_seconds": s.reuse_seconds, "corpus_seconds": s.corpus_seconds,
                                      "reuse_update_seconds": s.reuse_update_seconds}


def _plain_reports(corpus: Path, n: int) -> list[Path]:
    """The first ``n`` UTF-8 .txt reports (safe to append UTF-8 text to)."""
    out = []
    for path in discover(corpus):
        if path.suffix == ".txt" and read_source(path).encoding == "utf-8":
            out.append(path)
            if len(out) == n:
                return out
    raise RuntimeError(f"fewer than {n} UTF-8 .txt reports in {corpus}")


def _phrase_hits(idx: SearchIndex, phrase: str) -> list[str]:
    return [h.file for h in idx.search(Query.from_args({"q": f'"{phrase}"'})).hits]


def _count(idx: SearchIndex) -> int:
    return idx.search(Query.from_args({})).total


def _seen(idx: SearchIndex, marker: str | None, rel: str, expected_total: int, gone: bool = False) -> bool:
    """The change shows in ``idx``: the marker finds exactly ``rel`` (or ``rel`` is gone), and the
    number of reports is right (an old version left behind would count twice)."""
    ok = _count(idx) == expected_total
    if gone:
        return ok and idx.report(report_id(rel)) is None
    return ok and _phrase_hits(idx, marker or "") == [rel]


def incremental(corpus: Path, index_dir: Path, idx: SearchIndex, procs: int, seed: int) -> dict:
    """Time three incremental builds. ``<step>_visible``: the change shows through ``idx``, opened
    before the builds (as a running server's); ``<step>_visible_fresh``: through a newly opened one."""
    rng = random.Random(seed)
    base, changed, deleted = _plain_reports(corpus, 3)
    n = _count(idx)
    out: dict = {}

    def step(name: str, marker: str | None, rel: str, expected: int, gone: bool = False) -> None:
        out[f"{name}_seconds"], out[f"{name}_summary"] = _timed_build(corpus, index_dir, procs)
        out[f"{name}_visible"] = _seen(idx, marker, rel, expected, gone)
        out[f"{name}_visible_fresh"] = _seen(SearchIndex(index_dir), marker, rel, expected, gone)

    marker = f"基准新增报告{rng.randrange(10**8):08d}号"
    added = corpus / f"bench_added_{seed}.txt"
    added.write_text(read_source(base).text + f"\n{marker}。\n", encoding="utf-8")
    step("add", marker, added.relative_to(corpus).as_posix(), n + 1)

    marker = f"基准修改报告{rng.randrange(10**8):08d}号"
    with changed.open("a", encoding="utf-8") as f:
        f.write(f"\n{marker}。\n")
    step("change", marker, changed.relative_to(corpus).as_posix(), n + 1)

    deleted.unlink()
    step("delete", None, deleted.relative_to(corpus).as_posix(), n, gone=True)
    return out


def write_mix(mix: list[dict], path: Path) -> None:
    path.write_text(json.dumps(mix, ensure_ascii=False, indent=1), encoding="utf-8")


def reuse_pieces_cpu(texts: list[str], sample: int = 2000) -> float:
    """CPU seconds a build worker spends per report cutting its reuse pieces (``worker_part``),
    timed over a sample of the normalised texts: that part of reuse detection runs in the workers,
    beside the parsing, so the corpus step's time leaves it out."""
    from indexer.engine.reuse.units import pack, pieces

    chosen = texts[:sample]
    t0 = time.process_time()
    for text in chosen:
        pack(pieces(text, ()))
    return (time.process_time() - t0) / max(len(chosen), 1)
