"""The query core over the sample index: exact phrases, facets, filters, sorting, errors."""

from __future__ import annotations

import itertools
import random
from collections import Counter

import numpy as np
import pytest

from indexer.engine.document import from_stored
from indexer.engine.errors import QueryError
from indexer.engine.query import Query
from indexer.engine.search import SearchIndex
from indexer.extract.normalise import search_text
from webui import urls


@pytest.fixture(scope="module")
def index(sample_index) -> SearchIndex:
    return SearchIndex(sample_index)


@pytest.fixture(scope="module")
def texts(index) -> dict[str, str]:
    """Report id → normalised text, read back from the index (what the scan compares with)."""
    searcher = index._current().searcher
    return {f["id"]: search_text(from_stored(f).text).text
            for f in searcher.all_stored_fields()}


def _ids(index: SearchIndex, **args) -> set[str]:
    result = index.search(Query.from_args({"per_page": "100", **args}))
    assert result.total == len(result.hits)
    return {h.id for h in result.hits}


def _scan(texts: dict[str, str], phrase: str) -> set[str]:
    needle = search_text(phrase).text
    return {rid for rid, text in texts.items() if needle in text}


NAMED_PHRASES = ["微信公众号", "公众号", "政务新媒体", "行政诉讼", "信息公开", "结果维持", "本年度办理结果",
                 "政府网站", "微信", "号", "镇", "2020", "0537", "依申请公开", "公开栏", "三安全一稳定",
                 "新闻发布会", "不存在的短语"]


@pytest.mark.parametrize("phrase", NAMED_PHRASES)
def test_exact_phrase_hits_equal_substring_scan(index, texts, phrase):
    assert _ids(index, q=f'"{phrase}"') == _scan(texts, phrase)


def test_exact_phrase_equals_scan_for_400_random_substrings(index, texts):
    rnd = random.Random(20261126)
    bodies = list(texts.values())
    checked = 0
    while checked < 400:
        text = rnd.choice(bodies)
        n = rnd.randint(2, 8)
        start = rnd.randrange(0, len(text) - n)
        phrase = text[start:start + n]
        if '"' in phrase or not phrase.strip() or phrase != phrase.strip():
            continue
        assert _ids(index, q=f'"{phrase}"') == _scan(texts, phrase), phrase
        checked += 1


def test_weixin_gongzhonghao_phrase_returns_three_reports_with_marked_snippets(index):
    result = index.search(Query.from_args({"q": '"微信公众号"'}))
    assert result.total == 3
    for hit in result.hits:
        assert any("<mark>微信公众号</mark>" in s.html() for s in hit.snippets)
        assert urls.hit_url(hit, result.query).endswith("#hit-1")


def test_has_litigation_returns_only_the_report_with_litigation(index):
    result = index.search(Query.from_args({"has_litigation": "1"}))
    assert [h.town for h in result.hits] == ["李楼镇"]
    assert result.hits[0].litigation_total == 4


def test_year_facet_counts_the_sample_corpus(index):
    result = index.search(Query())
    assert {v.value: v.count for v in result.facets["year"]} == {"2019": 2, "2020": 2, "2021": 1}
    assert result.total == 5


def test_facets_count_the_current_result_set(index):
    result = index.search(Query.from_args({"q": '"微信公众号"'}))
    years = {v.value: v.count for v in result.facets["year"]}
    assert sum(years.values()) == 3


def test_selected_facet_value_is_marked_and_its_url_removes_it(index):
    query = Query.from_args({"year": "2020"})
    result = index.search(query)
    assert result.total == 2
    sel = [v for v in result.facets["year"] if v.selected]
    assert [v.value for v in sel] == ["2020"] and urls.search_url(sel[0].toggle) == "/"


def test_two_values_of_one_facet_are_ored(index):
    assert len(_ids(index, year=["2019", "2021"])) == 3


def test_numeric_range_filters(index):
    assert len(_ids(index, applications_new_min="1")) == 1
    assert len(_ids(index, litigation_total_min="0", litigation_total_max="0")) == 4
    assert len(_ids(index, q="litigation_total:>=1")) == 1


def test_field_filter_in_query_text(index):
    assert len(_ids(index, q="year:2019")) == 2
    assert len(_ids(index, q="province:山东省")) == 4


def test_not_excludes(index, texts):
    assert _ids(index, q='-"微信公众号"') == set(texts) - _scan(texts, "微信公众号")


def test_or_unions(index, texts):
    assert _ids(index, q='"微信公众号" OR "洛龙区"') == _scan(texts, "微信公众号") | _scan(texts, "洛龙区")


def test_sort_by_year_orders_hits(index):
    years = [h.year for h in index.search(Query.from_args({"sort": "year"})).hits]
    assert years == sorted(years, reverse=True)
    years = [h.year for h in index.search(Query.from_args({"sort": "year_asc"})).hits]
    assert years == sorted(years)


def test_sort_by_litigation_puts_litigation_first(index):
    assert index.search(Query.from_args({"sort": "litigation"})).hits[0].litigation_total == 4


