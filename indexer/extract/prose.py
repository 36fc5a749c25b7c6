"""Numbers stated in the prose of a report.

Reports for 2008-2018 have no tables: what they say about applications, reconsideration and
litigation stands in sentences ("共受理政府信息公开申请3件，已办结2件，1件正在办理中",
"未发生行政复议、行政诉讼", "未收到…申请", "行政复议1件，其中维持1件"…).  Reports of every year
state the number of items proactively disclosed ("主动公开政府信息 60 条",
"全年累计报送业务信息176条").

Only what a sentence states is taken, plus what follows from it with numbers being non-negative
(a reconsideration total of 0 makes every reconsideration outcome 0; "维持2件，纠正1件" of a total
of 3 leaves 0 for the other outcomes).  A litigation count is kept as the report's litigation
total only: the prose does not say how it splits between direct suits and suits after
reconsideration.  A count and a "none" sentence that disagree leave the fact unknown (``None``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from indexer.extract.normalise import search_text

_N = r"\s*(\d+)\s*"
_PIECE = r"(?:件|起|个|次|份|宗)"
_APP_PIECE = r"(?:件|条|起|个|次|份|宗)"  # applications are counted in 条 too ("申请21条")
_SENT = r"[^。；;！!？?\n]"  # inside one sentence
_OUTCOMES = ("maintained", "corrected", "other", "pending", "total")

# Applications received.
_APP_NEW = [
    re.compile(
        r"(?:受理|收到|接到|接收|办理)(?:了)?(?:各类)?(?:政府信息公开|依申请公开(?:政府信息)?|信息公开)(?:的)?申请(?:事项)?"
        r"\s*(?:共|总计|合计|累计)?" + _N + _APP_PIECE
    ),
    # "收到公民、法人和其他组织提出的政府信息公开申请21件": who applied stands between.
    re.compile(
        r"(?:受理|收到|接到|接收)(?:了)?" + _SENT + r"{0,24}?(?:政府信息公开|依申请公开|信息公开)申请"
        r"\s*(?:共|总计|合计|累计)?" + _N + _APP_PIECE
    ),
    re.compile(
        r"(?:受理|收到|接到|接收|办理)(?:了)?(?:各类)?依申请公开(?:政府信息)?(?:事项)?\s*(?:共)?"
        + _N
        + _PIECE
    ),
    re.compile(
        r"(?:受理|收到|接到|接收|办理)(?:了)?" + _N + r"(?:件|起|个|份)(?:政府信息公开|依申请公开|信息公开)"
    ),
    re.compile(r"(?:政府信息公开|依申请公开)申请(?:数量|数)?(?:为|是)" + _N + _APP_PIECE),
]
_APP_NONE = re.compile(
    r"(?:未|没有)(?:收到|受理|接到|接收|发生|出现)"
    + _SENT
    + r"{0,30}?(?:公开申请|依申请公开|信息的申请|公开的申请)"
)
_APP_CARRIED_OVER = re.compile(r"上年(?:度)?结转" + _N + _PIECE)
_APP_HANDLED = re.compile(r"(?:已|共)?办结" + _N + _PIECE)
_APP_ALL_HANDLED = re.compile(
    r"均已(?:按时)?(?:答复|办结|处理)|(?:已)?全部(?:按时)?(?:答复|办结)|全部予以公开"
)
_APP_GRANTED = re.compile(r"(?:同意公开|(?<!部分)予以公开)" + _N + _PIECE)
_APP_ALL_GRANTED = re.compile(r"全部予以公开|均予以公开|全部同意公开")
_APP_FORWARD = [
    re.compile(r"结转下(?:一)?年度?(?:继续办理)?" + _N + _PIECE),
    re.compile(_N + _PIECE + r"(?:正在|尚在|仍在)办理"),
]

# Reconsideration and litigation.
_RECON = re.compile(r"行政复议(?:案件|案|申请)?(?:共)?" + _N + _PIECE)
_RECON_SPLIT = re.compile(r"其中(?:结果)?维持" + _N + _PIECE + r"[,，、]\s*(?:结果)?纠正" + _N + _PIECE)
_LIT = re.compile(r"行政诉讼(?:案件|案)?(?:共)?" + _N + _PIECE)
_NEITHER = re.compile(r"(?:未|没有|无)" + _SENT + r"{0,40}?行政复议" + _SENT + r"{0,6}?行政诉讼")
_RECON_NONE = re.compile(r"(?:未|没有|无)(?:发生|收到|出现|产生|接到|涉及)" + _SENT + r"{0,30}?行政复议")
_LIT_NONE = re.compile(r"(?:未|没有|无)(?:发生|收到|出现|产生|接到|涉及)" + _SENT + r"{0,30}?行政诉讼")

_PROACTIVE = [
    re.compile(r"主动公开(?:各类)?(?:政府)?信息(?:共|总计|合计|累计)?" + _N + r"(?:条|件|篇)"),
    re.compile(
        r"(?:累计|共|全年)(?:报送|发布|公开|主动公开)(?:各类)?(?:业务|政务|政府)?信息(?:共)?"
        + _N
        + r"(?:条|件|篇)"
    ),
    re.compile(r"主动公开(?:各类)?(?:政府)?信息(?:数量|数)?(?:为|是)" + _N + r"(?:条|件|篇)"),
]


# Statistics written as lines of a plain table ("申请数 件 21", "行政诉讼数……0 0"): a label, maybe
# a unit, then the figures (this year first; a second column is last year's or the change).
_STAT_LINE = re.compile(
    r"^\s*(?:[一二三四五六七八九十\d]+[、.．]\s*)?(?:其中)?\s*"
    r"(?P<label>(?:政府信息公开|依申请公开)?申请(?:总)?(?:数|数量|件数)|行政复议(?:案件)?(?:数|数量|件数)|"
    r"行政诉讼(?:案件)?(?:数|数量|件数))"
    r"[\s.…·:：\-]*(?:\((?:件|条|个)\)|件|条|个)?[\s.…·:：\-]*(?P<nums>\d+(?:\s+\d+)*)\s*$",
    re.M,
)
_STAT_KEYS = (("申请", "applications.new"), ("行政复议", "reconsideration.total"),
              ("行政诉讼", "litigation_total"))


Span = tuple[int, int]


def _stat_lines(text: str) -> tuple[dict[str, int | None], list[str], dict[str, Span]]:
    """Figures of statistics lines, the problems of the lines that cannot be read (a single run of
    digits where the other lines have two columns, "2121": 21 and 21, or 2121?, is left unknown
    rather than guessed), and where each figure read stands in ``text``."""
    rows = []
    for m in _STAT_LINE.finditer(text):
        key = next(k for word, k in _STAT_KEYS if word in m.group("label"))
        nums = m.group("nums").split()  # the group starts with its first figure
        rows.append((key, m.group("label"), nums, (m.start("nums"), m.start("nums") + len(nums[0]))))
    two_columns = any(len(nums) >= 2 for _, _, nums, _ in rows)
    found: dict[str, int | None] = {}
    problems: list[str] = []
    spans: dict[str, Span] = {}
    for key, label, nums, span in rows:
        if key in found:
            continue
        if len(nums) == 1 and two_columns and len(nums[0]) >= 2:
            found[key] = None
            problems.append(f"prose: {label} {nums[0]!r} runs two columns together (ambiguous, left unknown)")
        else:
            found[key] = int(nums[0])
            spans[key] = span
    return found, problems, spans


def _empty_group() -> dict[str, int | None]:
    return dict.fromkeys(_OUTCOMES)


@dataclass
class ProseFacts:
    applications: dict[str, int | None] = field(
        default_factory=lambda: dict.fromkeys(
            ("new", "carried_over", "granted", "handled_total", "carried_forward")
        )
    )
    reconsideration: dict[str, int | None] = field(default_factory=_empty_group)
    litigation_direct: dict[str, int | None] = field(default_factory=_empty_group)
    litigation_after_reconsideration: dict[str, int | None] = field(default_factory=_empty_group)
    litigation_total: int | None = None
    proactive_total: int | None = None
    problems: list[str] = field(default_factory=list)  # what could not be read, and why
    # where each figure read as digits stands in the text read (``applications.new``,
    # ``reconsideration.total``, ``litigation_total``, ``proactive_total`` …); a figure that follows
    # from a sentence without digits ("未收到…申请": 0) has none
    spans: dict[str, Span] = field(default_factory=dict)

    @property
    def applications_new(self) -> int | None:
        return self.applications["new"]

    @property
    def reconsideration_total(self) -> int | None:
        return self.reconsideration["total"]

    def any(self) -> bool:
        """Does the prose state any application or case number?"""
        groups = (self.applications, self.reconsideration)
        return self.litigation_total is not None or any(v is not None for g in groups for v in g.values())

    def to_json(self) -> dict[str, object]:
        return {
            "applications": dict(self.applications),
            "reconsideration": dict(self.reconsideration),
            "litigation_direct": dict(self.litigation_direct),
            "litigation_after_reconsideration": dict(self.litigation_after_reconsideration),
            "litigation_total": self.litigation_total,
            "proactive_total": self.proactive_total,
            "problems": list(self.problems),
            "spans": {k: list(v) for k, v in self.spans.items()},
        }


def _first(patterns: list[re.Pattern[str]], text: str) -> re.Match[str] | None:
    best: re.Match[str] | None = None
    for pat in patterns:
        m = pat.search(text)
        if m and (best is None or m.start() < best.start()):
            best = m
    return best


# A line break inside a sentence: a PDF's text wraps its lines anywhere, between a figure and its unit
# too ("同意部分公开 0" / "件，…"); breaks between Chinese characters are gone from the search text.
_WRAP = re.compile(r"(?<=[\d，、,:：(（])\s*\n\s*|\s*\n\s*(?=[\d，、,)）件条])")


_NEWLINE = re.compile("\n")
_LOOK = 400  # line breaks are looked at this far either side of the figure


def _sentence(text: str, pos: int) -> tuple[int, str]:
    """The sentence around ``pos``, and where it starts: up to 。；; or a line break that ends a line
    (not one that wraps it, :data:`_WRAP`); the text keeps its offsets (a wrap reads as spaces)."""
    lo, hi = max(0, pos - _LOOK), pos + _LOOK
    wraps = [m.span() for m in _WRAP.finditer(text, lo, hi)]
    breaks = [m.start() for m in _NEWLINE.finditer(text, lo, hi)
              if not any(a <= m.start() < b for a, b in wraps)]
    a = max([text.rfind(c, 0, pos) for c in "。；;"] + [b for b in breaks if b < pos]) + 1
    ends = [i for i in (text.find(c, pos) for c in "。；;") if i >= 0] + [b for b in breaks if b >= pos]
    end = min(ends) if ends else len(text)
    return a, re.sub(r"\s", " ", text[a:end])


def read_prose(text: str) -> ProseFacts:
    """The facts the prose states (``text`` NFKC-folded; whitespace between CJK is ignored), and
    where each figure stands in ``text``."""
    norm = search_text(text)
    t = norm.text
    f = ProseFacts()
    apps = f.applications

    def put(key: str, m: re.Match[str], group: int = 1, offset: int = 0) -> int:
        """The figure of ``m``'s ``group`` (a match in ``t``, or in a sentence of it starting at
        ``offset``), its span kept under ``key``."""
        f.spans[key] = norm.span_to_original(offset + m.start(group), offset + m.end(group))
        return int(m.group(group))

    m = _first(_APP_NEW, t)
    none_said = bool(_APP_NONE.search(t))
    if m:
        n = int(m.group(1))
        if not (none_said and n != 0):
            apps["new"] = put("applications.new", m)
            at, sent = _sentence(t, m.start())
            if (x := _APP_CARRIED_OVER.search(sent)) is not None:
                apps["carried_over"] = put("applications.carried_over", x, offset=at)
            if (x := _APP_HANDLED.search(sent)) is not None:
                apps["handled_total"] = put("applications.handled_total", x, offset=at)
            elif _APP_ALL_HANDLED.search(sent) and apps["carried_over"] in (None, 0):
                apps["handled_total"] = n
            if (x := _APP_GRANTED.search(sent)) is not None:
                apps["granted"] = put("applications.granted", x, offset=at)
            elif _APP_ALL_GRANTED.search(sent):
                apps["granted"] = n
            if (x := _first(_APP_FORWARD, sent)) is not None:
                apps["carried_forward"] = put("applications.carried_forward", x, offset=at)
    elif none_said:
        apps["new"] = 0

    if _NEITHER.search(t):
        for g in (f.reconsideration, f.litigation_direct, f.litigation_after_reconsideration):
            g.update(dict.fromkeys(_OUTCOMES, 0))
        f.litigation_total = 0
    else:
        r = _RECON.search(t)
        if r:
            total = int(r.group(1))
            if not (_RECON_NONE.search(t) and total != 0):
                f.reconsideration["total"] = put("reconsideration.total", r)
                at, sent = _sentence(t, r.start())
                split = _RECON_SPLIT.search(sent)
                if total == 0:
                    f.reconsideration.update(dict.fromkeys(_OUTCOMES, 0))
                elif split and int(split.group(1)) + int(split.group(2)) == total:
                    f.reconsideration.update(
                        maintained=put("reconsideration.maintained", split, 1, at),
                        corrected=put("reconsideration.corrected", split, 2, at), other=0, pending=0
                    )
        elif _RECON_NONE.search(t):
            f.reconsideration.update(dict.fromkeys(_OUTCOMES, 0))
        lit = _LIT.search(t)
        if lit:
            n = int(lit.group(1))
            if not (_LIT_NONE.search(t) and n != 0):
                f.litigation_total = put("litigation_total", lit)
        elif _LIT_NONE.search(t):
            f.litigation_total = 0

    _apply_stat_lines(f, text)
    pm = _first(_PROACTIVE, t)
    f.proactive_total = put("proactive_total", pm) if pm else None
    return f


def _apply_stat_lines(f: ProseFacts, text: str) -> None:
    """Statistics lines fill what the sentences leave unknown; where both state a figure and they
    disagree, the figure is unknown and a problem says so."""
    found, problems, spans = _stat_lines(text)
    f.problems.extend(problems)
    slots = {
        "applications.new": (f.applications, "new"),
        "reconsideration.total": (f.reconsideration, "total"),
    }
    for key, n in found.items():
        if key == "litigation_total":
            current = f.litigation_total
        else:
            group, sub = slots[key]
            current = group[sub]
        if n is None:
            if current is None:
                continue
            n = current  # the sentence states it; the unreadable line does not contradict it
        if current is not None and current != n:
            f.problems.append(f"prose: {key} is {current} in a sentence but {n} in the statistics lines")
            n = None
        if n is None:
            f.spans.pop(key, None)  # two places disagree: the figure is unknown, and stands nowhere
        elif current is None and key in spans:
            f.spans[key] = spans[key]  # read from the statistics line
        if key == "litigation_total":
            f.litigation_total = n
        else:
            group, sub = slots[key]
            group[sub] = n
            if key == "reconsideration.total" and n == 0:
                group.update(dict.fromkeys(_OUTCOMES, 0))
