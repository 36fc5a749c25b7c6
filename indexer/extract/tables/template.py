"""The annual-report template (政府信息公开工作年度报告格式) as data.

Everything the table reader knows about the tables lives here: the rows and columns of part two
(主动公开), part three (依申请公开) and part four (行政复议、行政诉讼) for each edition of the template,
the keywords that find a row label in broken text, and the accounting identities that tell whether
a table was read right. The reader (:mod:`indexer.extract.tables.reader` and the modules it uses)
holds no label of its own: adding an edition (say a 2024 one) means adding an :class:`Edition` to
:data:`EDITIONS` here.

Labels are matched on a *normalised label stream*: only the CJK characters of the text are kept
(digits, numbering, punctuation, spaces, tabs, line breaks and markup all removed), so that
``7. 属`` / ``于行政 执法案 卷`` reads ``属于行政执法案卷``.  A row is found by the first of its
``keywords`` (regular expressions over that stream) and its span is then grown, left and right,
over the characters of its ``label`` (also normalised).
"""

from __future__ import annotations

from dataclasses import dataclass

from indexer.extract.text import cjk_of


def norm_label(text: str) -> str:
    """The label-matching form of a text: its CJK characters only."""
    return cjk_of(text)


@dataclass(frozen=True)
class Column:
    key: str
    label: str


@dataclass(frozen=True)
class Row:
    """A row of a table: ``key`` is stable across editions; ``label`` is the official wording;
    ``keywords`` are regexes over the normalised stream, most specific first."""

    key: str
    label: str
    keywords: tuple[str, ...]
    # part three: is this an outcome row summed by （七）总计 ?
    outcome: bool = False

    @property
    def norm(self) -> str:
        return norm_label(self.label)


@dataclass(frozen=True)
class Identity:
    """``sum(coef * row) == 0`` for every column of the table (coefficients +1 / -1)."""

    name: str
    terms: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class PartTwoRow:
    key: str
    label: str
    keywords: tuple[str, ...]
    columns: tuple[Column, ...]


@dataclass(frozen=True)
class PartTwoItem:
    item: str  # 第二十条第（一）项 …
    rows: tuple[PartTwoRow, ...]


@dataclass(frozen=True)
class Edition:
    year: int
    name: str
    rows: tuple[Row, ...]
    part_two: tuple[PartTwoItem, ...]
    # normalised-stream regexes that only this edition prints (used to tell editions apart)
    markers: tuple[str, ...] = ()

    @property
    def outcome_rows(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if r.outcome)

    def row(self, key: str) -> Row:
        for r in self.rows:
            if r.key == key:
                return r
        raise KeyError(key)

    @property
    def identities(self) -> tuple[Identity, ...]:
        """Per column: 一 + 二 = 三（七）+ 四, and （七）= the sum of every outcome row."""
        return (
            Identity(
                "一+二 = 三（七）+四",
                (("new", 1), ("carried_over", 1), ("handled_total", -1), ("carried_forward", -1)),
            ),
            Identity(
                "三（七）总计 = 各项办理结果之和",
                (("handled_total", 1), *((r.key, -1) for r in self.outcome_rows)),
            ),
        )

    @property
    def part_two_rows(self) -> tuple[PartTwoRow, ...]:
        return tuple(r for item in self.part_two for r in item.rows)


# ----------------------------------------------------------------------------------------------
# Part three: applications.  Seven number columns, by applicant.
# ----------------------------------------------------------------------------------------------

APPLICANT_COLUMNS: tuple[Column, ...] = (
    Column("natural_person", "自然人"),
    Column("commercial", "商业企业"),
    Column("research", "科研机构"),
    Column("public_interest", "社会公益组织"),
    Column("legal_service", "法律服务机构"),
    Column("other", "其他"),
)
TOTAL_COLUMN = Column("total", "总计")
PART_THREE_COLUMNS: tuple[Column, ...] = (*APPLICANT_COLUMNS, TOTAL_COLUMN)

