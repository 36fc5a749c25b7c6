"""The incremental-build planner both backends use: what is kept unread, hashed, parsed, deleted."""

from __future__ import annotations

from indexer.engine.generations import FileRecord
from indexer.engine.planning import plan_files
from indexer.extract.read import FileEntry


def _entries(*rows: tuple[str, int, int]) -> dict[str, FileEntry]:
    return {rel: FileEntry(rel, size, mtime) for rel, size, mtime in rows}


def test_the_plan_keeps_unchanged_stats_hashes_touched_files_and_parses_new_ones():
    known = {"same.txt": FileRecord("a" * 40, 10, 100), "touched.txt": FileRecord("b" * 40, 10, 100),
             "gone.txt": FileRecord("c" * 40, 5, 50), "old-list.txt": FileRecord("d" * 40)}
    entries = _entries(("same.txt", 10, 100), ("touched.txt", 10, 200), ("new.txt", 3, 300),
                       ("old-list.txt", 7, 70))
    plan = plan_files("/corpus", entries, known, pending=set())
    assert plan.kept == {"same.txt": known["same.txt"]}
    # a recorded file whose stat changed (or was never recorded) goes to a worker with its hash
    assert sorted(plan.tasks) == sorted([("/corpus", "touched.txt", "b" * 40), ("/corpus", "new.txt"),
                                         ("/corpus", "old-list.txt", "d" * 40)])
    assert plan.gone == ["gone.txt"] and plan.pending_gone == []


def test_a_pending_file_is_parsed_again_and_a_pending_file_now_gone_is_deleted():
    """Files a build that died had committed without recording them: parsed (replacing their copy),
    or deleted when they left the corpus meanwhile."""
    known = {"kept.txt": FileRecord("a" * 40, 10, 100)}
    entries = _entries(("kept.txt", 10, 100), ("half.txt", 4, 40))
    plan = plan_files("/c", entries, known, pending={"kept.txt", "half.txt", "left.txt"})
    assert plan.kept == {}
    assert sorted(plan.tasks) == [("/c", "half.txt"), ("/c", "kept.txt")]
    assert plan.gone == [] and plan.pending_gone == ["left.txt"]
