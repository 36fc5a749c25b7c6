"""Corpus facts (indexer/engine/corpusfacts.py): cross-year checks and reuse figures, computed at the
end of every build into the generation's side table, and counted, filtered and sorted like stored
facets."""

from __future__ import annotations

import json
import shutil

import pytest

from indexer.engine import corpusfacts, reuse
from indexer.engine.build import build_index
from indexer.engine.corpusfacts import CorpusTable, Record, compute, cross_year_check
from indexer.engine.generations import current_generation
from indexer.engine.query import Query, SearchIndex
from indexer.extract.report import report_id
from tests.derived_corpus import REPORTS, paragraph, report, write_corpus

ID = {name: report_id(name) for name in REPORTS}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple:
    """The derived corpus built once (full): its folder, index folder and table."""
    root = tmp_path_factory.mktemp("derived")
    corpus = write_corpus(root / "corpus")
    build_index(corpus, root / "ix", procs=1)
    gen = current_generation(root / "ix")
    assert gen is not None
    return corpus, root / "ix", CorpusTable.read(gen)


def _facts(index_dir) -> dict[str, dict]:
    gen = current_generation(index_dir)
    assert gen is not None
    return CorpusTable.read(gen).facts


def _fresh_build(tmp_path) -> tuple:
    """The derived corpus written and built (full) in a test's own folder: corpus, index, generation."""
    corpus = write_corpus(tmp_path / "corpus")
    ix = tmp_path / "ix"
    build_index(corpus, ix, procs=1)
    gen = current_generation(ix)
    assert gen is not None
    return corpus, ix, gen


def _add_a_sentence(path) -> None:
    """Change a report's text (and so its file's size and hash)."""
    with path.open("a", encoding="utf-8") as f:
        f.write("\n补记一句。\n")


def _reuse(row: dict) -> tuple:
    return row["reuse_max"], row["reuse_from"], row["reuse_kind"]


def test_cross_year_rule_needs_both_numbers():
    assert cross_year_check(2, 2) == "consistent"
    assert cross_year_check(2, 3) == "inconsistent"
    assert cross_year_check(None, 3) == cross_year_check(2, None) == "unknown"


def test_previous_year_is_the_same_bodys_report_of_the_year_before_lowest_id_first():
    records = {"x": Record("b", 2020, 1, 0), "w": Record("b", 2019, 0, 1), "v": Record("b", 2019, 0, 7),
               "u": Record("other", 2019, 0, 1), "t": Record(None, 2020, 1, 0)}
    rows = compute(records, None)
    assert rows["x"]["cross_year_prev"] == "v" and rows["x"]["cross_year"] == "inconsistent"
    assert rows["v"]["cross_year_next"] == "x" and rows["w"]["cross_year_next"] is None
    assert rows["t"]["cross_year"] == "unknown" and rows["t"]["cross_year_prev"] is None
    assert rows["x"]["reuse_kind"] is None  # no reuse index given: not computed


