"""The whoosh writer's fast paths: what a full build spends its single-process time in.

* :func:`add_prepared`: ``add_document`` with postings made in the workers added in one step;
* :class:`FieldLengths`: the field lengths of a segment kept in memory for its flush;
* :func:`bulk_add_postings` / :func:`_fill_blocks`: a term's postings written a block at a time;
* :class:`SegmentedWriter`: a segment every few thousand reports, sorted in memory, never spilled;
  in a full build each worker process writes its own (:func:`commit_segments` lists them), with
  its ``.gramkeys`` and ``.wordkeys`` files beside it.

Each relies on the pinned whoosh3 version's internals, and a test compares what it writes with
what whoosh's own path writes.
"""

from __future__ import annotations

import heapq
from array import array
from itertools import groupby
from operator import itemgetter
from typing import Any

from whoosh.util.numeric import byte_to_length, length_to_byte

from indexer.engine import gramkeys, wordkeys
from indexer.schema import Postings


def add_prepared(writer, fields: dict[str, Any], lengths: FieldLengths | None = None,
                 store: PostingStore | None = None) -> None:
    """``writer.add_document(**fields)`` with a bulk path for :class:`Postings` values.

    whoosh's add_document walks every posting in Python (weight, length, pool size, append); with
    ~1,500 postings a report that made the single writer the bottleneck of the build. Postings made
    in the workers already carry those figures, so here they are added to the pool in one step. The
    other fields go through the same steps as in whoosh 3.54's SegmentWriter.add_document (pinned);
    a test checks that both paths give the same index. ``lengths`` records each field length for
    the segment flush (see :class:`FieldLengths`); ``store`` takes the :class:`Postings` instead of
    whoosh's pool (see :class:`PostingStore`).
    """
    writer._check_state()
    perdoc = writer.perdocwriter
    schema = writer.schema
    docnum = writer.docnum
    pool = writer.pool
    perdoc.start_doc(docnum)
    try:
        for fieldname in sorted(fields):
            value = fields[fieldname]
            if value is None:
                continue
            field = schema[fieldname]
            length = 0
            if isinstance(value, Postings):
                if store is not None:
                    store.add(fieldname, docnum, value)
                else:
                    pool.current.extend([(fieldname, tb, docnum, w, vb) for tb, _f, w, vb in value])
                    pool.fieldnames.add(fieldname)
                    pool.currentsize += value.pool_size
                    if pool.currentsize > pool.limit:
                        pool.save()
                flen = value.length if field.scorable else 0
                perdoc.add_field(fieldname, field, None, flen)
                if lengths is not None:
                    lengths.record(fieldname, docnum, flen)
                continue
            if field.indexed:
                if store is not None:
                    store.pooled.add(fieldname)
                for tbytes, freq, weight, vbytes in field.index(value):
                    if field.scorable:
                        length += freq
                    pool.add((fieldname, tbytes, docnum, weight, vbytes))
            perdoc.add_field(fieldname, field, value if field.stored else None, length)
            if lengths is not None and field.indexed:
                lengths.record(fieldname, docnum, length)
            if field.column_type:
                perdoc.add_column_value(fieldname, field.column_type, field.to_column_value(value))
    except ValueError:
        perdoc.cancel_doc()
        raise
    perdoc.finish_doc()
    writer._added = True
    writer.docnum += 1


class FieldLengths:
    """Each document's field lengths of one segment, kept in memory while it is written.

    When whoosh flushes a segment it looks up the field length of every posting (3 million lookups
    for 2,000 reports) in the length column it has just written, through a file seek and read per
    lookup: a quarter of the flush. These are the same values, as whoosh would read them back (a
    one-byte approximation; 0 reads as None).
    """

    def __init__(self) -> None:
        self._by_field: dict[str, dict[int, int | None]] = {}

    def record(self, fieldname: str, docnum: int, length: int) -> None:
        lbyte = length_to_byte(length)
        self._by_field.setdefault(fieldname, {})[docnum] = byte_to_length(lbyte) if lbyte else None

    def doc_field_length_reader(self, fieldname: str, default=0):
        get = self._by_field.get(fieldname, {}).get
        return lambda docnum: get(docnum, default)

    def length_getter(self, fieldname: str):
        """A document's length of ``fieldname`` or None (None and 0 count alike in the flush's
        statistics): the dictionary's own ``get``, one Python call less per posting."""
        return self._by_field.get(fieldname, {}).get

    def close(self) -> None:
        self._by_field.clear()


