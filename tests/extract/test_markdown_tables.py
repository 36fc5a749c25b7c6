"""Markdown pipe tables as document converters write them (2019 and 2021 editions): merged cells
left empty, repeated in every column they span, or printed once; zeros as empty cells; the
two-level part-four header 行政复议 | 行政诉讼 (未经复议直接起诉 | 复议后起诉)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from indexer.extract.normalise import nfkc
from indexer.extract.tables.reader import read_tables

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
if str(SCRIPTS) not in sys.path:
    sys.path.insert(0, str(SCRIPTS))

from corpusgen.render import md_table  # noqa: E402
from corpusgen.tablemodel import part3_table, part4_table  # noqa: E402
from make_corpus import generate  # noqa: E402

GROUPS = ("reconsideration", "litigation_direct", "litigation_after_reconsideration")
APPS = {
    "new": "new",
    "carried_over": "carried_over",
    "granted": "granted",
    "handled_total": "handled_total",
    "carried_forward": "carried_forward",
}


def _reports(edition: int, n: int = 8) -> list[dict]:
    out = [g for *_, g in generate(60, 21, ["tabs"]) if g["edition"] == edition]
    return out[:n]


def _md_report(truth: dict, edition: int, blanks: bool, merged: str) -> str:
    return (
        "三、收到和处理政府信息公开申请情况\n\n"
        + md_table(part3_table(truth["part3"], edition), blanks, merged)
        + "\n\n四、政府信息公开行政复议、行政诉讼情况\n\n"
        + md_table(part4_table(truth["part4"]), blanks, merged)
        + "\n\n五、存在的主要问题及改进情况\n\n无。\n"
    )


@pytest.mark.parametrize("merged", ["empty", "repeat", "collapse"])
@pytest.mark.parametrize("blanks", [False, True], ids=["zeros", "blank_zeros"])
@pytest.mark.parametrize("edition", [2019, 2021])
def test_converter_pipe_tables_are_read_by_their_labels(edition, blanks, merged):
    for gold in _reports(edition):
        reading = read_tables(nfkc(_md_report(gold["truth"], edition, blanks, merged)).text)
        facts = reading.gold_facts()
        assert facts["applications"] == gold["applications"], (gold["file"], reading.problems)
        for g in GROUPS:
            assert facts[g] == gold[g], (gold["file"], g, reading.problems)
        assert reading.status == "verified", (gold["file"], reading.problems)


def test_repeated_merged_labels_keep_granted_and_carried_forward_and_the_part_four_groups_apart():
    gold = _reports(2019, 1)[0]
    truth = {**gold["truth"]}
    part3 = {k: list(v) for k, v in truth["part3"].items()}
    part3["granted"] = [1, 0, 0, 0, 0, 0, 1]
    part3["carried_forward"] = [0, 3, 0, 0, 0, 0, 3]
    part3["handled_total"] = [
        sum(
            part3[k][c] for k in part3 if k not in ("new", "carried_over", "handled_total", "carried_forward")
        )
        for c in range(7)
    ]
    part3["carried_over"] = [0] * 7
    part3["new"] = [part3["handled_total"][c] + part3["carried_forward"][c] for c in range(7)]
    part4 = {g: dict.fromkeys(("maintained", "corrected", "other", "pending", "total"), 0) for g in GROUPS}
    part4["reconsideration"].update(maintained=2, total=2)
    part4["litigation_after_reconsideration"].update(pending=1, total=1)
    text = _md_report({"part3": part3, "part4": part4}, 2019, True, "repeat")
    reading = read_tables(nfkc(text).text)
    facts = reading.gold_facts()
    assert facts["applications"]["granted"] == 1
    assert facts["applications"]["carried_forward"] == 3
    assert facts["reconsideration"]["maintained"] == 2 and facts["reconsideration"]["total"] == 2
    assert facts["litigation_direct"]["total"] == 0
    assert facts["litigation_after_reconsideration"]["pending"] == 1
    assert reading.status == "verified", reading.problems
