"""Marked text as HTML for the pages: the report text escaped, only our ``<mark>`` tags through.

The query core hands over plain text and ``(start, end)`` spans (:mod:`indexer.engine.highlight`);
turning them into markup is the page's business, done here once for snippets and the whole text.
"""

from __future__ import annotations

from markupsafe import Markup, escape


def marked_html(text: str, marks, anchors: bool = False) -> Markup:
    """``text`` escaped with each span of ``marks`` in ``<mark>``; with ``anchors`` the marks are
    numbered ``<mark id="hit-N" class="hit">`` for the report page's previous/next links."""
    out: list[str] = []
    pos = 0
    for n, (s, e) in enumerate(marks, 1):
        out.append(str(escape(text[pos:s])))
        attrs = f' id="hit-{n}" class="hit"' if anchors else ""
        out.append(f"<mark{attrs}>{escape(text[s:e])}</mark>")
        pos = e
    out.append(str(escape(text[pos:])))
    return Markup("".join(out))


def snippet_html(snippet) -> Markup:
    """One :class:`~indexer.engine.highlight.Snippet` of a result list."""
    return marked_html(snippet.text, snippet.marks)