class PostingStore:
    """The :class:`Postings` of a segment being written, by field and term, in compact arrays.

    whoosh's pool keeps a 5-tuple per posting (300 kB a report, 2.4 GB for the 8,000 reports of a
    segment) and sorts all of them at the flush. Here a term holds its document numbers and weights
    in arrays and its encoded values in a list (about a fifth of the memory); documents arrive in
    order, so each term's postings are sorted already and only the terms are sorted at the flush.
    """

    def __init__(self) -> None:
        self._fields: dict[str, dict[bytes, tuple[array, array, list]]] = {}
        # fields some of whose postings went to whoosh's pool instead (not :class:`Postings`)
        self.pooled: set[str] = set()

    def add(self, fieldname: str, docnum: int, postings: Postings) -> None:
        terms = self._fields.setdefault(fieldname, {})
        get = terms.get
        for tb, _freq, weight, value in postings:
            entry = get(tb)
            if entry is None:
                entry = terms[tb] = (array("I"), array("d"), [])
            entry[0].append(docnum)
            entry[1].append(weight)
            entry[2].append(value)

    def terms(self):
        """(fieldname, term bytes, docnums, weights, values) in field and term order."""
        for fieldname in sorted(self._fields):
            terms = self._fields[fieldname]
            for tb in sorted(terms):
                ids, weights, values = terms[tb]
                yield fieldname, tb, ids.tolist(), weights.tolist(), values

    def write_gram_keys(self, path) -> None:
        """The segment's ``grams`` positions as numpy reads them (``gramkeys.py``), beside it."""
        terms = self._fields.get("grams")
        if terms:
            gramkeys.write(path, ((tb, ids, values) for tb, (ids, _w, values) in terms.items()))

    def write_word_keys(self, path) -> None:
        """The segment's word fields' postings as numpy reads them (``wordkeys.py``), beside it."""
        held = [f for f in wordkeys.FIELDS if f in self._fields and f not in self.pooled]
        if not held:
            return
        rows = ((field, tb, ids, weights) for field in held
                for tb, (ids, weights, _v) in self._fields[field].items())
        wordkeys.write(path, held, rows)

    def clear(self) -> None:
        self._fields.clear()
        self.pooled.clear()


def _pool_terms(items):
    """whoosh's sorted pool postings as (fieldname, term bytes, docnums, weights, values) per term."""
    for (fieldname, btext), group in groupby(items, key=itemgetter(0, 1)):
        postings = [p for p in group if p[2] != -1]  # docnum -1: spelling words (unused)
        if postings:
            yield (fieldname, btext, [p[2] for p in postings], [p[3] for p in postings],
                   [p[4] for p in postings])


def bulk_add_postings(fieldwriter, schema, lengths, items, store: PostingStore | None = None) -> None:
    """whoosh3's ``FieldWriter.add_postings`` for the W3 codec, a term at a time.

    whoosh adds the sorted postings of a segment one by one (a type check, list appends and
    statistics per posting; three Python calls each). Here each term's postings fill the codec's
    block buffers a block at a time, with the same statistics, so the blocks written are the same
    (a test compares them). ``store`` holds the postings that did not go through whoosh's pool;
    both are merged in (field, term) order. Relies on the pinned whoosh3 version's W3 posting
    writer; anything else goes through whoosh's own method.
    """
    sources = [_pool_terms(items)] + ([store.terms()] if store is not None else [])
    merged = heapq.merge(*sources, key=itemgetter(0, 1)) if len(sources) > 1 else sources[0]
    for fieldname, field_terms in groupby(merged, key=itemgetter(0)):
        fieldwriter.start_field(fieldname, schema[fieldname])
        getter = getattr(lengths, "length_getter", None) or getattr(lengths, "doc_field_length_reader", None)
        dfl = getter(fieldname) if getter else None
        for btext, same in groupby(field_terms, key=itemgetter(1)):
            parts = list(same)
            if len(parts) == 1:
                ids, weights, values = parts[0][2:]
            else:  # one term from both sources: in document order
                rows = sorted((d, w, v) for p in parts for d, w, v in zip(*p[2:], strict=True))
                ids, weights, values = ([r[i] for r in rows] for i in range(3))
            fieldwriter.start_term(btext)
            _fill_blocks(fieldwriter._postwriter, ids, weights, values, dfl)
            fieldwriter.finish_term()
        fieldwriter.finish_field()


