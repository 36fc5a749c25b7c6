"""Marking hits: snippets for result lists, and the whole text for the report page.

Hits are found by substring search of the query's words and phrases in the normalised text (the
n-gram field would split marks apart: ``<mark>微信</mark><mark>公众</mark>号``), then mapped back
to the original text through the offset map. Everything is HTML-escaped; only our ``<mark>`` tags
come through.
"""

from __future__ import annotations

import re
from html import escape

from indexer.extract.normalise import Normalised, search_text


def _fold(text: str) -> str:
    """Lower-case ASCII without changing the length (words are indexed lower-case)."""
    return text.translate(_ASCII_LOWER)


_ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}


def find_spans(text: str, needles: list[str], limit: int | None = None) -> list[tuple[int, int]]:
    """Non-overlapping (start, end) of ``needles`` in ``text``, leftmost first, longest at a place."""
    needles = [n for n in needles if n]
    if not needles:
        return []
    alternation = "|".join(re.escape(_fold(n)) for n in sorted(set(needles), key=len, reverse=True))
    spans = []
    for m in re.finditer(alternation, _fold(text)):
        spans.append((m.start(), m.end()))
        if limit is not None and len(spans) >= limit:
            break
    return spans


def _to_original(norm: Normalised, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    return [norm.span_to_original(s, e) for s, e in spans]


def highlight_text(original: str, needles: list[str], norm: Normalised | None = None) -> tuple[str, int]:
    """The whole original text as HTML with every hit in ``<mark id="hit-N" class="hit">``."""
    norm = norm or search_text(original)
    spans = _to_original(norm, find_spans(norm.text, needles))
    out: list[str] = []
    pos = 0
    for i, (s, e) in enumerate(spans, 1):
        out.append(escape(original[pos:s], quote=False))
        out.append(f'<mark id="hit-{i}" class="hit">{escape(original[s:e], quote=False)}</mark>')
        pos = e
    out.append(escape(original[pos:], quote=False))
    return "".join(out), len(spans)


_WS = re.compile(r"\s+")


def opening(original: str, chars: int = 120) -> list[str]:
    """The first ``chars`` characters as the one snippet of a hit that has nothing to mark."""
    head = _WS.sub(" ", original[:chars]).strip()
    return [escape(head, quote=False) + ("…" if len(original) > chars else "")] if head else []


def snippets(original: str, needles: list[str], *, norm: Normalised | None = None,
             max_snippets: int = 3, context: int = 36, fallback_chars: int = 120) -> list[str]:
    """Up to ``max_snippets`` HTML passages of the original text around hits.

    With no hit (a query that matched only by field or by jieba words spread apart), the opening of
    the report stands in, so a result never shows nothing.
    """
    norm = norm or search_text(original)
    spans = _to_original(norm, find_spans(norm.text, needles, limit=200))
    text = original
    if not spans:
        return opening(original, fallback_chars)
    windows: list[list[int]] = []  # [start, end, first_span_index, last_span_index]
    for idx, (s, e) in enumerate(spans):
        ws, we = max(0, s - context), min(len(text), e + context)
        if windows and ws <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], we)
            windows[-1][3] = idx
        else:
            if len(windows) >= max_snippets:
                break
            windows.append([ws, we, idx, idx])
    out = []
    for ws, we, first, last in windows:
        parts: list[str] = ["…" if ws > 0 else ""]
        pos = ws
        for s, e in spans[first:last + 1]:
            parts.append(escape(_WS.sub(" ", text[pos:s]), quote=False))
            parts.append(f"<mark>{escape(_WS.sub(' ', text[s:e]), quote=False)}</mark>")
            pos = e
        parts.append(escape(_WS.sub(" ", text[pos:we]), quote=False))
        parts.append("…" if we < len(text) else "")
        out.append("".join(parts).strip())
    return out
