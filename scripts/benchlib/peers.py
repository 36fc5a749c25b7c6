"""Peers run on the same corpus and query mix: SQLite FTS5 (trigram) and a brute-force substring scan.

Both see the texts as the index does (``search_text``) and the facts the index stored, and take the
filters, ranges, sort and page from the same parsed :class:`Query`. Word queries mean what ours do:
every jieba word of the query present, or the whole string present (here: as substrings).
"""

from __future__ import annotations

import sqlite3
import time
from collections import Counter
from pathlib import Path

from whoosh import index as whoosh_index

from indexer.engine.build import current_generation
from indexer.engine.query import FACETS, Query
from indexer.engine.words import cut_words
from indexer.extract.normalise import normalise_query_phrase

NUMBERS = ("year", "applications_new", "reconsideration_total", "litigation_total")
INDEXED = ("year", "province", "city", "has_litigation", "applications_new", "litigation_total")
SORT_KEYS = {"year": ("year", True), "year_asc": ("year", False), "applications": ("applications_new", True),
             "litigation": ("litigation_total", True), "relevance": ("year", True)}


def index_facts(index_dir: Path) -> dict[str, dict]:
    """relpath → the facet and number fields our index stored for it."""
    gen = current_generation(index_dir)
    ix = whoosh_index.open_dir(str(gen))
    try:
        with ix.searcher() as s:
            out = {}
            for stored in s.all_stored_fields():
                row = {name: stored.get(name) for name in (*FACETS, *NUMBERS)}
                row["year"] = stored.get("year")
                out[stored["file"]] = row
            return out
    finally:
        ix.close()


def needle_sets(item: dict) -> tuple[list[list[str]], str] | None:
    """The text part of a mix item as OR-of-AND needles (normalised as the index does); None: no text."""
    if not item.get("text"):
        return None
    whole = normalise_query_phrase(item["text"])
    if item["text_kind"] == "phrase":
        return [[whole]], whole
    words = cut_words(whole)
    return ([words, [whole]] if words else [[whole]]), whole


# =============================================================================================
# Brute-force scan


class Scan:
    """``needle in text`` over every report held in memory, facets counted in Python."""

    def __init__(self, texts: dict[str, str], facts: dict[str, dict]) -> None:
        self.files = sorted(set(texts) & set(facts))
        self.texts = [texts[f] for f in self.files]
        self.facts = [facts[f] for f in self.files]

    def hits(self, item: dict, query: Query) -> list[int]:
        needles = needle_sets(item)
        docs = range(len(self.files))
        if needles is not None:
            options = needles[0]
            docs = [i for i in docs if any(all(n in self.texts[i] for n in opt) for opt in options)]
        return [i for i in docs if self._passes(self.facts[i], query)]

    @staticmethod
    def _passes(row: dict, query: Query) -> bool:
        for name, vals in query.filters:
            if str(row.get(name)) not in vals:
                return False
        for name, mn, mx in query.ranges:
            v = row.get(name)
            if v is None or (mn is not None and v < mn) or (mx is not None and v > mx):
                return False
        return True

    def search(self, item: dict, query: Query) -> tuple[int, list[str], dict]:
        hits = self.hits(item, query)
        facets = {name: Counter(str(self.facts[i][name]) for i in hits if self.facts[i][name] is not None)
                  for name in FACETS}
        key, desc = SORT_KEYS[query.sort]
        missing = -1 if desc else 1 << 40

        def order(i: int):
            v = self.facts[i][key]
            v = missing if v is None else v
            return (-v if desc else v, self.files[i])

        start = (query.page - 1) * query.per_page
        page = sorted(hits, key=order)[start:start + query.per_page]
        return len(hits), [self.files[i] for i in page], facets

    def hit_files(self, item: dict, query: Query) -> set[str]:
        return {self.files[i] for i in self.hits(item, query)}


# =============================================================================================
# SQLite FTS5


def _fts_phrase(needle: str) -> str:
    """An FTS5 string literal: with the trigram tokenizer, a substring match."""
    return '"' + needle.replace('"', '""') + '"'


