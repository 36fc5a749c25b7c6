"""The whoosh schema and its analyzers.

Keep this module at this import path: whoosh pickles the analyzers and field classes into the index
(its ``_toc`` file), and an index whose classes cannot be imported will not open.

Text fields (their words are cut by jieba in the build's worker processes, so analyzers here only
split what they receive and never import jieba):

* ``words``: jieba search-mode words of the normalised text, for ranking word queries (BM25);
* ``title_words``, ``body_words``: the same for the title and the publishing body, boosted;
* ``grams``: overlapping character bigrams at consecutive positions (``微信公众号`` → 微信@0 信公@1
  公众@2 众号@3 号@4; the last character stands alone), positions packed as arrays. An exact phrase
  is matched from these positions (``indexer.engine.matching``), so it finds exactly the reports
  whose normalised text contains it, wherever jieba cuts words; its bigrams also rank it.

Stored: the id, file, content hash, title, the facts as JSON, the text as hits read it (original and
normalised text in compressed blocks, the offset map between them: ``indexer.engine.textstore``). One
``ID`` or ``NUMERIC`` sortable field per facet of the registry (``indexer.engine.facets``).
"""

from __future__ import annotations

import struct
from array import array
from collections import Counter
from operator import itemgetter

from whoosh.analysis import Token, Tokenizer
from whoosh.fields import ID, STORED, TEXT, FieldType, Schema
from whoosh.formats import Frequency, Positions
from whoosh.system import pack_uint

# 9: corpus facts (cross_year, reuse) beside the generation; the text kept for hits
# (engine/textstore.py) instead of text_z; Chinese runs cut apart (rjieba or jieba, the same words)
# 11: ``hit``, the few facts a result lists, beside the whole facts record (engine/document.py)
# 12: ``format``, how the report was read (read.FORMATS), as a facet
SCHEMA_VERSION = "12"
WORD_SEP = "\x1f"


class _TextTokenizer(Tokenizer):
    """Shared by our tokenizers: equality by type (whoosh compares schemas) and the whole-value
    token whoosh asks for with ``tokenize=False``. Subclasses yield (text, position offset)."""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    __hash__ = Tokenizer.__hash__

    def _pieces(self, value: str):
        raise NotImplementedError

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        t.boost = 1.0
        t.stopped = False
        if not tokenize:
            t.original = t.text = value  # type: ignore[attr-defined]  # whoosh's Token does not declare it
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        for i, (text, start, end) in enumerate(self._pieces(value)):
            t.text = text
            if keeporiginal:
                t.original = text  # type: ignore[attr-defined]  # whoosh's Token does not declare it
            if positions:
                t.pos = start_pos + i
            if chars:
                t.startchar, t.endchar = start_char + start, start_char + end
            yield t


class PreTokenizedTokenizer(_TextTokenizer):
    """Splits a string of words joined by ``WORD_SEP`` (cut by jieba at build time)."""

    def _pieces(self, value: str):
        pos = 0
        for word in value.split(WORD_SEP):
            if word:
                yield word, pos, pos + len(word)
            pos += len(word) + 1


class BigramTokenizer(_TextTokenizer):
    """Every character position gives the bigram starting there; positions are consecutive."""

    def _pieces(self, value: str):
        n = len(value)
        for i in range(n):
            yield value[i:i + 2], i, min(i + 2, n)


_FREQ = struct.Struct(">I")


class ArrayPositions(Positions):
    """Positions stored as a packed array of uint32 instead of a pickled list of deltas.

    Encoding and decoding run in C (``array``), which makes both the build's posting work and the
    query-time phrase check several times cheaper than whoosh's default Positions format.
    """

    def encode(self, poslist) -> bytes:
        return _FREQ.pack(len(poslist)) + array("I", poslist).tobytes()

    def decode_positions(self, valuestring: bytes) -> list[int]:
        return decode_positions(valuestring)

    def decode_frequency(self, valuestring: bytes) -> int:
        return _FREQ.unpack_from(valuestring)[0]

    def decode_weight(self, valuestring: bytes) -> float:
        return self.decode_frequency(valuestring) * self.field_boost

    def decode_position_boosts(self, valuestring: bytes) -> list[tuple[int, float]]:
        return [(pos, 1) for pos in decode_positions(valuestring)]

    def combine(self, vs) -> bytes:
        merged: set[int] = set()
        for v in vs:
            merged.update(decode_positions(v))
        return self.encode(sorted(merged))


def position_array(valuestring: bytes) -> array:
    """The positions of an :class:`ArrayPositions` posting value, as a sorted array."""
    arr = array("I")
    arr.frombytes(valuestring[_FREQ.size:])
    return arr


def decode_positions(valuestring: bytes) -> list[int]:
    """The positions of an :class:`ArrayPositions` posting value."""
    return position_array(valuestring).tolist()


