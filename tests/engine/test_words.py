"""Word cutting (indexer/engine/words.py): rjieba and jieba give the same words, so an index is the
same whichever cutter built it; and where today's cut differs from jieba over the whole text."""

from __future__ import annotations

import difflib
import re
import sys
from functools import cache
from pathlib import Path

import pytest

from indexer.engine.words import cut_words, reference_words
from indexer.extract.normalise import search_string
from indexer.extract.read import read_source, source_from_bytes

ROOT = Path(__file__).resolve().parents[2]
HAN = re.compile(r"[\u4e00-\u9fd5]+")


@cache
def texts() -> list[str]:
    """The normalised texts of the five samples and of 60 generated reports (every layout)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from make_corpus import generate

    out = [search_string(read_source(p).text) for p in sorted((ROOT / "corpus").iterdir()) if p.is_file()]
    out += [search_string(source_from_bytes(data, Path(name).suffix).text)
            for name, data, _g in generate(60, 11)]
    return out


def test_rjieba_and_jieba_cut_every_sample_and_generated_report_into_the_same_words():
    pytest.importorskip("rjieba")
    assert len(texts()) == 65
    for text in texts():
        assert cut_words(text, "rjieba") == cut_words(text, "jieba")


def test_words_outside_chinese_runs_follow_one_rule_of_ours():
    words = cut_words("2020年 3.5% WWW.Abc.gov.cn 0551-1234567，二〇二〇年①", "jieba")
    assert words == ["2020", "年", "3.5%", "www", "abc", "gov", "cn", "0551", "1234567",
                     "二", "〇", "二", "〇", "年", "①"]
    assert cut_words("微信公众号", "jieba") == ["微信", "公众", "号"]


def test_unknown_cutter_is_refused():
    with pytest.raises(ValueError, match="unknown word cutter"):
        cut_words("微信", "hanlp")


def test_cut_differs_from_whole_text_jieba_only_by_splitting_a_few_chinese_words_after_digits():
    """jieba over the whole text (how nianbao cut before) lets a digit or letter before a Chinese run
    change how that run splits (``1.本机`` → 本机 against 本 / 机):
    the same characters, split otherwise; every word outside Chinese runs is the same."""
    boundary = "(四)无法提供\t1.本机\t0"  # a table label wrapped by pdftotext (3 of 2,000 generated)
    assert reference_words(boundary)[3:] == ["1", "本机", "0"]
    assert cut_words(boundary, "jieba")[3:] == ["1", "本", "机", "0"]
    differing = 0
    for text in [*texts(), boundary]:
        new, ref = cut_words(text, "jieba"), reference_words(text)
        assert [w for w in new if not HAN.fullmatch(w)] == [w for w in ref if not HAN.fullmatch(w)]
        new_han, ref_han = [w for w in new if HAN.fullmatch(w)], [w for w in ref if HAN.fullmatch(w)]
        ops = [op for op in difflib.SequenceMatcher(None, ref_han, new_han, autojunk=False).get_opcodes()
               if op[0] != "equal"]
        differing += bool(ops)
        for tag, i1, i2, j1, j2 in ops:
            assert tag == "replace" and "".join(ref_han[i1:i2]) == "".join(new_han[j1:j2])
            assert re.search(r"[a-z0-9.%]" + re.escape("".join(ref_han[i1:i2])), text.lower())
    assert 1 <= differing <= len(texts()) // 10
