"""Every label people read: facet names, values, sorts, ranges, the query syntax help. The core
(``indexer.engine``) knows names only; the page, the API's ``label`` keys and the CLI's facet lines
read them here."""

from __future__ import annotations

from indexer.engine import facets
from indexer.engine.errors import QueryError, Unsupported
from indexer.extract.tables.template import PART_TWO_COLUMN_KEYS

FACET_LABELS: dict[str, str] = {
    "year": "年份", "province": "省", "city": "市", "county": "县区", "town": "乡镇",
    "status": "数据质量", "has_applications": "有依申请", "has_reconsideration": "有行政复议",
    "has_litigation": "有行政诉讼", "body": "发布机关",
    "cross_year": "与上年衔接", "reuse": "文字重复", "reuse_kind": "重复来源", "format": "文件格式",
}
# Values of the facets whose stored values are names (the yes/no ones and status have their own).
VALUE_LABELS: dict[str, dict[str, str]] = {
    "cross_year": {"consistent": "一致（上年结转 = 上年报告的结转下年度）", "inconsistent": "不一致",
                   "unknown": "无法核对（无上年报告或缺数字）"},
    "reuse": {"under_20": "20% 以下", "20_50": "20%–50%", "50_80": "50%–80%", "over_80": "80% 以上"},
    "reuse_kind": {"other_body": "其他单位", "same_body": "本单位往年", "none": "未发现"},
    "format": {"txt": "文本", "md": "Markdown", "html": "网页", "pdf": "PDF",
               "pdf-ocr": "PDF（图片页经 OCR 识别）", "pdf-part": "PDF（有图片页未识别）",
               "docx": "Word（.docx）", "doc": "Word（.doc）"},
}
RANGE_LABELS: dict[str, str] = {
    "applications_new": "新收依申请数",
    "applications_carried_over": "上年结转申请数",
    "reconsideration_total": "行政复议数",
    "litigation_total": "行政诉讼数",
    "granted_share": "予以公开占比（%）",
    "reuse_share": "文字重复占比（%）",
}
# The one name of each number, wherever it is shown (results, overview, body page, compare, export).
NUMBER_LABELS: dict[str, str] = {
    "applications_new": "新收依申请数",
    "applications_carried_over": "上年结转申请数",
    "applications_granted": "予以公开数",
    "applications_handled_total": "办理结果总计",
    "applications_carried_forward": "结转下年度继续办理数",
    "applications_total": "办理结果总计",
    "reconsideration_total": "行政复议数",
    "litigation_total": "行政诉讼数",
    "reports": "报告数",
}
HIERARCHY_LABELS: dict[str, str] = {"place": "地区（省 › 市 › 县区 › 乡镇）"}
# A query naming a table's subject: the yes/no facet that answers it better than the text does (the
# headings of parts three and four are in every report).
SUBJECT_FACETS: dict[str, str] = {
    "行政诉讼": "has_litigation", "诉讼": "has_litigation",
    "行政复议": "has_reconsideration", "复议": "has_reconsideration",
    "依申请": "has_applications", "政府信息公开申请": "has_applications",
}
# The rates of the overview: (label, definition shown as the tooltip)
RATES: dict[str, tuple[str, str]] = {
    "granted": ("申请公开率", "（予以公开 + 部分公开）÷ 办理结果总计，只计“勾稽自洽”的报告"),
    "reconsideration_corrected": ("复议纠错率", "行政复议结果被纠正的件数 ÷ 行政复议总数，"
                                               "只计“勾稽自洽”的报告"),
    "litigation_corrected": ("诉讼纠错率", "行政诉讼（直接起诉与复议后起诉）结果被纠正的件数 ÷ 行政诉讼总数，"
                                       "只计“勾稽自洽”的报告"),
}
SORT_LABELS: dict[str, str] = {
    "relevance": "相关度",
    "year": "年份（新→旧）",
    "year_asc": "年份（旧→新）",
    "applications": "新收依申请数（多→少）",
    "litigation": "行政诉讼数（多→少）",
    "reuse": "文字重复（多→少）",
}
YES_NO: dict[str, str] = {"yes": "有", "no": "无", "unknown": "未知"}
# status → (label, what it means for trusting the numbers)
STATUS: dict[str, tuple[str, str]] = {
    "verified": ("勾稽自洽", "表格数字已自动提取，且各项与合计相符（勾稽关系自洽）；这不是官方核验，"
                         "数字仍以原文为准"),
    "inconsistent": ("不一致", "数字已提取，但合计对不上，请核对原文"),
    "partial": ("部分", "只提取到部分数字"),
    "no_tables": ("无表格", "未找到统计表格，没有数字"),
}

