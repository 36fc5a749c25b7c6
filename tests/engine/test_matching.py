"""The set-based matcher and the numpy ranker against plain definitions: a substring scan, whoosh's
own BM25F, a Python sort."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest

from indexer.engine import querylang
from indexer.engine.build import build_index
from indexer.engine.matching import cover
from indexer.engine.query import Query, SearchIndex
from indexer.schema import bigrams
from tests.helpers import repeats_corpus


@pytest.mark.parametrize("n_grams", range(1, 12))
def test_cover_spans_every_character_and_keeps_the_anchor(n_grams):
    for anchor in range(n_grams):
        offsets = cover(n_grams, anchor)
        assert anchor in offsets
        covered = set(itertools.chain.from_iterable((o, o + 1) for o in offsets))
        assert covered == set(range(n_grams + 1))
        assert len(offsets) <= n_grams // 2 + 2


REPEATS = ["甲乙甲乙甲", "甲乙甲丙甲乙", "乙甲乙甲乙甲乙", "哈哈哈哈", "哈哈", "公开公开公开",
           "甲甲乙甲甲乙甲"]


@pytest.fixture(scope="module")
def repeats_index(tmp_path_factory) -> tuple[SearchIndex, dict[str, str]]:
    """Reports made of few characters, so phrases repeat bigrams at several offsets."""
    corpus = tmp_path_factory.mktemp("repeats")
    texts = repeats_corpus(corpus)
    ix = tmp_path_factory.mktemp("repeats-ix")
    build_index(corpus, ix, procs=1)
    return SearchIndex(ix), texts


def _files(idx: SearchIndex, q: str) -> set[str]:
    res = idx.search(Query.from_args({"q": q, "per_page": "100"}))
    return {h.file for h in res.hits}


@pytest.mark.parametrize("phrase", REPEATS)
def test_phrases_with_repeated_bigrams_equal_substring_scan(repeats_index, phrase):
    idx, texts = repeats_index
    assert _files(idx, f'"{phrase}"') == {f for f, t in texts.items() if phrase in t}


def test_every_substring_of_a_repetitive_corpus_equals_substring_scan(repeats_index):
    idx, texts = repeats_index
    rng = random.Random(11)
    for _ in range(150):
        t = rng.choice(list(texts.values()))
        n = rng.randint(2, 9)
        if len(t) <= n:
            continue
        start = rng.randrange(len(t) - n)
        phrase = t[start:start + n]
        assert _files(idx, f'"{phrase}"') == {f for f, x in texts.items() if phrase in x}, phrase


@pytest.mark.parametrize("q", ['"微信公众号"', "行政复议", "政务公开 微信", '"依申请公开" 政府网站', "镇"])
def test_numpy_ranking_gives_whoosh_bm25f_scores_and_order(sample_index, q):
    from whoosh import query as wq

    idx = SearchIndex(sample_index)
    st = idx._current()
    docset, _ = st.matched(querylang.parse(q))
    ranker = st.ranker()
    terms = ranker.ranking_terms(querylang.scoring_terms(querylang.parse(q)))
    # the sample corpus is small: compare on every term, common or not
    terms = [t for t in dict.fromkeys(querylang.scoring_terms(querylang.parse(q)))
             if st.searcher.doc_frequency(*t)] or terms
    if any(f == "grams" for f, _ in terms):  # bigrams are read from the build's .gramkeys files
        assert all(st.docsets().gram_keys(leaf, t) is not None for leaf, _ in ranker.leaves for f, t in terms
                   if f == "grams")
    ours = ranker.top(terms, np.asarray(sorted(docset), dtype=np.int64), 10)
    whoosh_q = wq.Or([wq.Term(f, t) for f, t in terms])
    res = st.searcher.search(whoosh_q, filter=set(docset), limit=10)  # whoosh takes a set
    theirs = [(res.docnum(i), res.score(i)) for i in range(len(res.top_n))]
    assert [d for d, _ in ours] == [d for d, _ in theirs]
    assert [round(s, 4) for _, s in ours] == [round(s, 4) for _, s in theirs]


@pytest.mark.parametrize("sort", ["year", "year_asc", "applications", "litigation"])
def test_column_sorts_equal_a_python_sort_on_every_page(sample_index, sort):
    idx = SearchIndex(sample_index)
    everything = idx.search(Query.from_args({"sort": sort, "per_page": "100"}))
    pages = [h.file for p in (1, 2, 3)
             for h in idx.search(Query.from_args({"sort": sort, "per_page": "2", "page": str(p)})).hits]
    assert pages == [h.file for h in everything.hits]
    field = {"year": "year", "year_asc": "year", "applications": "applications_new",
             "litigation": "litigation_total"}[sort]
    descending = sort != "year_asc"

    def key(h):
        v = getattr(h, field)
        return (v is None, -(v or 0) if descending else (v or 0), h.file)

    assert [h.file for h in everything.hits] == [h.file for h in sorted(everything.hits, key=key)]


def test_numeric_range_leaves_out_deleted_reports(corpus_copy, tmp_path):
    ix = tmp_path / "ix"
    build_index(corpus_copy, ix, procs=1)
    idx = SearchIndex(ix)
    before = idx.search(Query.from_args({"applications_new_min": "0"})).total
    victim = next(h for h in idx.search(Query.from_args({"applications_new_min": "0"})).hits)
    (corpus_copy / victim.file).unlink()
    build_index(corpus_copy, ix, procs=1)
    after = idx.search(Query.from_args({"applications_new_min": "0"}))
    assert after.total == before - 1
    assert victim.file not in {h.file for h in after.hits}


def test_bigrams_of_a_phrase_are_its_overlapping_pairs():
    assert bigrams("政府信息") == ["政府", "府信", "信息"]


def test_fast_postings_of_word_and_bigram_fields_equal_whoosh_index():
    from whoosh.fields import TEXT

    from indexer.schema import WORD_SEP, Postings, field_postings, make_schema

    schema = make_schema()
    words = WORD_SEP.join(["政府", "信息", "公开", "", "政府", "微信公众号", "政府"])
    text = "政府信息公开政府信息公开微信公众号号"
    for name, value in (("words", words), ("grams", text)):
        field = schema[name]
        fast = field_postings(field, value, name)
        slow = list(TEXT.index(field, value))
        assert isinstance(fast, Postings)
        assert sorted(fast) == sorted(slow)
        assert fast.length == sum(f for _t, f, _w, _v in slow)


def test_sized_cache_keeps_recent_entries_within_budget_and_the_newest_alone():
    from indexer.engine.cache import SizedLRU

    cache: SizedLRU[list[int]] = SizedLRU(10, len)
    cache.put("a", [1] * 4)
    cache.put("b", [1] * 4)
    assert cache.get("a") is not None  # a is now the most recent
    cache.put("c", [1] * 4)  # 12 > 10: the least recent (b) goes
    assert cache.get("b") is None and cache.get("a") is not None and cache.size == 8
    first = cache.put("a", [2])
    assert first == [1] * 4  # an entry already there is kept
    cache.put("big", [1] * 50)
    assert len(cache) == 1 and cache.get("big") is not None


def test_keys_in_docs_keeps_exactly_the_keys_of_the_documents_asked_for():
    from indexer.engine.matching import keys_in_docs

    rng = np.random.default_rng(5)
    for _ in range(50):
        docs = np.sort(rng.integers(0, 40, 300))
        keys = np.unique((docs.astype(np.int64) << 32) | rng.integers(0, 1000, 300))
        want = sorted(set(rng.integers(0, 45, rng.integers(0, 12)).tolist()))
        expected = keys[np.isin(keys >> 32, want)]
        assert np.array_equal(keys_in_docs(keys, want), expected)
