"""Evaluating a parsed query to the set of matching document numbers.

Whoosh's own phrase matcher builds span objects for every candidate document and ran twice per
search (once to count, once to rank); at scale it was most of a query's time. Here a query tree is
evaluated with plain sets of document numbers:

* a term is its posting list (recently used ones cached);
* an exact phrase is a position check over a few of its bigrams that cover every character,
  done with numpy over all documents at once, rarest bigram first (see ``_phrase_in_leaf``);
* cheap clauses (field filters, ranges) are evaluated first and narrow the candidates of the
  phrase checks that follow;
* numbers come from the per-document value columns.

The set is then counted for facets and ranked separately (see ``query.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from collections.abc import Set as AbstractSet
from functools import partial
from pathlib import Path
from typing import TypeVar

import numpy as np
import numpy.ma  # np.unique (union1d in phrase checks) imports it at first use: 15-20 ms

from indexer.engine import gramkeys, wordkeys
from indexer.engine.cache import SizedLRU
from indexer.engine.gramkeys import distinct_docs, first_of_each_doc
from indexer.engine.postings import blocks
from indexer.engine.querylang import And, FieldRange, FieldTerm, Node, Not, Or, Phrase, Word, query_words
from indexer.extract.normalise import normalise_query_phrase
from indexer.schema import bigrams


class DocMask(AbstractSet[int]):
    """A set of document numbers as a boolean mask over all of them (one byte a document).

    At 100,000 reports a common word's documents as a Python set cost milliseconds to build, to
    intersect and to turn into an array; as masks an AND or a NOT is ~10 µs. Reads as a set
    (``in``, ``len``, iteration in document order); ``&``, ``|`` and ``-`` between masks stay masks.
    Never changed once made (cached ones are shared): every operation returns a new one.
    """

    __slots__ = ("_count", "mask")

    def __init__(self, mask: np.ndarray) -> None:
        self.mask = mask
        self._count: int | None = None

    def __contains__(self, docnum: object) -> bool:
        return bool(isinstance(docnum, int | np.integer) and 0 <= docnum < len(self.mask)
                    and self.mask[docnum])

    def __len__(self) -> int:
        if self._count is None:
            self._count = int(np.count_nonzero(self.mask))
        return self._count

    def __iter__(self) -> Iterator[int]:
        return iter(self.docs().tolist())

    def docs(self) -> np.ndarray:
        """The documents, sorted, as int64."""
        return np.flatnonzero(self.mask).astype(np.int64, copy=False)

    def __and__(self, other):
        if isinstance(other, DocMask):
            return DocMask(self.mask & other.mask)
        return super().__and__(other)

    def __or__(self, other):
        if isinstance(other, DocMask):
            return DocMask(self.mask | other.mask)
        return super().__or__(other)

    def __sub__(self, other):
        if isinstance(other, DocMask):
            return DocMask(self.mask & ~other.mask)
        return super().__sub__(other)

    def __repr__(self) -> str:
        return f"DocMask({len(self)} of {len(self.mask)})"


class DocSets:
    """Document-number sets (:class:`DocMask`) over one searcher (one index version)."""

    # term → documents masks kept, counted in bytes (one a document: 64 MB is 640 masks at 100,000)
    TERM_CACHE_BYTES = 64_000_000
    # positions of common bigrams kept, counted in positions (8 bytes each: 16,000,000 is 128 MB)
    GRAM_CACHE_POSITIONS = 16_000_000

    def __init__(self, searcher, numbers: Callable[[str], tuple[np.ndarray, np.ndarray]],
                 columns: tuple[frozenset[str], Callable[[str, str], np.ndarray]] | None = None,
                 folder: str | Path | None = None) -> None:
        self.reader = searcher.reader()
        # fields with no postings (corpus facts): their names, and documents-with-value from the columns
        self._column_fields: frozenset[str] = columns[0] if columns else frozenset()
        self._column_term: Callable[[str, str], np.ndarray] | None = columns[1] if columns else None
        self.leaves = [(leaf, offset, leaf.doc_count_all()) for leaf, offset in self.reader.leaf_readers()]
        # each segment's bigram positions as numpy reads them, where the build wrote them (gramkeys.py)
        self._gram_files: dict[int, gramkeys.GramKeys | None] = {
            id(leaf): _open_beside(folder, leaf, gramkeys.GramKeys.open, gramkeys.segment_file)
            for leaf, _o, _n in self.leaves}
        # and its word fields' postings (wordkeys.py), which ranking reads too (``word_file``)
        self._word_files: dict[int, wordkeys.WordKeys | None] = {
            id(leaf): _open_beside(folder, leaf, wordkeys.WordKeys.open, wordkeys.segment_file)
            for leaf, _o, _n in self.leaves}
        self.size = self.reader.doc_count_all()
        live = np.zeros(self.size, dtype=bool)
        live[np.fromiter(self.reader.all_doc_ids(), dtype=np.int64)] = True
        live.flags.writeable = False
        self.all = DocMask(live)
        self._empty = self._mask(np.zeros(0, dtype=np.int64))
        self._numbers = numbers
        self._terms: SizedLRU[DocMask] = SizedLRU(self.TERM_CACHE_BYTES, lambda m: len(m.mask))
        self._gram_keys: SizedLRU[np.ndarray] = SizedLRU(self.GRAM_CACHE_POSITIONS, len)

    def _mask(self, docs: np.ndarray) -> DocMask:
        """The live documents among ``docs`` (global numbers) as a read-only mask."""
        m = np.zeros(self.size, dtype=bool)
        if len(docs):
            m[docs] = True
            m &= self.all.mask
        m.flags.writeable = False
        return DocMask(m)

    def word_file(self, leaf) -> wordkeys.WordKeys | None:
        """The segment's word postings file, if the build wrote one (see ``wordkeys``)."""
        return self._word_files.get(id(leaf))

    def gram_keys(self, leaf, gram: str) -> np.ndarray | None:
        """A bigram's position keys in the segment from its ``.gramkeys`` file, the common ones from
        the cache phrase matching fills (:meth:`_keys`); None where the build wrote no file."""
        return None if self._gram_files.get(id(leaf)) is None else self._keys(leaf, gram, None)

    def single(self, docnum: int) -> DocMask:
        """One document (if live) as a set."""
        return self._mask(np.asarray([docnum], dtype=np.int64))

    # -- primitives ------------------------------------------------------------------------------
    def term(self, field: str, text: str) -> DocMask:
        """Documents whose ``field`` holds ``text`` (cached: queries share words and filters)."""
        key = (field, text)
        hit = self._terms.get(key)
        if hit is not None:
            return hit
        if field in self._column_fields and self._column_term is not None:
            docs = self._column_term(field, text)
        else:
            parts: list[np.ndarray] = []
            for leaf, offset, _n in self.leaves:
                if field == "grams" and (gk := self._gram_files.get(id(leaf))) is not None:
                    parts.append(gk.docs(text) + offset)
                elif (wk := self._word_files.get(id(leaf))) is not None and wk.holds(field):
                    parts.append(wk.docs(field, text) + offset)
                else:
                    parts.append(_ids(leaf, offset, field, text))
            docs = np.concatenate(parts) if parts else _EMPTY
        return self._terms.put(key, self._mask(docs))

    def prefix(self, field: str, prefix: str) -> DocMask:
        """Documents holding any term of ``field`` that starts with ``prefix`` (not cached)."""
        parts: list[np.ndarray] = [_EMPTY]
        for leaf, offset, _n in self.leaves:
            for term in leaf.expand_prefix(field, prefix):
                text = term.decode("utf-8") if isinstance(term, bytes) else term
                parts.append(_ids(leaf, offset, field, text))
        return self._mask(np.concatenate(parts))

    def numeric(self, field: str, low: int | None, high: int | None, within: DocMask | None) -> DocMask:
        values, present = self._numbers(field)
        ok = present & (within if within is not None else self.all).mask
        if low is not None:
            ok &= values >= low
        if high is not None:
            ok &= values <= high
        return DocMask(ok)

    def phrase(self, text: str, within: DocMask | None = None) -> DocMask:
        """Documents whose normalised text contains ``text`` (already normalised)."""
        if not text:
            return self.all if within is None else within
        if len(text) == 1:
            holding = self.prefix("grams", text)
            return holding if within is None else holding & within
        grams = bigrams(text)
        if len(grams) == 1:
            hits = self.term("grams", grams[0])
            return hits if within is None else hits & within
        offsets = _plan(grams, lambda g: self.reader.frequency("grams", g))
        if offsets is None:
            return self._empty
        found: list[np.ndarray] = [_EMPTY]
        ordered = within.docs() if within is not None else None
        for leaf, base, n in self.leaves:
            local = None
            if ordered is not None:
                cut = ordered[np.searchsorted(ordered, base):np.searchsorted(ordered, base + n)]
                if not len(cut):
                    continue
                local = (cut - base).tolist()
            found.append(_phrase_in_leaf(partial(self._keys, leaf), offsets, local) + base)
        out = self._mask(np.concatenate(found))
        return out if within is None else out & within

    def phrase_starts(self, text: str, docnum: int) -> np.ndarray:
        """Where ``text`` (normalised, two characters or more) starts in one document's normalised
        text, sorted: found from the bigram positions, so a hit need not scan a long report."""
        if len(text) < 2:
            return _EMPTY
        found = next(((leaf, base) for leaf, base, n in self.leaves if base <= docnum < base + n), None)
        if found is None:
            return _EMPTY
        leaf, base = found
        local = [docnum - base]
        offsets = _plan(bigrams(text), lambda g: leaf.frequency("grams", g))
        if offsets is None:
            return _EMPTY
        starts = _phrase_starts_in_leaf(partial(self._keys, leaf), offsets, local)
        return starts[(starts >> 32) == local[0]] & _LOW32

    def _keys(self, leaf, gram: str, want: list[int] | None) -> np.ndarray:
        """A bigram's position keys in one segment. Bigrams in over a quarter of the segment's
        documents are read whole and cached (within a budget): the common ones (政府, 信息, 公开)
        recur in most phrases and reading their positions is most of a phrase query's time."""
        key = (id(leaf), gram)
        hit = self._gram_keys.get(key)
        if hit is not None:
            return hit
        df = leaf.doc_frequency("grams", gram)
        gk = self._gram_files.get(id(leaf))
        if df * 4 < leaf.doc_count_all():
            # a few wanted documents of a long list: whoosh reads only the blocks that hold them
            if gk is not None and (want is None or gk.count(gram) <= KEYS_PER_BLOCK_READ * min(
                    len(want), -(-df // _BLOCK_POSTINGS))):
                return gk.keys(gram)
            return position_keys(leaf, gram, want)
        return self._gram_keys.put(key, gk.keys(gram) if gk is not None else position_keys(leaf, gram, None))

    # -- the tree --------------------------------------------------------------------------------
    def evaluate(self, node: Node | None, within: DocMask | None = None) -> DocMask:
        """The documents matching ``node`` (within ``within`` when given)."""
        if node is None:
            return self.all if within is None else within
        if isinstance(node, FieldTerm):
            s = self.term(node.field, node.value)
            return s if within is None else s & within
        if isinstance(node, FieldRange):
            return self.numeric(node.field, node.low, node.high, within)
        if isinstance(node, Phrase):
            return self.phrase(normalise_query_phrase(node.text), within)
        if isinstance(node, Word):
            return self._word(normalise_query_phrase(node.text), within)
        if isinstance(node, Not):
            base = self.all if within is None else within
            return base - self.evaluate(node.child, within)
        if isinstance(node, Or):
            out = self._empty
            for child in node.children:
                out = out | self.evaluate(child, within)
            return out
        if isinstance(node, And):
            current = within
            positives = sorted((c for c in node.children if not isinstance(c, Not)), key=_cost)
            for child in positives:
                current = self.evaluate(child, current)
                if not current:
                    return self._empty
            result = self.all if current is None else current
            for child in node.children:
                if isinstance(child, Not):
                    result = result - self.evaluate(child.child, result)
            return result
        raise TypeError(node)

    def _word(self, text: str, within: DocMask | None) -> DocMask:
        """Words: all jieba words of the text present, or the text itself present."""
        if not text:
            return self.all if within is None else within
        words = query_words(text)
        by_words = self._empty
        if words:
            masks = sorted((self.term("words", w) for w in dict.fromkeys(words)), key=len)
            by_words = masks[0] if within is None else masks[0] & within
            for m in masks[1:]:
                by_words = by_words & m
        rest = (self.all if within is None else within) - by_words
        return by_words | self.phrase(text, rest) if rest else by_words


def _ids(leaf, offset: int, field: str, text: str) -> np.ndarray:
    """The (global) document numbers of a term's postings in one segment."""
    parts = [np.asarray(block.ids, dtype=np.int64) for block in blocks(leaf, field, text)]
    return (np.concatenate(parts) + offset) if parts else _EMPTY


def _plan(grams: list[str], positions: Callable[[str], float]) -> dict[str, list[int]] | None:
    """The bigrams a phrase check reads and their offsets, rarest first (None: one is absent).

    Rarest by positions, not documents: at 100,000 reports every bigram of 政府信息公开 is in every
    report, but 府信 stands a few times in each and 政府 dozens."""
    freq = {g: positions(g) for g in set(grams)}
    if not all(freq.values()):
        return None
    anchor = min(range(len(grams)), key=lambda o: (freq[grams[o]], o))
    offsets: dict[str, list[int]] = {}
    for o in sorted(cover(len(grams), anchor), key=lambda o: (freq[grams[o]], o)):
        offsets.setdefault(grams[o], []).append(o)
    return offsets


def cover(n_grams: int, anchor: int) -> set[int]:
    """Offsets of bigrams that together cover every character of a phrase with ``n_grams`` bigrams,
    including ``anchor``: every second bigram, plus the first and last.

    A phrase stands at position s exactly when each of these bigrams stands at s + its offset (they
    cover all its characters), so the others need not be read: ``政府信息公开`` is checked with
    政府, 信息 and 公开 instead of all five bigrams.
    """
    out = {anchor}
    o = anchor
    while o > 0:
        o = max(o - 2, 0)
        out.add(o)
    o = anchor
    while o < n_grams - 1:
        o = min(o + 2, n_grams - 1)
        out.add(o)
    return out


KeysOf = Callable[[str, list[int] | None], np.ndarray]


def _phrase_in_leaf(keys_of: KeysOf, offsets: dict[str, list[int]], local: list[int] | None) -> np.ndarray:
    """Local document numbers of one segment that hold the phrase (see :func:`_phrase_starts_in_leaf`).

    A document needs one occurrence, not all: a common phrase (政府信息公开) stands dozens of times in
    each of 100,000 reports, and checking every start was most of its time. So each document's first
    candidate start is checked first, and the other candidates only of the documents where the first
    failed."""
    anchor = _anchor_starts(keys_of, offsets, local)
    if anchor is None:
        return _EMPTY
    starts, checks, fetched = anchor
    docs = starts >> 32
    first = first_of_each_doc(starts)
    if np.count_nonzero(first) * 2 > len(starts):  # few documents with repeats: one pass
        return distinct_docs(_check_starts(keys_of, starts, checks, dict(fetched)))
    found = distinct_docs(_check_starts(keys_of, starts[first], checks, dict(fetched)))
    done = np.zeros(int(docs[-1]) + 1, dtype=bool)
    done[found] = True
    rest = starts[~first & ~done[docs]]
    if not len(rest):
        return found
    more = distinct_docs(_check_starts(keys_of, rest, checks, dict(fetched)))
    return np.union1d(found, more)


def _phrase_starts_in_leaf(keys_of: KeysOf, offsets: dict[str, list[int]],
                           local: list[int] | None) -> np.ndarray:
    """Sorted ``doc << 32 | start`` keys of one segment where every bigram of ``offsets`` stands at
    the start position plus each of its offsets. ``offsets`` is ordered rarest bigram first;
    ``local`` (sorted) limits the documents considered; ``keys_of(gram, want)`` gives a bigram's sorted
    ``doc << 32 | position`` keys in the segment (at least for the documents of ``want``).

    The rarest bigram's keys, shifted by its offset, are the candidate starts; each other (bigram,
    offset) keeps the candidates whose start plus the offset is among the bigram's keys, looked up
    with ``searchsorted``: the position check runs in C for all documents at once (in a Python loop
    it cost ~20 µs a document, two seconds for a phrase found in all of 100,000 reports). After the
    rarest bigram, the others are read only in the postings blocks that hold a remaining candidate.
    """
    anchor = _anchor_starts(keys_of, offsets, local)
    if anchor is None:
        return _EMPTY
    starts, checks, fetched = anchor
    return _check_starts(keys_of, starts, checks, fetched)


def _anchor_starts(keys_of: KeysOf, offsets: dict[str, list[int]], local: list[int] | None
                   ) -> tuple[np.ndarray, list[tuple[str, int]], dict[str, np.ndarray]] | None:
    """The candidate starts from the rarest bigram (its first offset), the (bigram, offset) checks
    left, and the keys read so far; None when no candidate is left."""
    gram, offs = next(iter(offsets.items()))
    keys = keys_of(gram, local)
    if local is not None and len(local) * 64 < len(keys):
        keys = keys_in_docs(keys, local)  # a few candidates: not every start of a common bigram
    o = offs[0]
    starts = keys[(keys & _LOW32) >= o] - o if o else keys
    if not len(starts):
        return None
    checks = [(gram, x) for x in offs[1:]] + [(g, x) for g, xs in list(offsets.items())[1:] for x in xs]
    return starts, checks, {gram: keys}


def _check_starts(keys_of: KeysOf, starts: np.ndarray, checks: list[tuple[str, int]],
                  fetched: dict[str, np.ndarray]) -> np.ndarray:
    """The ``starts`` at which each (bigram, offset) of ``checks`` stands at start + offset."""
    for gram, o in checks:
        keys = fetched.get(gram)
        if keys is None:  # read for the documents still in question (whoosh can skip blocks)
            keys = fetched[gram] = keys_of(gram, distinct_docs(starts).tolist())
        if not len(keys):
            return _EMPTY
        # look the candidates up in the bigram's keys (not shifted or masked: a common bigram has
        # millions of keys at 100,000 reports, the candidates are far fewer)
        probe = starts + o if o else starts
        idx = np.searchsorted(keys, probe)
        idx[idx == len(keys)] = 0  # past the end: keys[0] is smaller, so no match
        starts = starts[keys[idx] == probe]
        if not len(starts):
            return _EMPTY
    return starts


_LOW32 = np.int64(0xFFFFFFFF)
# Reading a bigram from its gram keys file costs ~12 ns a key (the read and the numpy steps after
# it); a whoosh postings block ~100 µs: with a few wanted documents, whoosh's blocks are cheaper.
KEYS_PER_BLOCK_READ = 8000
_BLOCK_POSTINGS = 128  # whoosh3's postings per block
_Side = TypeVar("_Side")


def _open_beside(folder: str | Path | None, leaf, open_file: Callable[[Path], _Side | None],
                 segment_file: Callable[[str | Path, str], Path]) -> _Side | None:
    """The file a full build wrote beside the leaf's segment (``gramkeys``, ``wordkeys``), if any."""
    segid = getattr(leaf, "_segid", None)
    return open_file(segment_file(folder, segid)) if folder is not None and segid else None


def keys_in_docs(keys: np.ndarray, docs: list[int]) -> np.ndarray:
    """The sorted ``doc << 32 | position`` ``keys`` of the documents ``docs`` (sorted) only."""
    d = np.asarray(docs, dtype=np.int64)
    lo = np.searchsorted(keys, d << 32)
    hi = np.searchsorted(keys, (d + 1) << 32)
    sizes = hi - lo
    total = int(sizes.sum())
    if not total:
        return _EMPTY
    heads = np.cumsum(sizes) - sizes
    return keys[np.arange(total) - np.repeat(heads - lo, sizes)]


_EMPTY = np.zeros(0, dtype=np.int64)


def position_keys(leaf, gram: str, want: list[int] | None) -> np.ndarray:
    """Sorted ``doc << 32 | position`` keys of ``gram`` in one segment, from the postings blocks
    that may hold a document of ``want`` (all blocks if None)."""
    parts: list[np.ndarray] = []
    for ids, values, _w in blocks(leaf, "grams", gram, want, values=True):
        assert values is not None  # asked for with values=True
        words = np.fromiter(map(len, values), dtype=np.int64, count=len(values)) >> 2
        # ArrayPositions: a 4-byte frequency, then the positions as native uint32
        flat = np.frombuffer(b"".join(values), dtype=np.uint32)
        heads = np.cumsum(words) - words
        keep = np.ones(len(flat), dtype=bool)
        keep[heads] = False
        docs = np.repeat(np.asarray(ids, dtype=np.int64), words - 1)
        parts.append((docs << 32) | flat[keep].astype(np.int64))
    return np.concatenate(parts) if parts else _EMPTY


def _cost(node: Node) -> int:
    """Evaluation order inside an AND: filters first, they narrow the phrase checks after them."""
    if isinstance(node, FieldTerm | FieldRange):
        return 0
    if isinstance(node, Or) and all(isinstance(c, FieldTerm | FieldRange) for c in node.children):
        return 0
    if isinstance(node, Word):
        return 2
    return 3
