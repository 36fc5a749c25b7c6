"""When and where a report says it is from: its title, the year reported on, its date, its URL.

``read_meta`` is a pure function over the report text (NFKC or not: both work). The year is the year
REPORTED ON, which differs from the publication year (a 2020 report is signed in 2021); it comes from
the statistics period when the report states one ("统计期限自2020年1月1日起…"), else from the title.

Pages saved from government sites carry a header line such as "来源：某某镇 时间：2021-01-29" ahead of
the title (``html.html_to_text`` keeps it there on purpose): a labelled date there is the publication
date; otherwise the date under the signature at the end is.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass

__all__ = ["Meta", "clean_line", "find_title", "read_meta"]


@dataclass(frozen=True)
class Meta:
    """The report's title line, the year it reports on, its date (ISO) and the URL it names."""

    title: str | None
    year: int | None
    published: str | None
    source_url: str | None


_MARKUP = re.compile(r"</?[a-zA-Z][^>]*>|\*\*|__|^\s*#+\s*")
_CN_DIGITS = {"〇": "0", "○": "0", "零": "0", "O": "0", "一": "1", "二": "2", "三": "3", "四": "4",
              "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
_CN_YEAR = re.compile(r"[〇○零一二三四五六七八九]{4}(?=\s*年)")
_YEAR = r"((?:19|20)\d{2})"
_SP = r"\s*"
_CHROME = re.compile(
    r"当前位置|您的位置|来源[:：]|发布(?:时间|日期)|浏览次数|阅读次数|点击[数率量]|字号|字体[:：]"
)
_REPORT = re.compile(r"(?:信息公开|政务公开)[^\n]{0,12}?(?:年度)?(?:工作)?报告")


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def clean_line(line: str) -> str:
    """A line without markdown/HTML markup and outer whitespace (titles arrive as "# …" or "<b>…</b>")."""
    return _MARKUP.sub("", line).strip()


def _cn_year(text: str) -> str:
    """二〇二〇年 → 2020年 (titles and signatures are sometimes written in Chinese numerals)."""
    return _CN_YEAR.sub(lambda m: "".join(_CN_DIGITS[c] for c in m.group(0)), text)


def find_title(text: str) -> str | None:
    """The report's title line: the first line near the top naming a 信息公开…年度报告 that is not
    page chrome. A title split over two lines (body, then "2020年…年度报告") is joined."""
    lines = [clean_line(ln) for ln in _nfkc(text).splitlines()]
    seen = 0
    prev = ""
    for line in lines:
        if not line:
            continue
        seen += 1
        if seen > 25:
            break
        if len(line) <= 80 and _REPORT.search(line) and not _CHROME.search(line) and "《" not in line:
            if re.match(r"^(?:关于)?\s*(?:19|20)\d{2}\s*年", line) and prev and len(prev) <= 30 and \
                    re.search(r"(?:政府|办事处|局|委员会|办公室|厅|委|中心)$", prev):
                return f"{prev}{line}"
            return line
        prev = line
    return None


def _title_year(title: str | None) -> int | None:
    if not title:
        return None
    m = re.search(_YEAR + _SP + r"年", _cn_year(title))
    return int(m.group(1)) if m else None


_PERIOD = re.compile(
    r"(?:统计(?:期限|时限|时间|周期|区间)|数据)[^。\n]{0,20}?" + _YEAR + _SP + "年" + _SP + r"1" + _SP + "月"
    + _SP + r"1" + _SP + "日"
)
_SPAN = re.compile(
    _YEAR + _SP + "年" + _SP + r"0?1" + _SP + "月" + _SP + r"0?1" + _SP + r"日" + _SP
    + r"(?:起)?" + _SP + r"(?:至|到|-|—|~)" + _SP + _YEAR + _SP + "年" + _SP + "12" + _SP + "月" + _SP + "31"
)
_BODY_YEAR = re.compile(r"(?:现将|本报告|公布)[^。\n]{0,10}?" + _YEAR + _SP + r"年度?")


def _reported_year(text: str, title: str | None) -> int | None:
    """The statistics period first (most explicit), then the title, then "现将2020年…" phrases."""
    m = _SPAN.search(text)
    if m and m.group(1) == m.group(2):
        return int(m.group(1))
    m = _PERIOD.search(text)
    if m:
        return int(m.group(1))
    year = _title_year(title)
    if year is not None:
        return year
    m = _BODY_YEAR.search(text)
    return int(m.group(1)) if m else None


def _iso(y: str, mo: str, d: str) -> str | None:
    try:
        return _dt.date(int(y), int(mo), int(d)).isoformat()
    except ValueError:
        return None


_DATE_CN = re.compile(_YEAR + _SP + "年" + _SP + r"(\d{1,2})" + _SP + "月" + _SP + r"(\d{1,2})" + _SP + "日")
_DATE_ANY = re.compile(
    _YEAR + _SP + r"(?:年|-|/|\.)" + _SP + r"(\d{1,2})" + _SP + r"(?:月|-|/|\.)" + _SP + r"(\d{1,2})(?!\d)"
)
_LABELLED = re.compile(r"(?:发布时间|发布日期|发文日期|成文日期|时间|日期)\s*[:：]\s*")


def _chrome_date(lines: list[str]) -> str | None:
    """A labelled date ("时间：2021-01-29", "发布日期：2021年01月29日") in the page header, i.e. in
    the lines before the title or in a short chrome line."""
    for line in lines:
        for lab in _LABELLED.finditer(line):
            m = _DATE_ANY.match(line, lab.end())
            if m:
                iso = _iso(*m.groups())
                if iso:
                    return iso
    return None


def _signature_date(lines: list[str]) -> str | None:
    """The date under the signature: a short line at the very end that is (or ends in) a date."""
    tail = [ln for ln in lines if ln][-4:]
    for line in reversed(tail):
        if len(line) > 40:
            continue
        m = _DATE_CN.search(line) or _DATE_ANY.search(line)
        if m and line[m.end():].strip(" 。.") == "":
            return _iso(*m.groups())
    return None


def _published(text: str, title: str | None) -> str | None:
    lines = [clean_line(ln) for ln in _cn_year(text).splitlines()]
    head: list[str] = []
    for ln in lines:
        if title and ln and (ln == title or ln in title or title.endswith(ln)):
            break
        head.append(ln)
        if len(head) > 30:
            head = []
            break
    chrome = [ln for ln in head if len(ln) <= 120]
    chrome += [ln for ln in lines if _CHROME.search(ln) and len(ln) <= 120]
    return _chrome_date(chrome) or _signature_date(lines)


_URL = re.compile(r"(?:https?://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+", re.IGNORECASE)
_URL_CONTEXT = re.compile(r"公开|查阅|下载|公布|发布|刊登|获取|浏览|登载|查看")


def _source_url(text: str) -> str | None:
    """The URL the report says it is published at: the first URL in a sentence that speaks of the
    report (本报告/年度报告/电子版) being published, read or downloaded there."""
    for sentence in re.split(r"[。\n]", text):
        if not re.search(r"本报告|年度报告|报告全文|电子版|本年报", sentence):
            continue
        if not _URL_CONTEXT.search(sentence):
            continue
        m = _URL.search(sentence)
        if not m:
            continue
        url = m.group(0)
        # A URL inside ( ) or < > stops at the closing bracket; trailing punctuation is not part of it.
        url = re.split(r"[>)\]]", url)[0] if "(" not in url else url
        url = url.rstrip(".,;:!?'\"")
        if url.lower().startswith("www."):
            url = "http://" + url
        return url
    return None


def read_meta(text: str) -> Meta:
    """Title, reported year, publication date and source URL of a report (None where not stated)."""
    norm = _cn_year(_nfkc(text))
    title = find_title(norm)
    return Meta(
        title=title,
        year=_reported_year(norm, title),
        published=_published(norm, title),
        source_url=_source_url(norm),
    )
