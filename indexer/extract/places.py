"""Who published a report, and where that is: body, town, county, city, province.

``resolve_places(text, title)`` is pure: report text in, :class:`Places` out.

1. **Body**, the issuing organ as the report names itself. Sources, best first: the title
   ("某市X镇人民政府 2020年…年度报告"), "由…编制", the report's own name in 《…年度报告》, the
   signature at the end. A shorter form is completed when the text confirms the longer one: a title
   naming only a place ("X镇 2020 年…") or "X镇政府" becomes "X镇人民政府" when the text writes that; a
   candidate that is the same organ with more of its administrative chain in front ("某县X镇人民政府"
   for "X镇人民政府") is preferred. Nothing confirmed → ``body`` None (the places are still resolved).
2. **The chain** inside the body ("某市 / 某区 / X镇 / 人民政府") is read against the gazetteer,
   each unit filtered to those inside the unit before it. Township names are also matched by stem,
   because towns are renamed (镇 → 街道, 乡 → 镇): the town is reported as the text writes it. When
   context leaves both a unit with exactly the written name and units sharing only its stem, the exact
   one wins (the others go to ``alternatives``); a renamed town is therefore found through its stem
   only when the context (its county, prefecture, area code…) points to it, or when no unit carries the
   written name any more.
3. **Town** is set when the body is the government (人民政府, 政府, 办事处) of a 镇/乡/街道/苏木.
   County and departmental bodies (…县人民政府, …区教育局) have ``town`` None.
4. **County and above**: what the body states is kept; the rest is looked up from the gazetteer
   candidates of the innermost unit, narrowed by context in this order: county-level units named in
   the text ("某县人民政府"), prefectures named in the text or given by a landline area code
   (0537-…), provinces named in the text ("山东省政府信息公开办法"), and last the kind of county
   government the text refers to ("县政府" vs "区政府"). A step that would leave no candidate is
   skipped. If more than one candidate is left, the levels where they disagree stay None and
   ``ambiguous`` lists them (province/prefecture/county/town paths): never a guess.

5. **What the gazetteer does not know.** A town missing from the table (renamed, merged, newer than
   it, or written there with its suffix doubled: "某安镇镇") is reported as written, and the levels
   above it come from the nearest unit of the chain that the table knows (its county): before this,
   such a report lost its province and city. A county-level name that does not exist ("甲阳县") is
   read as the real one written one character differently ("乙阳县") only when the text singles it
   out (writes the real unit or one of its townships elsewhere, or it is the only such unit where the
   text places the report); ``corrections`` then says ``place_corrected: 甲阳县 → 乙阳县``. A body the
   table cannot place at all ("某综合实验区管理委员会") gets the province of the one provincial
   regulation it cites (《福建省政府信息公开办法》); a body starting with a municipality's name
   without 市 ("重庆某新区…") has that municipality as its province.
6. **Labels** of the page a report was saved from ("标题:", "发布机构：", "来源：") are not part of a
   name; a body named only in the page header is found after the signature ("来源：" last, and it
   never lengthens the name the report gives itself).
7. **Identity across years**: :func:`body_id` (see :func:`canonical_body`).

Rules for the levels that skip (documented here because the facets depend on them):

* 直辖市 (北京/天津/上海/重庆): ``province`` = the municipality ("北京市"), ``city`` None (the table
  has no prefecture level there, and the project's gold files follow the table), ``county`` = the
  district.
* 省直辖 county-level units (仙桃市, 济源市, 石河子市, 海南's counties): ``county`` = the unit,
  ``city`` None, ``province`` set.
* Towns of prefectures without counties (东莞市, 中山市, 儋州市): ``county`` None, ``city`` = the
  prefecture.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import itertools
import re
import unicodedata
from dataclasses import dataclass, field

from indexer.extract.gazetteer import MUNICIPALITIES, Division, Gazetteer, gazetteer
from indexer.extract.meta import clean_line, find_title
from indexer.extract.text import CJK_CLASS, strip_tags

__all__ = ["Places", "body_id", "canonical_body", "resolve_places", "strip_label"]


@dataclass(frozen=True)
class Places:
    """The issuing body and its places. ``ambiguous`` lists the candidate chains left when the
    text did not settle between them; ``alternatives`` the units that only share the town's stem and
    were set aside for the one with exactly the name written; ``evidence`` says where each fact came
    from (for people)."""

    body: str | None = None
    town: str | None = None
    county: str | None = None
    city: str | None = None
    province: str | None = None
    ambiguous: list[str] = field(default_factory=list)
    alternatives: list[str] = field(default_factory=list)  # stem-only matches set aside
    evidence: list[str] = field(default_factory=list)
    corrections: list[str] = field(default_factory=list)  # "place_corrected: 甲阳县 → 乙阳县"


# --- finding the body -------------------------------------------------------------------------------

_CJK = CJK_CLASS  # Han, extensions too (㵲阳镇): the one definition, indexer/extract/text.py
_GOV = ("人民政府", "政府", "街道办事处", "办事处")
# What an organ's name ends with. Longest first: the first that matches wins.
_ORGAN_END = re.compile(
    r"(?:人民政府办公室|人民政府办公厅|政府办公室|人民政府|政府|街道办事处|办事处|管理委员会|管委会|"
    r"委员会|办公室|办公厅|局|厅|委|办|署|中心|院|所|站|队|处|会)$"
)
_ADMIN_END = ("自治区", "省", "自治州", "地区", "盟", "市", "州", "自治县", "县", "自治旗", "旗", "林区",
              "特区", "新区", "区", *(("街道", "苏木", "镇", "乡")))
_REPORT_TAIL = re.compile(
    r"(?:关于)?\s*(?:(?:19|20)\d{2}\s*年度?|年度)?\s*(?:的)?\s*(?:政府)?\s*(?:信息公开|政务公开)"
)
_YEAR_IN_TITLE = re.compile(r"(?:关于)?\s*(?:19|20)\d{2}\s*年度?")


# Field labels of the page a report was saved from, left in front of a title or a body name.
_LABEL = re.compile(
    r"^\s*(?:标题|题目|名称|文章标题|发布机构|发文机关|发文单位|发布单位|发布部门|来源|信息来源|文章来源|"
    r"公开主体|公开单位|主办单位)\s*[:：]\s*"
)


def strip_label(s: str) -> str:
    """ "标题:某镇人民政府…" → "某镇人民政府…": a saved page's field label is not part of a name."""
    return _LABEL.sub("", s)


