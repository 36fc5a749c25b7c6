"""Helpers more than one test module uses: free ports, the repetitive corpus, both backends built
over one corpus and served, and the comparison of their answers (``tests/engine/test_xapian.py``,
``tests/web/test_xapian_routes.py``, ``tests/engine/test_matching.py``, ``tests/web/test_serve.py``)."""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from indexer.engine.query import Query
from indexer.engine.xapian.cluster import free_port

__all__ = ["ROOT", "Both", "all_pages", "both_backends", "first_page", "free_port", "generated_corpus",
           "repeats_corpus", "xapian_skip_reason"]

ROOT = Path(__file__).resolve().parents[1]


def repeats_corpus(folder: Path, seed: int = 7, reports: int = 40) -> dict[str, str]:
    """Reports made of few characters (甲乙丙哈公开), so phrases repeat bigrams at several offsets:
    file name → text, written into ``folder``."""
    rng = random.Random(seed)
    texts = {}
    for i in range(reports):
        body = "".join(rng.choice("甲乙丙哈公开") for _ in range(rng.randint(5, 60)))
        texts[f"r{i:02d}.txt"] = body
        (folder / f"r{i:02d}.txt").write_text(body, "utf-8")
    return texts


def generated_corpus(folder: Path, reports: int, seed: int = 5) -> Path:
    """``reports`` generated reports (scripts/make_corpus.py) in ``folder``, without the gold file."""
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_corpus.py"), "--reports", str(reports),
                    "--seed", str(seed), "--out", str(folder)], check=True, capture_output=True, timeout=600)
    (folder / "gold.json").unlink(missing_ok=True)
    return folder


def xapian_skip_reason() -> str | None:
    """Why the xapian backend cannot be tested here (None: it can)."""
    try:
        import xapian  # noqa: F401
    except ImportError:
        return "the xapian backend needs its Python bindings: pip install nianbao[xapian]"
    if shutil.which("xapian-tcpsrv") is None:
        return "xapian-tcpsrv not installed (Debian: xapian-tools)"
    return None


@dataclass
class Both:
    """One corpus built by both backends; the xapian one in two shards served on loopback."""

    whoosh_dir: Path
    xapian_dir: Path
    servers: object  # indexer.engine.xapian.cluster.LoopbackServers
    whoosh: object  # SearchIndex
    xapian: object  # XapianIndex

    def close(self) -> None:
        self.xapian.close()  # type: ignore[attr-defined]
        self.whoosh.close()  # type: ignore[attr-defined]
        self.servers.stop()  # type: ignore[attr-defined]


def both_backends(corpus: Path, workdir: Path, shards: int = 2, procs: int = 2) -> Both:
    """Build ``corpus`` with whoosh and with xapian (``shards`` shards), serve the shards, open both."""
    from indexer.engine.build import build_index
    from indexer.engine.search import SearchIndex
    from indexer.engine.xapian.build import build_xapian, shard_dirs
    from indexer.engine.xapian.cluster import LoopbackServers, parse_shards
    from indexer.engine.xapian.search import XapianIndex

    wdir, xdir = workdir / "whoosh", workdir / "xapian"
    build_index(corpus, wdir, procs=procs)
    build_xapian(corpus, xdir, shards=shards, procs=procs)
    servers = LoopbackServers(shard_dirs(xdir, shards))
    return Both(wdir, xdir, servers, SearchIndex(wdir), XapianIndex(parse_shards(servers.spec), xdir))


def first_page(idx, args: dict) -> tuple[int, list[str], dict, dict]:
    """(total, the first 100 hits' ids, full facet counts, facet totals) of a search, every facet
    expanded."""
    from indexer.engine import facets

    first = idx.search(Query.from_args({**args, "per_page": "100", "expand": list(facets.current().listed)}))
    counts = {name: {v.value: v.count for v in vals} for name, vals in first.facets.items()}
    return first.total, [h.id for h in first.hits], counts, first.facet_totals


def all_pages(idx, args: dict) -> tuple[int, list[str], dict, dict]:
    """(total, every hit's id in page order, full facet counts, facet totals) of a search: every
    page of 100, every facet expanded."""
    from indexer.engine import facets

    args = {**args, "per_page": "100", "expand": list(facets.current().listed)}
    first = idx.search(Query.from_args(args))
    ids = [h.id for h in first.hits]
    for page in range(2, first.pages + 1):
        ids += [h.id for h in idx.search(Query.from_args({**args, "page": str(page)})).hits]
    counts = {name: {v.value: v.count for v in vals} for name, vals in first.facets.items()}
    return first.total, ids, counts, first.facet_totals
