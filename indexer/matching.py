"""Evaluating a parsed query to the set of matching document numbers.

Whoosh's own phrase matcher builds span objects for every candidate document and ran twice per
search (once to count, once to rank); at scale it was most of a query's time. Here a query tree is
evaluated with plain sets of document numbers:

* a term is its posting list;
* an exact phrase is the intersection of its bigrams' posting lists, then a position check in the
  candidates only. Documents whose jieba words include the whole phrase contain it for certain and
  skip the check (common words such as 信息公开 are the expensive case otherwise);
* cheap clauses (field filters, ranges) are evaluated first and narrow the candidates of the
  phrase checks that follow;
* numbers come from the per-document value columns.

The set is then counted for facets and ranked separately (see ``query.py``).
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Callable

from indexer.normalise import normalise_query_phrase
from indexer.querylang import And, FieldRange, FieldTerm, Node, Not, Or, Phrase, Word, query_words
from indexer.schema import bigrams, position_array


class DocSets:
    """Document-number sets over one searcher (one index version)."""

    def __init__(self, searcher, numbers: Callable[[str], list[int | None]]) -> None:
        self.reader = searcher.reader()
        self.leaves = [(leaf, offset, leaf.doc_count_all()) for leaf, offset in self.reader.leaf_readers()]
        self.all: frozenset[int] = frozenset(self.reader.all_doc_ids())
        self._numbers = numbers

    # -- primitives ------------------------------------------------------------------------------
    def term(self, field: str, text: str) -> set[int]:
        out: set[int] = set()
        for leaf, offset, _n in self.leaves:
            for ids, _m in _blocks(leaf, field, text):
                out.update(ids if offset == 0 else [d + offset for d in ids])
        return out & self.all if out else out

    def prefix(self, field: str, prefix: str) -> set[int]:
        out: set[int] = set()
        for leaf, offset, _n in self.leaves:
            for term in leaf.expand_prefix(field, prefix):
                text = term.decode("utf-8") if isinstance(term, bytes) else term
                ids = leaf.postings(field, text).all_ids()
                out.update(ids if offset == 0 else (d + offset for d in ids))
        return out & self.all

    def numeric(self, field: str, low: int | None, high: int | None, within: set[int] | None) -> set[int]:
        col = self._numbers(field)
        lo = -(1 << 62) if low is None else low
        hi = 1 << 62 if high is None else high
        docs = self.all if within is None else within
        return {d for d in docs if (v := col[d]) is not None and lo <= v <= hi}

    def phrase(self, text: str, within: set[int] | None = None) -> set[int]:
        """Documents whose normalised text contains ``text`` (already normalised)."""
        if not text:
            return set(self.all if within is None else within)
        if len(text) == 1:
            found = self.prefix("grams", text)
            return found if within is None else found & within
        grams = bigrams(text)
        distinct = sorted(set(grams), key=lambda g: g)
        sets = sorted((self.term("grams", g) for g in distinct), key=len)
        cand = set(sets[0]) if within is None else sets[0] & within
        for s in sets[1:]:
            if not cand:
                return set()
            cand &= s
        if len(grams) == 1 or not cand:
            return cand
        sure: set[int] = set()
        if not any("a" <= ch.lower() <= "z" for ch in text):
            # a jieba word of a document is a substring of its text: no position check needed
            sure = self.term("words", text) & cand
        todo = cand - sure
        return sure | self._verify(grams, todo) if todo else sure

    def _verify(self, grams: list[str], docs: set[int]) -> set[int]:
        """The documents of ``docs`` in which the bigrams stand at consecutive positions."""
        offsets_of: dict[str, list[int]] = {}
        for i, g in enumerate(grams):
            offsets_of.setdefault(g, []).append(i)
        found: set[int] = set()
        for leaf, offset, n in self.leaves:
            local = sorted(d - offset for d in docs if offset <= d < offset + n)
            if not local:
                continue
            want = set(local)
            raw: dict[str, dict[int, bytes]] = {}
            for g in offsets_of:
                per_doc: dict[int, bytes] = {}
                for ids, m in _blocks(leaf, "grams", g):
                    if want.isdisjoint(ids):
                        continue
                    values = _block_values(m)
                    for i, d in enumerate(ids):
                        if d in want:
                            per_doc[d] = values[i]
                raw[g] = per_doc
            grams_offs = list(offsets_of.items())
            for d in local:
                arrays = []
                for g, offs in grams_offs:
                    v = raw[g].get(d)
                    if v is None:
                        break
                    arrays.append((position_array(v), offs))
                else:
                    if _consecutive(arrays):
                        found.add(d + offset)
        return found

    # -- the tree --------------------------------------------------------------------------------
    def evaluate(self, node: Node | None, within: set[int] | None = None) -> set[int]:
        """The documents matching ``node`` (within ``within`` when given)."""
        if node is None:
            return set(self.all if within is None else within)
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
            return set(base) - self.evaluate(node.child, within)
        if isinstance(node, Or):
            out: set[int] = set()
            for child in node.children:
                out |= self.evaluate(child, within)
            return out
        if isinstance(node, And):
            current = within
            positives = sorted((c for c in node.children if not isinstance(c, Not)), key=_cost)
            for child in positives:
                current = self.evaluate(child, current)
                if not current:
                    return set()
            result = set(self.all) if current is None else current
            for child in node.children:
                if isinstance(child, Not):
                    result -= self.evaluate(child.child, result)
            return result
        raise TypeError(node)

    def _word(self, text: str, within: set[int] | None) -> set[int]:
        """Words: all jieba words of the text present, or the text itself present."""
        if not text:
            return set(self.all if within is None else within)
        words = query_words(text)
        by_words: set[int] = set()
        if words:
            sets = sorted((self.term("words", w) for w in dict.fromkeys(words)), key=len)
            by_words = set(sets[0]) if within is None else sets[0] & within
            for s in sets[1:]:
                by_words &= s
        rest = (self.all if within is None else within) - by_words
        return by_words | self.phrase(text, rest) if rest else by_words


def _consecutive(arrays: list[tuple[array, list[int]]]) -> bool:
    """True if some start s has, for every bigram, a position s + offset (offset = its place in the
    phrase). Walks the rarest bigram's positions and stops at the first full match."""
    arrays.sort(key=lambda a: len(a[0]))
    anchor, anchor_offs = arrays[0]
    first = anchor_offs[0]
    for p in anchor:
        s = p - first
        for arr, offs in arrays:
            for o in offs:
                t = s + o
                i = bisect_left(arr, t)
                if i == len(arr) or arr[i] != t:
                    break
            else:
                continue
            break
        else:
            return True
    return False


