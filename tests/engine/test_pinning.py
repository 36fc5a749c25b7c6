"""One index version per request: a build committing while a request runs does not split its answer."""

from __future__ import annotations

from pathlib import Path

from indexer.engine.build import build_index
from indexer.engine.pinning import one_version
from indexer.engine.query import Query, SearchIndex


def test_reads_in_one_version_block_keep_the_version_they_first_read_across_a_commit(corpus_copy: Path,
                                                                                    tmp_path: Path):
    index_dir = tmp_path / "index"
    build_index(corpus_copy, index_dir, procs=1)
    with SearchIndex(index_dir) as index:
        with one_version():
            before = index.search(Query()).total
            victim = sorted(corpus_copy.iterdir())[0]
            victim.unlink()
            assert build_index(corpus_copy, index_dir, procs=1).deleted == 1
            assert index.search(Query()).total == before  # the block's version
            assert index.overview(Query())["reports"] == before
            with one_version():  # nested: still the outer block's
                assert index.search(Query()).total == before
        assert index.search(Query()).total == before - 1  # outside: the newest