def _squash(s: str) -> str:
    """NFKC, markup dropped, and whitespace removed between Chinese characters (PDF text splits names)."""
    s = unicodedata.normalize("NFKC", s)
    s = strip_tags(s).replace("**", "")
    return re.sub(rf"(?<=[{_CJK}])[ \t\u3000]+(?=[{_CJK}])", "", s)


def _is_organ(name: str) -> bool:
    return bool(_ORGAN_END.search(name)) and 3 <= len(name) <= 40


def _ends_in_admin_unit(name: str) -> bool:
    return name.endswith(_ADMIN_END)


def _title_subject(title: str) -> str | None:
    """The body (or bare place) a title names: before the year ("X镇人民政府2020年…"), or between
    the year and 政府信息公开 ("2020年X区人民政府信息公开工作年度报告")."""
    t = re.sub(r"\s+", "", strip_label(_squash(clean_line(title))))
    m = re.search(r"(?:19|20)\d{2}年度?", t)
    if m and m.start() > 0:
        pre = re.sub(r"关于$", "", t[: m.start()])
        return pre or None
    rest = t[m.end():] if m else t
    m2 = re.search(r"(政府)?(?:信息公开|政务公开)", rest)
    if not m2 or m2.start() == 0:
        return None
    subject = rest[: m2.start()]
    if m2.group(1) and (subject.endswith("人民") or _ends_in_admin_unit(subject)):
        subject += "政府"  # "2020年X区人民政府信息公开…": 政府 belongs to the body
    return subject or None


