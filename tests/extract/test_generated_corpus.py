"""Extraction on 1,000 generated reports across every layout: every gold field exact.

The corpus comes from scripts/make_corpus.py (seeded ground truth, rendered in every layout);
scripts/accuracy.py is the same measurement as a command with per-field figures.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
if str(SCRIPTS) not in sys.path:
    sys.path.insert(0, str(SCRIPTS))

from accuracy import evaluate  # noqa: E402
from make_corpus import LAYOUTS, iter_reports  # noqa: E402


@pytest.fixture(scope="module")
def report_1000() -> dict:
    return evaluate(iter_reports(1000, 20261126))


def test_every_layout_is_in_the_generated_corpus(report_1000):
    assert set(report_1000["by_layout"]) == set(LAYOUTS)


def test_every_gold_field_is_exact_on_1000_generated_reports(report_1000, capsys):
    rep = report_1000
    with capsys.disabled():
        worst = sorted(rep["fields"].items(), key=lambda kv: kv[1]["accuracy"])[:3]
        print(f"\n[generated corpus] {rep['exact_reports']}/{rep['reports']} reports exact; "
              f"lowest fields: " + ", ".join(f"{k} {v['accuracy']:.2%}" for k, v in worst))
    lines = [f"{f['file']}: " + ", ".join(f"{k} got {v['got']!r} gold {v['gold']!r}"
                                          for k, v in list(f["wrong"].items())[:3])
             for f in rep["failures"][:15]]
    assert rep["exact_reports"] == rep["reports"], "\n".join(lines)


def test_table_reports_are_verified_and_prose_reports_have_no_tables(report_1000):
    statuses = report_1000["statuses"]
    assert set(statuses) <= {"verified", "no_tables"}, statuses
    assert statuses.get("no_tables") == report_1000["by_layout"]["prose_pre2019"]["reports"]


def test_a_report_marked_verified_has_every_number_right(report_1000):
    v = report_1000["verified"]
    assert v["reports"] == report_1000["statuses"]["verified"]
    assert v["precision"] == 1.0, v["wrong"][:5]
    assert v["every_cell_checked"] == v["reports"]  # all seven columns of part three, all of part four


def test_a_cell_read_wrong_outside_the_gold_totals_is_counted_wrong():
    """The every-cell check sees a wrong applicant column and a wrong part-four cell that the gold
    fields (totals only) would not."""
    import accuracy
    from make_corpus import iter_reports

    from indexer.extract.read import source_from_bytes
    from indexer.extract.report import extract_facts

    name, data, gold = next(iter_reports(1, 7, ["tabs"]))
    facts = extract_facts(source_from_bytes(data, ".txt").text, name)
    assert accuracy.cells_wrong(gold, facts) == {}
    facts["tables"]["applications"]["granted"]["research"] += 1
    facts["tables"]["part_four"]["reconsideration"]["corrected"] += 1
    assert set(accuracy.cells_wrong(gold, facts)) == {"part3.granted.research",
                                                      "part4.reconsideration.corrected"}
