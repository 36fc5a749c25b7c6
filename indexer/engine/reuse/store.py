"""The reuse index of a generation as one SQLite file (``reuse.sqlite``), read and written by the row.

A pickle of the whole index had to be read and written whole by every incremental build (36 MB,
1-5 s at 10,000 reports, for an add that takes 0.02 s). Here an incremental build opens the file,
reads the rows an add or remove needs (the LSH buckets its bands name, those candidates' entries and
neighbours, the reports that cite a removed one) and writes the rows it changes, all in one
transaction that ``commit`` ends (rollback journal, no WAL: a build that dies before it leaves the
file as the last build committed it; the pending files are parsed again and replace their entries).
A full build writes a new file in one pass and renames it into place.

Tables:

* ``meta``: format, settings, learned boilerplate, LSH band ranges, the caller's notes (pickled);
* ``entries``: each report's entry (body, year, sentence keys, own sequence, signature), pickled;
* ``neighbours``: each report's nearest others in rank order, indexed by the other report too
  (who cites a report);
* ``buckets``: (band, the band's values as one 64-bit key (``bulk.band_keys``), report id), the LSH
  table;
* ``df``: each sentence key (as a signed 64-bit integer) → the reports it is found in.
"""

from __future__ import annotations

import itertools
import os
import pickle
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

SCHEMA = """
CREATE TABLE meta(name TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE entries(id TEXT PRIMARY KEY, entry BLOB NOT NULL);
CREATE TABLE neighbours(id TEXT NOT NULL, pos INTEGER NOT NULL, other TEXT NOT NULL, share REAL NOT NULL,
                        kind TEXT NOT NULL, "when" TEXT NOT NULL, chars INTEGER NOT NULL,
                        evidence REAL NOT NULL, PRIMARY KEY (id, pos)) WITHOUT ROWID;
CREATE TABLE buckets(band INTEGER NOT NULL, key INTEGER NOT NULL, id TEXT NOT NULL,
                     PRIMARY KEY (band, key, id)) WITHOUT ROWID;
CREATE TABLE df(key INTEGER PRIMARY KEY, count INTEGER NOT NULL);
"""
INDEXES = "CREATE INDEX neighbours_other ON neighbours(other);"

NeighbourRow = tuple[str, float, str, str, int, float]  # other, share, kind, when, chars, evidence
Bucket = tuple[int, int]  # band, key (signed 64-bit)


def signed(keys: np.ndarray) -> list[int]:
    """uint64 keys as SQLite integers (signed 64-bit, the same bits)."""
    return np.asarray(keys, dtype=np.uint64).view(np.int64).tolist()


def unsigned(keys: list[int]) -> list[int]:
    return np.array(keys, dtype=np.int64).view(np.uint64).tolist()


def dumps(value: Any) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


