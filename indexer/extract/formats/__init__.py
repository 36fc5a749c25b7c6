"""Readers for the binary formats the portals publish: PDF (text layer, or OCR for scans), DOCX, DOC.

Each reader takes the file's bytes and returns the report text in the shape the text reports have
(tables as lines of tab-separated cells), or raises :class:`indexer.extract.read.ReadError`-like
:class:`FormatError` with a reason a person can act on.
"""

from __future__ import annotations

import re

# CJK characters, CJK punctuation and full-width forms.
_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
_CJK_SPACE = re.compile(f"(?<=[{_CJK}])[ \u00a0]+|[ \u00a0]+(?=[{_CJK}])")


class FormatError(Exception):
    """A file this format's reader cannot turn into text; ``str(err)`` says why."""


def join_wrapped(a: str, b: str) -> str:
    """Two pieces of one cell or paragraph that a line break split: no space between Chinese
    characters, one between Latin letters or digits (a URL or an English word)."""
    if a and b and a[-1].isascii() and a[-1].isalnum() and b[0].isascii() and b[0].isalnum():
        return a + " " + b
    return a + b


def despace(line: str) -> str:
    """Spaces next to a Chinese character dropped: a PDF's justified lines spread their characters,
    and text extraction reads the gaps as spaces (本 报 告 电 子 版); Chinese puts no spaces between
    words, and a space between Latin letters or digits stays."""
    return _CJK_SPACE.sub("", line)
