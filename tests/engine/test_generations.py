"""What a generation records for incremental builds: the file list, its older JSON form, and the
pending list that keeps a crashed build from duplicating reports."""

from __future__ import annotations

import json

import pytest

import indexer.engine.build as build
from indexer.engine.build import build_index, current_generation
from indexer.engine.generations import FILES, FileRecord, read_files, read_meta, write_files
from indexer.engine.query import Query, SearchIndex
from indexer.extract.read import scan


def test_file_list_round_trips_paths_with_tabs_backslashes_and_newlines(tmp_path):
    files = {
        "a/b.txt": FileRecord("0" * 40, 10, 123),
        "odd\tname\\x.txt": FileRecord("1" * 40, 0, 5),
        "line\nbreak\r.txt": FileRecord("2" * 40, None, None),
    }
    write_files(tmp_path, files)
    assert read_files(tmp_path) == files


def test_a_file_list_read_changed_and_written_keeps_every_other_line_as_it_was(tmp_path):
    files = {f"{i:03d}.txt": FileRecord(f"{i:040x}", i, 10**18 + i) for i in range(50)}
    files["tab\there.txt"] = FileRecord("f" * 40, 7, 8)
    write_files(tmp_path, files)
    before = (tmp_path / FILES).read_text(encoding="utf-8").splitlines()
    listed = read_files(tmp_path)
    listed["007.txt"] = FileRecord("e" * 40, 70, 80)
    del listed["010.txt"]
    listed["new.txt"] = FileRecord("d" * 40, None, None)
    write_files(tmp_path, listed)
    after = (tmp_path / FILES).read_text(encoding="utf-8").splitlines()
    assert set(before) - set(after) == {f"{7:040x}\t7\t{10**18 + 7}\t007.txt",
                                        f"{10:040x}\t10\t{10**18 + 10}\t010.txt"}
    assert set(after) - set(before) == {"e" * 40 + "\t70\t80\t007.txt", "d" * 40 + "\t\t\tnew.txt"}
    expected = {**files, "007.txt": FileRecord("e" * 40, 70, 80), "new.txt": FileRecord("d" * 40)}
    del expected["010.txt"]
    assert read_files(tmp_path) == expected


def test_file_list_is_read_from_an_older_manifest_that_held_it(tmp_path):
    (tmp_path / "manifest.json").write_text(json.dumps({
        "schema": "6", "files": {"a.txt": "f" * 40, "b.txt": "e" * 40}, "stats": {"a.txt": [3, 9]}}))
    assert read_files(tmp_path) == {"a.txt": FileRecord("f" * 40, 3, 9), "b.txt": FileRecord("e" * 40)}


def test_scan_lists_reports_recursively_sorted_with_sizes_and_skips_hidden_and_other_files(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "b" / "x.TXT").write_text("年报", "utf-8")
    (tmp_path / "a.html").write_text("<p>年报</p>", "utf-8")
    (tmp_path / ".hidden.txt").write_text("x", "utf-8")
    (tmp_path / ".git" / "c.txt").write_text("x", "utf-8")
    (tmp_path / "notes.xls").write_bytes(b"\xd0\xcf")  # a spreadsheet: not a report format (PDFs are)
    (tmp_path / "noext").write_text("x", "utf-8")
    found = scan(tmp_path)
    assert [e.rel for e in found] == ["a.html", "b/x.TXT"]
    assert found[1].size == len("年报".encode())


def test_unchanged_corpus_leaves_the_index_untouched(corpus_copy, tmp_path):
    ix = tmp_path / "ix"
    build_index(corpus_copy, ix, procs=1)
    gen = current_generation(ix)
    before = {p.name: p.stat().st_mtime_ns for p in gen.iterdir()}
    summary = build_index(corpus_copy, ix, procs=1)
    assert (summary.indexed, summary.unchanged, summary.total) == (0, 5, 5)
    assert {p.name: p.stat().st_mtime_ns for p in gen.iterdir()} == before


def test_touched_but_unchanged_file_is_hashed_not_parsed(corpus_copy, tmp_path):
    ix = tmp_path / "ix"
    build_index(corpus_copy, ix, procs=1)
    f = sorted(corpus_copy.glob("*.txt"))[0]
    f.touch()
    summary = build_index(corpus_copy, ix, procs=1)
    assert (summary.indexed, summary.unchanged) == (0, 5)
    rec = read_files(current_generation(ix))[f.name]
    assert rec.mtime_ns == f.stat().st_mtime_ns


def test_build_that_dies_after_commit_does_not_duplicate_its_new_reports(corpus_copy, tmp_path, monkeypatch):
    ix = tmp_path / "ix"
    build_index(corpus_copy, ix, procs=1)
    (corpus_copy / "new.txt").write_text("新增县2021年政府信息公开工作年度报告\n只出现一次的短语", "utf-8")
    real_write_files = build.write_files

    def die(*_args, **_kwargs):
        raise KeyboardInterrupt("killed between commit and recording")

    monkeypatch.setattr(build, "write_files", die)
    with pytest.raises(KeyboardInterrupt):
        build_index(corpus_copy, ix, procs=1)
    # committed but not recorded: the index already holds it
    assert SearchIndex(ix).search(Query.from_args({"q": '"只出现一次的短语"'})).total == 1
    monkeypatch.setattr(build, "write_files", real_write_files)
    summary = build_index(corpus_copy, ix, procs=1)
    assert summary.total == 6
    with SearchIndex(ix) as idx:
        assert idx.search(Query()).total == 6
        assert idx.search(Query.from_args({"q": '"只出现一次的短语"'})).total == 1
    assert read_meta(current_generation(ix))["reports"] == 6
    assert not (current_generation(ix) / "pending.txt").exists()


def test_an_incremental_build_hashes_each_changed_file_once(corpus_copy, tmp_path, monkeypatch):
    import hashlib

    from indexer.extract import read

    ix = tmp_path / "ix"
    build_index(corpus_copy, ix, procs=1)
    touched, changed = sorted(corpus_copy.glob("*.txt"))[:2]
    touched.touch()
    changed.write_text(changed.read_text("utf-8") + "\n补充一句", "utf-8")
    hashed: list[int] = []

    class Counting:
        @staticmethod
        def sha1(data=b""):
            hashed.append(len(data))
            return hashlib.sha1(data)

    monkeypatch.setattr(read, "hashlib", Counting)
    summary = build_index(corpus_copy, ix, procs=1)
    assert (summary.indexed, summary.unchanged) == (1, 4)
    assert len(hashed) == 2  # the touched file and the changed one, once each
