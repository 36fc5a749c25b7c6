"""Text normalisation that never loses the original.

Two views of a report are needed:

* ``nfkc(text)`` keeps the line and tab structure (the table reader needs it) and only folds
  full-width digits, letters and punctuation to their ASCII forms;
* ``search_text(text)`` is what the index sees and what an exact phrase is matched against:
  NFKC, then every run of whitespace that stands between two Chinese characters removed (PDF
  extraction leaves ``结 果 维 持`` and breaks ``本年新\\n公开数量`` across lines).

Both return a :class:`Normalised`: the new text plus, for every character of it, the offset of the
character of the original it came from, so hits found in the normalised text can be highlighted in
the text as written.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


def is_cjk(ch: str) -> bool:
    """True for a CJK ideograph (the characters between which whitespace is dropped)."""
    o = ord(ch)
    return (
        0x4E00 <= o <= 0x9FFF
        or 0x3400 <= o <= 0x4DBF
        or 0xF900 <= o <= 0xFAFF
        or 0x20000 <= o <= 0x2FA1F
        or o == 0x3007  # 〇
    )


@dataclass(frozen=True)
class Normalised:
    """Normalised text and ``offsets``: ``offsets[i]`` is where character ``i`` came from in the
    original; ``offsets[len(text)]`` is ``len(original)``, so spans map with ``span_to_original``."""

    text: str
    offsets: tuple[int, ...]

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of the normalised text to the original text."""
        if end <= start:
            o = self.offsets[start]
            return o, o
        return self.offsets[start], self.offsets[end - 1] + 1


_CHANGING: re.Pattern[str] | None = None


def _changing_chars() -> re.Pattern[str]:
    """A character class of every code point that NFKC changes (built once, ~0.1 s)."""
    global _CHANGING
    if _CHANGING is None:
        ranges: list[str] = []
        start = prev = -2
        for cp in range(0xA0, 0x30000):
            if 0xD800 <= cp <= 0xDFFF:
                continue
            ch = chr(cp)
            if unicodedata.normalize("NFKC", ch) != ch or cp == 0x3000:
                if cp != prev + 1:
                    if start >= 0:
                        ranges.append(_range(start, prev))
                    start = cp
                prev = cp
        if start >= 0:
            ranges.append(_range(start, prev))
        _CHANGING = re.compile("[" + "".join(ranges) + "]")
    return _CHANGING


def _range(a: int, b: int) -> str:
    return re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"


def nfkc(text: str) -> Normalised:
    """NFKC character by character, keeping an offset map (one original char may become several).

    Only the characters NFKC changes are visited in Python; the runs between them are copied whole.
    """
    pieces: list[str] = []
    offs: list[int] = []
    pos = 0
    for m in _changing_chars().finditer(text):
        i = m.start()
        if i > pos:
            pieces.append(text[pos:i])
            offs.extend(range(pos, i))
        ch = text[i]
        folded = " " if ch == "\u3000" else unicodedata.normalize("NFKC", ch)
        pieces.append(folded)
        offs.extend([i] * len(folded))
        pos = i + 1
    if pos < len(text):
        pieces.append(text[pos:])
        offs.extend(range(pos, len(text)))
    offs.append(len(text))
    return Normalised("".join(pieces), tuple(offs))


_CJK = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
_WS_BETWEEN_CJK = re.compile(f"(?<=[{_CJK}])\\s+(?=[{_CJK}])")


def _drop_whitespace_between_cjk(norm: Normalised) -> Normalised:
    text, offsets = norm.text, norm.offsets
    pieces: list[str] = []
    offs: list[int] = []
    pos = 0
    for m in _WS_BETWEEN_CJK.finditer(text):
        pieces.append(text[pos:m.start()])
        offs.extend(offsets[pos:m.start()])
        pos = m.end()
    if pos == 0:
        return norm
    pieces.append(text[pos:])
    offs.extend(offsets[pos:])
    return Normalised("".join(pieces), tuple(offs))


def search_text(text: str) -> Normalised:
    """The normalisation the index applies (documented in the README): NFKC, then whitespace
    between two Chinese characters removed."""
    return _drop_whitespace_between_cjk(nfkc(text))


def normalise_query_phrase(phrase: str) -> str:
    """A phrase typed by a user, normalised the way the indexed text is."""
    return search_text(phrase).text.strip()
