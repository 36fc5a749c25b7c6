"""jieba words, cut the same way at build time and at query time."""

from __future__ import annotations

import logging

_ready = False


def init_jieba() -> None:
    """Load jieba's dictionary once per process (≈0.6 s), quietly."""
    global _ready
    if not _ready:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        _ready = True


def cut_words(text: str) -> list[str]:
    """jieba search-mode words of normalised text, lowercased, whitespace and punctuation left out."""
    import jieba

    init_jieba()
    out: list[str] = []
    append = out.append
    for w in jieba.cut_for_search(text):
        if w.isalnum():  # nearly every word: nothing to strip, something to keep
            append(w.lower())
            continue
        w = w.strip().lower()
        if w and any(ch.isalnum() for ch in w):
            append(w)
    return out