# Words of the part-three header and group labels: text that may stand between a row label and
# its numbers (a header printed again after a page break) without ending the row.
PART_THREE_HEADER_WORDS: tuple[str, ...] = (
    "本列数据的勾稽关系为第一项加第二项之和等于第三项加第四项之和",
    "申请人情况",
    "自然人",
    "法人或其他组织",
    "商业企业",
    "科研机构",
    "社会公益组织",
    "法律服务机构",
    "其他",
    "总计",
    "三本年度办理结果",
    "三不予公开",
    "四无法提供",
    "五不予处理",
    "六其他处理",
)

_ROWS_HEAD: tuple[Row, ...] = (
    Row("new", "一、本年新收政府信息公开申请数量", ("本年新收", "新收政府信息公开申请")),
    Row("carried_over", "二、上年结转政府信息公开申请数量", ("上年结转", "结转政府信息公开申请数量")),
    Row("granted", "（一）予以公开", ("予以公开",), outcome=True),
    Row("partial", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ("部分公开",), outcome=True),
    Row("withheld_state_secret", "1.属于国家秘密", ("国家秘密",), outcome=True),
    Row(
        "withheld_prohibited",
        "2.其他法律行政法规禁止公开",
        ("禁止公开", "其他法律行政法规", "其他法律法规"),
        outcome=True,
    ),
    Row(
        "withheld_three_safety",
        "3.危及“三安全一稳定”",
        ("三安全一稳定", "危及三安全", "安全一稳定"),
        outcome=True,
    ),
    Row("withheld_third_party", "4.保护第三方合法权益", ("第三方合法权益", "保护第三方"), outcome=True),
    Row("withheld_internal", "5.属于三类内部事务信息", ("三类内部事务", "内部事务信息"), outcome=True),
    Row("withheld_process", "6.属于四类过程性信息", ("四类过程性", "过程性信息"), outcome=True),
    Row("withheld_enforcement", "7.属于行政执法案卷", ("行政执法案卷", "执法案卷"), outcome=True),
    Row("withheld_query", "8.属于行政查询事项", ("行政查询事项", "查询事项"), outcome=True),
    Row(
        "unable_not_held",
        "1.本机关不掌握相关政府信息",
        ("不掌握相关政府信息", "本机关不掌握", "不掌握相关"),
        outcome=True,
    ),
    Row(
        "unable_needs_creation",
        "2.没有现成信息需要另行制作",
        ("没有现成信息", "需要另行制作", "另行制作"),
        outcome=True,
    ),
    Row(
        "unable_unclear",
        "3.补正后申请内容仍不明确",
        ("补正后申请内容", "申请内容仍不明确", "仍不明确"),
        outcome=True,
    ),
    Row("rejected_petition", "1.信访举报投诉类申请", ("信访举报投诉", "举报投诉类"), outcome=True),
    Row("rejected_repeat", "2.重复申请", ("重复申请",), outcome=True),
    Row("rejected_publication", "3.要求提供公开出版物", ("公开出版物", "要求提供公开出"), outcome=True),
    Row(
        "rejected_vexatious",
        "4.无正当理由大量反复申请",
        ("无正当理由大量", "大量反复申请", "无正当理由(?!逾期)"),
        outcome=True,
    ),
    Row(
        "rejected_confirm",
        "5.要求行政机关确认或重新出具已获取信息",
        ("要求行政机关确认", "重新出具已获取信息", "重新出具", "已获取信息"),
        outcome=True,
    ),
)

_ROWS_TAIL: tuple[Row, ...] = (
    Row("handled_total", "（七）总计", ("七总计", "总计")),
    Row(
        "carried_forward",
        "四、结转下年度继续办理",
        ("结转下年度", "下年度继续办理", "结转下年"),
    ),
)

ROWS_2019: tuple[Row, ...] = (
    *_ROWS_HEAD,
    Row("other_processing", "（六）其他处理", ("六其他处理", "其他处理"), outcome=True),
    *_ROWS_TAIL,
)

ROWS_2021: tuple[Row, ...] = (
    *_ROWS_HEAD,
    Row(
        "other_no_correction",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        ("逾期不补正", "无正当理由逾期"),
        outcome=True,
    ),
    Row(
        "other_no_fee",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        ("缴纳费用", "收费通知", "逾期未按收费"),
        outcome=True,
    ),
    Row("other_other", "3.其他", ("其他(?!法律|组织|处理|结果)",), outcome=True),
    *_ROWS_TAIL,
)