_ORGAN = (
    r"(?:人民政府办公室|人民政府办公厅|政府办公室|人民政府|街道办事处|办事处|管理委员会|管委会|委员会|"
    r"办公室|局|政府)"
)


def _candidates_in_text(text: str) -> list[tuple[str, str]]:
    """(source, name) for the other places a report names its author, best first."""
    out: list[tuple[str, str]] = []
    by = rf"由([{_CJK}]{{2,30}}?{_ORGAN})(?=按照|根据|依据|依照|结合|负责|组织|编制|[,，(])"
    # PDF text wraps lines (even across a blank line) inside a name: "由六安市\n\n金安区X镇人民政府编制".
    unwrapped = re.sub(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])", "", text)
    for m in re.finditer(by, unwrapped):
        out.append(("由…编制", m.group(1)))
    own = rf"《([{_CJK}]{{2,30}}?{_ORGAN})(?:关于)?(?:19|20)\d{{2}}年度?[^》]{{0,20}}报告》"
    for m in re.finditer(own, text):
        out.append(("《…年度报告》", m.group(1)))
    lines = [clean_line(ln) for ln in text.splitlines()]
    tail = [ln for ln in lines if ln][-4:]
    for ln in tail:
        ln = re.sub(r"\s+", "", ln)
        ln = re.sub(r"(?:19|20)\d{2}年\d{1,2}月\d{1,2}日$", "", ln)
        if _is_organ(ln) and re.fullmatch(rf"[{_CJK}()]+", ln):
            out.append(("signature", ln))
    if not any(src == "signature" for src, _ in out):
        inline = _inline_signature(text)
        if inline:
            out.append(("signature", inline))
    # The saved page's header last: the body signs its own report, while "来源：" may name the site's
    # owner; "发布机构：" before "来源：".
    header = [(m.group("label"), m.group("name")) for ln in lines[:30]
              for m in _HEADER_BODY.finditer(ln[:2000]) if _is_organ(m.group("name"))]
    header.sort(key=lambda lm: "来源" in lm[0])
    out.extend(("page source" if "来源" in label else "page header", name) for label, name in header)
    return out


# "发布机构：X镇人民政府", "来源：X镇人民政府 时间：…": the body as the saved page's header names it.
_HEADER_BODY = re.compile(
    rf"(?P<label>发布机构|发文机关|发文单位|发布单位|发布部门|来源|信息来源|文章来源|公开主体)\s*[:：]\s*"
    rf"(?P<name>[{_CJK}()]{{2,40}}?{_ORGAN})(?=$|[^{_CJK}]|时间|日期|发布|浏览|点击|阅读|作者|字号|来源)"
)


_SIGNED = re.compile(
    rf"(?:^|[。；;\s])\s*([{_CJK}()]{{2,40}}?{_ORGAN})\s*(?:(?:19|20)\d{{2}}|[〇○零一二三四五六七八九]{{4}})\s*年"
    r"\s*[\d一二三四五六七八九十元]{1,3}\s*月\s*[\d一二三四五六七八九十]{1,3}\s*日"
)


def _inline_signature(text: str) -> str | None:
    """The signature of a page saved as one line: the last "organ + date" near the end, standing
    after a full stop or a space ("…无其他需要报告的事项。 X镇人民政府 2022年1月30日 分享到：…")."""
    found = [m.group(1) for m in _SIGNED.finditer(text[-600:])]
    return found[-1] if found and _is_organ(found[-1]) else None


