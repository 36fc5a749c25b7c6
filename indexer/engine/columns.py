"""Per-document value columns of one index version: facet counts, number filters, sort ranks."""

from __future__ import annotations

import threading
from collections.abc import Mapping

import numpy as np

from indexer.engine.corpusfacts import CorpusTable
from indexer.engine.facets import CodeCounts, NumberFacet, Registry
from indexer.extract.report import report_id


class Columns:
    """Facet and sort values per document number, read once per index version (columnar).

    Each listed facet is kept as numpy integer codes (0 = no value), so counting a facet over a
    matched set is one ``bincount``; each number as (values, present) arrays, for ranges and sorts;
    each sort order as a rank per document, so a page of a column sort is an ``argpartition`` over
    the matched documents.

    Facets marked ``corpus`` take their values from the generation's corpus-facts table (by report
    id, a function of the file column) instead of a whoosh column, and are counted, filtered and
    sorted the same way.
    """

    def __init__(self, searcher, registry: Registry, corpus: CorpusTable | None = None) -> None:
        self.size = n = searcher.reader().doc_count_all()
        self.listed = registry.listed
        self.files = [_text_value(v) or "" for v in self._column(searcher, "file", n)]
        rows = None
        if registry.corpus:
            table = corpus or CorpusTable()
            rows = [table.get(report_id(f)) if f else {} for f in self.files]

        def column(name: str, numeric: bool = False) -> list:
            if rows is not None and name in registry.corpus:
                return [registry[name].stored(r) for r in rows]
            return self._column(searcher, name, n, numeric=numeric)

        self.numbers: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        number_cols: dict[str, list] = {}
        for name in registry.numbers:
            col = number_cols[name] = column(name, numeric=True)
            present = np.fromiter((v is not None for v in col), dtype=bool, count=len(col))
            values = np.fromiter((0 if v is None else v for v in col), dtype=np.int64, count=len(col))
            self.numbers[name] = (values, present)  # a missing value reads as 0, not present
        self.codes: dict[str, np.ndarray] = {}
        self.labels: dict[str, list[str]] = {}
        for name in self.listed:
            is_number = isinstance(registry[name], NumberFacet)
            col = number_cols[name] if is_number else column(name)
            labels: dict[str | None, int] = {None: 0}
            codes = [labels.setdefault(_text_value(v), len(labels)) for v in col]
            self.codes[name] = np.asarray(codes, dtype=np.int32) if codes else np.zeros(0, np.int32)
            self.labels[name] = [v or "" for v in labels]
        self._code_of = {name: {v: i for i, v in enumerate(self.labels[name])} for name in registry.corpus
                         if name in self.codes}
        self._ranks: dict[tuple[str, bool], np.ndarray] = {}
        self._totals: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def counts(self, docs: np.ndarray) -> dict[str, Mapping[str, int]]:
        """Facet value → number of ``docs`` (sorted, distinct) having it, for every listed facet (read
        as mappings; the dictionaries are built only where asked for, see
        :class:`~indexer.engine.facets.CodeCounts`). A set of more than half the index is counted as
        the whole index's counts less those of the documents it leaves out: a common word matches
        most reports, and gathering each facet's codes over 90,000 documents was most of its count."""
        rest = None
        if 2 * len(docs) > self.size:
            left_out = np.ones(self.size, dtype=bool)
            left_out[docs] = False
            rest = np.flatnonzero(left_out)
        out: dict[str, Mapping[str, int]] = {}
        for name in self.listed:
            labels = self.labels[name]
            if rest is None:
                per_code = np.bincount(self.codes[name][docs], minlength=len(labels))
            else:
                per_code = self._all_counts(name) - np.bincount(self.codes[name][rest], minlength=len(labels))
            out[name] = CodeCounts(labels, per_code, self.code_of(name))
        return out

    def _all_counts(self, name: str) -> np.ndarray:
        """Facet ``name``'s counts over every document (counted once per index version)."""
        with self._lock:
            got = self._totals.get(name)
            if got is None:
                got = self._totals[name] = np.bincount(self.codes[name], minlength=len(self.labels[name]))
            return got

    def code_of(self, name: str) -> dict[str, int]:
        """Value → code of listed facet ``name`` (built once per index version)."""
        with self._lock:
            got = self._code_of.get(name)
            if got is None:
                got = self._code_of[name] = {v: i for i, v in enumerate(self.labels[name]) if i}
            return got

    def docs_with(self, name: str, value: str) -> np.ndarray:
        """Documents whose corpus facet ``name`` has ``value`` (the term lookup of a facet that has
        no whoosh postings), sorted."""
        code = self._code_of.get(name, {}).get(value)
        return np.zeros(0, dtype=np.int64) if not code else np.flatnonzero(self.codes[name] == code)

    def rank(self, name: str, descending: bool) -> np.ndarray:
        """Each document's place in the order by column ``name`` (missing values last), then by
        file name: the order of a column sort, computed once per index version."""
        key = (name, descending)
        with self._lock:
            got = self._ranks.get(key)
        if got is not None:
            return got
        values, present = self.numbers[name]
        files = self.files
        by_file = sorted(range(self.size), key=files.__getitem__)
        file_rank = np.empty(self.size, dtype=np.int64)
        file_rank[by_file] = np.arange(self.size)
        primary = np.where(present, -values if descending else values, np.iinfo(np.int64).max)
        order = np.lexsort((file_rank, primary))
        rank = np.empty(self.size, dtype=np.int64)
        rank[order] = np.arange(self.size)
        with self._lock:
            self._ranks[key] = rank
        return rank

    @staticmethod
    def _column(searcher, name: str, n: int, numeric: bool = False) -> list:
        out: list = []
        for sub, _offset in searcher.reader().leaf_readers():
            count = sub.doc_count_all()
            if sub.has_column(name):
                vals = list(sub.column_reader(name, translate=True))
                if numeric:
                    # a missing number reads as the column default; its postings tell them apart
                    present = _present_docs(sub, name)
                    vals = [v if d in present else None for d, v in enumerate(vals)]
                out.extend(vals)
            else:
                out.extend([None] * count)
        return out[:n] + [None] * (n - len(out))


def _text_value(v) -> str | None:
    """A stored column value as text (None for no value)."""
    return None if v in (None, "", b"") else str(v)


def _present_docs(reader, name: str) -> set[int]:
    """Docs of a segment that have a value in numeric field ``name`` (via its postings)."""
    present: set[int] = set()
    if name not in reader.schema:
        return present
    for term in reader.lexicon(name):
        present.update(reader.postings(name, term).all_ids())
    return present
