"""The library's front door (``import indexer``) and the engine's face (``engine/backend.py``)."""

from __future__ import annotations

import subprocess
import sys

import indexer
from indexer.engine.backend import WHOOSH, OpenIndex


def test_five_line_session_builds_searches_and_reads_facet_counts(corpus_dir, tmp_path):
    summary = indexer.build_index(corpus_dir, tmp_path / "ix", procs=1)
    with indexer.open_index(tmp_path / "ix") as ix:
        result = ix.search(indexer.Query.of(q='"微信公众号"'))
        years = {v.value: v.count for v in result.facets["year"]}
    assert summary.total == 5 and result.total == 3 and sum(years.values()) == 3


def test_extract_file_gives_the_facts_of_one_report(corpus_dir, gold):
    by_file = {g["file"]: g for g in gold}
    path = sorted(corpus_dir.glob("*.txt"))[0]
    facts = indexer.extract_file(path)
    assert facts["file"] == path.name and facts["encoding"] == "utf-8"
    assert {k: facts[k] for k in ("year", "town", "litigation_total")} == \
        {k: by_file[path.name][k] for k in ("year", "town", "litigation_total")}


def test_query_from_keyword_arguments_equals_query_from_url_arguments():
    assert indexer.Query.of(q="微信", year=[2020, 2019], has_litigation=1, litigation_total_min=1) == \
        indexer.Query.from_args({"q": "微信", "year": ["2020", "2019"], "has_litigation": "1",
                                 "litigation_total_min": "1"})


def test_import_indexer_does_not_load_the_engine():
    code = "import sys, indexer; print(sorted({'whoosh', 'numpy', 'jieba', 'flask'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_whoosh_backend_offers_the_engine_face(sample_index):
    ix = WHOOSH.open(sample_index)
    try:
        assert isinstance(ix, OpenIndex)
        hit = ix.search(indexer.Query()).hits[0]
        assert ix.report(hit.id).id == hit.id
    finally:
        ix.close()
