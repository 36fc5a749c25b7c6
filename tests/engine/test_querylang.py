import pytest

from indexer.engine.errors import QueryError
from indexer.engine.querylang import (
    And,
    FieldRange,
    FieldTerm,
    Not,
    Or,
    Phrase,
    Word,
    needles,
    parse,
    scoring_terms,
)


def test_words_are_anded_by_default():
    assert parse("微信 公开栏") == And((Word("微信"), Word("公开栏")))


def test_or_binds_looser_than_and():
    assert parse("a b OR c") == Or((And((Word("a"), Word("b"))), Word("c")))


def test_quoted_phrase_and_chinese_quotes():
    assert parse('"政务 新媒体"') == Phrase("政务 新媒体")
    assert parse("“政务新媒体”") == Phrase("政务新媒体")


def test_not_and_minus_negate():
    assert parse("微信 -微博") == And((Word("微信"), Not(Word("微博"))))
    assert parse("微信 NOT 微博") == And((Word("微信"), Not(Word("微博"))))


def test_field_filters_and_numeric_comparisons():
    assert parse("town:刘楼镇") == FieldTerm("town", "刘楼镇")
    assert parse("litigation_total:>=1") == FieldRange("litigation_total", 1, None)
    assert parse("litigation_total:>1") == FieldRange("litigation_total", 2, None)
    assert parse("applications_new:[3 TO 10]") == FieldRange("applications_new", 3, 10)
    assert parse("year:2020") == FieldRange("year", 2020, 2020)
    assert parse("has_litigation:1") == FieldTerm("has_litigation", "yes")


def test_unknown_field_prefix_is_just_a_word():
    assert parse("电话:0537") == Word("电话:0537")


@pytest.mark.parametrize("bad", ['"微信', "AND", "微信 AND", "OR 微博", "(微信", "微信)", "NOT", "()",
                                 "year:abc", "litigation_total:>=x", "applications_new:[1 TO"])
def test_malformed_queries_raise_a_readable_query_error(bad):
    with pytest.raises(QueryError) as err:
        parse(bad)
    assert str(err.value)


def test_empty_query_means_everything():
    assert parse("   ") is None
    assert scoring_terms(None) == []


def test_phrase_is_ranked_by_its_bigrams():
    assert scoring_terms(parse('"微信公众号"')) == [("grams", g) for g in ["微信", "信公", "公众", "众号"]]


def test_negated_and_field_clauses_do_not_rank():
    assert scoring_terms(parse("-微博 year:2020")) == []


def test_needles_are_positive_terms_longest_first():
    assert needles(parse('"微信公众号" -微博')) == ["微信公众号"]
    assert needles(parse("政务公开"))[0] == "政务公开"


def test_nesting_deeper_than_the_limit_is_a_query_error_not_a_recursion_error():
    from indexer.engine.querylang import MAX_DEPTH

    assert parse("(" * MAX_DEPTH + "微信" + ")" * MAX_DEPTH) == Word("微信")
    assert parse("-" * MAX_DEPTH + "微信") is not None
    for q in ("(" * (MAX_DEPTH + 1) + "微信" + ")" * (MAX_DEPTH + 1), "(" * 260 + "x" + ")" * 260,
              "-" * 500 + "微信", "NOT " * (MAX_DEPTH + 1) + "微信", "-(" * 20 + "x" + ")" * 20):
        with pytest.raises(QueryError, match="嵌套过深"):
            parse(q)


def test_a_query_longer_than_the_limit_is_a_query_error():
    from indexer.engine.querylang import MAX_QUERY_CHARS

    assert parse("微" * MAX_QUERY_CHARS) is not None
    with pytest.raises(QueryError, match=f"最多 {MAX_QUERY_CHARS} 个字符"):
        parse("微" * (MAX_QUERY_CHARS + 1))
