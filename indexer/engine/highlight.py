"""What a query matched in one report, as data: marked spans of the text, and snippets.

Marks follow the matcher (``matching.DocSets``), one report at a time (:func:`match_needles`):

* a phrase is marked where it stands;
* a word is marked where it stands as typed; only when the report holds it solely through its
  jieba pieces (all of them: that is how the matcher found it) are the pieces marked instead, and
  then only pieces of two characters or more (a lone 号 or 1 says nothing and stands everywhere);
* nothing under NOT, nothing for field filters, nothing in a branch that did not match this report
  (``(a b) OR c`` with only a and c present marks c), and nothing at all when the report does not
  match the query.

Hits are found by substring search in the normalised text (the n-gram field would split marks
apart: 微信|公众|号) and mapped back to the original text through the offset map.

A search result works on the text the build prepared (``textstore.py``: no normalising again) and
on a bounded part of it (:func:`hit_needles`, :func:`hit_snippets`): the opening :data:`SCAN`
characters of the normalised text; in a longer report, what the opening does not hold is asked of
the index (does the report contain it, where does it first stand), and the snippets come from a
window of that size at the first hit. So a hit costs the same in a report of 20 MB as in one of
20 KB. The report page marks the whole text (:func:`stored_marks`), from the same prepared data.

The results are plain data (:class:`Snippet`, lists of ``(start, end)``); the renderers turn them
into HTML (page, JSON API) or terminal text (CLI).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from html import escape
from typing import Protocol

from indexer.engine.querylang import And, FieldRange, FieldTerm, Node, Not, Or, Phrase, Word, query_words
from indexer.engine.textstore import StoredText
from indexer.extract.normalise import Normalised, normalise_query_phrase, search_text

Span = tuple[int, int]
SCAN = 65536  # characters of normalised text a search result reads at most (twice when it jumps)


class Text(Protocol):
    """What snippets need of an original text: a ``str``, or a stored one (``textstore.BlockText``)."""

    def __len__(self) -> int: ...

    def __getitem__(self, key: slice, /) -> str: ...


@dataclass(frozen=True)
class Snippet:
    """A passage of a report: its text (whitespace runs folded to one space, ``…`` where cut) and
    the ``(start, end)`` offsets in ``text`` of the hits to mark, in order, not overlapping."""

    text: str
    marks: tuple[Span, ...] = ()

    def to_json(self) -> dict:
        return {"text": self.text, "marks": [list(m) for m in self.marks]}

    def html(self) -> str:
        """The JSON API's form: the text HTML-escaped, each mark in ``<mark>…</mark>``."""
        out: list[str] = []
        pos = 0
        for s, e in self.marks:
            out.append(escape(self.text[pos:s], quote=False))
            out.append(f"<mark>{escape(self.text[s:e], quote=False)}</mark>")
            pos = e
        out.append(escape(self.text[pos:], quote=False))
        return "".join(out)


class Document(Protocol):
    """One report as the matcher sees it, for what the text alone cannot tell."""

    def holds(self, node: FieldTerm | FieldRange) -> bool:
        """The report passes this field filter."""
        ...

    def has_words(self, words: list[str]) -> bool:
        """Every one of these jieba words is in the report's ``words`` field."""
        ...

    def contains(self, text: str) -> bool:
        """The report's normalised text contains ``text`` (for a report longer than :data:`SCAN`)."""
        ...

    def starts(self, text: str) -> Sequence[int]:
        """Where ``text`` starts in the report's normalised text, sorted (empty when not known)."""
        ...


class IndexedDocuments:
    """The reports of one search as :class:`Document` s, answered by the index's own sets
    (``matching.DocSets``), so marks and matching cannot disagree. A field filter's documents are
    found once for all the hits of a page (a number range reads a whole column)."""

    def __init__(self, docsets) -> None:
        self.docsets = docsets
        self._filters: dict[Node, AbstractSet[int]] = {}

    def document(self, docnum: int) -> Document:
        return _IndexedDocument(self, docnum)

    def passing(self, node: FieldTerm | FieldRange) -> AbstractSet[int]:
        got = self._filters.get(node)
        if got is None:
            got = self._filters[node] = self.docsets.evaluate(node)
        return got


@dataclass(frozen=True)
class _IndexedDocument:
    docs: IndexedDocuments
    docnum: int

    def holds(self, node: FieldTerm | FieldRange) -> bool:
        return self.docnum in self.docs.passing(node)

    def has_words(self, words: list[str]) -> bool:
        return all(self.docnum in self.docs.docsets.term("words", w) for w in dict.fromkeys(words))

    def contains(self, text: str) -> bool:
        docsets = self.docs.docsets
        return self.docnum in docsets.phrase(text, docsets.single(self.docnum))

    def starts(self, text: str) -> Sequence[int]:
        return self.docs.docsets.phrase_starts(text, self.docnum).tolist()