# The gold-facts keys of part three: row key -> name in ``gold_facts()["applications"]``.
GOLD_APPLICATION_ROWS: tuple[tuple[str, str], ...] = (
    ("new", "new"),
    ("carried_over", "carried_over"),
    ("granted", "granted"),
    ("handled_total", "handled_total"),
    ("carried_forward", "carried_forward"),
)

# ----------------------------------------------------------------------------------------------
# Part four: reconsideration and litigation, fifteen cells in one row.
# ----------------------------------------------------------------------------------------------

OUTCOME_COLUMNS: tuple[Column, ...] = (
    Column("maintained", "结果维持"),
    Column("corrected", "结果纠正"),
    Column("other", "其他结果"),
    Column("pending", "尚未审结"),
    Column("total", "总计"),
)
PART_FOUR_GROUPS: tuple[Column, ...] = (
    Column("reconsideration", "行政复议"),
    Column("litigation_direct", "行政诉讼·未经复议直接起诉"),
    Column("litigation_after_reconsideration", "行政诉讼·复议后起诉"),
)
PART_FOUR_WIDTH = len(OUTCOME_COLUMNS) * len(PART_FOUR_GROUPS)  # 15
# in every group: 总计 = 维持 + 纠正 + 其他 + 尚未审结
PART_FOUR_IDENTITY = "总计 = 结果维持+结果纠正+其他结果+尚未审结"

# Column words of the part-four header (and the pieces a PDF breaks them into): two distinct ones
# close together locate the table.
PART_FOUR_HEADER_KEYWORDS: tuple[str, ...] = (
    "结果维持",
    "结果纠正",
    "其他结果",
    "尚未审结",
    "未经复议直接起诉",
    "直接起诉",
    "复议后起诉",
    "未经复议",
    "复议后",
    "维持",
    "纠正",
    "尚未",
    "审结",
)
# Words that may appear in the part-four header (heading included).
PART_FOUR_HEADER_WORDS: tuple[str, ...] = (
    "四政府信息公开行政复议行政诉讼情况",
    "行政复议",
    "行政诉讼",
    "结果维持",
    "结果纠正",
    "其他结果",
    "尚未审结",
    "总计",
    "未经复议直接起诉",
    "复议后起诉",
)
# The headings of parts five and six: the tables end before them.
NEXT_PART_HEADINGS: tuple[str, ...] = ("存在的主要问题", "其他需要报告的事项")
# A part-three row search never crosses these: they belong to part four.
PART_THREE_BARRIER = r"结果维持|结果纠正|尚未审结|直接起诉|复议后起诉|行政复议|行政诉讼"

# ----------------------------------------------------------------------------------------------
# Part two: proactive disclosure.
# ----------------------------------------------------------------------------------------------


# Part two's column labels → their keys (a label of the 2019 or 2021 edition).
PART_TWO_COLUMN_KEYS: dict[str, str] = {
    "本年新制作数量": "made",
    "本年新公开数量": "published",
    "对外公开总数量": "public_total",
    "上一年项目数量": "previous_items",
    "本年增/减": "change",
    "处理决定数量": "decisions",
    "采购项目数量": "procurement_items",
    "采购总金额": "procurement_amount",
    "本年制发件数": "issued",
    "本年废止件数": "repealed",
    "现行有效件数": "in_force",
    "本年处理决定数量": "decisions",
    "本年收费金额（单位：万元）": "fees_amount",
}


def _cols(*labels: str) -> tuple[Column, ...]:
    return tuple(Column(PART_TWO_COLUMN_KEYS[lab], lab) for lab in labels)


_P2_RULES = ("rules", "规章", (r"(?<!行政)规章",))
_P2_LICENSING = ("licensing", "行政许可", ("行政许可",))
_P2_OTHER_SERVICES = ("other_services", "其他对外管理服务事项", ("对外管理服务", "其他对外管理"))
_P2_PENALTY = ("penalty", "行政处罚", ("行政处罚",))
_P2_COERCION = ("coercion", "行政强制", ("行政强制",))
_P2_FEES = ("fees", "行政事业性收费", ("行政事业性收费", "事业性收费"))
_P2_PROCUREMENT = ("procurement", "政府集中采购", ("政府集中采购", "集中采购"))

