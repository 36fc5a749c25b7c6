"""The facet registry: one declaration per facet, read by the schema, the document mapping, the
query language, URL parsing, counting and the API; and the schema's classes stay importable."""

from __future__ import annotations

import pickle
import pickletools
from collections import Counter

import pytest

from indexer.engine import facets, querylang
from indexer.engine.build import build_index
from indexer.engine.errors import QueryError
from indexer.engine.facets import NumberFacet, ValueFacet, fact, subfact
from indexer.engine.query import Query
from indexer.engine.search import SearchIndex


@pytest.fixture(scope="module")
def index(sample_index) -> SearchIndex:
    return SearchIndex(sample_index)


@pytest.mark.parametrize("spelling", ["y", "1", "yes", "TRUE", "是", "n", "0", "No", "否", "unknown"])
def test_yes_no_reads_the_same_in_query_text_and_in_the_url(index, spelling):
    by_text = index.search(Query.from_args({"q": f"has_litigation:{spelling}", "per_page": "100"}))
    by_url = index.search(Query.from_args({"has_litigation": spelling, "per_page": "100"}))
    assert {h.id for h in by_text.hits} == {h.id for h in by_url.hits}
    assert by_text.total == by_url.total


def test_yes_spellings_find_the_report_with_litigation(index):
    assert [h.town for h in index.search(Query.from_args({"q": "has_litigation:y"})).hits] == ["李楼镇"]


def test_a_bad_yes_no_value_is_the_same_error_in_query_text_and_in_the_url():
    with pytest.raises(QueryError) as in_text:
        querylang.parse("has_litigation:maybe")
    with pytest.raises(QueryError) as in_url:
        Query.from_args({"has_litigation": "maybe"})
    assert str(in_text.value) == str(in_url.value) == "has_litigation 取值为 1（是）、0（否）或 unknown"


def test_the_default_registry_lists_the_facets_in_display_order():
    assert facets.DEFAULT.listed == ("year", "province", "city", "county", "town", "status", "format",
                                     "has_applications", "has_reconsideration", "has_litigation",
                                     "cross_year", "reuse", "reuse_kind")
    assert facets.DEFAULT.ranged == ("applications_new", "reconsideration_total", "litigation_total",
                                     "applications_carried_over", "granted_share", "reuse_share")
    assert facets.DEFAULT.corpus == ("cross_year", "reuse", "reuse_kind", "reuse_share")


def test_a_facet_name_declared_twice_is_refused():
    with pytest.raises(ValueError):
        facets.DEFAULT.with_facet(ValueFacet("town", fact("town")))


# A registry with two more facets: a listed value (the file's encoding) and a ranged number.
EXTRA = facets.DEFAULT.with_facet(ValueFacet("encoding", fact("encoding"))).with_facet(
    NumberFacet("applications_granted", subfact("applications", "granted"), ranged=True))


@pytest.fixture(scope="module")
def extra_index(tmp_path_factory, corpus_dir):
    ix = tmp_path_factory.mktemp("extra")
    with facets.using(EXTRA):
        build_index(corpus_dir, ix, procs=1)
        index = SearchIndex(ix)  # searches with the registry it was opened with
    with index:
        yield index


def test_an_added_facet_is_stored_counted_filtered_and_listed(extra_index, gold):
    everything = extra_index.search(Query())
    assert list(everything.facets)[-1] == "encoding"
    with facets.using(EXTRA):  # for Query.from_args, which reads the registry in force
        assert {v.value: v.count for v in everything.facets["encoding"]} == {"utf-8": 5}
        stored = extra_index._current().searcher.stored_fields(0)
        assert stored["encoding"] == "utf-8" and isinstance(stored["applications_granted"], int)

        assert extra_index.search(Query.from_args({"encoding": "utf-8"})).total == 5
        assert extra_index.search(Query.from_args({"q": "encoding:gb18030"})).total == 0
        granted = sorted(g["applications"]["granted"] for g in gold)
        at_least_one = sum(1 for n in granted if n >= 1)
        assert extra_index.search(Query.from_args({"applications_granted_min": "1"})).total == at_least_one
        assert extra_index.search(Query.from_args({"q": "applications_granted:>=1"})).total == at_least_one


def test_an_added_facet_appears_in_the_api_and_the_search_page(extra_index):
    from webui import create_app

    app = create_app({"INDEX_DIR": str(extra_index.index_dir), "TESTING": True})
    with facets.using(EXTRA):
        client = app.test_client()
        body = client.get("/api/search?encoding=utf-8").get_json()
        assert body["total"] == 5
        assert body["facets"]["encoding"] == [{"value": "utf-8", "count": 5, "selected": True,
                                               "toggle_url": "/api/search", "label": "utf-8"}]
        page = client.get("/?applications_granted_min=1").get_data(as_text=True)
        assert 'data-facet="encoding"' in page and 'name="applications_granted_min"' in page


def test_a_built_index_pickles_its_schema_classes_from_indexer_schema(sample_index, monkeypatch):
    """whoosh unpickles the schema by import path: every class of ours must still be at
    ``indexer.schema`` (an index built before a move would not open otherwise)."""
    import whoosh.index

    seen: list[bytes] = []

    class Recorder:
        def __getattr__(self, name):
            return getattr(pickle, name)

        @staticmethod
        def loads(data, *args, **kwargs):
            seen.append(data)
            return pickle.loads(data, *args, **kwargs)

    monkeypatch.setattr(whoosh.index, "pickle", Recorder())
    SearchIndex(sample_index).close()
    assert seen, "the schema was not read"
    modules: set[tuple[str, str]] = set()
    for data in seen:
        for op, arg, _pos in pickletools.genops(data):
            if op.name == "GLOBAL":
                module, name = arg.split(" ", 1)
                modules.add((module, name))
    ours = {(m, n) for m, n in modules if not m.startswith(("whoosh.", "builtins", "copyreg", "__builtin__"))}
    assert ours and {m for m, _n in ours} == {"indexer.schema"}, ours


def test_code_counts_read_as_the_counter_they_replace_and_pick_the_same_top_values():
    import random

    import numpy as np

    from indexer.engine.facets import CodeCounts

    rng = random.Random(4)
    for _trial in range(200):
        n = rng.randint(1, 60)
        labels = [""] + [f"镇{rng.randint(0, 99):02d}{i}" for i in range(n)]
        per_code = np.asarray([rng.choice([0, 0, 1, 2, 3, rng.randint(0, 50)]) for _ in labels],
                              dtype=np.int64)
        counts = CodeCounts(labels, per_code, {v: i for i, v in enumerate(labels) if i})
        expected = Counter({labels[i]: int(per_code[i]) for i in range(1, len(labels)) if per_code[i]})
        assert dict(counts) == dict(expected) and len(counts) == len(expected)
        assert list(counts.items()) == list(expected.items())  # code order, as the Counter was built
        assert counts.get("不存在", 0) == 0 and counts.get(labels[0], 0) == 0
        for limit in (1, 3, 10, 30, 100):
            by_count = sorted(expected.items(), key=lambda kv: (-kv[1], kv[0]))
            assert counts.most_frequent(limit) == by_count[:limit]
