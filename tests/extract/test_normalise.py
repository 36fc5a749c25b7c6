from indexer.extract.normalise import nfkc, normalise_query_phrase, search_text


def test_search_text_removes_whitespace_between_chinese_characters_only():
    n = search_text("结 果 维 持\n本年新\n公开数量 2020 年 abc def")
    assert n.text == "结果维持本年新公开数量 2020 年 abc def"


def test_nfkc_folds_fullwidth_digits_and_punctuation():
    assert nfkc("１２３，（一）ＡＢ").text == "123,(一)AB"


def test_offsets_map_every_normalised_character_back_to_the_original():
    original = "政　府 信 息，１２\n公开"
    n = search_text(original)
    for i, ch in enumerate(n.text):
        src = original[n.offsets[i]]
        assert nfkc(src).text.strip() == ch or src.isspace()
    assert n.offsets[len(n.text)] == len(original)


def test_span_to_original_covers_the_written_form_of_a_hit():
    original = "通过 微 信 公众号公开"
    n = search_text(original)
    s = n.text.index("微信公众号")
    a, b = n.span_to_original(s, s + 5)
    assert original[a:b] == "微 信 公众号"


def test_query_phrase_is_normalised_like_the_text():
    assert normalise_query_phrase(" 微 信\u3000公众号 ") == "微信公众号"
