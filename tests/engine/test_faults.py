"""Faults during a build: a build killed at random points (SIGKILL) or failing on a full disk leaves
the index serving either the old results or, once its commit happened, the new ones; the next build
succeeds with no duplicate reports and no leftover generation folders or files; a build over an
unchanged corpus changes nothing."""

from __future__ import annotations

import errno
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from indexer.engine import build as build_mod
from indexer.engine.build import build_index, current_generation
from indexer.engine.generations import MANIFEST, PENDING
from indexer.engine.query import Query, SearchIndex
from indexer.extract.read import decode
from indexer.extract.report import report_id

ROOT = Path(__file__).resolve().parents[2]
PHRASE = "鲁棒性测试专用短语"


def fingerprint(index_dir: Path) -> tuple:
    """What a client sees: totals, the ids of a listing, a phrase count, the year facet."""
    with SearchIndex(index_dir) as index:
        everything = index.search(Query(per_page=100, sort="year"))
        phrase = index.search(Query(q=f'"{PHRASE}"'))
        words = index.search(Query(q="政府信息公开"))
        years = tuple((v.value, v.count) for v in everything.facets.get("year", []))
        return (everything.total, tuple(h.id for h in everything.hits), phrase.total, words.total, years)


def stored_ids(index_dir: Path) -> list[str]:
    gen = current_generation(index_dir)
    ix = whoosh_index.open_dir(str(gen))
    try:
        with ix.searcher() as s:
            return [f["id"] for f in s.all_stored_fields()]
    finally:
        ix.close()


def leftovers(index_dir: Path) -> list[str]:
    current = current_generation(index_dir)
    out = [p.name for p in index_dir.glob(".CURRENT.*")]
    out += [str(p.relative_to(index_dir)) for p in index_dir.glob("gen-*/.*.tmp")]
    out += [p.name for p in index_dir.glob("gen-*") if not (p / MANIFEST).exists()]
    if current is not None and (current / PENDING).exists():
        out.append(PENDING)
    return out


def files_of(gen: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in gen.iterdir()}


def run_build(corpus: Path, index_dir: Path, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "indexer", "build", str(corpus), "--index", str(index_dir),
                             "--quiet", *extra], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from make_corpus import write_corpus
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    out = tmp_path_factory.mktemp("gen300") / "corpus"
    write_corpus(out, 300, 11)
    return out


def test_a_build_killed_at_random_points_leaves_a_serving_index_and_the_next_build_cleans_up(
        generated, tmp_path):
    index_dir = tmp_path / "index"
    started = time.monotonic()
    first = run_build(generated, index_dir, "--full")
    out, err = first.communicate(timeout=300)
    assert first.returncode == 0, (out.decode(), err.decode())
    took = time.monotonic() - started  # the kills below land inside a build on a slow or a fast machine
    old = fingerprint(index_dir)
    files = sorted(p for p in generated.iterdir() if p.suffix in (".txt", ".html", ".md"))
    rnd = random.Random(5)
    changed = rnd.sample([p for p in files if p.suffix == ".txt"], 20)  # text after </html> is no text
    for p in changed:  # changed reports (an incremental build re-parses them) ...
        _, encoding = decode(p.read_bytes())  # some are GB18030: append in the file's own encoding
        with open(p, "ab") as f:
            f.write(f"\n{PHRASE}\n".encode(encoding.replace("-sig", "")))
    gone = [p for p in files if p not in changed][:5]
    for p in gone:  # ... and removed ones
        p.unlink()
    expected_total = len(files) - len(gone)

    seen = []
    for attempt, extra in enumerate((("--full",), (), ("--full",), ("--full",))):
        proc = run_build(generated, index_dir, *extra)
        time.sleep(took * rnd.uniform(0.3, 0.75))  # killed mid-way through a full build
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
        seen.append((attempt, proc.returncode, fingerprint(index_dir)))  # opens and serves

    assert all(rc == -signal.SIGKILL for _, rc, _ in seen[2:])  # the full ones (the incremental is short)
    assert leftovers(index_dir), "the killed full builds left their folders (the next build removes them)"
    final = run_build(generated, index_dir)
    out, err = final.communicate(timeout=300)
    assert final.returncode == 0, (out.decode(), err.decode())
    new = fingerprint(index_dir)
    assert new[0] == expected_total and new[2] == len(changed)
    for attempt, rc, fp in seen:
        assert fp in (old, new), (attempt, rc)
    ids = stored_ids(index_dir)
    assert len(ids) == len(set(ids)) == expected_total  # no duplicate reports
    assert set(ids) == {report_id(p.name) for p in files if p not in gone}
    assert leftovers(index_dir) == []
    gens = sorted(p.name for p in index_dir.glob("gen-*"))
    assert current_generation(index_dir).name in gens and len(gens) <= 2

    # an unchanged corpus: nothing changes, not even a file's mtime
    gen = current_generation(index_dir)
    before = files_of(gen)
    summary = build_index(generated, index_dir, procs=2)
    assert summary.generation == gen.name and summary.indexed == 0 and summary.deleted == 0
    assert current_generation(index_dir) == gen and files_of(gen) == before
    assert fingerprint(index_dir) == new

    # removing a file removes its report
    victim = next(p for p in files if p not in gone)
    victim.unlink()
    summary = build_index(generated, index_dir, procs=2)
    assert summary.deleted == 1
    with SearchIndex(index_dir) as index:
        assert index.report(report_id(victim.name)) is None
        assert index.search(Query()).total == expected_total - 1


def _disk_full(after: int):
    def fail(n: int) -> None:
        if n == after:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    return fail


@pytest.mark.parametrize("full", [True, False])
def test_a_full_disk_mid_build_keeps_the_old_index_serving(corpus_copy, tmp_path, full):
    index_dir = tmp_path / "index"
    build_index(corpus_copy, index_dir, procs=1)
    gen = current_generation(index_dir)
    old = fingerprint(index_dir)
    for p in sorted(corpus_copy.glob("*.txt")):
        p.write_text(p.read_text(encoding="utf-8") + f"\n{PHRASE}\n", encoding="utf-8")
    with pytest.raises(OSError) as err:
        build_index(corpus_copy, index_dir, procs=1, full=full, fail_after=_disk_full(3))
    assert err.value.errno == errno.ENOSPC
    assert current_generation(index_dir) == gen
    assert fingerprint(index_dir) == old
    assert leftovers(index_dir) == []
    summary = build_index(corpus_copy, index_dir, procs=1)  # space again: the build completes
    assert summary.total == 5
    assert fingerprint(index_dir)[2] == 5


def test_the_cli_says_the_disk_is_full_and_exits_2(corpus_copy, tmp_path, monkeypatch, capsys):
    from indexer.__main__ import main

    index_dir = tmp_path / "index"
    assert main(["build", str(corpus_copy), "--index", str(index_dir), "--quiet", "--procs", "1"]) == 0
    old = fingerprint(index_dir)

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(build_mod, "write_files", no_space)  # the file list of a new generation
    capsys.readouterr()
    assert main(["build", str(corpus_copy), "--index", str(index_dir), "--quiet", "--procs", "1",
                 "--full"]) == 2
    message = capsys.readouterr().err
    assert "disk full" in message and "unchanged" in message
    assert fingerprint(index_dir) == old
    assert leftovers(index_dir) == []
