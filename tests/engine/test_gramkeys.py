"""The bigram positions a full build writes beside each segment (``gramkeys.py``): the same keys as
whoosh's postings, the same hits with or without them, and a damaged file ignored, not trusted."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from whoosh.index import clean_files

from indexer.engine import gramkeys
from indexer.engine.build import build_index
from indexer.engine.generations import current_generation
from indexer.engine.matching import position_keys
from indexer.engine.query import Query, SearchIndex
from indexer.engine.textstore import read_stored
from tests.helpers import generated_corpus


@pytest.fixture(scope="module")
def segmented(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """A generated corpus built into several segments (two workers, 15 reports a segment)."""
    corpus = generated_corpus(tmp_path_factory.mktemp("gk-corpus"), 60)
    index = tmp_path_factory.mktemp("gk-index")
    build_index(corpus, index, procs=2, segment_docs=15)
    with SearchIndex(index) as idx:  # each report's text as the index normalised it
        searcher = idx._current().searcher
        texts = {s["file"]: read_stored(s).norm.whole() for s in searcher.all_stored_fields()}
    return index, texts


def _phrases(texts: dict[str, str], n: int, seed: int = 3) -> list[str]:
    rng = random.Random(seed)
    out = []
    while len(out) < n:
        t = rng.choice(list(texts.values()))
        size = rng.randint(2, 7)
        start = rng.randrange(max(1, len(t) - size))
        s = t[start:start + size]
        if s.strip() == s and s and not any(c in s for c in '"“”()（）\\\n\t '):
            out.append(s)
    return out


def _hit_sets(index: Path, phrases: list[str]) -> dict[str, tuple[int, list[str]]]:
    with SearchIndex(index) as idx:
        out = {}
        for p in phrases:
            res = idx.search(Query.from_args({"q": f'"{p}"', "per_page": "100"}))
            out[p] = (res.total, sorted(h.file for h in res.hits))
        return out


def test_every_segment_of_a_full_build_has_a_gram_keys_file_equal_to_its_postings(segmented):
    index, _texts = segmented
    gen = current_generation(index)
    assert gen is not None
    with SearchIndex(index) as idx:
        docsets = idx._current().docsets()
        assert len(docsets.leaves) >= 3
        checked = 0
        for leaf, _offset, _n in docsets.leaves:
            gk = gramkeys.GramKeys.open(gramkeys.segment_file(gen, leaf._segid))
            assert gk is not None, leaf._segid
            for term in leaf.lexicon("grams"):
                gram = term.decode("utf-8") if isinstance(term, bytes) else term
                assert np.array_equal(gk.keys(gram), position_keys(leaf, gram, None)), gram
                checked += 1
            assert not len(gk.keys("㐀㐁")) and not len(gk.docs("㐀㐁")) and gk.count("三个字") == 0
            gk.close()
        assert checked > 1000


def test_phrase_hits_are_the_same_with_and_without_the_gram_keys_files(segmented, tmp_path):
    index, texts = segmented
    phrases = _phrases(texts, 60)
    with_files = _hit_sets(index, phrases)
    copy = tmp_path / "copy"
    import shutil

    shutil.copytree(index, copy)
    removed = [p.unlink() or p for p in copy.glob("gen-*/*" + gramkeys.SUFFIX)]
    assert removed
    assert _hit_sets(copy, phrases) == with_files
    for p, (total, _files) in with_files.items():
        assert total == sum(p in t for t in texts.values()), p


@pytest.mark.parametrize("damage", ["truncated", "no end mark", "empty"])
def test_a_damaged_gram_keys_file_is_ignored_and_the_postings_answer(segmented, tmp_path, damage):
    index, texts = segmented
    phrases = _phrases(texts, 20, seed=9)
    expected = _hit_sets(index, phrases)
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(index, copy)
    for p in copy.glob("gen-*/*" + gramkeys.SUFFIX):
        data = p.read_bytes()
        p.write_bytes({"truncated": data[: len(data) // 2], "no end mark": data[:-1] + b"X",
                       "empty": b""}[damage])
        assert gramkeys.GramKeys.open(p) is None
    assert _hit_sets(copy, phrases) == expected


def test_the_gram_keys_file_goes_when_whoosh_removes_its_segment(segmented, tmp_path):
    import shutil

    from whoosh.filedb.filestore import FileStorage

    index, _texts = segmented
    copy = tmp_path / "copy"
    shutil.copytree(index, copy)
    gen = current_generation(copy)
    assert gen is not None and list(gen.glob("*" + gramkeys.SUFFIX))
    clean_files(FileStorage(str(gen)), "MAIN", 99, [])
    assert not list(gen.glob("*" + gramkeys.SUFFIX))


def test_gram_codes_sort_as_the_terms_do():
    grams = ["公开", "公众", "政府", "ab", "a1", "中", "𠀀字", "字𠀀"]
    two = sorted(g for g in grams if len(g) == 2)
    assert sorted(two, key=gramkeys.gram_code) == two
    assert gramkeys.gram_code("中") != gramkeys.gram_code("中中")
    assert gramkeys.gram_code("三个字") is None
