"""The report page's lines about other reports: the cross-year check with last year's and next
year's report, and where the report's text is also found. The facts come from the engine's corpus
table (``indexer/engine/corpusfacts.py``, the one home of the rules); this only words them and links
them. No Flask here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from indexer.engine.corpusfacts import CONSISTENT, INCONSISTENT

from . import urls

MARKS = {CONSISTENT: "✓", INCONSISTENT: "✗"}
KIND_LABELS = {"same_body": "本单位往年", "other_body": "其他单位"}

# (id, title, facts) of reports by id: SearchIndex.reports_by_id
Lookup = Callable[[list[str]], list[tuple[str, str, dict]]]


@dataclass
class Line:
    """One line: its text, the state it marks (consistent, inconsistent, unknown, same_body,
    other_body, none), and a link (text, URL) to the other report when there is one."""

    label: str
    text: str
    state: str
    link: tuple[str, str] | None = None


def _carried(facts: dict, key: str) -> Any:
    value = (facts.get("applications") or {}).get(key)
    return "?" if value is None else value


def _who(facts: dict) -> str:
    """某镇人民政府 2020 年报告 (the body and year of a report, as a link text)."""
    year = facts.get("year")
    return f"{facts.get('body') or '未知机关'} {year if year is not None else '?'} 年报告"


def cross_year_lines(facts: dict, lookup: Lookup) -> list[Line]:
    """与上年报告衔接 (this year's 上年结转 against last year's 结转下年度), and the same check made by
    next year's report, seen from this one."""
    out: list[Line] = []
    state = facts.get("cross_year")
    if state is None:
        return out  # not computed (a backend without corpus facts)
    prev_id, next_id = facts.get("cross_year_prev"), facts.get("cross_year_next")
    found = {rid: f for rid, _t, f in lookup([i for i in (prev_id, next_id) if i])}
    prev = found.get(prev_id) if prev_id else None
    if prev is None or not prev_id:
        out.append(Line("与上年报告衔接", "索引中没有本机关上一年的报告，无法核对", state))
    else:
        text = (f"上年结转 {_carried(facts, 'carried_over')} {'≠' if state == INCONSISTENT else '='} "
                f"{prev.get('year')} 年报告的结转下年度 {_carried(prev, 'carried_forward')} "
                f"{MARKS.get(state, '（缺数字，无法核对）')}")
        out.append(Line("与上年报告衔接", text, state, (_who(prev), urls.report_url(prev_id))))
    following = found.get(next_id) if next_id else None
    if following is not None and next_id:
        nstate = following.get("cross_year") or "unknown"
        text = (f"{following.get('year')} 年报告的上年结转 {_carried(following, 'carried_over')} "
                f"{'≠' if nstate == INCONSISTENT else '='} "
                f"本报告的结转下年度 {_carried(facts, 'carried_forward')} "
                f"{MARKS.get(nstate, '（缺数字，无法核对）')}")
        out.append(Line("与下年报告衔接", text, nstate, (_who(following), urls.report_url(next_id))))
    return out


def reuse_line(report_id: str, facts: dict, lookup: Lookup) -> Line | None:
    """“73% 的文字也见于 某镇 2020 年报告”, linked to the side-by-side view; None when not computed."""
    kind, share, other_id = facts.get("reuse_kind"), facts.get("reuse_max"), facts.get("reuse_from")
    if kind is None:
        return None
    found = lookup([other_id]) if other_id else []
    if not other_id or not found:
        return Line("文字重复", "未发现与其他报告大段相同的文字（模板用语不计）", "none")
    other = found[0][2]
    text = f"{round(100 * (share or 0))}% 的文字也见于"
    return Line("文字重复", text, kind,
                (f"{_who(other)}（{KIND_LABELS.get(kind, kind)}）", urls.reuse_url(report_id, other_id)))
