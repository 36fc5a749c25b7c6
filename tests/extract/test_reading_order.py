"""Reading order: a table printed column by column is read right, or never called verified."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from indexer.extract.normalise import nfkc
from indexer.extract.tables.column_order import column_major_readings
from indexer.extract.tables.reader import read_tables
from indexer.extract.tables.result import Problem, ProblemKind, status_of

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
if str(SCRIPTS) not in sys.path:
    sys.path.insert(0, str(SCRIPTS))

from make_corpus import generate  # noqa: E402

NUMBER_GROUPS = ("applications", "reconsideration", "litigation_direct", "litigation_after_reconsideration")


def _numbers(facts: dict) -> dict:
    return {k: facts[k] for k in (*NUMBER_GROUPS, "litigation_total")}


def _gold_numbers(gold: dict) -> dict:
    return {k: gold[k] for k in (*NUMBER_GROUPS, "litigation_total")}


def test_column_order_and_column_cells_reports_are_read_exactly_and_verified():
    for name, data, gold in generate(40, 7, ["column_order", "column_cells"]):
        reading = read_tables(nfkc(data.decode(gold["encoding"])).text)
        assert reading.gold_facts() == _gold_numbers(gold), (name, reading.problems)
        assert reading.status == "verified", (name, reading.problems)


def _drop_zero_lines(text: str) -> str:
    """A column-order table whose blank (zero) cells an extractor dropped: fewer numbers than cells."""
    head, sep, tail = text.partition("四、结转下年度继续办理")
    return head + sep + re.sub(r"(?m)^0\n", "", tail)


def test_column_order_without_its_blank_cells_is_never_verified_with_a_wrong_number():
    unverified = 0
    for name, data, gold in generate(40, 8, ["column_order"]):
        text = _drop_zero_lines(data.decode(gold["encoding"]))
        reading = read_tables(nfkc(text).text)
        if reading.status == "verified":
            assert reading.gold_facts() == _gold_numbers(gold), (name, reading.problems)
        else:
            unverified += 1
            assert reading.status in ("partial", "inconsistent"), name
    assert unverified >= 10  # where the numbers cannot be placed, the reader says so


def test_a_table_read_as_zeros_beside_unread_numbers_is_partial_not_verified():
    labels = [
        "一、本年新收政府信息公开申请数量",
        "二、上年结转政府信息公开申请数量",
        "（一）予以公开",
        "（七）总计",
        "四、结转下年度继续办理",
    ]
    text = "三、收到和处理政府信息公开申请情况\n" + "\n".join(labels) + "\n" + " ".join(["3"] * 30) + "\n"
    reading = read_tables(nfkc(text).text)
    assert reading.status != "verified"
    assert ProblemKind.UNREAD_NUMBERS in {p.kind for p in reading.issues}


def test_column_major_readings_keep_only_orders_on_which_the_identities_hold():
    keys = ["a", "b", "s"]

    def holds(r):  # s = a + b in every column
        return all(r["s"][c] == r["a"][c] + r["b"][c] for c in range(2))

    # column-major: a=(1,2) b=(3,4) s=(4,6) -> printed 1 3 4 / 2 4 6
    want = {"a": (1, 2), "b": (3, 4), "s": (4, 6)}
    assert column_major_readings([1, 3, 4, 2, 4, 6], keys, 2, holds) == [want]
    assert column_major_readings([1, 3, 4, 2, 4], keys, 2, holds) == []  # not rows × columns
    assert column_major_readings([0] * 6, keys, 2, holds) == [{"a": (0, 0), "b": (0, 0), "s": (0, 0)}]


def test_unread_numbers_make_a_report_partial():
    assert status_of([Problem(ProblemKind.UNREAD_NUMBERS, 3, "x")], gold_unknown=False) == "partial"