def _expand(name: str, text: str) -> str | None:
    """Complete a bare place or a "X政府" short form with the organ name the text confirms."""
    base = name[:-2] if name.endswith("政府") and not name.endswith("人民政府") else name
    if base.endswith("政府") or (_is_organ(name) and not name.endswith("政府")):
        return name
    tries = [base + "人民政府"]
    if base.endswith("街道"):
        tries = [base + "办事处", *tries]
    for full in tries:
        if full in text:
            return full
    return name if name.endswith("政府") else None


_LEVEL_CHARS = "省市州盟县区旗镇乡"


def _is_generic(name: str) -> bool:
    """A self-name without its place: "县教育局", "区政府", "镇人民政府" (what a body calls itself)."""
    if len(name) < 3 or name[0] not in _LEVEL_CHARS or not _is_organ(name):
        return False
    return _known_unit_at(name, 0, gazetteer()) is None  # 市中区…, 乡宁县… are places


def _is_fuller(name: str, body: str) -> bool:
    """Is ``name`` the same organ as ``body`` with more of its chain in front? ("某县X镇人民政府" for
    "X镇人民政府"; "某县教育局" for the generic "县教育局")."""
    if len(name) <= len(body) or not name.endswith(body):
        return False
    head = name[: -len(body)]
    if _is_generic(body):
        head += body[0]
    return _ends_in_admin_unit(head)


def _pick_body(text: str, title: str | None) -> tuple[str | None, str | None, list[str]]:
    """(body, subject, evidence): ``subject`` is the best name to read places from, even when the body
    itself is not confirmed (a title naming just "X镇")."""
    evidence: list[str] = []
    subject = _title_subject(title) if title else None
    others = _candidates_in_text(text)
    body: str | None = None
    if subject and _is_generic(subject):
        fuller = [n for _, n in others if _is_fuller(n, subject)]
        evidence.append(f"title names {subject!r} (no place)")
        subject = fuller[0] if fuller else None
    if subject:
        body = _expand(subject, text)
        completed = f" → body {body!r}" if body and body != subject else ""
        evidence.append(f"title names {subject!r}{completed}")
    if body is None:
        named = [(src, n) for src, n in others if not _is_generic(n)]
        if named:
            src, body = named[0]
            evidence.append(f"body from {src}")
            subject = body
    if body:
        # The same organ written with more of its administrative chain in front wins.
        for src, name in others:
            if src != "page source" and _is_fuller(name, body):  # "来源：" may be the site's owner
                evidence.append(f"fuller name from {src}")
                body = name
    return body, subject or body, evidence


# --- reading the chain of places in a name ---------------------------------------------------------


@dataclass
class _Unit:
    surface: str  # as written
    kind: int  # 1 province … 4 town (what the suffix and gazetteer say)
    cands: list[Division]


def _kind(surface: str, cands: list[Division]) -> int:
    levels = {d.level for d in cands}
    if len(levels) == 1:
        return levels.pop()
    if surface.endswith(("街道", "苏木", "镇", "乡")):
        return 4
    if surface.endswith(("省", "自治区")):
        return 1
    if surface.endswith(("州", "盟", "地区")):
        return 2
    return 3


def _known_unit_at(name: str, i: int, g: Gazetteer) -> _Unit | None:
    """The longest gazetteer unit starting at ``name[i]`` (townships also by stem)."""
    for j in range(min(len(name), i + 16), i + 1, -1):
        s = name[i:j]
        if not _ends_in_admin_unit(s):
            continue
        cands = list(g.lookup(s))
        if s.endswith(("街道", "苏木", "镇", "乡")):
            cands = list(dict.fromkeys([*cands, *g.lookup_town(s)]))
        if cands:
            return _Unit(s, _kind(s, cands), cands)
    return None


_UNIT_SUFFIX = (
    "自治区", "省", "自治州", "地区", "盟", "街道", "苏木", "镇", "乡", "自治县", "县", "旗", "区", "市",
)


