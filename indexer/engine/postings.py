"""Reading a term's postings a block at a time.

whoosh's matcher API costs a Python call per posting; counting, checking or scoring a common term
visits most of 100,000 documents, so nianbao reads whoosh3's W3 postings blocks whole (ids,
weights and values as sequences) through the private API of the pinned whoosh3 version. Other
codecs fall back to one posting at a time.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from typing import NamedTuple


class Block(NamedTuple):
    """One postings block: document ids (segment-local), and values / weights when asked for."""

    ids: list[int] | tuple[int, ...]
    values: list | None
    weights: list[float] | None


def blocks(leaf, field: str, text: str, want: list[int] | None = None, values: bool = False,
           weights: bool = False) -> Iterator[Block]:
    """The postings blocks of a term in one segment (``leaf``).

    With ``want`` (sorted local document numbers), blocks whose id range holds none of them are
    skipped unread: a block's header gives its last id. Deleted documents are not filtered here
    (callers intersect with the live set).
    """
    if (field, text) not in leaf:
        return
    try:
        m = leaf._terms.matcher(field, leaf._text_to_bytes(field, text), leaf.schema[field].format)
        m._read_ids  # noqa: B018 - the W3 block API this relies on
        m._maxid  # noqa: B018
    except AttributeError:
        m = leaf.postings(field, text)
        while m.is_active():
            yield Block([m.id()], [m.value()] if values else None, [m.weight()] if weights else None)
            m.next()
        return
    last = -1
    while m.is_active():
        top = m._maxid
        if want is not None:
            i = bisect_right(want, last)
            if i == len(want):
                return
            if want[i] > top:
                last = top
                m._next_block()
                continue
        if m._ids is None:
            m._read_ids()
        if values and m._values is None:
            m._read_values()
        if weights and m._weights is None:
            m._read_weights()
        yield Block(m._ids, m._values if values else None, m._weights if weights else None)
        last = top
        m._next_block()
