"""Helpers more than one test module uses: free ports, the repetitive corpus, both backends built
over one corpus and served, and the comparison of their answers (``tests/engine/test_xapian.py``,
``tests/web/test_xapian_routes.py``, ``tests/engine/test_matching.py``, ``tests/web/test_serve.py``)."""

from __future__ import annotations

import io
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
    return Both(wdir, xdir, servers, StoredFactsOnly(SearchIndex(wdir)),
                XapianIndex(parse_shards(servers.spec), xdir))


class StoredFactsOnly:
    """A whoosh index seen without its corpus facts (cross_year, reuse: ``engine/corpusfacts.py``),
    which only the whoosh backend computes, so that the two backends' answers can be compared."""

    def __init__(self, index) -> None:
        self.index = index

    def __getattr__(self, name: str):
        return getattr(self.index, name)

    def search(self, query):
        from dataclasses import replace

        from indexer.engine.search import CORPUS_HIT_FACTS

        result = self.index.search(query)
        return replace(result, hits=[replace(h, **dict.fromkeys(CORPUS_HIT_FACTS)) for h in result.hits])

    def iter_facts(self, query):
        return ((i, f, t, without_corpus_facts(facts)) for i, f, t, facts in self.index.iter_facts(query))

    def body_reports(self, body_id: str):
        return [(i, t, without_corpus_facts(f)) for i, t, f in self.index.body_reports(body_id)]

    def reports_by_id(self, ids):
        return [(i, t, without_corpus_facts(f)) for i, t, f in self.index.reports_by_id(ids)]

    def report(self, report_id: str, q: str = ""):
        from dataclasses import replace

        view = self.index.report(report_id, q)
        return None if view is None else replace(view, facts=without_corpus_facts(view.facts))


def first_page(idx, args: dict) -> tuple[int, list[str], dict, dict]:
    """(total, the first 100 hits' ids, full facet counts, facet totals) of a search, every facet
    expanded."""
    from indexer.engine import facets

    first = idx.search(Query.from_args({**args, "per_page": "100", "expand": list(facets.current().listed)}))
    return first.total, [h.id for h in first.hits], *_stored_facets(first)


def all_pages(idx, args: dict) -> tuple[int, list[str], dict, dict]:
    """(total, every hit's id in page order, full facet counts, facet totals) of a search: every
    page of 100, every facet expanded."""
    from indexer.engine import facets

    args = {**args, "per_page": "100", "expand": list(facets.current().listed)}
    first = idx.search(Query.from_args(args))
    ids = [h.id for h in first.hits]
    for page in range(2, first.pages + 1):
        ids += [h.id for h in idx.search(Query.from_args({**args, "page": str(page)})).hits]
    return first.total, ids, *_stored_facets(first)


def _stored_facets(result) -> tuple[dict, dict]:
    """(full counts, totals) of a result's facets, without the corpus facts (which only the whoosh
    backend computes)."""
    counts = {name: {v.value: v.count for v in vals} for name, vals in result.facets.items()}
    return without_corpus_facts(counts), without_corpus_facts(result.facet_totals)


def without_corpus_facts(data):
    """``data`` (JSON-like: dicts, lists, values) without the corpus facts (cross_year, reuse:
    ``indexer/engine/corpusfacts.py``), which only the whoosh backend computes: their fact keys,
    their facets and the side-by-side link, at any depth."""
    from indexer.engine import facets
    from indexer.engine.corpusfacts import KEYS

    drop = set(KEYS) | set(facets.current().corpus) | {"reuse_url"}

    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in drop}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return strip(data)


def pdf_of(objects: list[bytes]) -> bytes:
    """A PDF of these objects (numbered from 1; the first is the catalog), with its xref table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (i, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % o for o in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()
