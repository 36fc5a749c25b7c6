"""Tables as ``pdftotext -layout`` prints them: runs of spaces between cells, a page number and a
form feed inside a table, its header printed again after the break."""

from __future__ import annotations

import sys
from pathlib import Path

from indexer.extract.normalise import nfkc
from indexer.extract.tables.cells import space_separated_cells, tokenize
from indexer.extract.tables.reader import read_tables

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
if str(SCRIPTS) not in sys.path:
    sys.path.insert(0, str(SCRIPTS))

from corpusgen import render  # noqa: E402
from make_corpus import generate  # noqa: E402

GROUPS = ("reconsideration", "litigation_direct", "litigation_after_reconsideration")


def _gold_numbers(gold: dict) -> dict:
    return {k: gold[k] for k in ("applications", *GROUPS, "litigation_total")}


def test_runs_of_spaces_separate_cells_and_a_page_number_is_no_cell():
    lines = [
        "一、本年新收政府信息公开申请数量      3     0  1",
        "                          (一)予以公开   2  0   1",
        "",
        "                 - 3 -",
        "\f申请人情况   自然人   总计",
        "一段正文  里有两个空格",
    ]
    out = space_separated_cells(lines)
    assert out[3].strip() == "- 3 -"  # a page number: strip_markup blanks it first (see tokenize)
    assert out[0] == "一、本年新收政府信息公开申请数量\t3\t0\t1"
    assert out[1] == "\t(一)予以公开\t2\t0\t1"
    assert out[4] == "申请人情况\t自然人\t总计"
    cells = tokenize("\n".join(lines))
    assert [t.value for t in cells.tokens if t.kind == "num"] == [3, 0, 1, 2, 0, 1]


def test_a_lone_spaced_line_in_prose_is_left_alone():
    lines = ["本机关  全年收到申请3件。", "其余正文。"]
    assert space_separated_cells(lines) == lines


def test_pdftotext_reports_are_read_exactly_and_verified_part_four_included():
    breaks = 0
    for name, data, gold in generate(40, 9, ["pdftotext"]):
        text = data.decode(gold["encoding"])
        breaks += "\f" in text
        reading = read_tables(nfkc(text).text)
        assert reading.part_four is not None, name
        assert reading.gold_facts() == _gold_numbers(gold), (name, reading.problems)
        assert reading.status == "verified", (name, reading.problems)
    assert breaks >= 20  # most of them have a page break (and a repeated header) inside a table


def test_pdftotext_with_blank_cells_is_never_verified_with_a_wrong_number(monkeypatch):
    original = render.pdftotext_table
    monkeypatch.setitem(
        render.TABLE_PRINTERS, "pdftotext", lambda t, rng, c: original(t, rng, c, blanks=True)
    )
    for name, data, gold in generate(12, 10, ["pdftotext"]):
        reading = read_tables(nfkc(data.decode(gold["encoding"])).text)
        if reading.status == "verified":
            assert reading.gold_facts() == _gold_numbers(gold), (name, reading.problems)


def test_page_break_between_the_part_four_header_and_its_row():
    for name, data, gold in generate(60, 12, ["pdftotext"]):
        text = data.decode(gold["encoding"])
        if "\f行政复议" in text:  # the part-four header printed again on the next page
            reading = read_tables(nfkc(text).text)
            assert reading.gold_facts() == _gold_numbers(gold), name
            return
    raise AssertionError("no report with a page break inside part four")
