"""The searches behind the interface: every matched report's facts, the overview of a result set,
place hierarchy paths, values of one facet ORed and still counted, places typed without suffix."""

from __future__ import annotations

import pytest

from indexer.engine.query import Query
from indexer.engine.search import SearchIndex


@pytest.fixture(scope="module")
def index(sample_index):
    with SearchIndex(sample_index) as ix:
        yield ix


def test_iter_facts_gives_every_report_of_every_page_in_result_order(index):
    query = Query.of(per_page=2, sort="year")
    rows = list(index.iter_facts(query))
    assert len(rows) == 5  # not the first page's two
    years = [f["year"] for _i, _f, _t, f in rows]
    assert years == sorted(years, reverse=True)
    assert all(isinstance(facts.get("applications"), dict) for *_rest, facts in rows)


def test_overview_sums_the_whole_result_set_and_rates_only_verified_reports(index):
    ov = index.overview(Query.of(per_page=1))
    assert ov["reports"] == 5
    assert ov["sums"]["litigation_total"] == 4 and ov["sums"]["applications_new"] == 3
    assert ov["verified"] + ov["left_out"] == 5
    lit = ov["rates"]["litigation_corrected"]
    assert lit["denominator"] == 4 and lit["numerator"] == 0 and lit["rate"] == 0
    assert set(ov["by_year"]) == {2019, 2020, 2021}
    assert sum(v["reports"] for v in ov["by_year"].values()) == 5
    assert ov["top_litigation"][0][0].endswith("李楼镇人民政府")


def test_a_place_path_filters_each_level(index):
    assert index.search(Query.of(place="山东省")).total == 4
    assert index.search(Query.of(place="山东省/济宁市")).total == 2
    assert index.search(Query.of(place="山东省/济宁市/汶上县")).total == 1
    assert Query.of(place="山东省/济宁市").to_args() == [("place", "山东省/济宁市")]


def test_values_of_a_selected_facet_stay_listed_with_their_counts(index):
    result = index.search(Query.of(year="2020"))
    assert result.total == 2
    counts = {v.value: (v.count, v.selected) for v in result.facets["year"]}
    assert counts == {"2019": (2, False), "2020": (2, True), "2021": (1, False)}
    assert index.search(Query.of(year=["2020", "2021"])).total == 3


def test_places_typed_without_their_suffix_are_read_as_the_indexed_place(index):
    query, notes, ambiguous = index.forgiving(Query(q="town:刘楼 province:山东"))
    assert ambiguous == []
    assert query.q == "town:刘楼镇 province:山东省"
    assert ("town", "刘楼", "刘楼镇") in notes and ("province", "山东", "山东省") in notes
    assert index.search(query).total == 1
    assert index.unknown_fields("foo:bar town:刘楼 year:2020") == ["foo"]


def test_numeric_facets_filter_carried_over_and_granted_share(index):
    assert index.search(Query.of(applications_carried_over_min=0)).total == 5
    assert index.search(Query.of(granted_share_min=100)).total == 1  # 李楼镇: 3 of 3 granted


def test_body_reports_and_suggestions_come_from_the_index(index):
    rid, _file, _title, facts = next(index.iter_facts(Query(q="town:李楼镇")))
    reports = index.body_reports(facts["body_id"])
    assert [r[0] for r in reports] == [rid]
    assert ("town", "刘楼镇") in index.suggest("刘楼")
    assert any(f == "body" for f, _v in index.suggest("人民政府"))


def test_a_word_query_ranks_the_reports_where_its_words_stand_together_first(index):
    words = index.search(Query(q="微信公众号"))
    phrase = index.search(Query(q='"微信公众号"'))
    assert words.total == 4 and phrase.total == 3  # one report says only 微信公众平台
    assert {h.id for h in words.hits[:3]} == {h.id for h in phrase.hits}
    assert all(h.hit_count >= 1 for h in words.hits)


def test_a_place_prefix_that_begins_several_places_is_not_guessed_and_names_them():
    from indexer.engine.search import forgive_places

    known = {"town": {"刘楼镇", "刘集镇", "李楼镇"}, "province": {"山东省"}}
    got = forgive_places(Query(q="town:刘 province:山东"), known)
    assert got.query.q == "town:刘 province:山东省"
    assert got.matched == [("province", "山东", "山东省")]
    assert got.ambiguous == [("town", "刘", ["刘楼镇", "刘集镇"])]
    only = forgive_places(Query(q="town:李"), known)
    assert only.query.q == "town:李楼镇" and only.ambiguous == []
    # the typed value is replaced as a whole field value, not inside another one
    assert forgive_places(Query(q="town:李 李"), known).query.q == "town:李楼镇 李"