def _unknown_unit_at(name: str, i: int, g: Gazetteer) -> _Unit | None:
    """A unit the gazetteer does not know (an old or a new name), shortest reading first, accepted
    only when what follows is a known unit or the government itself ("人民政府", "办事处"), so that a
    department ("…市场监督管理局") is never read as a place."""
    for j in range(i + 2, min(len(name), i + 10) + 1):
        s, rest = name[i:j], name[j:]
        if not s.endswith(_UNIT_SUFFIX) or not re.fullmatch(rf"[{_CJK}]+", s):
            continue
        nxt = _known_unit_at(name, j, g)
        if nxt is None and rest and not rest.startswith(("人民政府", "政府", "办事处")):
            continue
        kind = _kind(s, [])
        if s.endswith("市"):
            kind = 2 if nxt is not None and nxt.kind == 3 else 3
        return _Unit(s, kind, [])
    return None


def _municipality_short(name: str, g: Gazetteer) -> _Unit | None:
    """A body named after a municipality without 市 ("重庆某新区管理委员会", "天津某高新区…"):
    the municipality, unless a unit of the gazetteer starts there (a street office named after a
    municipality, in another province)."""
    for full in sorted(MUNICIPALITIES):
        short = full[:-1]
        if name.startswith(short) and not name.startswith(full) and _known_unit_at(name, 0, g) is None:
            cands = [d for d in g.lookup(full) if d.level == 1]
            return _Unit(short, 1, cands) if cands else None
    return None


def _read_chain(name: str, g: Gazetteer) -> tuple[list[_Unit], str]:
    """Split "某市某区X镇人民政府" into its units (gazetteer units, longest match first; else an
    unknown unit by its suffix) and the organ that remains ("人民政府", "教育局")."""
    units: list[_Unit] = []
    i = 0
    short = _municipality_short(name, g)
    if short is not None:
        units.append(short)
        i = len(short.surface)
    while i < len(name):
        unit = _known_unit_at(name, i, g) or _unknown_unit_at(name, i, g)
        if unit is None:
            break
        units.append(unit)
        i += len(unit.surface)
    return units, name[i:]


def _narrow_chain(units: list[_Unit], g: Gazetteer) -> None:
    """Keep, for each unit, the candidates inside the unit before it, and the other way round."""
    for a, b in itertools.pairwise(units):
        if a.cands and b.cands:
            inside = [d for d in b.cands if any(g.is_within(d, p) for p in a.cands)]
            if inside:
                b.cands = inside
    for a, b in zip(reversed(units[:-1]), reversed(units[1:]), strict=False):
        if a.cands and b.cands:
            outer = [p for p in a.cands if any(g.is_within(d, p) for d in b.cands)]
            if outer:
                a.cands = outer


# --- context ----------------------------------------------------------------------------------------

_PHONE = re.compile(r"(?<![\d])(0\d{2,3})\s*[-—–)\]]?\s*(\d{7,8})(?!\d)")
_PAREN_CODE = re.compile(r"\((0\d{2,3})\)")


def _area_codes(text: str) -> list[str]:
    """Landline area codes in phone numbers ("0535-7580196", "(0537)8031001", "05378031001")."""
    codes: list[str] = []
    for m in _PHONE.finditer(text):
        raw = m.group(1) + m.group(2)
        code = raw[:3] if raw.startswith(("01", "02")) else raw[:4]
        codes.append(code)
    codes.extend(m.group(1) for m in _PAREN_CODE.finditer(text))
    return list(dict.fromkeys(codes))


def _short(name: str) -> str:
    """山东省 → 山东, 广西壮族自治区 → 广西: provinces are often named short ("鲁" is not attempted)."""
    for suf in ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "省", "市"):
        if name.endswith(suf) and len(name) - len(suf) >= 2:
            return name[: -len(suf)]
    return name


def _mentioned(name: str, text: str) -> bool:
    """Is this unit named in the text? Two-character names (城区, 郊区, 矿区) are common words, so they
    count only where they stand as a government ("城区人民政府", "郊区政府")."""
    if len(name) >= 3:
        return name in text
    return re.search(re.escape(name) + r"(?:人民政府|政府|委|党委)", text) is not None