def test_rows_kept_from_the_last_build_equal_rows_computed_again():
    """An incremental build keeps the rows whose report and neighbours did not change: the result
    must be what computing every row again gives, for changed numbers, a new year and a gone report."""
    import random

    rng = random.Random(5)
    records = {f"r{i:03}": Record(f"b{i % 17}", 2018 + i // 17, rng.randint(0, 3), rng.randint(0, 3))
               for i in range(120)}
    old = compute(records, None)
    changed = dict(records)
    assert old["r057"]["cross_year_prev"] == "r040" and old["r057"]["cross_year"] == "inconsistent"
    changed["r040"] = Record("b6", 2020, 9, records["r057"].carried_over)  # its next year's row flips
    changed["r999"] = Record("b3", 2025, 1, 1)  # a new report: a new next year for b3's 2024 report
    del changed["r010"]  # gone: b10's 2019 report loses its previous year
    dirty = {"r040", "r999", "r010"}
    again = compute(changed, None)
    assert again["r057"]["cross_year"] == "consistent"
    assert compute(changed, None, old, dirty) == again


def test_cross_year_is_consistent_inconsistent_or_unknown_from_last_years_report(built):
    _corpus, _ix, table = built
    got = {name: table.get(rid)["cross_year"] for name, rid in ID.items()}
    assert got == {"a2016.txt": "unknown",  # no 2015 report
                   "a2017.txt": "consistent", "a2018.txt": "inconsistent",
                   "b2017.txt": "unknown",  # no 2016 report of its body
                   "c2016.txt": "unknown", "c2017.txt": "unknown"}  # 2016 states no carried_forward
    assert table.get(ID["a2017.txt"])["cross_year_prev"] == ID["a2016.txt"]
    assert table.get(ID["a2016.txt"])["cross_year_next"] == ID["a2017.txt"]


def test_corpus_facets_are_counted_filtered_and_sorted_like_stored_ones(built):
    _corpus, ix, _table = built
    index = SearchIndex(ix)
    everything = index.search(Query())
    counts = {name: {v.value: v.count for v in vals} for name, vals in everything.facets.items()}
    assert counts["cross_year"] == {"consistent": 1, "inconsistent": 1, "unknown": 4}
    assert counts["reuse_kind"] == {"same_body": 2, "other_body": 2, "none": 2}
    assert counts["reuse"] == {"over_80": 4, "under_20": 2}
    assert [h.file for h in index.search(Query.of(cross_year="inconsistent")).hits] == ["a2018.txt"]
    assert [h.file for h in index.search(Query.of(q="cross_year:consistent")).hits] == ["a2017.txt"]
    copied = index.search(Query.of(reuse_kind="other_body", sort="year"))
    assert {h.file for h in copied.hits} == {"b2017.txt", "c2016.txt"}
    assert all(h.reuse_kind == "other_body" and h.reuse_from for h in copied.hits)
    assert index.search(Query.of(reuse_share_min=80)).total == 4
    assert index.search(Query.of(q="reuse_share:<20")).total == 2
    ranked = index.search(Query.of(sort="reuse")).hits
    shares = [h.reuse_max for h in ranked]
    assert shares == sorted(shares, reverse=True) and shares[0] == 1.0
    # the facts a reader gets carry the corpus facts
    report = index.report(ID["a2017.txt"])
    assert report is not None and report.facts["cross_year"] == "consistent"
    rows = {i: f for i, _file, _t, f in index.iter_facts(Query())}
    assert rows[ID["b2017.txt"]]["reuse_from"] == ID["c2016.txt"]
    assert index.reports_by_id([ID["a2018.txt"]])[0][2]["cross_year_prev"] == ID["a2017.txt"]


def test_reuse_figures_name_the_copied_report_and_how_much_repeats_the_year_before(built):
    _corpus, _ix, table = built
    a2017, b2017 = table.get(ID["a2017.txt"]), table.get(ID["b2017.txt"])
    assert _reuse(a2017) == (1.0, ID["a2016.txt"], "same_body") and a2017["reuse_prev"] == 1.0
    assert b2017["reuse_from"] == ID["c2016.txt"] and b2017["reuse_kind"] == "other_body"
    assert b2017["reuse_max"] >= 0.8
    assert table.get(ID["c2017.txt"])["reuse_kind"] == "none"
    repeats = table.get(ID["c2017.txt"])["reuse_prev"]
    assert repeats is not None and repeats < 0.2


def test_incremental_builds_give_the_full_builds_figures(built, tmp_path):
    corpus, _ix, table = built
    part = write_corpus(tmp_path / "corpus", only={"a2016.txt", "b2017.txt", "c2017.txt"})
    build_index(part, tmp_path / "ix", procs=1)
    for name in REPORTS:  # the rest added incrementally, with the same paths
        shutil.copy(corpus / name, part / name)
    step = build_index(part, tmp_path / "ix", procs=1)
    assert not step.full and step.indexed == 3
    assert _facts(tmp_path / "ix") == table.facts


def test_incremental_change_of_last_years_report_flips_this_years_cross_year(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", only={"a2016.txt", "a2017.txt"})
    ix = tmp_path / "ix"
    build_index(corpus, ix, procs=1)
    serving = SearchIndex(ix)  # opened before the change, as a running server
    assert serving.search(Query.of(cross_year="consistent")).total == 1
    town, year, co, _cf, seed = REPORTS["a2016.txt"]
    (corpus / "a2016.txt").write_text(report(town, year, co, 9, paragraph(seed)), encoding="utf-8")
    step = build_index(corpus, ix, procs=1)
    assert (step.full, step.indexed, step.unchanged) == (False, 1, 1)
    assert _facts(ix)[ID["a2017.txt"]]["cross_year"] == "inconsistent"  # the unchanged report's fact
    assert [h.file for h in serving.search(Query.of(cross_year="inconsistent")).hits] == ["a2017.txt"]


def test_deleting_a_report_updates_the_reuse_figures_of_the_report_that_copied_it(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", only={"a2016.txt", "a2017.txt", "b2017.txt", "c2016.txt"})
    ix = tmp_path / "ix"
    build_index(corpus, ix, procs=1)
    assert _facts(ix)[ID["b2017.txt"]]["reuse_from"] == ID["c2016.txt"]
    (corpus / "c2016.txt").unlink()
    step = build_index(corpus, ix, procs=1)
    assert step.deleted == 1
    facts = _facts(ix)
    assert ID["c2016.txt"] not in facts
    assert _reuse(facts[ID["b2017.txt"]]) == (0.0, None, "none")
    assert facts[ID["a2017.txt"]]["reuse_from"] == ID["a2016.txt"]  # untouched


def test_a_missing_reuse_index_is_rebuilt_from_the_stored_reports(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", only={"b2017.txt", "c2016.txt", "c2017.txt"})
    ix = tmp_path / "ix"
    build_index(corpus, ix, procs=1)
    before = _facts(ix)
    gen = current_generation(ix)
    assert gen is not None
    (gen / reuse.INDEX_FILE).unlink()  # as if a build died before writing it
    (gen / corpusfacts.TABLE_FILE).unlink()
    _add_a_sentence(corpus / "c2017.txt")
    build_index(corpus, ix, procs=1)
    after = _facts(ix)
    assert {k: _reuse(v) for k, v in after.items()} == {k: _reuse(v) for k, v in before.items()}


def test_a_build_that_died_after_the_reuse_commit_leaves_no_stale_reuse_facts(tmp_path, monkeypatch):
    corpus = write_corpus(tmp_path / "corpus", only={"a2016.txt", "a2017.txt", "b2017.txt", "c2016.txt"})
    ix = tmp_path / "ix"
    build_index(corpus, ix, procs=1)
    assert _facts(ix)[ID["b2017.txt"]]["reuse_from"] == ID["c2016.txt"]
    (corpus / "c2016.txt").unlink()
    write, replace = CorpusTable.write, corpusfacts.TableFile.replace

    def dies(self, *args):
        raise KeyboardInterrupt  # the reuse index is committed, the table not written

    monkeypatch.setattr(CorpusTable, "write", dies)
    monkeypatch.setattr(corpusfacts.TableFile, "replace", dies)
    with pytest.raises(KeyboardInterrupt):
        build_index(corpus, ix, procs=1)
    monkeypatch.setattr(CorpusTable, "write", write)
    monkeypatch.setattr(corpusfacts.TableFile, "replace", replace)
    build_index(corpus, ix, procs=1)
    facts = _facts(ix)
    assert ID["c2016.txt"] not in facts
    assert _reuse(facts[ID["b2017.txt"]]) == (0.0, None, "none")


def test_an_incremental_build_rewrites_only_the_changed_bodys_rows_in_place(tmp_path, monkeypatch):
    corpus, ix, gen = _fresh_build(tmp_path)
    stamp = corpusfacts.table_stamp(gen)
    written: list[set[str]] = []
    replace = corpusfacts.TableFile.replace

    def spy(self, rows, removed):
        written.append(set(rows) | set(removed))
        return replace(self, rows, removed)

    monkeypatch.setattr(corpusfacts.TableFile, "replace", spy)
    monkeypatch.setattr(CorpusTable, "write", lambda self, gen: pytest.fail("the table was written whole"))
    _add_a_sentence(corpus / "a2016.txt")
    build_index(corpus, ix, procs=1)
    assert written and ID["a2016.txt"] in written[0] and len(written[0]) < len(REPORTS)
    assert corpusfacts.table_stamp(gen) != stamp  # a server sees the table changed
    monkeypatch.undo()
    full = tmp_path / "full"
    build_index(corpus, full, procs=1)
    assert _facts(ix) == _facts(full)


def test_a_json_table_of_an_older_build_is_read_and_replaced_by_the_next_build(tmp_path, monkeypatch):
    corpus, ix, gen = _fresh_build(tmp_path)
    table = CorpusTable.read(gen)
    (gen / corpusfacts.TABLE_FILE).unlink()
    legacy = {"format": 1, "keys": list(corpusfacts.KEYS),
              "records": {rid: list(r) for rid, r in table.records.items()},
              "facts": {rid: [row.get(k) for k in corpusfacts.KEYS] for rid, row in table.facts.items()}}
    (gen / corpusfacts.OLD_TABLE_FILE).write_text(json.dumps(legacy, ensure_ascii=False), encoding="utf-8")
    assert CorpusTable.read(gen) == table  # a server reads the old file
    _add_a_sentence(corpus / "a2016.txt")
    with monkeypatch.context() as m:  # the old table is used, not rebuilt with the reuse index
        m.setattr(reuse.ReuseIndex, "build", lambda *a: pytest.fail("reuse index rebuilt"))
        build_index(corpus, ix, procs=1)
    assert (gen / corpusfacts.TABLE_FILE).exists() and not (gen / corpusfacts.OLD_TABLE_FILE).exists()
    build_index(corpus, tmp_path / "full", procs=1)
    assert _facts(ix) == _facts(tmp_path / "full")


def test_a_table_decided_by_an_older_reuse_rule_is_decided_again_without_rebuilding_the_reuse_index(
        tmp_path, monkeypatch):
    corpus, ix, gen = _fresh_build(tmp_path)
    right = _facts(ix)
    copied = next(rid for rid, row in right.items() if row["reuse_kind"] != "none")
    table = corpusfacts.TableFile.open(gen)  # the table as an older rule left it: a call it missed
    assert table is not None
    try:
        record, row = table.select([copied])[copied]
        table.replace({copied: (record, {**row, "reuse_kind": "none", "reuse_from": None})}, set())
    finally:
        table.close()
    reuse.ReuseIndex.save_notes(gen, {corpusfacts.RULE_NOTE: reuse.RULE - 1})
    assert _facts(ix)[copied]["reuse_kind"] == "none"
    _add_a_sentence(corpus / "a2016.txt")
    with monkeypatch.context() as m:
        m.setattr(reuse.ReuseIndex, "build", lambda *a: pytest.fail("reuse index rebuilt"))
        build_index(corpus, ix, procs=1)
    got = _facts(ix)[copied]
    want = right[copied]
    assert (got["reuse_kind"], got["reuse_from"]) == (want["reuse_kind"], want["reuse_from"])
    index = reuse.ReuseIndex.load(gen)
    try:
        assert index.notes[corpusfacts.RULE_NOTE] == reuse.RULE
    finally:
        index.close()
    build_index(corpus, tmp_path / "full", procs=1)
    assert _facts(ix) == _facts(tmp_path / "full")