class Fts5:
    """A trigram FTS5 table over the normalised texts, a facts table for filters and GROUP BY facets."""

    def __init__(self, path: Path) -> None:
        self.path = path
        for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
            p.unlink(missing_ok=True)
        self.conn = sqlite3.connect(path)

    def build(self, texts: dict[str, str], facts: dict[str, dict]) -> float:
        """Create, fill and index both tables; the seconds it took."""
        t0 = time.perf_counter()
        c = self.conn
        cols = ", ".join(f"{name} {'INTEGER' if name in NUMBERS else 'TEXT'}"
                         for name in dict.fromkeys((*FACETS, *NUMBERS)))
        c.execute(f"CREATE TABLE docs(id INTEGER PRIMARY KEY, file TEXT UNIQUE, {cols})")
        c.execute("CREATE VIRTUAL TABLE fts USING fts5(text, tokenize='trigram case_sensitive 1')")
        names = list(dict.fromkeys((*FACETS, *NUMBERS)))
        files = sorted(set(texts) & set(facts))
        with c:
            marks = ", ".join("?" * len(names))
            c.executemany(
                f"INSERT INTO docs(id, file, {', '.join(names)}) VALUES (?, ?, {marks})",
                ((i, f, *(facts[f][n] for n in names)) for i, f in enumerate(files, 1)))
            c.executemany("INSERT INTO fts(rowid, text) VALUES (?, ?)",
                          ((i, texts[f]) for i, f in enumerate(files, 1)))
            for name in INDEXED:
                c.execute(f"CREATE INDEX docs_{name} ON docs({name})")
        c.execute("INSERT INTO fts(fts) VALUES ('optimize')")
        c.commit()
        c.execute("CREATE TEMP TABLE hits(id INTEGER PRIMARY KEY)")
        return time.perf_counter() - t0

    def bytes(self) -> int:
        return self.path.stat().st_size

    # -- querying --------------------------------------------------------------------------------
    @staticmethod
    def _needle_sql(needle: str) -> tuple[str, list]:
        if len(needle) >= 3:  # trigram MATCH of a quoted string = substring
            return "d.id IN (SELECT rowid FROM fts WHERE fts MATCH ?)", [_fts_phrase(needle)]
        return "instr((SELECT text FROM fts WHERE rowid = d.id), ?) > 0", [needle]

    def _where(self, item: dict, query: Query) -> tuple[str, list]:
        conds: list[str] = []
        params: list = []
        needles = needle_sets(item)
        if needles is not None:
            ors = []
            for option in needles[0]:
                parts = [self._needle_sql(n) for n in option]
                ors.append("(" + " AND ".join(p[0] for p in parts) + ")")
                params.extend(x for p in parts for x in p[1])
            conds.append("(" + " OR ".join(ors) + ")")
        for name, vals in query.filters:
            conds.append(f"d.{name} IN ({', '.join('?' * len(vals))})")
            params.extend(int(v) if name == "year" else v for v in vals)
        for name, mn, mx in query.ranges:
            if mn is not None:
                conds.append(f"d.{name} >= ?")
                params.append(mn)
            if mx is not None:
                conds.append(f"d.{name} <= ?")
                params.append(mx)
        return (" AND ".join(conds) or "1"), params

    def _fill_hits(self, item: dict, query: Query) -> None:
        where, params = self._where(item, query)
        self.conn.execute("DELETE FROM temp.hits")
        self.conn.execute(f"INSERT INTO temp.hits SELECT d.id FROM docs d WHERE {where}", params)

    def search(self, item: dict, query: Query) -> tuple[int, list[str], dict]:
        c = self.conn
        self._fill_hits(item, query)
        total = c.execute("SELECT count(*) FROM temp.hits").fetchone()[0]
        facets = {}
        for name in FACETS:
            rows = c.execute(f"SELECT d.{name}, count(*) FROM temp.hits h JOIN docs d ON d.id = h.id "
                             f"WHERE d.{name} IS NOT NULL GROUP BY 1 ORDER BY 2 DESC").fetchall()
            facets[name] = Counter({str(v): n for v, n in rows})
        offset = (query.page - 1) * query.per_page
        needles = needle_sets(item)
        if (query.sort == "relevance" and needles is not None and item["text_kind"] == "phrase"
                and len(needles[1]) >= 3):
            # rank first, then snippets for the page only (snippet() in the ranked query would run
            # for every hit before the sort); "+rowid": a rowid lookup per hit would re-run the MATCH
            # for each one
            match = _fts_phrase(needles[1])
            ids = [r[0] for r in c.execute(
                "SELECT rowid FROM fts WHERE fts MATCH ? AND +rowid IN (SELECT id FROM temp.hits) "
                "ORDER BY rank LIMIT ? OFFSET ?", [match, query.per_page, offset])]
            snips = dict(c.execute(
                "SELECT fts.rowid, snippet(fts, 0, '<mark>', '</mark>', '…', 16) FROM fts "
                f"WHERE fts MATCH ? AND fts.rowid IN ({', '.join('?' * len(ids))})", [match, *ids]))
            files = dict(c.execute(f"SELECT id, file FROM docs WHERE id IN ({', '.join('?' * len(ids))})",
                                   ids))
            rows = [(files[i], snips[i]) for i in ids]
        else:
            key, desc = SORT_KEYS[query.sort]
            rows = c.execute(
                f"SELECT d.file FROM temp.hits h JOIN docs d ON d.id = h.id "
                f"ORDER BY d.{key} IS NULL, d.{key} {'DESC' if desc else 'ASC'}, d.file LIMIT ? OFFSET ?",
                [query.per_page, offset]).fetchall()
        return total, [r[0] for r in rows], facets

    def hit_files(self, item: dict, query: Query) -> set[str]:
        self._fill_hits(item, query)
        return {r[0] for r in self.conn.execute("SELECT d.file FROM temp.hits h JOIN docs d ON d.id = h.id")}

    def close(self) -> None:
        self.conn.close()