def _mask(text: str, name: str, names: set[str]) -> str:
    """``text`` with the longer names that contain ``name`` blotted out: 宁县 is not named by
    "武宁县委" when both are candidates."""
    for longer in sorted((n for n in names if name in n and n != name), key=len, reverse=True):
        text = text.replace(longer, "□" * len(longer))
    return text


# "在县委、县政府的领导下", "区政府": a county-level government named by its kind alone.
_GENERIC_GOV = {
    k: re.compile(rf"(?:^|[^{_CJK}]|[在的和及与由向经据按报受从对为是被将全]){k}(?:委|人民政府|政府)", re.M)
    for k in ("县", "区", "旗")
}


def _filter(cands: list[Division], keep, why: str, evidence: list[str]) -> list[Division]:
    kept = [d for d in cands if keep(d)]
    if kept and len(kept) < len(cands):
        evidence.append(why)
        return kept
    return cands


def _by_context(cands: list[Division], text: str, g: Gazetteer, skip: set[str],
                evidence: list[str]) -> list[Division]:
    """Narrow same-named candidates with what the text says about its surroundings."""
    if len(cands) <= 1:
        return cands

    def named_at(level: int):
        units = {u.name for d in cands if (u := g.at_level(d, level)) is not None}

        def keep(d: Division) -> bool:
            u = g.at_level(d, level)
            return u is not None and u.name not in skip and _mentioned(u.name, _mask(text, u.name, units))
        return keep

    cands = _filter(cands, named_at(3), "county named in the text", evidence)
    cands = _filter(cands, named_at(2), "prefecture named in the text", evidence)
    codes = [c for c in _area_codes(text) if g.area_code_units(c)]
    if codes:
        served = [u for c in codes for u in g.area_code_units(c)]
        cands = _filter(cands, lambda d: any(g.is_within(d, u) for u in served),
                        f"area code {'/'.join(codes)}", evidence)
    cands = _filter(cands, named_at(1), "province named in the text", evidence)

    def short_province(d: Division) -> bool:
        p = g.at_level(d, 1)
        return p is not None and _short(p.name) != p.name and _short(p.name) in text
    cands = _filter(cands, short_province, "province named (short) in the text", evidence)

    kinds = {k for k in ("县", "区", "旗") if _GENERIC_GOV[k].search(text)}
    if len(kinds) == 1:
        (k,) = kinds

        def of_kind(d: Division) -> bool:
            c = g.at_level(d, 3)
            return c is not None and c.name.endswith(k)
        cands = _filter(cands, of_kind, f"the text speaks of the {k}政府", evidence)
    return cands


# --- assembling -------------------------------------------------------------------------------------


def _chain_names(d: Division, g: Gazetteer) -> dict[int, str]:
    return {u.level: u.name for u in g.path(d)}


def _describe(d: Division, g: Gazetteer) -> str:
    return "/".join(u.name for u in g.path(d))


# "《福建省政府信息公开办法》", "《江苏省政府信息公开规定》": the province whose rules the report cites.
_REGULATION = re.compile(
    rf"《([{_CJK}]{{2,10}}?(?:省|自治区|市))(?:人民政府)?[{_CJK}]{{0,20}}?(?:办法|规定|条例|细则)》"
)


def _cited_provinces(text: str, g: Gazetteer) -> set[str]:
    """Provinces named by the regulations the report cites (a body the gazetteer does not know)."""
    return {m.group(1) for m in _REGULATION.finditer(text)
            if any(d.level == 1 for d in g.lookup(m.group(1)))}


