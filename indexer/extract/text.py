"""The text rules every extractor shares: what a Chinese character is, and how markup is stripped.

One owner for each rule (DESIGN.md, "one home for each idea"), so that the label stream of the
table reader, the whitespace the search text drops and the place-name patterns agree on which
characters are Chinese.  :mod:`indexer.engine` may import this; it imports nothing of the engine.
"""

from __future__ import annotations

import html
import re

# Han ideographs: 〇, Extension A, the unified block, the compatibility block, and the
# supplementary planes (Extensions B–H and the compatibility supplement; place names use them: 㵲).
HAN_RANGES: tuple[tuple[int, int], ...] = (
    (0x3007, 0x3007),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x3134F),
)

# The same characters as the inside of a regex character class: ``rf"[{CJK_CLASS}]"``.
CJK_CLASS = "".join(chr(a) if a == b else f"{chr(a)}-{chr(b)}" for a, b in HAN_RANGES)
CJK = re.compile(f"[{CJK_CLASS}]")
_NOT_CJK = re.compile(f"[^{CJK_CLASS}]+")


def is_cjk(ch: str) -> bool:
    """True for a Chinese character (one of :data:`HAN_RANGES`)."""
    o = ord(ch)
    return any(a <= o <= b for a, b in HAN_RANGES)


def cjk_of(text: str) -> str:
    """The Chinese characters of a text, in order (the table reader's label stream keeps these)."""
    return _NOT_CJK.sub("", text)


# -- markup -------------------------------------------------------------------------------------

_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,200}>")
_HEADING_MARK = re.compile(r"^\s{0,3}#{1,6}\s*")  # markdown heading (the space after # is often left out)
_PAGE_NUMBER_LINE = re.compile(
    r"^\s*(?:[-—–]+\s*\d+\s*[-—–]+|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?)\s*$"
)
_MD_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")


def strip_tags(text: str) -> str:
    """Remove HTML tags (an element name after ``<``; a lone ``<`` or ``<3`` stays)."""
    return _TAG.sub("", text) if "<" in text else text


def _strip_emphasis(line: str) -> str:
    s = _HEADING_MARK.sub("", line, count=1)
    return s.replace("**", "").replace("__", "")


def strip_line_markup(line: str) -> str:
    """One line without HTML tags, a markdown heading's ``#`` marks and ``**``/``__`` emphasis."""
    return _strip_emphasis(strip_tags(line))


def strip_markup(text: str) -> str:
    """Remove HTML tags and markdown emphasis/headings and page-number lines, keeping the layout:
    HTML and markdown table cells become tabs, rows and block elements lines."""
    t = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    if "<" in t:
        t = re.sub(r"(?i)<br\s*/?>", "\n", t)
        t = re.sub(r"(?i)</t[dh]>\s*<t[dh][^>]*>", "\t", t)
        t = re.sub(r"(?i)</tr\s*>", "\n", t)
        t = re.sub(r"(?i)</?(?:p|div|table|tbody|thead|tr|li|ul|ol|h[1-6])(?:\s[^<>]*)?/?>", "\n", t)
        t = strip_tags(t)
    if "&" in t:
        t = html.unescape(t).replace("\xa0", " ")
    out: list[str] = []
    for line in t.split("\n"):
        if _MD_TABLE_RULE.match(line) and "-" in line:
            out.append("")
            continue
        s = line
        if s.lstrip().startswith("|") and s.count("|") >= 2:
            s = s.strip().strip("|")
            s = "\t".join(c.strip() for c in s.split("|"))
        s = _strip_emphasis(s)  # the tags went before entities were unescaped
        if _PAGE_NUMBER_LINE.match(s):
            s = ""
        out.append(s)
    return "\n".join(out)