def test_pagination_splits_the_result_list(index):
    first = index.search(Query.from_args({"per_page": "2", "page": "1"}))
    second = index.search(Query.from_args({"per_page": "2", "page": "2"}))
    third = index.search(Query.from_args({"per_page": "2", "page": "3"}))
    ids = [h.id for r in (first, second, third) for h in r.hits]
    assert len(ids) == 5 == len(set(ids)) and first.pages == 3


@pytest.mark.parametrize("args", [{"sort": "year"}, {"q": "微信公众号 OR year:2020"}, {"q": "政府"}])
def test_every_page_of_a_result_gives_each_matched_report_once_in_the_exports_order(index, args):
    # a relevance ranking that reaches only some of the matched reports continues in column order
    total = index.search(Query.from_args(args)).total
    paged = [h.id for page in range(1, total + 1)
             for h in index.search(Query.from_args({**args, "per_page": "1", "page": str(page)})).hits]
    assert paged == [row[0] for row in index.iter_facts(Query.from_args(args))] and len(set(paged)) == total


def test_facet_counts_of_any_set_of_reports_are_the_counts_of_its_reports(index):
    # a set of more than half the index is counted as the whole less what it leaves out
    columns = index._current().columns()
    for size in range(columns.size + 1):
        for docs in itertools.combinations(range(columns.size), size):
            got = columns.counts(np.array(docs, dtype=np.int64))
            for name in columns.listed:
                labels, codes = columns.labels[name], columns.codes[name]
                want = Counter(labels[codes[d]] for d in docs if codes[d])
                assert dict(got[name]) == dict(want), (name, docs)


@pytest.mark.parametrize("q", ['"微信', "AND", "微信 OR", "(微信"])
def test_malformed_query_raises_query_error(index, q):
    with pytest.raises(QueryError):
        index.search(Query.from_args({"q": q}))


def test_bad_arguments_raise_query_error():
    for args in ({"page": "0"}, {"per_page": "x"}, {"sort": "nope"}, {"has_litigation": "maybe"},
                 {"applications_new_min": "5", "applications_new_max": "1"}):
        with pytest.raises(QueryError):
            Query.from_args(args)


def test_query_round_trips_through_url_arguments():
    from urllib.parse import parse_qs, urlsplit

    q = Query.from_args({"q": '"微信" -微博', "year": ["2020", "2019"], "has_litigation": "1",
                         "litigation_total_min": "1", "sort": "year", "page": "2"})
    again = Query.from_args(parse_qs(urlsplit(urls.search_url(q)).query))
    assert again == q


def test_report_view_marks_every_hit_in_the_original_text(index):
    rid = next(iter(_ids(index, q='"微信公众号"')))
    view = index.report(rid, '"微信公众号"')
    assert view.hit_count >= 1
    assert view.marks and all(view.text[s:e] == "微信公众号" for s, e in view.marks)
    assert view.text.count("微信公众号") == view.hit_count == len(view.marks)


def test_unknown_report_id_is_none(index):
    assert index.report("0" * 16) is None
    assert index.raw("0" * 16) is None


def test_raw_returns_the_original_bytes(index, corpus_dir):
    rid = next(iter(_ids(index, q="year:2021")))
    data, name = index.raw(rid)
    assert data == (corpus_dir / name).read_bytes()


def test_sorts_break_ties_by_file_name(index):
    hits = index.search(Query.from_args({"sort": "litigation", "per_page": "10"})).hits
    tied = [h.file for h in hits if h.litigation_total == 0]
    assert tied == sorted(tied) and len(tied) == 4


def test_concurrent_searches_give_the_same_answers_as_one_at_a_time(sample_index):
    from concurrent.futures import ThreadPoolExecutor

    queries = ['"微信公众号"', "行政复议", '"政府信息公开"', "公开 -微博", "镇", '"依申请公开"', "year:2020",
               "政务公开 OR 微信"]
    with SearchIndex(sample_index) as one:
        expected = {q: [(h.id, h.score) for h in one.search(Query.from_args({"q": q})).hits] for q in queries}
    for _round in range(3):
        with SearchIndex(sample_index) as shared, ThreadPoolExecutor(8) as pool:  # nothing cached yet
            results = list(pool.map(lambda q, idx=shared: (q, [(h.id, h.score) for h in
                                                               idx.search(Query.from_args({"q": q})).hits]),
                                    queries * 6))
        for q, got in results:
            assert got == expected[q], q


def test_a_hit_lists_the_same_facts_from_its_small_record_as_from_the_whole_record(sample_index):
    import json

    from indexer.engine.document import HIT_FACTS, hit_facts, stored_hit

    with SearchIndex(sample_index) as idx:
        searcher = idx._current().searcher
        for stored in searcher.all_stored_fields():
            facts = json.loads(stored["facts"])
            record = stored_hit(stored)
            assert len(stored["hit"]) * 4 < len(stored["facts"])
            assert {k: record[k] for k in HIT_FACTS} == hit_facts(facts)
            for key in ("source_url", "body_id"):
                assert record[key] == facts.get(key)
            without = {k: v for k, v in stored.items() if k != "hit"}  # an index document of schema 10
            assert stored_hit(without) == record