def _placed(d: Division, text: str, g: Gazetteer, outer: list[_Unit]) -> bool:
    """Does the text place ``d`` where it is: a stated unit above containing it, its prefecture or
    province named, or an area code serving it?"""
    if any(u.cands and any(g.is_within(d, p) for p in u.cands) for u in outer):
        return True
    for level in (1, 2):
        u = g.at_level(d, level)
        if u is not None and (u.name in text or (level == 1 and _short(u.name) != u.name
                                                  and _short(u.name) in text)):
            return True
    served = [u for c in _area_codes(text) for u in g.area_code_units(c)]
    return any(g.is_within(d, u) for u in served)


@functools.lru_cache(maxsize=1)
def _children() -> dict[str, tuple[Division, ...]]:
    out: dict[str, list[Division]] = {}
    for d in gazetteer().by_code.values():
        out.setdefault(d.parent_code, []).append(d)
    return {k: tuple(v) for k, v in out.items()}


def _named_itself(d: Division, text: str) -> bool:
    """The text writes the real unit elsewhere: its name, its name without the suffix ("乙阳"), or a
    township of it."""
    stem = d.name[:-1]
    if d.name in text or (len(stem) >= 2 and stem in text):
        return True
    return any(len(t.name) >= 3 and t.name in text for t in _children().get(d.code, ()))


def _correct_typo(unit: _Unit, outer: list[_Unit], text: str, g: Gazetteer) -> Division | None:
    """A county-level name that does not exist ("甲阳县") read as the real unit written one character
    differently ("乙阳县"), only when the text singles that unit out: it writes the real unit (or a
    township of it) elsewhere, or it is the only such unit where the text places the report. Several
    real units are one character from most names (often several counties of one province), so
    anything less is left as written: a wrong place is worse than none."""
    if unit.cands or unit.kind != 3:
        return None
    near = [d for d in g.one_off(unit.surface) if d.level == 3]
    if outer and any(u.cands for u in outer):
        near = [d for d in near if any(u.cands and any(g.is_within(d, p) for p in u.cands) for u in outer)]
    placed = [d for d in near if _placed(d, text, g, outer)]
    written = [d for d in (placed or near) if _named_itself(d, text)]
    if len(written) == 1:
        return written[0]
    return placed[0] if len(placed) == 1 and not written else None


def resolve_places(text: str, title: str | None = None) -> Places:
    """The issuing body and its town, county, city and province (see the module docstring)."""
    g = gazetteer()
    flat = _squash(text)
    if title is None:
        title = find_title(flat)
    body, subject, evidence = _pick_body(flat, title)
    if not subject:
        return _cited_only(Places(evidence=[*evidence, "no body found"]), flat, g)

    units, organ = _read_chain(subject if body is None else body, g)
    _narrow_chain(units, g)
    if not units:
        return _cited_only(Places(body=body, evidence=[*evidence, f"no place in {subject!r}"]), flat, g)

    corrections: list[str] = []
    for i, u in enumerate(units):
        fixed = _correct_typo(u, units[:i], flat, g)
        if fixed is not None:
            corrections.append(f"place_corrected: {u.surface} → {fixed.name}")
            evidence.append(f"{u.surface} is not in the gazetteer; read as {fixed.name} (one character off)")
            u.surface, u.cands = fixed.name, [fixed]
    if corrections:
        _narrow_chain(units, g)

    stated = {u.kind: (u.cands[0].name if u.kind == 1 and len(u.cands) == 1 else u.surface)
              for u in reversed(units)}  # the first unit of a level wins
    inner = units[-1]
    is_gov = organ == "" or organ.startswith(("人民政府", "政府", "办事处"))
    town = inner.surface if inner.kind == 4 and is_gov else None

    # A unit the gazetteer does not know (a town renamed, merged or newer than the table): the places
    # above it come from the nearest unit above that it does know.
    known = next((u for u in reversed(units) if u.cands), None)
    if known is not None and known is not inner:
        evidence.append(f"{inner.surface} not in the gazetteer; places above from {known.surface}")
    looked = known or inner
    cands = _by_context(list(looked.cands), flat, g, {u.surface for u in units}, evidence)
    alternatives: list[str] = []
    exact = [d for d in cands if d.name == looked.surface]
    if exact and len(exact) < len(cands):
        # A unit with exactly the name written beats one that only shares its stem (X乡 vs X镇/X街道).
        alternatives = [_describe(d, g) for d in cands if d not in exact]
        evidence.append(f"{looked.surface}: exact name preferred to {len(alternatives)} stem match(es)")
        cands = exact
    names: dict[int, str | None] = {1: None, 2: None, 3: None}
    ambiguous: list[str] = []
    if cands:
        chains = [_chain_names(d, g) for d in cands]
        top = max(d.level for d in cands)
        for level in (1, 2, 3):
            if level > top and looked is not inner:
                continue  # below the known unit: only what the text states
            values = {c.get(level) for c in chains}
            if len(values) == 1:
                names[level] = values.pop()
        if len(cands) > 1:
            ambiguous = [_describe(d, g) for d in cands]
            evidence.append(f"{looked.surface}: {len(cands)} candidates left")
    else:
        evidence.append(f"{inner.surface} not in the gazetteer")
    # What the text states wins over what is looked up.
    for level in (1, 2, 3):
        if level in stated:
            names[level] = stated[level]
    province, city, county = names[1], names[2], names[3]
    out = Places(
        body=body, town=town, county=county, city=city, province=province,
        ambiguous=ambiguous, alternatives=alternatives, evidence=evidence, corrections=corrections,
    )
    return _cited_only(out, flat, g) if not cands else out


