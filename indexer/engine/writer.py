"""The whoosh writer's fast paths: what a full build spends its single-process time in.

* :func:`add_prepared`: ``add_document`` with postings made in the workers added in one step;
* :class:`FieldLengths`: the field lengths of a segment kept in memory for its flush;
* :func:`bulk_add_postings` / :func:`_fill_blocks`: a term's postings written a block at a time;
* :class:`SegmentedWriter`: a segment every few thousand reports, sorted in memory, never spilled.

Each relies on the pinned whoosh3 version's internals, and a test compares what it writes with
what whoosh's own path writes.
"""

from __future__ import annotations

from itertools import groupby
from operator import itemgetter
from typing import Any

from whoosh.util.numeric import byte_to_length, length_to_byte

from indexer.schema import Postings


def add_prepared(writer, fields: dict[str, Any], lengths: FieldLengths | None = None) -> None:
    """``writer.add_document(**fields)`` with a bulk path for :class:`Postings` values.

    whoosh's add_document walks every posting in Python (weight, length, pool size, append); with
    ~1,500 postings a report that made the single writer the bottleneck of the build. Postings made
    in the workers already carry those figures, so here they are added to the pool in one step. The
    other fields go through the same steps as in whoosh 3.54's SegmentWriter.add_document (pinned);
    a test checks that both paths give the same index. ``lengths`` records each field length for
    the segment flush (see :class:`FieldLengths`).
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

    def close(self) -> None:
        self._by_field.clear()


def bulk_add_postings(fieldwriter, schema, lengths, items) -> None:
    """whoosh3's ``FieldWriter.add_postings`` for the W3 codec, a term at a time.

    whoosh adds the sorted postings of a segment one by one (a type check, list appends and
    statistics per posting; three Python calls each). Here each term's postings fill the codec's
    block buffers a block at a time, with the same statistics, so the blocks written are the same
    (a test compares them). Relies on the pinned whoosh3 version's W3 posting writer; anything else
    goes through whoosh's own method.
    """
    for fieldname, field_items in groupby(items, key=itemgetter(0)):
        fieldwriter.start_field(fieldname, schema[fieldname])
        dfl = lengths.doc_field_length_reader(fieldname) if lengths else None
        for btext, term_items in groupby(field_items, key=itemgetter(1)):
            postings = [p for p in term_items if p[2] != -1]  # docnum -1: spelling words (unused)
            if not postings:
                continue
            fieldwriter.start_term(btext)
            _fill_blocks(fieldwriter._postwriter, postings, dfl)
            fieldwriter.finish_term()
        fieldwriter.finish_field()


def _fill_blocks(pw, postings: list, dfl) -> None:
    """Add one term's postings to a W3 posting writer's buffer a block at a time (``add_posting``
    writes the full buffer out when the next posting arrives; so does this)."""
    limit = pw._blocklimit
    for start in range(0, len(postings), limit):
        chunk = postings[start:start + limit]
        if start:
            pw._write_block()
        ids = [p[2] for p in chunk]
        weights = [p[3] for p in chunk]
        pw._ids.extend(ids)
        pw._weights.extend(weights)
        pw._values.extend([v for p in chunk if (v := p[4])])
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
    """

    LIMIT_MB = 4096

    def __init__(self, ix, segment_docs: int) -> None:
        self.ix, self.segment_docs = ix, max(1, segment_docs)
        self.writer = self._new()
        self.pending = 0

    def _new(self):
        writer = self.ix.writer(limitmb=self.LIMIT_MB)
        self.lengths = FieldLengths()
        if writer.codec.length_stats:
            writer.per_document_reader = lambda: self.lengths  # read at the segment flush
        if _uses_w3_postings(writer):
            fw = writer.fieldwriter
            fw.add_postings = lambda schema, lengths, items: bulk_add_postings(fw, schema, lengths, items)
        return writer

    def add_document(self, **doc) -> None:
        add_prepared(self.writer, doc, self.lengths)
        self.pending += 1
        if self.pending >= self.segment_docs:
            self.writer.commit(merge=False)
            self.writer = self._new()
            self.pending = 0

    def delete_by_term(self, field: str, text: str) -> None:
        self.writer.delete_by_term(field, text)

    def commit(self) -> None:
        self.writer.commit(merge=False)

    def cancel(self) -> None:
        self.writer.cancel()
