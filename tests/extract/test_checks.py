"""Every identity on a facts record's tables with its result: the same verdicts as the reader's."""

from __future__ import annotations

from pathlib import Path

from indexer.extract.report import extract_facts
from indexer.extract.tables.checks import identity_results

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def test_every_identity_holds_on_the_verified_samples():
    for path in sorted(CORPUS.glob("*.txt")):
        facts = extract_facts(path.read_text(encoding="utf-8"), path.name)
        results = identity_results(facts["tables"])
        parts = {r.part for r in results}
        assert facts["status"] == "verified" and parts == {3, 4}, path.name
        assert all(r.held is True and r.lhs == r.rhs for r in results), path.name
        # part three: two column identities for each of the seven columns and one per row; part four: 3
        rows = len(facts["tables"]["applications"])
        assert len(results) == 2 * 7 + rows + 3, path.name


def test_a_changed_cell_fails_exactly_the_identities_the_reader_names():
    path = CORPUS / "001_dba21300d4162f8d.txt"
    text = path.read_text(encoding="utf-8")
    s, e = extract_facts(text, path.name)["tables"]["spans"]["part4.reconsideration.total"]
    facts = extract_facts(text[:s] + str(int(text[s:e]) + 4) + text[e:], path.name)
    failed = [r for r in identity_results(facts["tables"]) if r.held is False]
    named = [p for p in facts["problems"] if "≠" in p]
    assert failed and len(failed) == len(named)
    for r in failed:
        assert f"{r.scope}: {r.lhs_name} ({r.lhs}) ≠ {r.rhs_name} ({r.rhs})" in named
    assert "part4.reconsideration.total" in failed[0].cells


def test_unknown_cells_leave_an_identity_unchecked_and_no_tables_give_none():
    tables = {"part_four": {"reconsideration": {"maintained": 1, "corrected": None, "other": 0, "pending": 0,
                                                "total": 1},
                            "litigation_direct": {"maintained": 0, "corrected": 0, "other": 0, "pending": 0,
                                                  "total": 2}}}
    results = {r.scope: r for r in identity_results(tables)}
    assert results["part 4 行政复议"].held is None and results["part 4 行政复议"].lhs is None
    direct = next(r for s, r in results.items() if s.startswith("part 4 行政诉讼") and r.held is False)
    assert (direct.lhs, direct.rhs) == (2, 0)
    assert identity_results({}) == []