# The query syntax as shown in the UI and the README.
SYNTAX_HELP: list[tuple[str, str]] = [
    ("微信公众号", "按词检索：切分出的各个词都出现即可（不必相连），或整串文字出现；结果页显示切分方式"),
    ('"政务新媒体"', "精确短语：原文（规范化后）中包含这一整串文字"),
    ("行政复议 AND 行政诉讼", "AND（默认，须大写）：两者都出现"),
    ("微信 OR 微博", "OR（须大写）：任一出现"),
    ("NOT 微博 / -微博", "NOT（须大写）或前缀 -：不出现"),
    ("(微信 OR 微博) 公开栏", "括号分组"),
    ("year:2020  province:山东  town:某楼", "字段筛选：year 年份, province 省, city 市, "
     "county 县区, town 乡镇, "
     "body 发布机关, status 数据质量；地名可省略“省、市、县、镇、乡”等后缀"),
    ("has_litigation:1  has_reconsideration:0", "有无：has_applications 有依申请, "
     "has_reconsideration 有行政复议, "
     "has_litigation 有行政诉讼（1 有，0 无）"),
    ("litigation_total:>=1  applications_new:[3 TO 10]", "数值筛选：applications_new 新收依申请数, "
     "applications_carried_over 上年结转申请数, reconsideration_total 行政复议数, "
     "litigation_total 行政诉讼数, "
     "granted_share 予以公开占比, reuse_share 文字重复占比, year 年份（>, >=, <, <=, [a TO b]）"),
    ("cross_year:inconsistent  reuse_kind:other_body",
     "跨报告的事实：cross_year 与上年衔接（consistent 一致、inconsistent 不一致、unknown 无法核对）, "
     "reuse 文字重复（under_20, 20_50, 50_80, over_80）, "
     "reuse_kind 重复来源（other_body 其他单位、same_body 本单位往年、none 未发现）"),
]


def facet_label(name: str) -> str:
    return FACET_LABELS.get(name, RANGE_LABELS.get(name, name))


def uncounted_note(name: str) -> str:
    """The search page's note for a listed facet the backend does not count (``uncounted_facets``)."""
    return f"筛选项“{facet_label(name)}”只有 whoosh 后端提供，Xapian 后端不统计"


def query_error_text(err: QueryError) -> str:
    """A query error as the page and the API say it: a field the backend does not index
    (:class:`Unsupported`) by its label, with its name as the URL and the query language spell it."""
    if isinstance(err, Unsupported):
        return (f"“{facet_label(err.name)}”在 Xapian 后端上不可用：这个字段只有 whoosh 后端索引"
                f"（{err.name} is not indexed by the xapian backend）")
    return str(err)


def arg_label(arg: str) -> str:
    """A URL argument as people read it: ``applications_new_min`` → 新收依申请数（最小）."""
    for suffix, word in (("_min", "最小"), ("_max", "最大")):
        if arg.endswith(suffix) and arg[: -len(suffix)] in RANGE_LABELS:
            return f"{RANGE_LABELS[arg[: -len(suffix)]]}（{word}）"
    return facet_label(arg)


