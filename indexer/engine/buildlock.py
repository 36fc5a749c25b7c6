"""One build at a time per index folder, and what a killed build left behind cleaned up.

A build killed outright (SIGKILL, power loss) runs no cleanup: its half-written generation folder
and its temporary files stay. The next build, holding the lock (so no other build is writing), removes
every generation folder that never completed (no manifest) and is not the one served, and the stale
temporary files. The lock is an ``flock`` on ``INDEX_DIR/.build.lock``: the system releases it when
the holder dies, so a killed build never leaves the index locked.
"""

from __future__ import annotations

import fcntl
import functools
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from indexer.engine.generations import MANIFEST

LOCK = ".build.lock"
T = TypeVar("T")


@contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    """Hold the index folder's build lock (waiting, with a note on stderr, while another build runs)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / LOCK, "a+b") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            sys.stderr.write(f"another build of {index_dir} is running: waiting for it to finish\n")
            fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def remove_leftovers(index_dir: Path, current: str | None) -> list[str]:
    """Remove what killed builds left: generation folders without a manifest (never completed) other
    than ``current``, and temporary files (``.CURRENT.<pid>``, ``.<name>.<pid>.tmp``). Only call it
    holding the build lock. Returns the names removed."""
    removed: list[str] = []
    for gen in index_dir.glob("gen-*"):
        if gen.is_dir() and gen.name != current and not (gen / MANIFEST).exists():
            shutil.rmtree(gen, ignore_errors=True)
            removed.append(gen.name)
    stale = [*index_dir.glob(".CURRENT.*"), *index_dir.glob("gen-*/.*.tmp")]
    for tmp in stale:
        tmp.unlink(missing_ok=True)
        removed.append(str(tmp.relative_to(index_dir)))
    return removed


def locked_build(fn: Callable[..., T]) -> Callable[..., T]:
    """Run ``fn(corpus_dir, index_dir, ...)`` holding the build lock, after removing leftovers."""

    @functools.wraps(fn)
    def wrapper(corpus_dir, index_dir, *args, **kwargs) -> T:
        index_root = Path(index_dir)
        with build_lock(index_root):
            try:
                current = (index_root / "CURRENT").read_text(encoding="utf-8").strip() or None
            except OSError:
                current = None
            remove_leftovers(index_root, current)
            return fn(corpus_dir, index_dir, *args, **kwargs)

    return wrapper