def _fill_blocks(pw, all_ids: list[int], all_weights: list[float], all_values: list, dfl) -> None:
    """Add one term's postings to a W3 posting writer's buffer a block at a time (``add_posting``
    writes the full buffer out when the next posting arrives; so does this)."""
    limit = pw._blocklimit
    for start in range(0, len(all_ids), limit):
        if start:
            pw._write_block()
        ids = all_ids[start:start + limit]
        weights = all_weights[start:start + limit]
        pw._ids.extend(ids)
        pw._weights.extend(weights)
        pw._values.extend([v for v in all_values[start:start + limit] if v])
        top = max(weights)
        if top > pw._maxweight:
            pw._maxweight = top
        if dfl is not None:
            lens = [n for n in map(dfl, ids) if n]
            if lens:
                low, high = min(lens), max(lens)
                if pw._minlength is None or low < pw._minlength:
                    pw._minlength = low
                if high > pw._maxlength:
                    pw._maxlength = high


def _uses_w3_postings(writer) -> bool:
    try:
        from whoosh.codec.whoosh3 import W3Codec, W3FieldWriter
    except ImportError:
        return False
    return type(writer.codec) is W3Codec and type(writer.fieldwriter) is W3FieldWriter


class SegmentedWriter:
    """A full build's writer: one whoosh segment per ``segment_docs`` reports, each sorted in memory.

    whoosh's posting pool spills to temporary files (pickling every posting, then merging) once it
    passes ``limitmb``; at 1,500 postings a report that was a third of the writer's time. Committing
    a segment every few thousand reports with a pool large enough to hold it avoids the spill. The
    segments are not merged (merging rewrites every posting); a search reads them side by side.
    The generation is not served until the build completes, so the intermediate commits are private.

    ``private``: the writer of one build worker among several (see ``prepare.write_in_workers``):
    it takes no lock and commits nothing; each full segment is finished and kept in ``segments``
    for the parent, which holds the lock, to list in the index's table of contents.
    """

    LIMIT_MB = 4096

    def __init__(self, ix, segment_docs: int, private: bool = False) -> None:
        self.ix, self.segment_docs, self.private = ix, max(1, segment_docs), private
        self.segments: list = []  # private: the finished segments
        self.writer = self._new()
        self.pending = 0

    def _new(self):
        writer: Any  # whoosh's writers, their internals patched below
        if self.private:
            from whoosh.writing import SegmentWriter

            writer = SegmentWriter(self.ix, _lk=False, limitmb=self.LIMIT_MB)
        else:
            writer = self.ix.writer(limitmb=self.LIMIT_MB)
        self.lengths = FieldLengths()
        if writer.codec.length_stats:
            writer.per_document_reader = lambda: self.lengths  # read at the segment flush
        self.store: PostingStore | None = None
        if _uses_w3_postings(writer):
            fw = writer.fieldwriter
            store = self.store = PostingStore()
            fw.add_postings = lambda schema, lengths, items: bulk_add_postings(fw, schema, lengths, items,
                                                                               store)
        return writer

    def add_document(self, **doc) -> None:
        add_prepared(self.writer, doc, self.lengths, self.store)
        self.pending += 1
        if self.pending >= self.segment_docs:
            self._flush()
            self.writer = self._new()
            self.pending = 0

    def _flush(self) -> None:
        segment = self.writer.newsegment
        if not self.private:
            self.writer.commit(merge=False)
        elif self.pending:
            self.segments.append(self.writer._finalize_segment())
        else:
            self.writer._close_segment()  # its empty files go at the parent's commit
        if self.store is not None:
            if self.pending:
                folder = self.ix.storage.folder
                self.store.write_gram_keys(gramkeys.segment_file(folder, segment.segment_id()))
                self.store.write_word_keys(wordkeys.segment_file(folder, segment.segment_id()))
            self.store.clear()

    def delete_by_term(self, field: str, text: str) -> None:
        self.writer.delete_by_term(field, text)

    def commit(self) -> None:
        self._flush()

    def cancel(self) -> None:
        if self.private:
            self.writer._close_segment()
        else:
            self.writer.cancel()


def commit_segments(ix, segments: list) -> None:
    """List ``segments`` (written by build workers, see :class:`SegmentedWriter`) in the index's
    table of contents, beside the segments it has, under the index's write lock; no posting is
    rewritten."""
    writer = ix.writer()
    writer.commit(mergetype=lambda _writer, existing: [*existing, *segments])
