"""The word fields' postings a full build writes beside each segment (``wordkeys.py``): the same
documents and weights as whoosh's postings, the same hits and order with or without them, and a
damaged file ignored, not trusted."""

from __future__ import annotations

import shutil
from array import array
from pathlib import Path

import numpy as np
import pytest
from whoosh.filedb.filestore import FileStorage
from whoosh.index import clean_files

from indexer.engine import wordkeys
from indexer.engine.build import build_index
from indexer.engine.generations import current_generation
from indexer.engine.postings import blocks
from indexer.engine.query import Query, SearchIndex
from tests.helpers import generated_corpus

QUERIES = ["信息公开", "政策解读", "行政复议 OR 行政诉讼", "微信公众号", "依申请公开 -行政诉讼",
           "title:年度报告", "不予公开", "网站", "政务新媒体 年度", "规范性文件"]


@pytest.fixture(scope="module")
def segmented(tmp_path_factory) -> Path:
    """A generated corpus built into several segments (two workers, 15 reports a segment)."""
    corpus = generated_corpus(tmp_path_factory.mktemp("wk-corpus"), 60)
    index = tmp_path_factory.mktemp("wk-index")
    build_index(corpus, index, procs=2, segment_docs=15)
    return index


def _results(index: Path, sort: str = "") -> dict[str, tuple[int, list[tuple[str, float | None]]]]:
    with SearchIndex(index) as idx:
        out = {}
        for q in QUERIES:
            args = {"q": q, "per_page": "100", **({"sort": sort} if sort else {})}
            res = idx.search(Query.from_args(args))
            out[q] = (res.total, [(h.file, h.score) for h in res.hits])
        return out


def test_every_segment_of_a_full_build_has_a_word_keys_file_equal_to_its_postings(segmented):
    gen = current_generation(segmented)
    assert gen is not None
    with SearchIndex(segmented) as idx:
        docsets = idx._current().docsets()
        assert len(docsets.leaves) >= 3
        checked = 0
        for leaf, _offset, _n in docsets.leaves:
            wk = wordkeys.WordKeys.open(wordkeys.segment_file(gen, leaf._segid))
            assert wk is not None, leaf._segid
            assert wk.holds("words") and not wk.holds("grams")
            for field in sorted(wk.fields):
                for term in leaf.lexicon(field):
                    text = term.decode("utf-8") if isinstance(term, bytes) else term
                    ids, weights = [], []
                    for block in blocks(leaf, field, text, weights=True):
                        ids.extend(block.ids)
                        weights.extend(block.weights or [])
                    got_ids, got_weights = wk.postings(field, text)
                    assert got_ids.tolist() == ids and got_weights.tolist() == weights, (field, text)
                    assert wk.docs(field, text).tolist() == ids
                    checked += 1
            assert not len(wk.docs("words", "不在索引里的词")) and not len(wk.postings("nofield", "信息")[0])
            wk.close()
        assert checked > 1000


@pytest.mark.parametrize("sort", ["", "year"])
def test_hits_scores_and_order_are_the_same_with_and_without_the_word_keys_files(segmented, tmp_path, sort):
    expected = _results(segmented, sort)
    copy = tmp_path / "copy"
    shutil.copytree(segmented, copy)
    removed = [p.unlink() or p for p in copy.glob("gen-*/*" + wordkeys.SUFFIX)]
    assert removed
    assert _results(copy, sort) == expected
    assert sum(total for total, _hits in expected.values()) > 0


@pytest.mark.parametrize("damage", ["truncated", "no end mark", "empty", "a changed count"])
def test_a_damaged_word_keys_file_is_ignored_and_the_postings_answer(segmented, tmp_path, damage):
    expected = _results(segmented)
    copy = tmp_path / "copy"
    shutil.copytree(segmented, copy)
    for p in copy.glob("gen-*/*" + wordkeys.SUFFIX):
        data = p.read_bytes()
        tail = len(data) - len(wordkeys.MAGIC) - 8  # the term count
        changed = data[:tail] + (int.from_bytes(data[tail:tail + 8], "little") + 1).to_bytes(8, "little") \
            + data[tail + 8:]
        p.write_bytes({"truncated": data[: len(data) // 2], "no end mark": data[:-1] + b"X",
                       "empty": b"", "a changed count": changed}[damage])
        assert wordkeys.WordKeys.open(p) is None
    assert _results(copy) == expected


def test_the_word_keys_file_goes_when_whoosh_removes_its_segment(segmented, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(segmented, copy)
    gen = current_generation(copy)
    assert gen is not None and list(gen.glob("*" + wordkeys.SUFFIX))
    clean_files(FileStorage(str(gen)), "MAIN", 99, [])
    assert not list(gen.glob("*" + wordkeys.SUFFIX))


def test_weights_that_are_not_exactly_float32_write_no_file(tmp_path):
    path = tmp_path / "x.wordkeys"
    rows = [("words", "信息".encode(), array("I", [0, 3]), array("d", [2.0, 1.0]))]
    assert wordkeys.write(path, ["words"], rows)
    wk = wordkeys.WordKeys.open(path)
    assert wk is not None and wk.postings("words", "信息")[1].tolist() == [2.0, 1.0]
    wk.close()
    path.unlink()
    tenth = [("words", "信息".encode(), array("I", [0]), array("d", [0.1]))]
    assert not wordkeys.write(path, ["words"], tenth)
    assert not path.exists()


def test_a_term_is_told_from_another_field_s_and_from_an_absent_one(tmp_path):
    path = tmp_path / "x.wordkeys"
    rows = [("words", "公开".encode(), array("I", [1, 2]), array("d", [1.0, 4.0])),
            ("title_words", "公开".encode(), array("I", [2]), array("d", [1.0])),
            ("words", b"", array("I"), array("d"))]  # a term without postings is left out
    assert wordkeys.write(path, ["words", "title_words"], rows)
    wk = wordkeys.WordKeys.open(path)
    assert wk is not None and wk.fields == {"words", "title_words"} and not wk.holds("body_words")
    assert wk.docs("words", "公开").tolist() == [1, 2] and wk.docs("title_words", "公开").tolist() == [2]
    assert not len(wk.docs("body_words", "公开")) and not len(wk.docs("words", "公"))
    with pytest.raises(ValueError):  # postings of a field it was not told it holds
        wordkeys.write(path, ["words"], rows)
    assert len(wk.hashes) == 2 and np.all(np.diff(wk.hashes.astype(np.float64)) > 0)
    wk.close()
