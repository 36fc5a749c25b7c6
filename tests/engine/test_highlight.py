from indexer.engine.highlight import find_spans, highlight_text, snippets


def test_find_spans_prefers_the_longest_needle_at_a_place():
    assert find_spans("微信公众号和公众号", ["公众号", "微信公众号"]) == [(0, 5), (6, 9)]


def test_highlight_marks_hits_in_the_original_text_with_numbered_anchors():
    html, n = highlight_text("通过 微 信 公众号 与 <b>微信公众号</b>", ["微信公众号"])
    assert n == 2
    assert '<mark id="hit-1" class="hit">微 信 公众号</mark>' in html
    assert '&lt;b&gt;<mark id="hit-2" class="hit">微信公众号</mark>&lt;/b&gt;' in html


def test_snippets_escape_report_text_and_keep_only_our_marks():
    out = snippets("前文<script>x</script>微信公众号后文", ["微信公众号"])
    assert out == ["前文&lt;script&gt;x&lt;/script&gt;<mark>微信公众号</mark>后文"]


def test_snippets_fall_back_to_the_opening_when_nothing_is_found():
    assert snippets("一段没有命中的文字", ["微博"]) == ["一段没有命中的文字"]


def test_snippets_are_limited_in_number():
    text = ("微信" + "。" * 200) * 10
    assert len(snippets(text, ["微信"], max_snippets=3)) == 3
