"""When and where a report says it is from: its title, the year reported on, its date, its URL.

``read_meta`` is a pure function over the report text (NFKC or not: both work). The year is the year
REPORTED ON, which differs from the publication year (a 2020 report is signed in 2021); it comes from
the statistics period when the report states one ("统计期限自2020年1月1日起…"), else from the title.

Pages saved from government sites carry a header line such as "来源：某某镇 时间：2021-01-29" ahead of
the title (``html.html_to_text`` keeps it there on purpose): a labelled date there is the publication
date; otherwise the date under the signature at the end is. A page saved as ONE line ("…当前位置：
首页 > … > 正文X镇人民政府2022年…年度报告来源：… 时间：2023-01-11 12:26 …") has its title read from
inside that line and the date from the chrome beside it. Dates in Chinese numerals (二〇二四年一月十五日)
are read as dates; the URL is the one the report says it is published at, else the page's own address
("本页网址：…").
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass

from indexer.extract.formats import despace
from indexer.extract.text import CJK_CLASS

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


_CN_MONTH_DAY = re.compile(
    r"(?<=\d年)(\s*)([一二三四五六七八九十]{1,3}|元)(\s*月\s*)([一二三四五六七八九十]{1,4})(?=\s*[日号])"
)


def _cn_small(numeral: str) -> int | None:
    """一 … 三十一 as a number (元 is the first month); None for anything else."""
    if numeral == "元":
        return 1
    tens, sep, units = numeral.partition("十")
    if not sep:
        return int(_CN_DIGITS[numeral]) if len(numeral) == 1 else None
    if len(tens) > 1 or len(units) > 1:
        return None
    return int(_CN_DIGITS[tens] if tens else 1) * 10 + (int(_CN_DIGITS[units]) if units else 0)


def _cn_year(text: str) -> str:
    """二〇二〇年 → 2020年, and a month and day after it too (二〇二四年一月十五日 → 2024年1月15日):
    titles and signatures are often written in Chinese numerals."""
    text = _CN_YEAR.sub(lambda m: "".join(_CN_DIGITS[c] for c in m.group(0)), text)

    def month_day(m: re.Match[str]) -> str:
        month, day = _cn_small(m.group(2)), _cn_small(m.group(4))
        if month is None or day is None:
            return m.group(0)
        return f"{m.group(1)}{month}{m.group(3)}{day}"
    return _CN_MONTH_DAY.sub(month_day, text)


def find_title(text: str) -> str | None:
    """The report's title line: the first line near the top naming a 信息公开…年度报告 that is not
    page chrome. A title split over two lines (body, then "2020年…年度报告") is joined."""
    lines = [_LABEL.sub("", clean_line(ln)) for ln in _nfkc(text).splitlines()]
    seen = 0
    prev = ""
    for k, line in enumerate(lines):
        if not line:
            continue
        seen += 1
        if seen > 25:
            break
        rest = _title_rest(line, lines[k + 1:k + 3])
        if rest:
            line = line + rest  # "2024年…政府信息公开工作" + "年度报告": a title wrapped over lines
        if len(line) <= 80 and _REPORT.search(line) and not _CHROME.search(line) and "《" not in line:
            if re.match(r"^(?:关于)?\s*(?:19|20)\d{2}\s*年", line) and prev and len(prev) <= 30 and \
                    re.search(r"(?:政府|办事处|局|委员会|办公室|厅|委|中心)$", prev):
                return f"{prev}{line}"
            return line
        prev = line
    return _title_in_chrome(lines[:25])


# Field labels of a saved page in front of the title ("标题:…", "题目：…").
_LABEL = re.compile(r"^(?:标题|题目|文章标题|名称)\s*[:：]\s*")
# The end of a title wrapped onto the next line: what is left of "信息公开…年度报告".
_TITLE_END = re.compile(
    r"^(?:(?:信息公开|政务公开)?(?:工作)?(?:年度)?(?:工作)?报告|年度报告)(?:\s*[(（][^)）]{0,20}[)）])?$"
)
_TITLE_HEAD = re.compile(r"(?:信息公开|政务公开)(?:工作)?(?:的)?(?:年度)?$|(?:政府)?信息$|政务$|政府$")


# How a title ends; a line may break it anywhere ("…年度政府信息公开工" / "作的年度报告", as a PDF's
# centred title wraps at the page's width).
_TITLE_PHRASES = tuple(f"{a}{w}{d}{y}报告" for a in ("信息公开", "政务公开") for w in ("工作", "")
                       for d in ("的", "") for y in ("年度", ""))
_NOTE = r"(?:\s*[(（][^)）]{0,20}[)）])?$"


def _cuts_title_phrase(line: str, nxt: str) -> bool:
    """``line`` ends part-way through a title's closing phrase and ``nxt`` is the rest of it."""
    return any(line.endswith(p[:k]) and re.match(re.escape(p[k:]) + _NOTE, nxt)
               for p in _TITLE_PHRASES for k in range(2, len(p)))


