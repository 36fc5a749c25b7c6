from indexer.engine.highlight import Snippet, find_spans, marks, match_needles, snippets
from indexer.engine.querylang import parse
from webui.render import marked_html


class FakeDoc:
    """A report's field filters and words field, as the index would answer for it."""

    def __init__(self, words=(), year=None):
        self.words, self.year = set(words), year

    def holds(self, node):  # the one field these tests filter on: year (a number field)
        return node.field == "year" and self.year is not None and node.low <= self.year <= node.high

    def has_words(self, words):
        return set(words) <= self.words


def test_find_spans_prefers_the_longest_needle_at_a_place():
    assert find_spans("微信公众号和公众号", ["公众号", "微信公众号"]) == [(0, 5), (6, 9)]


def test_highlight_marks_hits_in_the_original_text_with_numbered_anchors():
    text = "通过 微 信 公众号 与 <b>微信公众号</b>"
    spans = marks(text, ["微信公众号"])
    html = marked_html(text, spans, anchors=True)
    assert len(spans) == 2
    assert '<mark id="hit-1" class="hit">微 信 公众号</mark>' in html
    assert '&lt;b&gt;<mark id="hit-2" class="hit">微信公众号</mark>&lt;/b&gt;' in html


def test_snippets_escape_report_text_and_keep_only_our_marks():
    out = snippets("前文<script>x</script>微信公众号后文", ["微信公众号"])
    assert [s.html() for s in out] == ["前文&lt;script&gt;x&lt;/script&gt;<mark>微信公众号</mark>后文"]


def test_snippets_are_data_text_and_the_spans_to_mark():
    (snip,) = snippets("前文  微信公众号\n后文", ["微信公众号"])
    assert snip == Snippet("前文 微信公众号 后文", ((3, 8),))
    assert snip.to_json() == {"text": "前文 微信公众号 后文", "marks": [[3, 8]]}


def test_snippets_fall_back_to_the_opening_when_nothing_is_found():
    assert [s.text for s in snippets("一段没有命中的文字", ["微博"])] == ["一段没有命中的文字"]
    assert snippets("一段没有命中的文字", ["微博"])[0].marks == ()


def test_snippets_are_limited_in_number():
    text = ("微信" + "。" * 200) * 10
    assert len(snippets(text, ["微信"], max_snippets=3)) == 3


def test_snippets_prefer_passages_holding_most_distinct_terms():
    filler = "。" * 200
    text = f"微信{filler}微信{filler}微信{filler}微博和微信都有{filler}微博"
    out = snippets(text, ["微信", "微博"], max_snippets=1)
    assert len(out) == 1 and "微博和微信都有" in out[0].text
    assert [out[0].text[s:e] for s, e in out[0].marks] == ["微博", "微信"]


def test_word_found_as_typed_marks_the_word_not_its_pieces():
    text = "行政诉讼情况，行政许可，行政处罚"
    doc = FakeDoc(words={"行政", "诉讼", "行政诉讼", "许可", "处罚"})
    assert match_needles(parse("行政诉讼"), text, doc) == ["行政诉讼"]


def test_word_found_only_through_its_pieces_marks_the_pieces():
    text = "通过微信的公众平台发布，编号"
    doc = FakeDoc(words={"微信", "公众", "号", "平台"})
    assert match_needles(parse("微信公众号"), text, doc) == ["微信", "公众"]  # a lone 号 is not marked


def test_not_terms_field_filters_and_failed_branches_mark_nothing():
    text = "微信 微博 公开栏"
    doc = FakeDoc(year=2020)
    assert match_needles(parse("微信 -微博"), text, doc) == []  # NOT 微博 fails: no match at all
    assert match_needles(parse("微信 -抖音"), text, doc) == ["微信"]
    assert match_needles(parse("year:2020"), text, doc) == []
    assert match_needles(parse("year:2020 微信"), text, doc) == ["微信"]
    assert match_needles(parse("(微信 抖音) OR 公开栏"), text, doc) == ["公开栏"]
    assert match_needles(parse("year:2021 OR 微博"), text, doc) == ["微博"]


def test_a_query_the_report_does_not_match_marks_nothing():
    assert match_needles(parse("1 抖音"), "共1件，第1号", FakeDoc()) == []
    assert match_needles(parse('"1" OR 抖音'), "共1件", FakeDoc()) == ["1"]