def _fold(text: str) -> str:
    """Lower-case ASCII without changing the length (words are indexed lower-case)."""
    return text.translate(_ASCII_LOWER) if _ASCII_UPPER.search(text) else text


_ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}
_ASCII_UPPER = re.compile("[A-Z]")  # most reports have none: translate() is the slow part


# ---------------------------------------------------------------------------------------------
# What to mark


def match_needles(node: Node | None, norm_text: str, doc: Document) -> list[str]:
    """The strings (normalised) to mark in a report whose normalised text is ``norm_text``: what
    the query matched there, longest first; empty when the report does not match at all."""
    folded = _fold(norm_text)
    return _needles(node, lambda text: _fold(text) in folded, doc)


def hit_needles(node: Node | None, text: StoredText, doc: Document) -> list[str]:
    """:func:`match_needles` for a search result: the opening :data:`SCAN` characters are read; in a
    longer report, a string they do not hold is looked up in the index (``doc.contains``)."""
    opening = _fold(text.norm[0:SCAN])
    if len(text.norm) <= SCAN:
        return _needles(node, lambda s: _fold(s) in opening, doc)
    return _needles(node, lambda s: _fold(s) in opening or doc.contains(s), doc)


def _needles(node: Node | None, has: Callable[[str], bool], doc: Document) -> list[str]:
    ok, found = _explain(node, has, doc) if node is not None else (False, [])
    if not ok:
        return []
    return sorted(dict.fromkeys(s for s in found if s), key=len, reverse=True)


def _explain(node: Node, has: Callable[[str], bool], doc: Document) -> tuple[bool, list[str]]:
    """(does the report match ``node``, the strings that made it match); ``has(s)``: the report's
    normalised text holds ``s`` (ASCII case folded)."""
    if isinstance(node, Phrase):
        text = normalise_query_phrase(node.text)
        if not text:
            return True, []
        return (True, [text]) if has(text) else (False, [])
    if isinstance(node, Word):
        text = normalise_query_phrase(node.text)
        if not text:
            return True, []
        if has(text):
            return True, [text]
        pieces = query_words(text)
        if pieces and doc.has_words(pieces):
            return True, [p for p in pieces if len(p) >= 2 and has(p)]
        return False, []
    if isinstance(node, FieldTerm | FieldRange):
        return doc.holds(node), []
    if isinstance(node, Not):
        return not _explain(node.child, has, doc)[0], []
    if isinstance(node, And):
        found: list[str] = []
        for child in node.children:
            ok, got = _explain(child, has, doc)
            if not ok:
                return False, []
            found.extend(got)
        return True, found
    if isinstance(node, Or):
        any_ok, found = False, []
        for child in node.children:
            ok, got = _explain(child, has, doc)
            if ok:
                any_ok = True
                found.extend(got)
        return any_ok, found
    raise TypeError(node)


# ---------------------------------------------------------------------------------------------
# Where: spans in the text


def find_spans(text: str, needles: list[str], limit: int | None = None) -> list[Span]:
    """Non-overlapping (start, end) of ``needles`` in ``text``, leftmost first, longest at a place."""
    return [(s, e) for s, e, _ in _find(text, needles, limit)]


def _find(text: str, needles: list[str], limit: int | None) -> list[tuple[int, int, str]]:
    """:func:`find_spans` with the (folded) needle each span is of."""
    needles = [n for n in needles if n]
    if not needles:
        return []
    alternation = "|".join(re.escape(_fold(n)) for n in sorted(set(needles), key=len, reverse=True))
    spans = []
    for m in re.finditer(alternation, _fold(text)):
        spans.append((m.start(), m.end(), m.group(0)))
        if limit is not None and len(spans) >= limit:
            break
    return spans


def marks(original: str, needles: list[str], norm: Normalised | None = None) -> list[Span]:
    """Every hit of ``needles`` as (start, end) in the original text (for the report page)."""
    norm = norm or search_text(original)
    return [norm.span_to_original(s, e) for s, e in find_spans(norm.text, needles)]


def stored_marks(text: StoredText, norm_text: str, needles: list[str]) -> list[Span]:
    """:func:`marks` of a stored report whose whole normalised text is ``norm_text``."""
    return [text.span_to_original(s, e) for s, e in find_spans(norm_text, needles)]


# ---------------------------------------------------------------------------------------------
# Snippets

_WS = re.compile(r"\s+")
MAX_SPANS = 2000  # hits considered for snippets: enough for any report, bounded for a huge one


def opening(original: Text, chars: int = 120) -> list[Snippet]:
    """The first ``chars`` characters as the one snippet of a hit that has nothing to mark."""
    head = _WS.sub(" ", original[:chars]).strip()
    return [Snippet(head + ("…" if len(original) > chars else ""))] if head else []


