"""Text saved by poppler's ``pdftotext -layout`` from a real PDF: headers a character a line, zero
cells left blank, justified lines spread apart, addresses and titles broken over lines.

Fixtures (tests/data/formats/*.blank.pdftotext.txt): reports 7, 19 and 99 of ``draw_report(i, 1,
("tabs",))`` written as .docx with their zero cells left empty (``office.render_docx(blocks,
blank_zeros=True)``), exported to PDF by LibreOffice and saved by ``pdftotext -layout``
(``office.pdftotext_layout``). The slow test renders more reports the same way in the test run.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from accuracy import cells_wrong, flat_fields  # noqa: E402
from corpusgen import office  # noqa: E402
from corpusgen.corpus import draw_report  # noqa: E402

from indexer.extract.meta import read_meta  # noqa: E402
from indexer.extract.normalise import nfkc  # noqa: E402
from indexer.extract.prose import read_prose  # noqa: E402
from indexer.extract.report import extract_facts  # noqa: E402
from indexer.extract.tables.cells import space_separated_cells  # noqa: E402
from indexer.extract.tables.reader import read_tables  # noqa: E402
from indexer.extract.tables.vertical_headers import stacked_header_lines  # noqa: E402

DATA = ROOT / "tests" / "data" / "formats"
GROUPS = ("reconsideration", "litigation_direct", "litigation_after_reconsideration")
NUMBERS = ("applications", *GROUPS, "litigation_total")


def fixture(i: int) -> str:
    return (DATA / f"{i:06d}_tabs.blank.pdftotext.txt").read_text(encoding="utf-8")


def gold(i: int) -> dict:
    return draw_report(i, 1, ("tabs",)).gold


def test_a_header_printed_a_character_a_line_is_read_down_its_columns() -> None:
    lines = [
        "行政复议                      行政诉讼",
        "结   结   其   尚   总   未经复议直接起诉            复议后起诉",
        "果   果   他   未   计   结   结   其   尚   总   结   结   其   尚   总",
        "维   纠   结   审       果   果   他   未   计   果   果   他   未   计",
        "持   正   果   结       维   纠   结   审       维   纠   结   审",
        "                    持   正   果   结       持   正   果   结",
    ]
    out = stacked_header_lines(lines)
    assert 0 not in out  # no one-character cells: left to the run-of-spaces rule
    assert out[1] == "未经复议直接起诉\t复议后起诉"
    assert out[5].split("\t") == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3


def _at(*cells: tuple[int, str]) -> str:
    """A line with each cell starting at its character index (pdftotext's columns)."""
    line = ""
    for at, text in cells:
        line = line.ljust(at) + text
    return line


def test_a_column_word_starting_a_line_above_the_others_is_stacked_whole() -> None:
    lines = [
        _at((0, "等于第三项加第四项之和）"), (34, "自"), (39, "法人或其他组织"), (55, "总")),
        _at((34, "然"), (39, "商"), (44, "科"), (49, "社"), (54, "计")),
        _at((34, "人"), (40, "业"), (44, "研"), (49, "会")),  # pdftotext moves a character by one
    ]
    out = stacked_header_lines(lines)
    assert out[0] == "等于第三项加第四项之和）\t法人或其他组织"
    assert out[2].split("\t") == ["自然人", "商业", "科研", "社会", "总计"]


FIFTEEN = ["结   结   其   尚   总   结   结   其   尚   总   结   结   其   尚   总",
           "果   果   他   未   计   果   果   他   未   计   果   果   他   未   计"]


def test_a_row_under_a_stacked_header_is_placed_by_its_columns_blank_cells_included() -> None:
    row = " " * 40 + "5   2   1   5   13"  # the third group only: ten blank cells before it
    out = stacked_header_lines([*FIFTEEN, row])
    assert out[2].split("\t") == [""] * 10 + ["5", "2", "1", "5", "13"]


def test_a_row_whose_numbers_stand_between_columns_is_no_row() -> None:
    header = ["结   结   其   尚   总", "果   果   他   未   计"]
    out = stacked_header_lines([*header, _at((1, "2"), (10, "12"), (16, "3"))])  # "12" between 其 and 尚
    assert "\t" not in out[2]


def test_blank_zero_cells_and_a_header_a_character_a_line_read_exactly() -> None:
    for i in (19, 99):
        reading = read_tables(nfkc(fixture(i)).text)
        g = gold(i)
        facts = reading.gold_facts()
        assert {k: facts[k] for k in NUMBERS} == {k: g[k] for k in NUMBERS}, (i, reading.problems)
        # part three's labelled rows with blanks between their numbers ("66 7 5 2 80"), each number
        # clearly under one of the stacked header's columns: every cell read, and verified
        assert reading.status == "verified", (i, reading.problems)
        assert not cells_wrong(g, extract_facts(fixture(i), f"{i:06d}_tabs.txt")), i


def test_a_labelled_row_is_placed_only_where_every_number_stands_under_a_column_and_it_adds_up() -> None:
    lines = fixture(19).split("\n")
    at = next(i for i, ln in enumerate(lines) if ln.startswith("一、本年新收"))
    header = lines[at - 7:at]  # 自然人 … 总计, a character a line
    row = lines[at]  # 66 自然人, 7 商业企业, 5 法律服务机构, 2 其他, 80 总计, blanks between
    placed = stacked_header_lines([*header, row])[len(header)]
    assert placed.split("\t") == ["一、本年新收政府信息公开申请数量", "66", "7", "", "", "5", "2", "80"]
    wrong_sum = row.replace(" 80", " 81")  # 66 + 7 + 5 + 2 is not 81
    between = row.replace("   7   ", "      7")  # the 7 moved half-way to 科研机构
    assert wrong_sum != row and between != row
    for line in (wrong_sum, between):
        assert len(header) not in stacked_header_lines([*header, line]), line  # left to the spaces rule
    # an indented row ("     （七）总计   66 …") keeps the blank first cell the spaces rule gives it
    total_row = next(k for k, ln in enumerate(lines) if "（七）总计" in ln)
    assert lines[total_row].startswith("    ")
    assert stacked_header_lines(lines)[total_row] == "\t（七）总计\t66\t7\t\t\t5\t2\t80"


def test_a_part_four_row_in_the_third_group_is_not_read_into_the_first() -> None:
    # "5 2 1 5 13" adds up in whichever group it is put: only where it stands says which
    facts = read_tables(nfkc(fixture(99)).text).gold_facts()
    assert facts["reconsideration"]["total"] == 0
    assert facts["litigation_after_reconsideration"] == gold(99)["litigation_after_reconsideration"]


def test_numbers_between_columns_are_placed_where_the_header_totals_add_up() -> None:
    # "2" on the second group's 结果维持, "10" half-way between its 其他结果 and 尚未审结, "12" between
    # its 尚未审结 and 总计: of the placements within reach only 2 + 10 = 12 in that group adds up
    out = stacked_header_lines([*FIFTEEN, _at((20, "2"), (34, "10"), (38, "12"))])
    assert out[2].split("\t") == [""] * 5 + ["2", "", "", "10", "12"] + [""] * 5


def test_of_two_placements_that_add_up_the_clearly_nearer_one_is_taken() -> None:
    # a wide 结果维持 column: "2" stands 3.5 characters from its middle and 4.5 from 结果纠正's; with
    # 1 + 1 after it, 2 + 1 + 1 = 4 adds up in either, and only where it stands tells them apart
    header = [_at((0, "结"), (8, "结"), (12, "其"), (16, "尚"), (20, "总")),
              _at((0, "果"), (8, "果"), (12, "他"), (16, "未"), (20, "计"))]
    out = stacked_header_lines([*header, _at((4, "2"), (12, "1"), (16, "1"), (20, "4"))])
    assert out[2].split("\t") == ["2", "", "1", "1", "4"]


def test_numbers_between_columns_that_add_up_placed_two_ways_are_no_row() -> None:
    # "11" half-way between 总计 and the second group's 结果维持, "11" between its 尚未审结 and 总计:
    # 结果维持 = 总计 and 结果纠正 = 总计 add up alike, so which cell it is is not known
    out = stacked_header_lines([*FIFTEEN, _at((22, "11"), (38, "11"))])
    assert "\t" not in out[2]


def test_a_part_four_row_between_columns_reads_exactly_as_its_groups_add_up() -> None:
    # real pdftotext: "2 1 3" with 1 and 3 each half-way between two columns (fixture 7)
    reading = read_tables(nfkc(fixture(7)).text)
    facts = reading.gold_facts()
    g = gold(7)
    assert {k: facts[k] for k in NUMBERS} == {k: g[k] for k in NUMBERS}, reading.problems


def test_justified_lines_and_an_address_broken_over_lines_still_give_the_report_address() -> None:
    text = ("一、总体情况\n   本 报 告 电 子 版 可 在 “ 某 市 人 民 政 府 门 户 网 站 ” （ http://\n\n"
            "www.a.gov.cn/zwgk/ndbg/202202/t1.html）查阅或下载。\n\n"
            "   我镇依托某市人民政府门户网站（http://\n\nwww.a.gov.cn/）发布政府信息。\n")
    assert read_meta(text).source_url == "http://www.a.gov.cn/zwgk/ndbg/202202/t1.html"


def test_the_sentence_naming_the_report_address_may_wrap_before_its_address() -> None:
    text = ("   本报告电子版可在“某区人民政府门户网站”\n\n"
            "（http://www.b.gov.cn/col/col9/index.html）查阅或下载。\n\n"
            "   我街道依托某区人民政府门户网站（http://\n\nwww.b.gov.cn/）发布政府信息公开年度报告。\n")
    assert read_meta(text).source_url == "http://www.b.gov.cn/col/col9/index.html"


@pytest.mark.parametrize(("head", "tail"), [
    ("某县某镇人民政府关于 2024 年度政府信息公开工作", "               的年度报告"),
    ("某市某县农业局关于 2016 年度政府信息公开工", "                  作的年度报告"),
    ("某市某县某镇人民政府 2015 年信息公开工作年度报", "       告"),
])
def test_a_centred_title_wrapped_anywhere_in_its_closing_words_keeps_its_year(head: str, tail: str) -> None:
    meta = read_meta(f"{head}\n{tail}\n   本报告由某机关编制。\n")
    assert meta.year == int(head.split("年")[0].split()[-1])
    assert meta.title is not None and meta.title.endswith("报告")


def test_a_count_wrapped_between_its_figure_and_its_unit_stays_in_its_sentence() -> None:
    text = ("三、依申请公开政府信息情况\n\n"
            "   全年共受理政府信息公开申请 6 件，其中同意公开 6 件，同意部分公开 0\n\n"
            "件，信息不存在或非本机关掌握 0 件，已全部按时答复。\n")
    apps = read_prose(nfkc(text).text).applications
    assert (apps["new"], apps["granted"], apps["handled_total"]) == (6, 6, 6)


def test_a_line_of_spaced_cells_without_one_character_cells_keeps_the_run_of_spaces_rule() -> None:
    lines = ["一、本年新收政府信息公开申请数量      3     0  1", "  (一)予以公开   2  0   1"]
    want = ["一、本年新收政府信息公开申请数量\t3\t0\t1", "(一)予以公开\t2\t0\t1"]
    assert space_separated_cells(lines) == want


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice or poppler-utils not installed")
def test_pdftotext_of_real_pdfs_with_blank_zero_cells_never_gives_a_wrong_number() -> None:
    layouts = ("tabs", "prose_pre2019")
    ids = range(30, 42)
    drawn = {i: draw_report(i, 1, layouts) for i in ids}
    docx = {f"{i:06d}.docx": office.render_docx(d.blocks, blank_zeros=True) for i, d in drawn.items()}
    exact = 0
    for name, pdf in office.soffice_convert_many(docx, "pdf").items():
        g = drawn[int(name[:6])].gold
        got = flat_fields(extract_facts(office.pdftotext_layout(pdf), name))
        want = flat_fields({k: g[k] for k in g if k in got or k in NUMBERS})
        wrong = {k: (got.get(k), v) for k, v in want.items() if got.get(k) is not None and got.get(k) != v}
        assert not wrong, (name, wrong)  # a number is right or missing, never wrong
        exact += all(got.get(k) == v for k, v in want.items())
    assert exact >= 9, exact
