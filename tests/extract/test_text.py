"""The shared text rules: one Chinese-character rule, one markup stripper, one fold per report."""

from __future__ import annotations

import re

from indexer.extract.normalise import nfkc_string, search_string, search_string_of_nfkc, search_text
from indexer.extract.parts import split_parts
from indexer.extract.read import read_source
from indexer.extract.report import extract, extract_facts
from indexer.extract.tables.template import norm_label
from indexer.extract.text import CJK, cjk_of, is_cjk, strip_line_markup, strip_markup, strip_tags

HAN_SAMPLES = "〇一龥㐀㵲豈𠀀𪚥𰀀"  # 〇, unified, Extension A, compatibility, Extensions B and G
NOT_HAN = "a1 ,，。（）、\t\n·〆ぁア한"


def test_is_cjk_the_regex_class_and_cjk_of_agree_on_every_character():
    for ch in HAN_SAMPLES:
        assert is_cjk(ch) and CJK.fullmatch(ch), hex(ord(ch))
    for ch in NOT_HAN:
        assert not is_cjk(ch) and not CJK.fullmatch(ch), hex(ord(ch))
    mixed = "3. 属\t于 ㈠ 𠀀<b>国家</b>秘密"
    assert cjk_of(mixed) == "".join(ch for ch in mixed if is_cjk(ch)) == "属于𠀀国家秘密"


def test_label_stream_and_search_text_use_the_same_characters():
    text = "结 果\t维持 𠀀 㵲 a b 〇 〇"
    assert norm_label(text) == cjk_of(text)
    assert search_text(text).text == "结果维持𠀀㵲 a b 〇〇"


def test_whitespace_rule_drops_whole_runs_between_chinese_characters_only():
    text = "一 \n 二  3 三\t四 a 五\n"
    kept = list(text)
    for m in re.finditer(r"\s+", text):  # the rule as the reference: a whole run, Chinese either side
        if m.start() > 0 and m.end() < len(text) and is_cjk(text[m.start() - 1]) and is_cjk(text[m.end()]):
            kept[m.start() : m.end()] = [""] * (m.end() - m.start())
    assert search_string(text) == "".join(kept) == "一二  3 三四 a 五\n"


def test_strip_tags_keeps_lone_angle_brackets():
    assert strip_tags("<p class=x>a<3 b</p>") == "a<3 b"


def test_one_markup_stripper_serves_the_table_reader_and_the_part_headings():
    assert strip_line_markup("## **一、总体情况**") == "一、总体情况"
    assert strip_line_markup("#<b>三、收到和处理申请情况</b>") == "三、收到和处理申请情况"
    marked = "<tr><td>一</td><td>2</td></tr>\n| a | b |\n|---|---|\n### 标题"
    assert strip_markup(marked) == "\n一\t2\n\na\tb\n\n标题"
    parts = split_parts("## 一、总体情况\n正文\n**二、主动公开政府信息情况**\n正文\n")
    assert [(p.number, p.heading) for p in parts] == [(1, "一、总体情况"), (2, "二、主动公开政府信息情况")]


def test_extraction_folds_once_and_hands_the_build_its_search_text(corpus_dir):
    for path in sorted(corpus_dir.glob("*.txt")):
        text = read_source(path).text
        facts, search = extract(text, path.name)
        assert search == search_string(text) == search_string_of_nfkc(nfkc_string(text))
        assert facts == extract_facts(text, path.name)


def test_nfkc_string_of_folded_text_is_itself():
    folded = nfkc_string("１２３，（一）ＡＢ　㈠")
    assert folded == "123,(一)AB (一)" and nfkc_string(folded) == folded
