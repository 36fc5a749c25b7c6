"""Which files an incremental build must look at: one planner for both backends' builds.

A file whose size and modification time match the recorded ones keeps its recorded hash (as git
does); a recorded file whose stat changed goes to a worker with its recorded hash, and the worker
hashes it once and parses it only if the content changed; a new file (or one a build that died had
committed without recording it) is parsed. Hashing in the workers, not here, keeps a corpus of
touched files from being read twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from indexer.engine.generations import FileList, FileRecord
from indexer.engine.prepare import Task
from indexer.extract.read import FileEntry


class FilePlan(NamedTuple):
    """What a build does with the corpus beside what an index (or a shard) recorded."""

    kept: FileList  # stat unchanged: kept with the recorded hash, not read
    tasks: list[Task]  # to the workers: (root, rel) to parse, (root, rel, sha1) to hash first
    gone: list[str]  # recorded, no longer in the corpus: to delete
    pending_gone: list[str]  # committed by a build that died, no longer in the corpus: to delete


def plan_files(root: str, entries: Mapping[str, FileEntry], known: Mapping[str, FileRecord],
               pending: set[str]) -> FilePlan:
    """The plan for ``entries`` (the corpus scan) against ``known`` (the recorded file list) and
    ``pending`` (files committed but not recorded). One string comparison per file: the recorded
    lines are compared, not parsed (``FileList``)."""
    recorded = FileList.of(known)
    lines = recorded.raw
    kept: dict[str, str] = {}
    tasks: list[Task] = []
    for rel, (_, size, mtime_ns) in entries.items():
        line = lines.get(rel)
        if line is not None and rel not in pending:
            after_sha1 = line.index("\t") + 1
            if line.startswith(f"{size}\t{mtime_ns}\t", after_sha1):
                kept[rel] = line
                continue
            tasks.append((root, rel, line[:after_sha1 - 1]))
        else:
            tasks.append((root, rel))
    gone = [rel for rel in lines if rel not in entries]
    pending_gone = sorted(rel for rel in pending if rel not in entries)
    return FilePlan(FileList(kept), tasks, gone, pending_gone)
