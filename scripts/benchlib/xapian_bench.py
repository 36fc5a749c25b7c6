"""The xapian backend beside whoosh: for each shard count, a full sharded build (fresh process,
memory sampled), one ``xapian-tcpsrv`` per shard on a free loopback port, and the same query mix
through ``XapianIndex`` over them (facets included), with its totals checked against whoosh's.

Each build leaves ``bench-build.json`` in its folder (the corpus, its size, the commit, the build's
figures). ``keep_builds`` reuses a build whose file names the same corpus and size (its commit is
reported): at 100,000 reports three sharded builds take most of an hour, and ``bench.py --index DIR --backend
xapian --keep-builds`` can then time the queries against a whoosh index built in another run
(``python scripts/benchlib/xapian_bench.py --build CORPUS WORKDIR 1,2,4`` makes the builds alone)."""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

if __name__ == "__main__":  # run as a script: scripts/ and the repository on the path
    sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parents[2])]

from benchlib.measure import dir_bytes, percentile, run_python
from indexer.engine.query import Query

BUILD_CODE = """
import json, resource, sys, time
from indexer.engine.xapian.build import build_xapian
t0 = time.perf_counter()
s = build_xapian(sys.argv[1], sys.argv[2], shards=int(sys.argv[3]), full=True, procs=int(sys.argv[4]))
cpu = sum(r.ru_utime + r.ru_stime for r in (resource.getrusage(resource.RUSAGE_SELF),
                                            resource.getrusage(resource.RUSAGE_CHILDREN)))
print(json.dumps({"seconds": s.seconds, "wall": time.perf_counter() - t0, "total": s.total,
                  "skipped": len(s.skipped), "cpu_seconds": cpu}))
"""


@contextlib.contextmanager
def serving(dirs: list[Path]):
    """``host:port,...`` of one xapian-tcpsrv per shard folder, stopped on exit."""
    from indexer.engine.xapian.cluster import LoopbackServers

    with LoopbackServers(dirs) as servers:
        yield servers.spec


BUILD_FILE = "bench-build.json"


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True,
                              cwd=Path(__file__).resolve().parents[2], check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _reports(corpus: Path) -> int:
    """The corpus's report files, as the build finds them (not ``gold.json`` beside them)."""
    from indexer.extract.read import discover

    return len(discover(corpus))


def build(corpus: Path, workdir: Path, shards: int, procs: int, keep: bool = False) -> dict:
    """A full sharded build into ``workdir/xapian-N`` (or, with ``keep``, the one already there if
    its ``bench-build.json`` names this corpus and size): its figures."""
    index_dir = workdir / f"xapian-{shards}"
    stamp = {"corpus": str(corpus.resolve()), "reports": _reports(corpus), "commit": _commit()}
    if keep and (index_dir / BUILD_FILE).is_file():
        done = json.loads((index_dir / BUILD_FILE).read_text())
        if all(done.get(k) == stamp[k] for k in ("corpus", "reports")):  # the commit is recorded
            print(f"[{time.strftime('%H:%M:%S')}] xapian {shards} shards: the build of {done['date']} "
                  "is kept", flush=True)
            return done
    if index_dir.exists():
        shutil.rmtree(index_dir)
    result, mem = run_python(BUILD_CODE, [str(corpus), str(index_dir), str(shards), str(procs)],
                             sample_memory=True)
    done = {**stamp, "seconds": result["seconds"], "cpu_seconds": result.get("cpu_seconds"),
            "total": result["total"],
            "skipped": result["skipped"], "peak_rss_bytes": mem.peak_rss if mem else None,
            "index_bytes": dir_bytes(index_dir), "date": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    (index_dir / BUILD_FILE).write_text(json.dumps(done))
    print(f"[{time.strftime('%H:%M:%S')}] xapian {shards} shards built: {json.dumps(done)}", flush=True)
    return done


def run(corpus: Path, workdir: Path, mix: list[dict], ours: list[dict], procs: int,
        shard_counts: list[int], keep_builds: bool = False) -> dict:
    """shard count → build and query figures (seconds, bytes, milliseconds)."""
    from indexer.engine.xapian.build import shard_dirs
    from indexer.engine.xapian.cluster import parse_shards
    from indexer.engine.xapian.search import XapianIndex

    out: dict = {}
    for n in shard_counts:
        index_dir = workdir / f"xapian-{n}"
        built = build(corpus, workdir, n, procs, keep_builds)
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
            "build_seconds": built["seconds"], "reports": built["total"], "index_bytes": built["index_bytes"],
            "build_peak_rss_bytes": built["peak_rss_bytes"], "build_date": built["date"],
            "build_commit": built["commit"], "build_cpu_seconds": built.get("cpu_seconds"),
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


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="the sharded xapian builds alone (their figures kept)")
    p.add_argument("--build", nargs=3, metavar=("CORPUS", "WORKDIR", "SHARDS"), required=True,
                   help="corpus folder, work folder, shard counts (1,2,4)")
    p.add_argument("--procs", type=int, default=2)
    args = p.parse_args(argv)
    corpus, workdir, counts = Path(args.build[0]), Path(args.build[1]), args.build[2]
    workdir.mkdir(parents=True, exist_ok=True)
    for n in [int(c) for c in counts.split(",") if c.strip()]:
        build(corpus, workdir, n, args.procs, keep=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
