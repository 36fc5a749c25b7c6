"""Words of normalised text, cut the same way at build time and at query time.

The one home of word cutting: the build's worker, the query language and the highlighter all call
:func:`cut_words`.

* Runs of Chinese characters (jieba's own range, U+4E00–U+9FD5) are cut in jieba's search mode, by
  rjieba (a binding of jieba-rs: jieba's dictionary and HMM, about 25 × faster) when it is installed,
  else by jieba itself. The two give the same words on Chinese text (``tests/engine/test_words.py``
  checks the samples and a generated corpus), so an index is the same whichever cutter built it and
  a query is cut as its index was.
* Everything else is cut by one rule of ours, not the cutter's: runs of ASCII letters and digits
  (a number keeps its decimal part and a percent sign: ``3.5%``), any other letter or digit alone;
  punctuation and spaces are left out. The two cutters split URLs and phone numbers differently.

:func:`reference_words` is how nianbao cut before (jieba over the whole text): the benchmark's floor
and the tests' reference.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable

# NIANBAO_CUTTER=jieba forces jieba (a check that both give the same index; rjieba is the default)
CUTTERS = ("rjieba", "jieba")

_PIECES = re.compile(r"([\u4e00-\u9fd5]+)|([a-z0-9]+(?:\.[0-9]+)?%?|[^\W_])")

_jieba_ready = False
_chosen: tuple[str, Callable[[str], list[str]]] | None = None


def _jieba() -> Callable[[str], list[str]]:
    """jieba's search mode, its dictionary loaded once per process (≈0.6 s), quietly."""
    global _jieba_ready
    import jieba

    if not _jieba_ready:
        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        _jieba_ready = True
    return jieba.lcut_for_search


def _rjieba() -> Callable[[str], list[str]] | None:
    try:
        import rjieba
    except ImportError:
        return None
    return rjieba.cut_for_search


def cutter(name: str | None = None) -> tuple[str, Callable[[str], list[str]]]:
    """(name, cut) of the Chinese cutter: ``name`` if given, else rjieba when installed, else jieba."""
    global _chosen
    if name is None and _chosen is not None:
        return _chosen
    wanted = name or os.environ.get("NIANBAO_CUTTER") or "rjieba"
    if wanted not in CUTTERS:
        raise ValueError(f"unknown word cutter {wanted!r} (known: {', '.join(CUTTERS)})")
    cut = _rjieba() if wanted == "rjieba" else None
    found = (wanted, cut) if cut is not None else ("jieba", _jieba())
    if name is None:
        _chosen = found
    return found


def init_jieba() -> None:
    """Load the cutter's dictionary now (once per process): in a build's parent before forking, in a
    server before its first request."""
    cutter()


def cut_words(text: str, cutter_name: str | None = None) -> list[str]:
    """Search-mode words of normalised text, lowercased, whitespace and punctuation left out.
    ``cutter_name`` picks the Chinese cutter (tests); by default the one in force."""
    cut = cutter(cutter_name)[1]
    out: list[str] = []
    extend, append = out.extend, out.append
    for han, other in _PIECES.findall(text.lower()):
        if han:
            extend(cut(han))
        else:
            append(other)
    return out


def reference_words(text: str) -> list[str]:
    """jieba's search-mode words of the whole text, lowercased, whitespace and punctuation left
    out: how nianbao cut before, kept as the benchmark's floor and the tests' reference."""
    import jieba

    _jieba()
    out: list[str] = []
    append = out.append
    for w in jieba.cut_for_search(text):
        if w.isalnum():
            append(w.lower())
            continue
        w = w.strip().lower()
        if w and any(ch.isalnum() for ch in w):
            append(w)
    return out
