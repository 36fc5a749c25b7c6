"""Every label people read: facet names, values, sorts, ranges, the query syntax help. The core
(``indexer.engine``) knows names only; the page, the API's ``label`` keys and the CLI's facet lines
read them here."""

from __future__ import annotations

from indexer.engine import facets

FACET_LABELS: dict[str, str] = {
    "year": "年份", "province": "省", "city": "市", "county": "县区", "town": "乡镇",
    "status": "数据质量", "has_applications": "有依申请", "has_reconsideration": "有行政复议",
    "has_litigation": "有行政诉讼",
}
RANGE_LABELS: dict[str, str] = {
    "applications_new": "新收依申请数",
    "reconsideration_total": "行政复议数",
    "litigation_total": "行政诉讼数",
}
SORT_LABELS: dict[str, str] = {
    "relevance": "相关度",
    "year": "年份（新→旧）",
    "year_asc": "年份（旧→新）",
    "applications": "申请数（多→少）",
    "litigation": "诉讼数（多→少）",
}
YES_NO: dict[str, str] = {"yes": "有", "no": "无", "unknown": "未知"}
# status → (label, what it means for trusting the numbers)
STATUS: dict[str, tuple[str, str]] = {
    "verified": ("已核验", "表格数字已提取且各项合计自洽 — numbers extracted and their totals check out"),
    "inconsistent": ("不一致", "数字已提取，但合计对不上 — numbers extracted but totals disagree; "
                               "check the source"),
    "partial": ("部分", "只提取到部分数字 — only some numbers could be extracted"),
    "no_tables": ("无表格", "未找到统计表格，没有数字 — no statistics tables found"),
}

# The query syntax as shown in the UI and the README.
SYNTAX_HELP: list[tuple[str, str]] = [
    ("微信公众号", "词语：jieba 切出的各词都出现，或整串文字出现（words, any jieba segmentation）"),
    ('"政务新媒体"', "精确短语：报告原文（规范化后）中包含这一整串文字"),
    ("行政复议 AND 行政诉讼", "AND（默认）：两者都出现"),
    ("微信 OR 微博", "OR：任一出现"),
    ("NOT 微博 / -微博", "NOT 或前缀 -：不出现"),
    ("(微信 OR 微博) 公开栏", "括号分组"),
    ("year:2020  province:山东省  town:城关镇", "字段筛选：year, province, city, county, town, body, status"),
    ("litigation_total:>=1  applications_new:[3 TO 10]", "数值筛选：applications_new, reconsideration_total, "
     "litigation_total, year（>, >=, <, <=, [a TO b]）"),
]


def facet_label(name: str) -> str:
    return FACET_LABELS.get(name, RANGE_LABELS.get(name, name))


def value_label(name: str, value: str) -> str:
    """How a facet value reads: 有/无/未知 for yes/no facets, the status names, others as they are."""
    if isinstance(facets.current().get(name), facets.YesNoFacet):
        return YES_NO.get(value, value)
    if name == "status":
        return STATUS.get(value, (value, ""))[0]
    return value


def status_info(status: str | None) -> tuple[str, str]:
    """(label, explanation) of a data-quality status, for badges and tooltips."""
    if not status:
        return "未知", "没有数据质量信息"
    return STATUS.get(status, (status, ""))


def facet_more_label(expanded: bool, total: int) -> str:
    return "收起 fewer" if expanded else f"全部 {total} 个 all"