class Postings(list):
    """A field's (term bytes, frequency, weight, encoded value) tuples, computed ahead of time.

    The build computes them in worker processes, so the single whoosh writer only adds postings
    (whoosh's own analysis of every character bigram is the slowest part of writing otherwise).
    ``length`` (the field length, for BM25) and ``pool_size`` (whoosh's posting-pool size
    estimate) are precomputed too, for the writer's bulk path (``writer.add_prepared``).
    """

    length: int = 0
    pool_size: int = 0

    def __reduce__(self):
        return (_rebuild_postings, (list(self), self.length, self.pool_size))


def _rebuild_postings(items: list, length: int, pool_size: int) -> Postings:
    p = Postings(items)
    p.length, p.pool_size = length, pool_size
    return p


def _finish(p: Postings, fieldname: str) -> Postings:
    """Fill in ``length`` and ``pool_size`` as whoosh's PostingPool.add would count them."""
    p.length = sum(map(itemgetter(1), p))
    p.pool_size = ((130 + len(fieldname)) * len(p) + 2 * sum(len(item[0]) for item in p)
                   + sum(len(item[3] or b"") for item in p))
    return p


class PrecomputedText(TEXT):
    """A TEXT field that also accepts :class:`Postings` made by :func:`field_postings`."""

    def index(self, value, **kwargs):
        if isinstance(value, Postings):
            return iter(value)
        return super().index(value, **kwargs)


def field_postings(field: TEXT, value: str, fieldname: str = "") -> Postings:
    """What ``field.index(value)`` would give, as a list that can cross processes.

    The bigram field and the pre-cut word fields take fast paths equal to whoosh's (positions or
    frequencies grouped per term with dicts instead of a token object per word)."""
    if isinstance(field.analyzer, BigramTokenizer):
        poses: dict[str, list[int]] = {}
        for i in range(len(value)):
            g = value[i:i + 2]
            lst = poses.get(g)
            if lst is None:
                poses[g] = [i]
            else:
                lst.append(i)
        fmt = field.format
        fb = fmt.field_boost
        return _finish(Postings((g.encode("utf-8"), len(p), len(p) * fb, fmt.encode(p))
                                for g, p in poses.items()), fieldname)
    if isinstance(field.analyzer, PreTokenizedTokenizer) and type(field.format) is Frequency:
        fb = field.format.field_boost
        counts = Counter(w for w in value.split(WORD_SEP) if w)
        return _finish(Postings((w.encode("utf-8"), n, n * fb, pack_uint(n)) for w, n in counts.items()),
                       fieldname)
    return _finish(Postings(field.index(value)), fieldname)


def bigrams(phrase: str) -> list[str]:
    """The terms of ``phrase`` in the ``grams`` field, as the tokenizer makes them."""
    if len(phrase) < 2:
        return [phrase] if phrase else []
    return [phrase[i:i + 2] for i in range(len(phrase) - 1)]


def _grams_field() -> PrecomputedText:
    # Ignored for mypy: whoosh annotates ``analyzer`` as an Analyzer, yet takes any tokenizer (a
    # Composable); and it declares ``FieldType.format`` as ``None`` at class level.
    field = PrecomputedText(analyzer=BigramTokenizer(), phrase=True)  # type: ignore[arg-type]
    field.format = ArrayPositions(field_boost=field.format.field_boost)  # type: ignore[assignment, attr-defined]
    return field


def make_schema() -> Schema:
    """The schema of a nianbao index, its facet fields from the registry in force
    (``SCHEMA_VERSION`` changes force a full rebuild)."""
    from indexer.engine.facets import current

    # Ignored for mypy (arg-type): whoosh annotates ``analyzer`` as an Analyzer, yet takes any tokenizer.
    fields: dict[str, FieldType] = {
        "id": ID(stored=True, unique=True),
        "file": ID(stored=True, sortable=True),  # sortable: the column breaks ties in sorts
        "sha1": ID(stored=True),
        "title": STORED(),
        "title_words": TEXT(analyzer=PreTokenizedTokenizer(), phrase=False, field_boost=3.0),  # type: ignore[arg-type]
        "body_words": TEXT(analyzer=PreTokenizedTokenizer(), phrase=False, field_boost=2.0),  # type: ignore[arg-type]
        "words": PrecomputedText(analyzer=PreTokenizedTokenizer(), phrase=False),  # type: ignore[arg-type]
        "grams": _grams_field(),
        "facts": STORED(),  # JSON of every extracted fact
        "hit": STORED(),  # JSON of the facts a search result lists (document.hit_record)
        "prepared": STORED(),  # original and normalised text in blocks, the map (engine/textstore.py)
        "search_len": STORED(),
    }
    for facet in current():
        if not facet.corpus:  # corpus facts live in the generation's side table
            fields[facet.name] = facet.field()
    return Schema(**fields)
