"""The reuse index over a whole corpus folder, timed as a full build computes it (issue 12's figures at
100,000 reports without the rest of the build):

    python scripts/benchlib/reuse_scale.py CORPUS WORKDIR [--procs 2]

Each report's facts are extracted and its reuse pieces cut in ``procs`` processes (what the build's
workers do, ``corpusfacts.reuse_input``) into a spool under WORKDIR (kept: a second run starts from
it), then ``ReuseIndex.build`` reads the spool and ``save`` writes the file, the process's resident
memory sampled every 0.2 s; then one incremental add through the file (open, add, commit). Prints the
figures as JSON; nothing is asserted.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import multiprocessing
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from indexer.engine import corpusfacts  # noqa: E402
from indexer.engine.reuse import ReportInput, ReuseIndex, bulk  # noqa: E402
from indexer.extract.read import discover, read_source  # noqa: E402
from indexer.extract.report import extract, report_id  # noqa: E402


def reuse_input_of(args: tuple[Path, Path]) -> ReportInput:
    """What a build worker sends for reuse: the facts extracted, the search text's pieces."""
    root, path = args
    source = read_source(path)
    rel = path.relative_to(root).as_posix()
    facts, norm = extract(source.text, rel, source.problems)
    return corpusfacts.reuse_input(report_id(rel), facts, norm)


def spooled(corpus: Path, workdir: Path, procs: int) -> tuple[corpusfacts.Spool, float | None]:
    """The spool of every report's reuse input (made unless a finished one is there)."""
    path, count_file = workdir / "spool", workdir / "spool.count"
    seconds = None
    if not count_file.exists():
        spool = corpusfacts.Spool(path)
        t0 = time.perf_counter()
        with multiprocessing.get_context("fork").Pool(procs) as pool:
            for item in pool.imap(reuse_input_of, [(corpus, p) for p in discover(corpus)], chunksize=64):
                spool.add(item)
        seconds = time.perf_counter() - t0
        spool.finish()
        count_file.write_text(str(spool.count))
    return corpusfacts.Spool.written(path, int(count_file.read_text())), seconds


class PeakRSS:
    """This process's highest VmRSS while the block runs."""

    def __enter__(self) -> PeakRSS:
        self.peak, self._done = 0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._done.is_set():
            with open("/proc/self/status") as f:
                for line in f:
                    if line.startswith("VmRSS"):
                        self.peak = max(self.peak, int(line.split()[1]) * 1024)
            time.sleep(0.2)

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()


def run(corpus: Path, workdir: Path, procs: int) -> dict:
    workdir.mkdir(parents=True, exist_ok=True)
    spool, spool_seconds = spooled(corpus, workdir, procs)
    counted: dict[str, int] = {}
    band_pairs = bulk.band_pairs

    def counting(signatures, bands):
        out = band_pairs(signatures, bands)
        counted["pairs"] = len(out)
        return out

    bulk.band_pairs = counting
    try:
        with PeakRSS() as mem:
            t0, c0 = time.perf_counter(), time.process_time()
            index = ReuseIndex.build(spool)
            built, built_cpu = time.perf_counter() - t0, time.process_time() - c0
            peak_build = mem.peak
            gen = workdir / "gen"
            gen.mkdir(exist_ok=True)
            t0 = time.perf_counter()
            index.save(gen)
            saved = time.perf_counter() - t0
    finally:
        bulk.band_pairs = band_pairs
    kinds: dict[str, int] = {}
    for rid in index.ids():
        kind = index.facts(rid)["reuse_kind"]
        kinds[kind] = kinds.get(kind, 0) + 1
    t0 = time.perf_counter()
    opened = ReuseIndex.load(gen)
    opened_s = time.perf_counter() - t0
    first = next(iter(spool))
    t0 = time.perf_counter()
    opened.add(dataclasses.replace(first, id="added-" + first.id))
    added_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    opened.save(gen)
    committed_s = time.perf_counter() - t0
    opened.close()
    return {"reports": len(index), "spool_seconds": spool_seconds, "build_seconds": built,
            "build_cpu_seconds": built_cpu, "build_peak_rss_bytes": peak_build, "save_seconds": saved,
            "peak_rss_bytes": mem.peak, "candidate_pairs": counted.get("pairs"),
            "file_bytes": (gen / "reuse.sqlite").stat().st_size, "reuse_kinds": kinds,
            "boilerplate_items": len(index.boilerplate), "frequent_shingles": len(index.boilerplate.frequent),
            "incremental_open_seconds": opened_s, "incremental_add_seconds": added_s,
            "incremental_commit_seconds": committed_s}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("corpus", type=Path)
    p.add_argument("workdir", type=Path)
    p.add_argument("--procs", type=int, default=2)
    args = p.parse_args(argv)
    print(json.dumps(run(args.corpus, args.workdir, args.procs), indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
