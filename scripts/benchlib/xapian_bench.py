"""The xapian backend beside whoosh: for each shard count, a full sharded build (fresh process,
memory sampled), one ``xapian-tcpsrv`` per shard on a free loopback port, and the same query mix
through ``XapianIndex`` over them (facets included), with its totals checked against whoosh's."""

from __future__ import annotations

import contextlib
import json
import shutil
import time
from pathlib import Path

from benchlib.measure import dir_bytes, percentile, run_python
from indexer.engine.query import Query

BUILD_CODE = """
import json, sys, time
from indexer.engine.xapian.build import build_xapian
t0 = time.perf_counter()
s = build_xapian(sys.argv[1], sys.argv[2], shards=int(sys.argv[3]), full=True, procs=int(sys.argv[4]))
print(json.dumps({"seconds": s.seconds, "wall": time.perf_counter() - t0, "total": s.total,
                  "skipped": len(s.skipped)}))
"""


@contextlib.contextmanager
def serving(dirs: list[Path]):
    """``host:port,...`` of one xapian-tcpsrv per shard folder, stopped on exit."""
    from indexer.engine.xapian.cluster import LoopbackServers

    with LoopbackServers(dirs) as servers:
        yield servers.spec


def run(corpus: Path, workdir: Path, mix: list[dict], ours: list[dict], procs: int,
        shard_counts: list[int]) -> dict:
    """shard count → build and query figures (seconds, bytes, milliseconds)."""
    from indexer.engine.xapian.build import shard_dirs
    from indexer.engine.xapian.cluster import parse_shards
    from indexer.engine.xapian.search import XapianIndex

    out: dict = {}
    for n in shard_counts:
        index_dir = workdir / f"xapian-{n}"
        if index_dir.exists():
            shutil.rmtree(index_dir)
        build, mem = run_python(BUILD_CODE, [str(corpus), str(index_dir), str(n), str(procs)],
                                sample_memory=True)
        with serving(shard_dirs(index_dir, n)) as spec:
            idx = XapianIndex(parse_shards(spec), index_dir)
            idx.search(Query.from_args({"q": "信息公开"}))  # warm-up: connections, jieba
            ms, agree = [], 0
            for item, mine in zip(mix, ours, strict=True):
                query = Query.from_args(item["args"])
                t0 = time.perf_counter()
                res = idx.search(query)
                ms.append((time.perf_counter() - t0) * 1000)
                agree += res.total == mine["total"]
            idx.close()
        out[str(n)] = {
            "build_seconds": build["seconds"], "reports": build["total"], "index_bytes": dir_bytes(index_dir),
            "build_peak_rss_bytes": mem.peak_rss if mem else None,
            "query_p50_ms": percentile(ms, 50), "query_p95_ms": percentile(ms, 95),
            "query_max_ms": max(ms) if ms else None,
            "totals_equal_whoosh": agree, "queries": len(mix),
        }
        print(f"[{time.strftime('%H:%M:%S')}] xapian {n} shards: {json.dumps(out[str(n)])}", flush=True)
    return out


def table(whoosh: dict, xapian: dict) -> str:
    """The figures per shard count beside whoosh's."""
    w = {k: whoosh.get(k) or 0 for k in ("build_seconds", "index_bytes", "query_p50_ms", "query_p95_ms")}
    lines = ["", "backend        build s   index MB  query p50 ms  query p95 ms  totals = whoosh",
             f"whoosh        {w['build_seconds']:>8.1f} {w['index_bytes'] / 1e6:>10.1f}"
             f" {w['query_p50_ms']:>13.1f} {w['query_p95_ms']:>13.1f}"]
    for n, r in xapian.items():
        lines.append(f"xapian {n:>2} sh  {r['build_seconds']:>8.1f} {r['index_bytes'] / 1e6:>10.1f}"
                     f" {r['query_p50_ms']:>13.1f} {r['query_p95_ms']:>13.1f}"
                     f"  {r['totals_equal_whoosh']}/{r['queries']}")
    return "\n".join(lines)