class Store:
    """An open reuse file: reads rows on demand, writes inside one transaction until :meth:`commit`."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self._conn = conn
        self._meta: dict[str, Any] = {}  # read when asked for (the boilerplate is a few MB)

    # ------------------------------------------------------------------ whole files

    @staticmethod
    def write(path: Path, meta: dict[str, Any], entries: Iterable[tuple[str, bytes]],
              neighbours: Iterable[tuple[str, int, str, float, str, str, int, float]],
              buckets: Iterable[tuple[int, int, str]], df: Iterable[tuple[int, int]]) -> None:
        """A new file in one pass (no journal: it is renamed into place only once complete). Buckets and
        df come in their keys' order (inserted so, the B-trees are written page after page)."""
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.unlink(missing_ok=True)
        conn = sqlite3.connect(tmp, isolation_level=None)
        try:
            conn.execute("PRAGMA page_size=16384")  # an entry is ~4 KB: at 4 KB pages most spill over
            conn.execute("PRAGMA journal_mode=OFF")
            conn.execute("PRAGMA synchronous=OFF")
            conn.executescript(SCHEMA)
            conn.execute("BEGIN")
            conn.executemany("INSERT INTO meta VALUES (?, ?)", [(k, dumps(v)) for k, v in meta.items()])
            conn.executemany("INSERT INTO entries VALUES (?, ?)", entries)
            conn.executemany("INSERT INTO neighbours VALUES (?, ?, ?, ?, ?, ?, ?, ?)", neighbours)
            conn.executemany("INSERT INTO buckets VALUES (?, ?, ?)", buckets)  # in key order (the caller's)
            conn.executemany("INSERT INTO df VALUES (?, ?)", df)
            conn.execute(INDEXES)
            conn.execute("COMMIT")
        finally:
            conn.close()
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)

    @classmethod
    def open(cls, path: Path, fmt: int) -> Store:
        """Open a file for reading and an incremental build's writes (ValueError: not this format)."""
        if not path.is_file():
            raise FileNotFoundError(path)
        conn = sqlite3.connect(path, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=DELETE")
            store = cls(path, conn)
            if store.meta("format") != fmt:
                raise ValueError(f"reuse index format {store.meta('format')}, expected {fmt}: rebuild")
            conn.execute("BEGIN")
        except sqlite3.DatabaseError as e:
            conn.close()
            raise ValueError(f"unreadable reuse index {path}: {e}") from e
        except ValueError:
            conn.close()
            raise
        return store

    def commit(self) -> None:
        """End the transaction (every change since open or the last commit), start the next."""
        self._conn.execute("COMMIT")
        self._conn.execute("BEGIN")

    def close(self) -> None:
        """Close without committing (what was not committed is rolled back)."""
        self._conn.close()

    # ------------------------------------------------------------------ reading

    def meta(self, name: str) -> Any:
        if name not in self._meta:
            row = self._conn.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
            self._meta[name] = None if row is None else pickle.loads(row[0])
        return self._meta[name]

    def ids(self) -> list[str]:
        return [rid for (rid,) in self._conn.execute("SELECT id FROM entries ORDER BY rowid")]

    def has_entry(self, rid: str) -> bool:
        return self._conn.execute("SELECT 1 FROM entries WHERE id = ?", (rid,)).fetchone() is not None

    def count_entries(self) -> int:
        return int(self._conn.execute("SELECT count(*) FROM entries").fetchone()[0])

    def entry(self, rid: str) -> bytes | None:
        row = self._conn.execute("SELECT entry FROM entries WHERE id = ?", (rid,)).fetchone()
        return None if row is None else row[0]

    def neighbours(self, rid: str) -> list[NeighbourRow]:
        return self._conn.execute('SELECT other, share, kind, "when", chars, evidence FROM neighbours '
                                  "WHERE id = ? ORDER BY pos", (rid,)).fetchall()

    def every_neighbours(self) -> Iterator[tuple[str, list[NeighbourRow]]]:
        """Every report's neighbours (reports without any left out), in one pass over the table."""
        rows = self._conn.execute('SELECT id, other, share, kind, "when", chars, evidence FROM neighbours '
                                  "ORDER BY id, pos")
        for rid, group in itertools.groupby(rows, key=lambda row: row[0]):
            yield rid, [row[1:] for row in group]

    def cited(self, rid: str) -> set[str]:
        """The reports that list ``rid`` among their neighbours."""
        return {r for (r,) in self._conn.execute("SELECT id FROM neighbours WHERE other = ?", (rid,))}

    def bucketed(self, buckets: list[Bucket]) -> set[str]:
        """The reports in any of these LSH buckets."""
        found: set[str] = set()
        for band, key in buckets:
            found.update(r for (r,) in self._conn.execute(
                "SELECT id FROM buckets WHERE band = ? AND key = ?", (band, key)))
        return found

    def known(self, keys: np.ndarray) -> np.ndarray:
        """Which of these sentence keys some report has (a count above 0)."""
        if not len(keys):
            return np.zeros(0, dtype=bool)
        asked = signed(keys)
        found: set[int] = set()
        for at in range(0, len(asked), 500):  # SQLite's limit on bound values
            part = asked[at:at + 500]
            found.update(k for (k,) in self._conn.execute(
                f"SELECT key FROM df WHERE count > 0 AND key IN ({','.join('?' * len(part))})", part))
        return np.fromiter((k in found for k in asked), dtype=bool, count=len(asked))

    def df(self) -> Counter:
        rows = self._conn.execute("SELECT key, count FROM df").fetchall()
        return Counter(dict(zip(unsigned([k for k, _ in rows]), (c for _, c in rows), strict=True)))

    # ------------------------------------------------------------------ writing

    def set_meta(self, name: str, value: Any) -> None:
        self._conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (name, dumps(value)))
        self._meta[name] = value

    def put_entry(self, rid: str, blob: bytes) -> None:
        self._conn.execute("INSERT OR REPLACE INTO entries VALUES (?, ?)", (rid, blob))

    def delete_entry(self, rid: str) -> bool:
        """Whether there was an entry to delete."""
        return self._conn.execute("DELETE FROM entries WHERE id = ?", (rid,)).rowcount > 0

    def set_neighbours(self, rid: str, rows: list[NeighbourRow]) -> None:
        self._conn.execute("DELETE FROM neighbours WHERE id = ?", (rid,))
        self._conn.executemany("INSERT INTO neighbours VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                               [(rid, i, *row) for i, row in enumerate(rows)])

    def add_buckets(self, rid: str, buckets: list[Bucket]) -> None:
        self._conn.executemany("INSERT OR IGNORE INTO buckets VALUES (?, ?, ?)",
                               [(band, key, rid) for band, key in buckets])

    def remove_buckets(self, rid: str, buckets: list[Bucket]) -> None:
        self._conn.executemany("DELETE FROM buckets WHERE band = ? AND key = ? AND id = ?",
                               [(band, key, rid) for band, key in buckets])

    def count(self, keys: np.ndarray, by: int) -> None:
        """Add ``by`` to the report count of each sentence key."""
        self._conn.executemany("INSERT INTO df VALUES (?, ?) ON CONFLICT(key) DO UPDATE "
                               "SET count = count + excluded.count", [(k, by) for k in signed(keys)])