def _cited_only(places: Places, text: str, g: Gazetteer) -> Places:
    """A body the gazetteer cannot place ("某综合实验区管理委员会") gets its province from the one
    province whose regulation it cites, when it states none."""
    if places.province is not None:
        return places
    cited = _cited_provinces(text, g)
    if len(cited) != 1:
        return places
    (prov,) = cited
    return dataclasses.replace(places, province=prov,
                               evidence=[*places.evidence, f"province from the regulation it cites ({prov})"])


# --- identity across years ---------------------------------------------------------------------------

# Organ names written several ways for one organ ("X镇政府" / "X镇人民政府"; "X街道办" / "X街道办事处").
_ORGAN_VARIANTS = (
    ("人民政府办公室", "人民政府办公室"), ("政府办公室", "人民政府办公室"), ("人民政府", "人民政府"),
    ("政府", "人民政府"), ("办事处", "办事处"), ("街道办", "办事处"), ("管委会", "管理委员会"),
)


def _canonical_organ(organ: str) -> str:
    for written, canon in _ORGAN_VARIANTS:
        if organ.endswith(written):
            return organ[: -len(written)] + canon
    return organ


def canonical_body(places: Places) -> str | None:
    """The string a body's identity is made of: its place (province/city/county/town, as resolved)
    and its organ with the place names and the spelling variants taken out. A body written
    "某市X镇人民政府" one year and "X镇政府" the next gives the same string when both resolve to the
    same places; two towns of one name in different counties give different strings."""
    if not places.body:
        return None
    name = re.sub(r"\s+", "", strip_label(_squash(places.body)))
    units, organ = _read_chain(name, gazetteer())
    organ = _canonical_organ(organ)
    if places.town and organ == "办事处" and not places.town.endswith("街道"):
        organ = "人民政府"
    if not units:
        organ = _canonical_organ(name)
    town = places.town
    if town and town.endswith("街道办事处"):
        town = town[: -len("办事处")]
    parts = [places.province, places.city, places.county, town]
    return "/".join(p or "" for p in parts) + "|" + organ


def body_id(places: Places) -> str | None:
    """A short stable id of the issuing body across years: sha1 of :func:`canonical_body`, 16 hex."""
    canon = canonical_body(places)
    return hashlib.sha1(canon.encode("utf-8")).hexdigest()[:16] if canon else None
