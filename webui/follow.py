"""One body over the years and reports side by side: the rows the body and compare pages show,
computed from the facts (no Flask, no HTML)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from indexer.extract.tables.template import OUTCOME_COLUMNS, PART_FOUR_GROUPS, PART_THREE_COLUMNS

# the numbers of one year on a body's page: (key, how to read it from the facts)
KEY_NUMBERS: tuple[tuple[str, str, str | None], ...] = (
    ("applications_new", "applications", "new"),
    ("applications_carried_over", "applications", "carried_over"),
    ("applications_granted", "applications", "granted"),
    ("applications_handled_total", "applications", "handled_total"),
    ("applications_carried_forward", "applications", "carried_forward"),
    ("reconsideration_total", "reconsideration", "total"),
    ("litigation_total", "litigation_total", None),
)


def number(facts: dict[str, Any], group: str, key: str | None) -> int | None:
    value = facts.get(group) if key is None else (facts.get(group) or {}).get(key)
    return value if isinstance(value, int) else None


@dataclass
class YearRow:
    report_id: str
    title: str
    year: int | None
    status: str | None
    numbers: dict[str, int | None]
    change: dict[str, int | None]  # against the year before (None: no report of the year before)
    identity: str | None = None  # "ok", "fails" or None (no report of the year before, or numbers unknown)
    identity_text: str = ""
    repeats: float | None = None  # share of this year's own text found in the year before's report


# the engine's cross-year verdict (corpusfacts.py, the one home of the rule) as the body page marks it
IDENTITY = {"consistent": "ok", "inconsistent": "fails"}


def years(reports: list[tuple[str, str, dict]]) -> list[YearRow]:
    """A body's reports, oldest first, with the change from the year before, the cross-year
    identity (this year's 上年结转 = last year's 结转下年度继续办理: the engine's ``cross_year``
    against its ``cross_year_prev``) and how much of the text repeats that report (``reuse_prev``)."""
    rows: list[YearRow] = []
    prev: YearRow | None = None
    by_id = {rid: facts for rid, _t, facts in reports}
    for rid, title, facts in reports:
        nums = {k: number(facts, g, s) for k, g, s in KEY_NUMBERS}
        year = facts.get("year")
        follows = prev is not None and prev.year is not None and year == prev.year + 1
        change = {k: (v - p) if follows and v is not None and (p := prev.numbers[k]) is not None
                  else None for k, v in nums.items()} if prev else dict.fromkeys(nums)
        row = YearRow(rid, title, year, facts.get("status"), nums, change, repeats=facts.get("reuse_prev"))
        prev_facts = by_id.get(facts.get("cross_year_prev") or "")
        row.identity = IDENTITY.get(facts.get("cross_year") or "")
        if row.identity and prev_facts is not None:
            before = number(prev_facts, "applications", "carried_forward")
            row.identity_text = (f"本年上年结转 {nums['applications_carried_over']} "
                                 f"{'=' if row.identity == 'ok' else '≠'} "
                                 f"{prev_facts.get('year')} 年结转下年度继续办理 {before}")
        rows.append(row)
        prev = row
    return rows


@dataclass
class CompareRow:
    section: str
    label: str
    values: list[Any]
    differs: bool = field(init=False)

    def __post_init__(self) -> None:
        self.differs = len({repr(v) for v in self.values}) > 1


def compare_rows(reports: list[tuple[str, str, dict]], row_labels: dict[str, str]) -> list[CompareRow]:
    """Every number of part three (each row, each applicant column) and part four (15 numbers) of
    ``reports`` side by side, plus who and when."""
    facts = [f for _, _, f in reports]
    out = [CompareRow("概况", label, [f.get(k) for f in facts]) for k, label in (
        ("year", "年份"), ("body", "发布机关"), ("province", "省"), ("city", "市"), ("county", "县区"),
        ("town", "乡镇"), ("status", "数据质量"))]
    out += [CompareRow("主要数字", label, [number(f, g, s) for f in facts]) for (k, g, s), label in zip(
        KEY_NUMBERS, ("新收依申请数", "上年结转申请数", "予以公开数", "办理结果总计", "结转下年度继续办理数",
                      "行政复议数", "行政诉讼数"), strict=True) if k]
    row_keys: list[str] = []
    for f in facts:
        for key in ((f.get("tables") or {}).get("applications") or {}):
            if key not in row_keys:
                row_keys.append(key)
    for key in row_keys:
        rows = [((f.get("tables") or {}).get("applications") or {}).get(key) or {} for f in facts]
        label = next((r.get("label") for r in rows if r.get("label")), row_labels.get(key, key))
        for col in PART_THREE_COLUMNS:
            out.append(CompareRow("三、依申请公开", f"{label} · {col.label}", [r.get(col.key) for r in rows]))
    for group in PART_FOUR_GROUPS:
        for col in OUTCOME_COLUMNS:
            out.append(CompareRow("四、行政复议、行政诉讼", f"{group.label} · {col.label}",
                                  [(f.get(group.key) or {}).get(col.key) for f in facts]))
    return out
