import itertools

from indexer.extract.normalise import nfkc
from indexer.extract.parts import split_parts


def test_all_six_parts_found_in_each_complete_sample(corpus_dir):
    for name in ("000_dcf4e469761e050f.txt", "001_dba21300d4162f8d.txt", "002_ef34a76a822e6c07.txt",
                 "004_a536c6293abab9c6.txt"):
        text = nfkc((corpus_dir / name).read_text(encoding="utf-8")).text
        assert [p.number for p in split_parts(text)] == [1, 2, 3, 4, 5, 6], name


def test_missing_part_heading_is_left_out_not_invented(corpus_dir):
    text = nfkc((corpus_dir / "003_89d79d270a8f58c8.txt").read_text(encoding="utf-8")).text
    assert [p.number for p in split_parts(text)] == [1, 2, 3, 5, 6]


def test_markdown_and_bold_headings_are_recognised():
    text = ("# 标题\n## 一、总体情况\n正文\n<b>二、主动公开政府信息情况</b>\n表\n"
            "**三、收到和处理政府信息公开申请情况**\n")
    assert [p.number for p in split_parts(text)] == [1, 2, 3]


def test_subheading_reusing_part_words_is_not_a_part():
    text = ("一、总体情况\n（六）因政府信息公开申请提起行政复议、行政诉讼的情况\n正文\n"
            "二、主动公开政府信息情况\n四、政府信息公开行政复议、行政诉讼情况\n")
    parts = split_parts(text)
    four = [p for p in parts if p.number == 4]
    assert len(four) == 1 and four[0].heading.startswith("四、")


def test_part_spans_are_contiguous_and_ordered():
    text = "一、总体情况\na\n二、主动公开政府信息情况\nb\n五、存在的主要问题及改进情况\nc\n"
    parts = split_parts(text)
    assert [p.number for p in parts] == [1, 2, 5]
    for a, b in itertools.pairwise(parts):
        assert a.end == b.start
    assert parts[-1].end == len(text)
