"""Measuring: percentiles, folder sizes, a subprocess's memory (its whole process tree), jieba's floor."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from indexer.engine.words import init_jieba, reference_words

ROOT = Path(__file__).resolve().parents[2]
# The folder holding the ``indexer`` package bench.py imported (a snapshot of it); subprocesses import
# the same (words.py is SRC/indexer/engine/words.py).
SRC = Path(sys.modules[init_jieba.__module__].__file__).resolve().parents[2]
RSS_METHOD = ("sum of VmRSS over the build subprocess and all its descendants, sampled from /proc "
              "every 50 ms (the tree and the sum of Pss every 500 ms)")


def percentile(values: list[float], p: float) -> float | None:
    """Linear-interpolated percentile (p in 0..100); None for no values."""
    if not values:
        return None
    xs = sorted(values)
    k = (len(xs) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def dir_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


# ---------------------------------------------------------------------------------------------
# Memory of a process tree


def _status_kb(pid: int, key: str, name: str = "status") -> int:
    try:
        with open(f"/proc/{pid}/{name}", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith(key):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def descendants(pid: int) -> list[int]:
    """``pid`` and every process below it (from the parent pids in /proc/*/stat)."""
    parent: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        parent[int(entry)] = int(fields[1])
    tree, frontier = [pid], [pid]
    while frontier:
        frontier = [c for c, pp in parent.items() if pp in frontier]
        tree.extend(frontier)
    return tree


class TreeMemory:
    """Samples the summed VmRSS and Pss of a process tree in a thread; ``peak_rss``/``peak_pss`` bytes."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.pid, self.interval = pid, interval
        self.peak_rss = self.peak_pss = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        # The sampler shares the CPUs with what it measures: the process tree is re-listed and Pss
        # (which walks page tables) read every 10th sample only; VmRSS every sample.
        pids: list[int] = []
        while not self._stop.is_set():
            if self.samples % 10 == 0:
                pids = descendants(self.pid)
                pss = sum(_status_kb(p, "Pss:", "smaps_rollup") for p in pids) * 1024
                self.peak_pss = max(self.peak_pss, pss)
            rss = sum(_status_kb(p, "VmRSS:") for p in pids) * 1024
            self.peak_rss = max(self.peak_rss, rss)
            self.samples += 1
            self._stop.wait(self.interval)


def run_python(code: str, args: list[str], *, sample_memory: bool = False) -> tuple[dict, TreeMemory | None]:
    """Run ``code`` in a fresh interpreter (``indexer`` from ``SRC``); it prints one JSON object last."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(SRC),
                                                                     os.environ.get("PYTHONPATH")]))}
    proc = subprocess.Popen([sys.executable, "-c", code, *args], cwd=SRC, env=env,
                            stdout=subprocess.PIPE, text=True)
    mem = TreeMemory(proc.pid) if sample_memory else None
    if mem is not None:
        with mem:
            out, _ = proc.communicate()
    else:
        out, _ = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"subprocess failed with status {proc.returncode}")
    return json.loads(out.strip().splitlines()[-1]), mem


# ---------------------------------------------------------------------------------------------
# The jieba floor: jieba over every normalised text (words.reference_words: how nianbao cut before it
# took rjieba; the floor stays jieba's), in a fork pool of ``procs``

_TEXTS: list[str] = []


def _cut(i: int) -> int:
    return len(reference_words(_TEXTS[i]))


def jieba_floor(texts: list[str], procs: int) -> dict:
    """Seconds jieba alone needs for ``texts`` (dictionary load in the parent, then a fork pool,
    as the build does); the texts reach the workers by fork, not by pickling."""
    global _TEXTS
    _TEXTS = texts
    t0 = time.perf_counter()
    reference_words("")  # loads jieba's dictionary
    t_init = time.perf_counter() - t0
    if procs <= 1:
        words = sum(map(_cut, range(len(texts))))
    else:
        with multiprocessing.get_context("fork").Pool(procs) as pool:
            words = sum(pool.imap_unordered(_cut, range(len(texts)), chunksize=4))
    seconds = time.perf_counter() - t0
    _TEXTS = []
    return {"seconds": seconds, "init_seconds": t_init, "words": words}
