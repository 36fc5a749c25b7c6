"""Property-based tests of the query layer: any string either parses or raises :class:`QueryError`
with a message, and a search of the sample index for any query string returns a result or that
error, never anything else (hypothesis, derandomized)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.engine import querylang
from indexer.engine.errors import QueryError
from indexer.engine.query import FACETS, RANGES, Query, SearchIndex

PROPS = settings(max_examples=200, deadline=None, derandomize=True, database=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

# The syntax's own characters and words, so that generated strings hit the parser's paths often.
_PIECES = st.sampled_from([
    '"', "“", "”", "「", "」", "(", ")", "-", ":", ">", ">=", "<", "<=", "=", "[", "]", " TO ", " AND ",
    " OR ", " NOT ", "NOT ", " ", "year:", "town:", "litigation_total:", "status:", "has_litigation:",
    "file:", "nosuch:", "2020", "0", "-1", "99999999999999999999", "微信", "公众号", "刘楼镇", "a", "*",
    "\\", "\u3000", "\x00", "：", "（", "）",
])
QUERY_STRINGS = st.one_of(st.text(max_size=80), st.lists(_PIECES, max_size=25).map("".join))


def parses_or_explains(q: str):
    try:
        return querylang.parse(q)
    except QueryError as err:
        assert str(err).strip(), f"QueryError without a message for {q!r}"
        return None


@PROPS
@given(QUERY_STRINGS)
def test_any_string_parses_or_raises_query_error(q):
    parses_or_explains(q)


@PROPS
@given(QUERY_STRINGS)
def test_needles_and_scoring_of_any_parsed_query(q):
    node = parses_or_explains(q)
    querylang.needles(node)
    querylang.scoring_terms(node)


@pytest.fixture(scope="module")
def index(sample_index):
    with SearchIndex(sample_index) as ix:
        yield ix


@PROPS
@given(QUERY_STRINGS)
def test_searching_the_sample_index_for_any_string_returns_a_result_or_query_error(index, q):
    try:
        result = index.search(Query(q=q))
    except QueryError as err:
        assert str(err).strip()
        return
    assert 0 <= result.total <= 5
    assert len(result.hits) == min(result.total, 20)


_ARG_NAMES = st.sampled_from(["q", "sort", "page", "per_page", "expand", *FACETS,
                              *(f"{r}_{b}" for r in RANGES for b in ("min", "max")), "nosuch"])
_ARG_VALUES = st.one_of(st.text(max_size=12), st.integers(-10**12, 10**12).map(str),
                        st.sampled_from(["", " ", "1", "0", "yes", "no", "unknown", "relevance", "year"]))


@PROPS
@given(st.dictionaries(_ARG_NAMES, st.lists(_ARG_VALUES, min_size=1, max_size=3), max_size=6))
def test_any_url_arguments_give_a_query_or_query_error(index, args):
    try:
        query = Query.from_args(args)
    except QueryError as err:
        assert str(err).strip()
        return
    assert Query.from_args(dict(_grouped(query.to_args()))) == query  # the URL state round-trips
    try:
        index.search(query)
    except QueryError as err:
        assert str(err).strip()


def _grouped(pairs):
    out: dict[str, list[str]] = {}
    for k, v in pairs:
        out.setdefault(k, []).append(v)
    return out.items()


def test_a_toggled_query_equals_the_one_built_from_its_arguments():
    q = Query.from_args({"q": "微信", "year": ["2020"], "town": "某镇", "page": "3"})
    for name, value in (("year", "2021"), ("year", "2020"), ("town", "某镇"), ("province", "山东省")):
        t = q.toggled(name, value)
        args: dict[str, list[str]] = {}
        for k, v in t.to_args():
            args.setdefault(k, []).append(v)
        rebuilt = Query.from_args(args)
        assert t == rebuilt and hash(t) == hash(rebuilt) and t.to_args() == rebuilt.to_args()
        assert t.page == 1 and q.page == 3