def value_label(name: str, value: str) -> str:
    """How a facet value reads: 有/无/未知 for yes/no facets, the status names, others as they are."""
    if isinstance(facets.current().get(name), facets.YesNoFacet):
        return YES_NO.get(value, value)
    if name == "status":
        return STATUS.get(value, (value, ""))[0]
    return VALUE_LABELS.get(name, {}).get(value, value)


def status_info(status: str | None) -> tuple[str, str]:
    """(label, explanation) of a data-quality status, for badges and tooltips."""
    if not status:
        return "未知", "没有数据质量信息"
    return STATUS.get(status, (status, ""))


def facet_more_label(expanded: bool, total: int) -> str:
    return "收起" if expanded else f"全部 {total} 个"


# An identity's result on the report page (indexer.extract.tables.checks): held, failed, not checked.
IDENTITY_RESULTS: dict[bool | None, str] = {True: "相符", False: "不符", None: "未核对（有数字缺失）"}
_PART_NAMES = {"3": "第三部分", "4": "第四部分"}


def identity_scope(scope: str) -> str:
    """Where an identity applies, in Chinese: the reader's scopes ``part 3 自然人 column``,
    ``part 3 row 一、本年新收…``, ``part 4 行政复议`` → 第三部分「自然人」列, 第三部分「…」行,
    第四部分「行政复议」."""
    head, _, rest = scope.partition(" ")
    number, _, rest = rest.partition(" ")
    if head != "part" or number not in _PART_NAMES:
        return scope
    part = _PART_NAMES[number]
    if rest.startswith("row "):
        return f"{part}「{rest[4:]}」行"
    if rest.endswith(" column"):
        return f"{part}「{rest[:-7]}」列"
    return f"{part}「{rest}」"


# The other facts of the report page's 全部字段 panel, by key (the key itself is shown beside, for the
# API and the exports that use it).
OTHER_FACT_LABELS: dict[str, str] = {
    "body_id": "机关编号（跨年份同一机关）", "body_canonical": "机关规范名", "parts": "找到的部分",
    "tables": "表格中读到的全部数字", "encoding": "文本编码", "format": "文件格式",
    "cross_year": "与上年衔接", "cross_year_prev": "上年报告", "cross_year_next": "下年报告",
    "reuse_max": "文字重复占比", "reuse_from": "重复来源报告", "reuse_kind": "重复来源",
    "reuse_prev": "与本单位上年报告的重复",
}
# The keys inside ``tables`` (the table reader's record) and ``parts``, for the same panel.
TABLE_KEY_LABELS: dict[str, str] = {
    "edition": "模板版本", "source": "数字来源", "status": "数据质量", "problems": "问题",
    "applications": "第三部分（依申请）", "columns": "申请人列", "part_four": "第四部分（复议、诉讼）",
    "part_two": "第二部分（主动公开）", "proactive_total": "正文所述主动公开总数",
    "derived": "由合计推出（未读到）的数", "ambiguous": "有歧义的读数", "prose": "正文中的数字",
    "gold_facts": "主要数字", "spans": "各数字在原文中的位置", "gold_spans": "主要数字在原文中的位置",
    "number": "序号", "heading": "标题",
    # part two's columns, by the template's own labels (the first edition's label where two share a key)
    **{key: label for label, key in reversed(PART_TWO_COLUMN_KEYS.items())},
}


# The outcomes of reconsideration a prose-only report may state (the other figures it states are
# numbers of NUMBER_LABELS: ``applications.new`` is ``applications_new``).
PROSE_OUTCOME_LABELS: dict[str, str] = {"reconsideration.maintained": "行政复议：结果维持",
                                        "reconsideration.corrected": "行政复议：结果纠正"}


def prose_figure_label(key: str) -> str:
    """A figure of a prose-only report (``TableReading.gold_spans`` keys) by the numbers' one name."""
    return NUMBER_LABELS.get(key.replace(".", "_")) or PROSE_OUTCOME_LABELS.get(key, key)