def _blocks(leaf, field: str, text: str):
    """(document ids, matcher) for each postings block of a term in one segment.

    Reads whoosh3's W3 postings a block at a time (ids as an array, values as a list) through the
    private API of the pinned whoosh3 version: the per-posting matcher API costs a Python call per
    document, and counting or checking a common bigram visits every document. Deleted documents are
    not filtered here (callers intersect with the live set). Other codecs: one posting at a time.
    """
    if (field, text) not in leaf:
        return
    try:
        m = leaf._terms.matcher(field, leaf._text_to_bytes(field, text), leaf.schema[field].format)
        m._read_ids  # noqa: B018 - the W3 block API this relies on
    except AttributeError:
        m = leaf.postings(field, text)
        while m.is_active():
            yield [m.id()], _OnePosting(m.value())
            m.next()
        return
    while m.is_active():
        if m._ids is None:
            m._read_ids()
        yield m._ids, m
        m._next_block()


class _OnePosting:
    def __init__(self, value: bytes) -> None:
        self._values = [value]


def _block_values(m) -> list:
    if m._values is None:
        m._read_values()
    return m._values


def _cost(node: Node) -> int:
    """Evaluation order inside an AND: filters first, they narrow the phrase checks after them."""
    if isinstance(node, FieldTerm | FieldRange):
        return 0
    if isinstance(node, Or) and all(isinstance(c, FieldTerm | FieldRange) for c in node.children):
        return 0
    if isinstance(node, Word):
        return 2
    return 3
