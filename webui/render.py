"""Marked text as HTML for the pages: the report text escaped, only our ``<mark>`` tags through.

The query core hands over plain text and ``(start, end)`` spans (:mod:`indexer.engine.highlight`);
turning them into markup is the page's business, done here once for snippets and the whole text.
"""

from __future__ import annotations

from markupsafe import Markup, escape


def marked_html(text: str, marks, anchors: bool = False, cells=()) -> Markup:
    """``text`` escaped with each span of ``marks`` in ``<mark>``; with ``anchors`` the marks are
    numbered ``<mark id="hit-N" class="hit">`` for the report page's previous/next links.
    ``cells`` are ``(start, end, id)`` of table numbers (disjoint, sorted): each becomes
    ``<span id=… class="cell-src">`` so that a table cell can link to it; where a hit covers part
    of one, the number is split at the hit's edges (tags stay nested), the id on its first piece."""
    pieces = _cell_pieces(cells, marks)
    out: list[str] = []
    pos = 0
    pi = 0

    def plain(upto: int) -> None:
        """Text from ``pos`` to ``upto`` with the cell pieces in it."""
        nonlocal pos, pi
        while pi < len(pieces) and pieces[pi][0] < upto:
            s, e, ident = pieces[pi]
            out.append(str(escape(text[pos:s])))
            attr = f' id="{escape(ident)}"' if ident else ""
            out.append(f'<span{attr} class="cell-src">{escape(text[s:e])}</span>')
            pos, pi = e, pi + 1
        out.append(str(escape(text[pos:upto])))
        pos = upto

    for n, (s, e) in enumerate(marks, 1):
        plain(s)
        attrs = f' id="hit-{n}" class="hit"' if anchors else ""
        out.append(f"<mark{attrs}>")
        plain(e)
        out.append("</mark>")
    plain(len(text))
    return Markup("".join(out))


def _cell_pieces(cells, marks) -> list[tuple[int, int, str | None]]:
    """The cell spans cut at every mark edge inside them: each piece lies wholly inside one mark or
    outside all of them."""
    if not cells:
        return []
    edges = sorted({x for s, e in marks for x in (s, e)})
    out: list[tuple[int, int, str | None]] = []
    for s, e, ident in cells:
        cuts = [s, *(x for x in edges if s < x < e), e]
        for k in range(len(cuts) - 1):
            out.append((cuts[k], cuts[k + 1], ident if k == 0 else None))
    return out


def snippet_html(snippet) -> Markup:
    """One :class:`~indexer.engine.highlight.Snippet` of a result list."""
    return marked_html(snippet.text, snippet.marks)
