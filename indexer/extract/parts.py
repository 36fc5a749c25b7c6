"""The six parts of a report (一 总体情况 … 六 其他需要报告的事项) and their spans.

Headings vary: numbered or not, markdown ``#``, ``**``/``<b>`` markup, sub-headings that reuse the
same words (``（六）因政府信息公开申请提起行政复议、行政诉讼的情况`` inside part one), the title
repeated inside part one, a part misnumbered or missing. A heading is a short line whose words name a
part; the parts are taken in template order, each after the one before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.extract.text import strip_line_markup

# Part number → words that identify its heading (any one suffices), most specific first.
PART_KEYWORDS: dict[int, tuple[str, ...]] = {
    1: ("总体情况", "概述", "基本情况"),
    2: ("主动公开政府信息情况", "主动公开政府信息", "主动公开情况"),
    3: ("收到和处理政府信息公开申请情况", "收到和处理政府信息公开申请", "依申请公开政府信息情况",
        "政府信息公开申请情况"),
    4: ("行政复议、行政诉讼", "行政复议和行政诉讼", "行政复议行政诉讼", "复议、诉讼"),
    5: ("存在的主要问题及改进情况", "存在的主要问题", "存在的问题", "主要问题及改进", "改进情况"),
    6: ("其他需要报告的事项", "其他需要报告", "其他事项"),
}
PART_TITLES: dict[int, str] = {
    1: "总体情况",
    2: "主动公开政府信息情况",
    3: "收到和处理政府信息公开申请情况",
    4: "政府信息公开行政复议、行政诉讼情况",
    5: "存在的主要问题及改进情况",
    6: "其他需要报告的事项",
}
_NUMERALS = "一二三四五六"
# A top-level part numeral: "一、", "一.", "一 ", "第一部分"; a sub-heading "（一）" is not one.
_TOP = re.compile(r"^(?:第)?([一二三四五六])(?:部分)?(?:[、.．:：\s]|(?=[^\d一二三四五六七八九十]))")
_SUB = re.compile(r"^[（(]\s*[一二三四五六七八九十]+\s*[)）]|^\d+[.、．]")
# Each part's keywords as one pattern, and all of them: most lines name no part (one search, not 25 ``in``)
_KEYWORDS = [(number, re.compile("|".join(map(re.escape, words)))) for number, words in PART_KEYWORDS.items()]
_ANY_KEYWORD = re.compile("|".join(rx.pattern for _n, rx in _KEYWORDS))


@dataclass(frozen=True)
class Part:
    number: int  # 1..6
    heading: str  # the heading line as written (markup removed)
    start: int  # offset of the heading line in the text given
    body_start: int  # offset just after the heading line
    end: int  # start of the next part (or end of text)


def _clean(line: str) -> str:
    return strip_line_markup(line.strip()).strip().strip("*").strip()


def _heading_part(line: str) -> tuple[int, int] | None:
    """(part number, confidence) if ``line`` looks like a part heading."""
    clean = _clean(line)
    if not clean or len(clean) > 40 or _SUB.match(clean):
        return None
    m = _TOP.match(clean)
    numeral = _NUMERALS.index(m.group(1)) + 1 if m else None
    rest = clean[m.end():] if m else clean
    if not _ANY_KEYWORD.search(rest):
        return None
    for number, words in _KEYWORDS:
        if words.search(rest):
            if numeral == number:
                return number, 2
            if numeral is None and len(rest) <= 24:
                return number, 1
            if numeral is not None:
                return number, 1  # misnumbered part: the words decide
    return None


def split_parts(text: str) -> list[Part]:
    """Find the part headings of ``text`` in template order. Parts not found are left out."""
    candidates: list[tuple[int, int, int, int, str]] = []  # (start, body_start, number, conf, heading)
    pos = 0
    for line in text.splitlines(keepends=True):
        found = _heading_part(line)
        if found:
            candidates.append((pos, pos + len(line), found[0], found[1], _clean(line)))
        pos += len(line)
    chosen: list[tuple[int, int, int, str]] = []
    last_start = -1
    last_number = 0
    for number in range(1, 7):
        options = [c for c in candidates if c[2] == number and c[0] > last_start]
        if not options:
            continue
        best = max(options, key=lambda c: (c[3], -c[0]))
        # a later part's heading must not precede an earlier chosen one
        if number < last_number:
            continue
        chosen.append((best[0], best[1], number, best[4]))
        last_start, last_number = best[0], number
    parts: list[Part] = []
    for i, (start, body_start, number, heading) in enumerate(chosen):
        end = chosen[i + 1][0] if i + 1 < len(chosen) else len(text)
        parts.append(Part(number, heading, start, body_start, end))
    return parts