def snippets(original: str, needles: list[str], *, norm: Normalised | None = None, max_snippets: int = 3,
             context: int = 36, fallback_chars: int = 120) -> list[Snippet]:
    """Up to ``max_snippets`` passages of the original text around hits, in text order.

    Passages are chosen for how many distinct needles they hold (a passage with both words of a
    two-word query beats one with either), then how many hits, then how early. With no hit (a
    query matched by field filters alone), the opening of the report stands in, so a result never
    shows nothing.
    """
    norm = norm or search_text(original)
    found = [(*norm.span_to_original(s, e), term) for s, e, term in _find(norm.text, needles, MAX_SPANS)]
    return _snippets(original, found, max_snippets, context, fallback_chars)


def hit_snippets(text: StoredText, needles: list[str], doc: Document, *, max_snippets: int = 3,
                 context: int = 36, fallback_chars: int = 120) -> tuple[list[Snippet], int]:
    """A search result's :func:`snippets` and its number of hits, from a window of :data:`SCAN`
    characters of the normalised text: the opening, or in a longer report whose opening holds no
    hit, the window at the first hit the index knows of. The count is exact when the report is no
    longer than the window, else the hits in the window."""
    found = _first_hits(text, needles, doc)
    shown = [(*text.span_to_original(s, e), term) for s, e, term in found[:MAX_SPANS]]
    return _snippets(text.original, shown, max_snippets, context, fallback_chars), len(found)


def _first_hits(text: StoredText, needles: list[str], doc: Document) -> list[tuple[int, int, str]]:
    needles = [n for n in needles if n]
    if not needles:
        return []
    longest = max(map(len, needles))
    found = _scan(text, needles, 0, longest)
    if not found and len(text.norm) > SCAN:
        firsts = [got[0] for n in needles if (got := doc.starts(n))]
        if firsts:
            found = _scan(text, needles, min(firsts), longest)
    return found


def _scan(text: StoredText, needles: list[str], start: int, longest: int) -> list[tuple[int, int, str]]:
    """The hits starting in ``SCAN`` characters of the normalised text from ``start``."""
    window = text.norm[start:start + SCAN + longest - 1]
    return [(s + start, e + start, term) for s, e, term in _find(window, needles, None) if s < SCAN]


def _snippets(original: Text, found: list[tuple[int, int, str]], max_snippets: int, context: int,
              fallback_chars: int) -> list[Snippet]:
    """Up to ``max_snippets`` passages around ``found`` (original offsets, each with its needle), in
    text order (see :func:`snippets`)."""
    if not found:
        return opening(original, fallback_chars)
    chosen: list[tuple[int, int]] = []  # display ranges in the original text
    for _score, i, j in sorted(_windows(found, 2 * context)):
        ws = max(0, found[i][0] - context)
        we = min(len(original), found[j][1] + context)
        if any(ws < ce and cs < we for cs, ce in chosen):
            continue
        chosen.append((ws, we))
        if len(chosen) >= max_snippets:
            break
    spans = [(s, e) for s, e, _ in found]
    return [_passage(original, spans, ws, we) for ws, we in sorted(chosen)]


def _windows(found: list[tuple[int, int, str]], width: int):
    """(sort key, first, last) of the runs of hits that fit in ``width`` characters, one run
    starting at each hit; the key puts more distinct needles first, then more hits, then earlier."""
    j = 0
    for i in range(len(found)):
        j = max(j, i)
        while j + 1 < len(found) and found[j + 1][1] - found[i][0] <= width:
            j += 1
        distinct = len({term for _s, _e, term in found[i:j + 1]})
        yield (-distinct, -(j - i + 1), found[i][0]), i, j


def _passage(text: Text, spans: list[Span], ws: int, we: int) -> Snippet:
    """The passage ``text[ws:we]`` (widened so no hit is cut) with its hits marked."""
    inside = [(s, e) for s, e in spans if e > ws and s < we]
    if inside:
        ws, we = min(ws, inside[0][0]), max(we, inside[-1][1])
    part = text[ws:we]  # one slice: a stored text decompresses only the blocks it covers
    out = "…" if ws > 0 else ""
    pos, marked = ws, []
    for s, e in inside:
        out += _WS.sub(" ", part[pos - ws:s - ws])
        start = len(out)
        out += _WS.sub(" ", part[s - ws:e - ws])
        marked.append((start, len(out)))
        pos = e
    out += _WS.sub(" ", part[pos - ws:])
    out += "…" if we < len(text) else ""
    return _trim(out, marked)


def _trim(text: str, marked: list[Span]) -> Snippet:
    """Leading and trailing whitespace off, marks shifted to match."""
    lead = len(text) - len(text.lstrip())
    body = text.strip()
    shifted = tuple((max(0, s - lead), min(len(body), e - lead)) for s, e in marked)
    return Snippet(body, tuple((s, e) for s, e in shifted if s < e))