def _completes_title(line: str, nxt: str) -> bool:
    """``nxt`` is the rest of the title ``line`` ends part-way through: a closing phrase cut anywhere,
    or a line ending in 信息公开/政务/政府… and the next one the report's name from there."""
    if _cuts_title_phrase(line, nxt):
        return True
    return bool(_TITLE_HEAD.search(line)) and bool(
        _TITLE_END.match(nxt)
        or (re.match(r"(?:政府)?(?:信息公开|政务公开)", nxt) and _REPORT.match(nxt) and len(nxt) <= 24))


def _title_rest(line: str, after: list[str]) -> str | None:
    """The next line when it completes a title this line starts ("2024年某市某委政府信息公开工作" /
    "年度报告"): this line names a year or an organ and ends part-way through "信息公开…年度报告"."""
    if len(line) > 60 or _REPORT.search(line) or _CHROME.search(line) or "《" in line:
        return None
    nxt = next((a for a in after if a), "")
    if not nxt or not _completes_title(line, nxt):
        return None
    if not re.search(r"(?:19|20)\d{2}\s*年|政府|局|委|办公室|中心", line):
        return None
    return nxt


# Han characters, the rare ones of the extensions too (place names use them: 㵲阳镇).
_HAN = CJK_CLASS  # the one definition of a Chinese character (indexer/extract/text.py)
_CJK_RUN = rf"[{_HAN}()（）]"
# A title standing inside a line of page chrome: a run of characters (the body) up to the year, and
# on to 信息公开…报告 ("…> 正文 X镇人民政府关于2021年度政府信息公开工作的年度报告 来源：…").
_INLINE_TITLE = re.compile(
    rf"{_CJK_RUN}{{0,40}}\s*(?:关于)?\s*(?:19|20)\d{{2}}\s*年度?{_CJK_RUN}{{0,40}}?"
    rf"(?:信息公开|政务公开)[{_HAN}]{{0,12}}?(?:年度)?(?:工作)?报告"
)
_CRUMB_END = re.compile(r"^(?:正文|详情|内容|阅读|详细信息|文章)")


def _title_in_chrome(lines: list[str]) -> str | None:
    """The title of a page saved as one long line, where it sits between the breadcrumb ("当前位置：
    首页 > … > 正文") and the "来源：… 时间：…" line: the first span that runs from a body name
    through a year to 信息公开…报告, outside 《》 and not a sentence of the report ("现将…")."""
    for line in lines:
        for m in _INLINE_TITLE.finditer(line):
            title = _CRUMB_END.sub("", m.group(0)).strip()
            before = line[: m.start()]
            if before.count("《") > before.count("》") or re.search(r"现将|本报告|特此|根据|按照", title):
                continue
            return title
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


# A signature inside a long line (a page saved as one line): an organ's name after a full stop or a
# space, then the date ("…无其他需要报告的事项。 X镇人民政府 2022年1月30日 分享到：…").
_INLINE_SIGNED = re.compile(
    rf"(?:^|[。；;\s])\s*[{_HAN}()]{{2,40}}?(?:政府|办事处|委员会|管委会|办公室|局|委|厅|中心)\s*"
    + _DATE_CN.pattern
)


def _signature_date(lines: list[str]) -> str | None:
    """The date under the signature: a short line at the very end that is (or ends in) a date; in a
    page saved as one line, the last organ-and-date near its end."""
    tail = [ln for ln in lines if ln][-4:]
    for line in reversed(tail):
        if len(line) > 40:
            continue
        m = _DATE_CN.search(line) or _DATE_ANY.search(line)
        if m and line[m.end():].strip(" 。.") == "":
            return _iso(*m.groups())
    if tail and len(tail[-1]) > 40:
        found = list(_INLINE_SIGNED.finditer(tail[-1][-600:]))
        if found:
            return _iso(*found[-1].groups())
    return None


def _around_title(line: str, title: str) -> list[str]:
    """The page chrome on either side of a title that stands inside a long line (a page saved as
    one line): up to 120 characters before it, and after it up to the first full stop (the
    "来源：… 时间：…" that follows the title; the report's sentences come after)."""
    i = line.index(title)
    after = line[i + len(title):][:120].split("。")[0]
    return [line[max(0, i - 120):i], after]


def _header(lines: list[str], title: str | None) -> list[str]:
    """The page header: the lines before the title's own line (within the first 30); when the title
    only stands inside a longer line, the lines before that one and the chrome around the title."""
    if not title:
        return []
    for i, ln in enumerate(lines[:31]):
        if ln and (ln == title or ln in title or title.endswith(ln)):
            return lines[:i]
    for i, ln in enumerate(lines[:31]):
        if title in ln:
            return [*lines[:i], *_around_title(ln, title)]
    return []