PART_TWO_2019: tuple[PartTwoItem, ...] = (
    PartTwoItem(
        "第二十条第（一）项",
        (
            PartTwoRow(*_P2_RULES, _cols("本年新制作数量", "本年新公开数量", "对外公开总数量")),
            PartTwoRow(
                "normative_documents",
                "规范性文件",
                ("规范性文件",),
                _cols("本年新制作数量", "本年新公开数量", "对外公开总数量"),
            ),
        ),
    ),
    PartTwoItem(
        "第二十条第（五）项",
        (
            PartTwoRow(*_P2_LICENSING, _cols("上一年项目数量", "本年增/减", "处理决定数量")),
            PartTwoRow(*_P2_OTHER_SERVICES, _cols("上一年项目数量", "本年增/减", "处理决定数量")),
        ),
    ),
    PartTwoItem(
        "第二十条第（六）项",
        (
            PartTwoRow(*_P2_PENALTY, _cols("上一年项目数量", "本年增/减", "处理决定数量")),
            PartTwoRow(*_P2_COERCION, _cols("上一年项目数量", "本年增/减", "处理决定数量")),
        ),
    ),
    PartTwoItem("第二十条第（八）项", (PartTwoRow(*_P2_FEES, _cols("上一年项目数量", "本年增/减")),)),
    PartTwoItem(
        "第二十条第（九）项",
        (PartTwoRow(*_P2_PROCUREMENT, _cols("采购项目数量", "采购总金额")),),
    ),
)

PART_TWO_2021: tuple[PartTwoItem, ...] = (
    PartTwoItem(
        "第二十条第（一）项",
        (
            PartTwoRow(*_P2_RULES, _cols("本年制发件数", "本年废止件数", "现行有效件数")),
            PartTwoRow(
                "normative_documents",
                "行政规范性文件",
                ("规范性文件",),
                _cols("本年制发件数", "本年废止件数", "现行有效件数"),
            ),
        ),
    ),
    PartTwoItem("第二十条第（五）项", (PartTwoRow(*_P2_LICENSING, _cols("本年处理决定数量")),)),
    PartTwoItem(
        "第二十条第（六）项",
        (
            PartTwoRow(*_P2_PENALTY, _cols("本年处理决定数量")),
            PartTwoRow(*_P2_COERCION, _cols("本年处理决定数量")),
        ),
    ),
    PartTwoItem("第二十条第（八）项", (PartTwoRow(*_P2_FEES, _cols("本年收费金额（单位：万元）")),)),
)

PART_TWO_HEADER_WORDS: tuple[str, ...] = (
    "第二十条第一项",
    "第二十条第五项",
    "第二十条第六项",
    "第二十条第八项",
    "第二十条第九项",
    "信息内容",
    "本年新制作数量",
    "本年新公开数量",
    "对外公开总数量",
    "上一年项目数量",
    "本年增减",
    "处理决定数量",
    "采购项目数量",
    "采购总金额单位万元保留位小数",
    "本年制发件数",
    "本年废止件数",
    "现行有效件数",
    "本年处理决定数量",
    "本年收费金额单位万元",
    "二主动公开政府信息情况",
)

# ----------------------------------------------------------------------------------------------
# Editions
# ----------------------------------------------------------------------------------------------

EDITION_2019 = Edition(
    2019,
    "国办公开办函〔2019〕60号",
    ROWS_2019,
    PART_TWO_2019,
    markers=("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "采购项目数量"),
)
EDITION_2021 = Edition(
    2021,
    "国办公开办函〔2021〕30号",
    ROWS_2021,
    PART_TWO_2021,
    markers=("逾期不补正", "缴纳费用", "本年制发件数", "本年废止件数", "现行有效件数", "本年收费金额"),
)
# Newest first: on a tie, the reader prefers the edition whose markers it saw.
EDITIONS: tuple[Edition, ...] = (EDITION_2021, EDITION_2019)
# Text that names the template document itself.
EDITION_DOCUMENT_PATTERNS: tuple[tuple[int, str], ...] = (
    (2021, r"〔2021〕30号|\[2021\]30号|2021\)30号"),
    (2019, r"〔2019〕60号|\[2019\]60号|2019\)60号"),
)