def _published(text: str, title: str | None) -> str | None:
    """The labelled date of the page chrome (before the title, beside it, or in a short chrome
    line), else the date under the signature."""
    lines = [clean_line(ln) for ln in _cn_year(text).splitlines()]
    chrome = [ln for ln in _header(lines, title) if len(ln) <= 120]
    chrome += [ln for ln in lines if _CHROME.search(ln) and len(ln) <= 120]
    return _chrome_date(chrome) or _signature_date(lines)


_URL_CHARS = r"A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%"
_URL = re.compile(rf"(?:https?://|www\.)[{_URL_CHARS}]+", re.IGNORECASE)
_URL_CONTEXT = re.compile(r"公开|查阅|下载|公布|发布|刊登|获取|浏览|登载|查看")


_PAGE_URL = re.compile(
    rf"(?:(?:本页|本文|原文|网页|页面|文章|信息)(?:网址|地址|链接)|(?<![{_HAN}])(?:网址|链接地址|URL))\s*[:：]\s*",
    re.IGNORECASE,
)
# A line that is only an address (the header or footer a browser prints on a saved page), maybe
# with the page counter beside it ("http://…/art_1.html 1/3").
_ADDRESS_LINE = re.compile(r"^\s*((?:https?://|www\.)\S+)\s*(?:\d+\s*/\s*\d+)?\s*$", re.IGNORECASE)
# The sentence that says where this report is published: "本报告电子版可在…网站(http://…)查阅".
_REPORT_HERE = re.compile(r"本报告|本年报|本年度报告|报告全文|电子版")


# A web address that a PDF's text broke over two lines ("…门户网站（http://" then, a line or two
# later, "www.x.gov.cn/…）查阅"): its first piece ends the line where an address goes on (after
# "//", "/", ".", "-", "_", "?", "=", "&"), the next line starts with the rest, which has a "." or "/".
_WRAPPED_URL = re.compile(
    rf"((?:https?://|www\.)(?:[{_URL_CHARS}]*[/.\-_?=&])?)[ \t]*\n(?:[ \t\f]*\n)*[ \t\f]*"
    rf"(?=[A-Za-z0-9][{_URL_CHARS}]*[./])",
    re.IGNORECASE,
)


def _joined_urls(text: str) -> str:
    """The text with each address a line break cut in two joined again."""
    return _WRAPPED_URL.sub(r"\1", text) if "\n" in text else text


def _clean_url(url: str) -> str:
    """A URL inside ( ) or < > stops at the closing bracket; trailing punctuation is not part of it;
    "www.…" gets its scheme."""
    url = re.split(r"[>)\]]", url)[0] if "(" not in url else url
    url = url.rstrip(".,;:!?'\"")
    return "http://" + url if url.lower().startswith("www.") else url


def mentioned_urls(text: str, own: str | None = None) -> list[str]:
    """Every web address the text mentions, in order, once each, without ``own`` (the report's own
    address, :func:`_source_url`'s answer): a portal's home page, a complaint address, a link in
    the prose. The report page lists them apart from the report's own address."""
    found = dict.fromkeys(_clean_url(m.group(0)) for m in _URL.finditer(_joined_urls(text)))
    found.pop(own or "", None)
    return [u for u in found if u]


def _source_url(text: str) -> str | None:
    """The address of the report itself, best first: the sentence that says where this report is
    published ("本报告电子版可在…网站(http://…)查阅或下载"); the page's own address as saved pages
    print it ("原文链接：…", "本页网址：…", an address standing alone on a header or footer line);
    and only then another sentence about the annual report being published at an address (a full
    address before a portal's home page)."""
    weaker: list[str] = []
    text = _joined_urls(text)
    closed = despace(text)  # justified lines spread apart: "本 报 告 电 子 版 可 在"
    # sentences line by line, then (a PDF's lines wrap inside sentences) the lines run together, there
    # only for the sentence that says where the report is (a title run into the next line is not one)
    passes = ((False, lambda: re.split(r"[。\n]", closed)),
              (True, lambda: re.sub(r"\s*\n\s*", "", closed).split("。")))
    for whole, split in passes:
        for sentence in split():
            if not _URL_CONTEXT.search(sentence):
                continue
            m = _URL.search(sentence)
            if not m:
                continue
            if _REPORT_HERE.search(sentence):
                return _clean_url(m.group(0))
            if "年度报告" in sentence and not whole:
                weaker.append(_clean_url(m.group(0)))
    for lab in _PAGE_URL.finditer(text):
        m = _URL.match(text, lab.end())
        if m:
            return _clean_url(m.group(0))
    lines = [ln for ln in text.splitlines() if ln.strip()]
    for line in [*lines[:5], *lines[-5:]]:
        m = _ADDRESS_LINE.match(line)
        if m:
            return _clean_url(m.group(1))
    with_path = [u for u in weaker if re.search(r"//[^/]+/[^/\s]+", u)]
    best = with_path or weaker
    return best[0] if best else None


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
