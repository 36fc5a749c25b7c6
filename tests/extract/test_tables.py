"""The table reader on the five sample reports and on small hand-made inputs, one per layout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer.extract.normalise import nfkc
from indexer.extract.tables.cells import tokenize
from indexer.extract.tables.part_four import part_four_anchors, part_four_header, read_part_four
from indexer.extract.tables.part_three import find_part_three, read_part_three
from indexer.extract.tables.part_two import read_part_two
from indexer.extract.tables.reader import read_tables
from indexer.extract.tables.result import Problem, ProblemKind, TableReading, status_of

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
GOLD = json.loads((ROOT / "tests" / "data" / "gold.json").read_text(encoding="utf-8"))
FACT_KEYS = (
    "applications",
    "reconsideration",
    "litigation_direct",
    "litigation_after_reconsideration",
    "litigation_total",
)


def read(text: str) -> TableReading:
    return read_tables(nfkc(text).text)


# --------------------------------------------------------------------------- the five samples


@pytest.mark.parametrize("entry", GOLD, ids=[g["file"] for g in GOLD])
def test_sample_gold_facts_are_exact_and_verified(entry):
    reading = read((CORPUS / entry["file"]).read_text(encoding="utf-8"))
    facts = reading.gold_facts()
    assert {k: facts[k] for k in FACT_KEYS} == {k: entry[k] for k in FACT_KEYS}
    assert reading.status == "verified", reading.problems
    assert reading.source == "tables"


def test_sample_edition_is_detected_2019_and_2021():
    editions = {g["file"][:3]: read((CORPUS / g["file"]).read_text(encoding="utf-8")).edition for g in GOLD}
    assert editions == {"000": 2019, "001": 2019, "002": 2019, "003": 2021, "004": 2019}


def test_truncated_sample_derives_the_cut_rows_from_the_identities():
    entry = next(g for g in GOLD if g["file"].startswith("003"))
    reading = read((CORPUS / entry["file"]).read_text(encoding="utf-8"))
    assert reading.derived["handled_total.total"] == 0
    assert reading.derived["carried_forward.total"] == 0
    assert "handled_total" not in reading.rows_found
    assert reading.status == "verified"


def test_sample_with_cases_reads_every_part_four_cell():
    entry = next(g for g in GOLD if g["file"].startswith("004"))
    reading = read((CORPUS / entry["file"]).read_text(encoding="utf-8"))
    assert reading.part_four == [1, 0, 0, 0, 1, 2, 0, 0, 1, 3, 1, 0, 0, 0, 1]
    assert reading.applications["new"] == [3, 0, 0, 0, 0, 0, 3]


def test_sample_proactive_totals_come_from_the_prose():
    totals = {
        g["file"][:3]: read((CORPUS / g["file"]).read_text(encoding="utf-8")).proactive_total for g in GOLD
    }
    assert totals["000"] == 60 and totals["002"] == 176 and totals["003"] == 13


def test_to_json_holds_every_part():
    entry = next(g for g in GOLD if g["file"].startswith("002"))
    j = read((CORPUS / entry["file"]).read_text(encoding="utf-8")).to_json()
    assert j["edition"] == 2019 and j["source"] == "tables" and j["status"] == "verified"
    assert len(j["applications"]) == 23
    assert set(j["applications"]["new"]) >= {"label", "found", *j["columns"]}
    assert len(j["columns"]) == 7
    assert sum(len(g) for g in j["part_four"].values()) == 15
    assert j["part_two"]["normative_documents"] == {"made": 11, "published": 4, "public_total": 194}
    assert j["proactive_total"] == 176
    assert j["derived"] == {} and j["ambiguous"] == {} and j["problems"] == []
    json.dumps(j, ensure_ascii=False)


# --------------------------------------------------------------------------- hand-made tables

HEAD = (
    "(本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和)\t申请人情况\n"
    "\t自然人\t法人或其他组织\t总计\n"
)
P4_HEAD = (
    "四、政府信息公开行政复议、行政诉讼情况\n行政复议\t\t\t\t\t行政诉讼\n"
    "结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t未经复议直接起诉\t\t\t\t\t复议后起诉\n"
    "\t\t\t\t\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计\n"
)
LABELS_2019 = [
    "一、本年新收政府信息公开申请数量",
    "二、上年结转政府信息公开申请数量",
    "三、本年度办理结果\t(一) 予以公开",
    "\t(二) 部分公开(区分处理的，只计这一情形，不计其他情形)",
    "\t(三) 不予公开\t1. 属于国家秘密",
    "\t\t2. 其他法律行政法规禁止公开",
    "\t\t3. 危及“三安全一稳定”",
    "\t\t4. 保护第三方合法权益",
    "\t\t5. 属于三类内部事务信息",
    "\t\t6. 属于四类过程性信息",
    "\t\t7. 属于行政执法案卷",
    "\t\t8. 属于行政查询事项",
    "\t(四) 无法提供\t1. 本机关不掌握相关政府信息",
    "\t\t2. 没有现成信息需要另行制作",
    "\t\t3. 补正后申请内容仍不明确",
    "\t(五) 不予处理\t1. 信访举报投诉类申请",
    "\t\t2. 重复申请",
    "\t\t3. 要求提供公开出版物",
    "\t\t4. 无正当理由大量反复申请",
    "\t\t5. 要求行政机关确认或重新出具已获取信息",
    "\t(六) 其他处理",
    "\t(七) 总计",
    "四、结转下年度继续办理",
]
ZERO = [0] * 7
# new 5 (4 persons, 1 company), 1 carried over; granted 3, partial 1, state secret 1; 1 carried forward
ROWS = (
    [
        [4, 1, 0, 0, 0, 0, 5],
        [1, 0, 0, 0, 0, 0, 1],
        [2, 1, 0, 0, 0, 0, 3],
        [1, 0, 0, 0, 0, 0, 1],
        [1, 0, 0, 0, 0, 0, 1],
    ]
    + [ZERO] * 16
    + [[4, 1, 0, 0, 0, 0, 5], [1, 0, 0, 0, 0, 0, 1]]
)
P4 = [1, 0, 0, 1, 2, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0]
WANT_APPS = {"new": 5, "carried_over": 1, "granted": 3, "handled_total": 5, "carried_forward": 1}


def tab_report(rows=ROWS, p4=P4, blank_zero=False, labels=LABELS_2019) -> str:
    def cell(v):
        return "" if blank_zero and v == 0 else str(v)

    body = "".join(
        lab + "\t" + "\t".join(cell(v) for v in row) + "\n" for lab, row in zip(labels, rows, strict=True)
    )
    return (
        "一、总体情况\n全年主动公开政府信息 42 条。\n三、收到和处理政府信息公开申请情况\n"
        + HEAD
        + body
        + "\n"
        + P4_HEAD
        + "\t".join(cell(v) for v in p4)
        + "\n\n五、存在的主要问题及改进情况\n无。\n"
    )


def test_tab_rows_with_empty_leading_cells_for_merged_labels():
    r = read(tab_report())
    assert r.gold_facts()["applications"] == WANT_APPS
    assert r.gold_facts()["litigation_total"] == 1
    assert r.status == "verified" and r.edition == 2019
    assert r.proactive_total == 42


def test_blank_cells_are_zero():
    r = read(tab_report(blank_zero=True))
    assert r.gold_facts()["applications"] == WANT_APPS
    assert r.part_four == P4
    assert r.status == "verified", r.problems


def test_rows_with_only_the_total_filled_read_the_total():
    rows = [["", "", "", "", "", "", v[6]] for v in ROWS]
    text = tab_report(rows=rows)
    r = read(text)
    assert r.gold_facts()["applications"] == WANT_APPS
    assert r.applications["new"][0] is None  # applicant columns not given
    assert r.status == "verified", r.problems


def test_one_cell_per_line_with_blank_lines_between_rows():
    out = ["三、收到和处理政府信息公开申请情况", "\t" + HEAD.split("\t")[0], "\t申请人情况", ""]
    for lab, row in zip(LABELS_2019, ROWS, strict=True):
        out += [f"\t{part}" for part in lab.strip("\t").split("\t")] + [f"\t{v}" for v in row] + [""]
    out += ["四、政府信息公开行政复议、行政诉讼情况", "\t行政复议", "\t行政诉讼", ""]
    out += ["\t" + w for w in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")] + [""]
    out += ["\t" + str(v) for v in P4] + ["", "五、存在的主要问题及改进情况"]
    r = read("\n".join(out))
    assert r.gold_facts()["applications"] == WANT_APPS
    assert r.part_four == P4
    assert r.status == "verified", r.problems


def test_pdf_broken_labels_and_single_character_header():
    labels = list(LABELS_2019)
    labels[0] = "一、本"  # the rest of the label on the next line, after the numbers
    labels[10] = "\t\t7. 属"
    text = tab_report(labels=labels)
    text = text.replace(
        "一、本\t4\t1\t0\t0\t0\t0\t5\n",
        "一、本\t4\t1\t0\t0\t0\t0\t5\n\n年新收 政府信 息公开 申请数量\t\t\t\n",
    )
    text = text.replace(
        "7. 属\t0\t0\t0\t0\t0\t0\t0\n", "7. 属\t0\t0\t0\t0\t0\t0\t0\n\n\t于行政 执法案 卷\t\t\t\n"
    )
    text = text.replace("本年度办理结果", "本年 度办 理结 果").replace(
        "结果维持\t结果纠正", "结 果 维 持\t结 果 纠 正"
    )
    r = read(text)
    assert r.gold_facts()["applications"] == WANT_APPS
    assert r.status == "verified", r.problems


def test_part_four_header_in_single_characters_without_words():
    text = tab_report()
    start = text.index("四、政府信息公开行政复议")
    end = text.index("\n", text.index("\t\t\t\t\t结果维持"))
    text = text[:start] + "持\t正\t果\t结\t\t维\t纠\t结\t审\t\t维\t纠\t结\t审\t" + text[end:]
    r = read(text)
    assert r.part_four == P4
    assert r.status == "verified", r.problems


def test_table_split_by_a_page_break_with_its_header_repeated():
    text = tab_report()
    text = text.replace(
        "\t\t3. 危及", "\n" + HEAD + "\t\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\n\t\t3. 危及"
    )
    r = read(text)
    assert r.gold_facts()["applications"] == WANT_APPS
    assert r.status == "verified", r.problems


def test_markdown_and_html_markup_is_stripped():
    md = tab_report().replace("一、本年新收", "**一、本年新收").replace("申请数量\t", "申请数量**\t")
    md = md.replace("三、收到和处理", "### 三、收到和处理")
    assert read(md).gold_facts()["applications"] == WANT_APPS
    rows = "".join(
        f"<tr><td><b>{lab.strip()}</b></td>" + "".join(f"<td>{v}</td>" for v in row) + "</tr>"
        for lab, row in zip(LABELS_2019, ROWS, strict=True)
    )
    html = (
        "<p>三、收到和处理政府信息公开申请情况</p><table>"
        + rows
        + "</table><table><tr>"
        + "".join(f"<td>{w}</td>" for w in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计") * 3)
        + "</tr><tr>"
        + "".join(f"<td>{v}</td>" for v in P4)
        + "</tr></table><p>五、存在的主要问题</p>"
    )
    r = read(html)
    assert r.gold_facts()["applications"] == WANT_APPS and r.part_four == P4
    assert r.status == "verified", r.problems


def test_full_width_digits_are_read():
    text = tab_report().replace("\t5\n", "\t５\n")
    assert read(text).gold_facts()["applications"]["new"] == 5


def test_2021_edition_splits_other_processing_into_three_rows():
    labels = [
        *LABELS_2019[:20],
        "\t(六) 其他处理\t1. 申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "\t\t2. 申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "\t\t3. 其他",
        *LABELS_2019[21:],
    ]
    rows = [*ROWS[:20], ZERO, ZERO, [0, 1, 0, 0, 0, 0, 1], *ROWS[21:]]
    rows[2] = [2, 0, 0, 0, 0, 0, 2]  # one granted less, one 其他 more
    r = read(tab_report(rows=rows, labels=labels))
    assert r.edition == 2021
    assert r.applications["other_other"] == [0, 1, 0, 0, 0, 0, 1]
    assert r.gold_facts()["applications"]["granted"] == 2
    assert r.status == "verified", r.problems


# --------------------------------------------------------------------------- run-together rows


def web_report(rows=ROWS, p4=P4) -> str:
    cells = "".join(
        lab.replace("\t", "") + "".join(str(v) for v in row)
        for lab, row in zip(LABELS_2019, rows, strict=True)
    )
    return (
        "当前位置：首页>政务公开 来源：县政府办 时间：2021-01-29 三、收到和处理政府信息公开申请情况"
        + HEAD.replace("\t", "").replace("\n", "")
        + cells
        + "四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计"
        + "".join(str(v) for v in p4)
        + "五、存在的主要问题及改进情况无。附件下载 分享到："
    )


def test_run_together_row_is_split_by_the_identities():
    rows = [list(r) for r in ROWS]
    rows[0] = [35, 0, 1, 0, 0, 2, 38]  # reads 350100238
    rows[2] = [33, 0, 1, 0, 0, 2, 36]
    rows[21] = [35, 0, 1, 0, 0, 2, 38]
    rows[1] = [1, 0, 0, 0, 0, 0, 1]
    text = web_report(rows=rows)
    assert "350100238" in text and "\n" not in text
    r = read(text)
    assert r.applications["new"] == [35, 0, 1, 0, 0, 2, 38]
    assert r.gold_facts()["applications"] == {
        "new": 38,
        "carried_over": 1,
        "granted": 36,
        "handled_total": 38,
        "carried_forward": 1,
    }
    assert r.part_four == P4
    assert r.status == "verified", r.problems


def test_run_together_row_with_two_splits_is_ambiguous():
    p4 = [2, 20, 0, 0, 22] + [0] * 10  # "2200022": also 22,0,0,0,22
    r = read(web_report(p4=p4))
    facts = r.gold_facts()
    assert facts["reconsideration"]["total"] == 22
    assert facts["reconsideration"]["maintained"] is None
    assert r.ambiguous["part4.reconsideration.maintained"] == [2, 22] or set(
        r.ambiguous["part4.reconsideration.maintained"]
    ) == {2, 22}
    assert r.status == "partial"
    assert any("ambiguous" in p for p in r.problems)


# --------------------------------------------------------------------------- broken on purpose


def test_changed_total_is_inconsistent_and_names_the_identity():
    rows = [list(r) for r in ROWS]
    rows[0] = [4, 1, 0, 0, 0, 0, 6]
    r = read(tab_report(rows=rows))
    assert r.status == "inconsistent"
    assert any("row 一、本年新收" in p and "总计 (6)" in p for p in r.problems), r.problems
    assert any(p.startswith("part 3 总计 column: 一+二 (7) ≠ 三（七）+四 (6)") for p in r.problems), (
        r.problems
    )


def test_swapped_numbers_break_a_column_identity():
    rows = [list(r) for r in ROWS]
    rows[2] = [1, 2, 0, 0, 0, 0, 3]  # 自然人 and 商业企业 swapped in （一）予以公开
    r = read(tab_report(rows=rows))
    assert r.status == "inconsistent"
    assert any(p.startswith("part 3 自然人 column") for p in r.problems), r.problems


def test_dropped_cell_that_no_reading_repairs_is_inconsistent():
    text = tab_report().replace(
        "一、本年新收政府信息公开申请数量\t4\t1\t0\t0\t0\t0\t5",
        "一、本年新收政府信息公开申请数量\t4\t1\t0\t0\t0\t0",
    )
    r = read(text)
    assert r.status == "inconsistent"
    assert any("一、本年新收" in p for p in r.problems), r.problems


def test_part_four_total_changed_is_inconsistent():
    p4 = list(P4)
    p4[4] = 3
    r = read(tab_report(p4=p4))
    assert r.status == "inconsistent"
    assert "part 4 行政复议: 总计 (3) ≠ 维持+纠正+其他+尚未审结 (2)" in r.problems


def test_truncated_table_that_cannot_be_derived_is_partial():
    text = tab_report()
    cut = text.index("\t\t5. 要求行政机关确认")
    text = text[:cut] + "\n" + text[text.index(P4_HEAD[:10]) :]
    r = read(text)
    assert r.status == "partial"
    assert r.gold_facts()["applications"]["handled_total"] is None
    assert r.gold_facts()["applications"]["new"] == 5
    assert any("rows missing" in p and "（七）总计" in p for p in r.problems), r.problems


def test_missing_part_four_table_is_partial():
    text = tab_report()
    text = text[: text.index("四、政府信息公开行政复议")] + "五、存在的主要问题及改进情况\n无。\n"
    r = read(text)
    assert r.status == "partial"
    assert r.gold_facts()["reconsideration"]["total"] is None
    assert any("part 4" in p and "not found" in p for p in r.problems)


# --------------------------------------------------------------------------- no tables


def test_pre_2019_prose_report_reads_numbers_from_sentences():
    text = (
        "2012年政府信息公开工作年度报告\n一、概述\n全年通过政府网站主动公开政府信息 266 条。\n"
        "三、依申请公开政府信息情况\n本年度共受理政府信息公开申请21件，已办结12件，9件正在办理中。\n"
        "五、因政府信息公开申请提起行政复议、行政诉讼的情况\n全年没有因政府信息公开申请提起行政复议、行政诉讼的情况。\n"
    )
    r = read(text)
    assert r.status == "no_tables" and r.source == "prose"
    facts = r.gold_facts()
    assert facts["applications"] == {
        "new": 21,
        "carried_over": None,
        "granted": None,
        "handled_total": 12,
        "carried_forward": 9,
    }
    assert facts["reconsideration"]["total"] == 0 and facts["litigation_total"] == 0
    assert r.proactive_total == 266


def test_pre_2019_prose_counts_and_nothing_stated():
    r = read(
        "二、依申请公开情况\n2011年度，我局未收到政府信息公开申请。\n因政府信息公开申请提起行政复议3件，其中维持2件，纠正1件；"
        "行政诉讼1件。\n"
    )
    facts = r.gold_facts()
    assert facts["applications"]["new"] == 0
    assert facts["reconsideration"] == {"maintained": 2, "corrected": 1, "other": 0, "pending": 0, "total": 3}
    assert facts["litigation_total"] == 1 and facts["litigation_direct"]["total"] is None
    empty = read("这是一段没有数字的文字。")
    assert empty.status == "no_tables" and empty.source is None
    assert empty.gold_facts()["applications"]["new"] is None


# --------------------------------------------------------------------------- PDF wraps, blank part four

# granted 1, partial 1, state secret 1, not held 1 (a company), petition 1: new 5, 1 carried over/forward
WRAP_ROWS = (
    [[4, 1, 0, 0, 0, 0, 5], [1, 0, 0, 0, 0, 0, 1], [1, 0, 0, 0, 0, 0, 1], [1, 0, 0, 0, 0, 0, 1]]
    + [[1, 0, 0, 0, 0, 0, 1]]
    + [ZERO] * 7
    + [[0, 1, 0, 0, 0, 0, 1]]
    + [ZERO] * 2
    + [[1, 0, 0, 0, 0, 0, 1]]
    + [ZERO] * 5
    + [[4, 1, 0, 0, 0, 0, 5], [1, 0, 0, 0, 0, 0, 1]]
)
WRAP_APPS = {"new": 5, "carried_over": 1, "granted": 1, "handled_total": 5, "carried_forward": 1}


def _tabs(row):
    return "\t".join(str(v) for v in row)


def test_pdf_group_label_wrapped_into_the_middle_of_a_row_label():
    """A PDF wraps the group cell and the row cell of one row onto the next line, in their columns:
    ``（三）不予⇥1. 属`` / ``公开⇥于国家 秘密``; read line by line, the group's piece stands inside
    the row label (``属 公开 于国家秘密``), or cuts its keywords apart (``信访举报 处理 投诉类申请``)."""
    text = tab_report(rows=WRAP_ROWS)
    wraps = (
        ("\t(三) 不予公开\t1. 属于国家秘密", "\t(三) 不予\t1. 属", "\t公开\t于国家 秘密", 4),
        (
            "\t(四) 无法提供\t1. 本机关不掌握相关政府信息",
            "\t(四) 无\t1. 本",
            "\t法提供\t机关 不掌 握相 关政 府信 息",
            12,
        ),
        ("\t(五) 不予处理\t1. 信访举报投诉类申请", "\t(五) 不予\t1. 信访举报", "\t处理\t投诉类 申请", 15),
    )
    for whole, first, rest, i in wraps:
        row = WRAP_ROWS[i]
        old = f"{whole}\t{_tabs(row)}\n"
        assert old in text
        text = text.replace(old, f"{first}\t{_tabs(row)}\n\n{rest}\t\t\t\t\t\t\t\n")
    r = read(text)
    assert r.gold_facts()["applications"] == WRAP_APPS
    assert r.applications["withheld_state_secret"] == [1, 0, 0, 0, 0, 0, 1]
    assert r.applications["unable_not_held"] == [0, 1, 0, 0, 0, 0, 1]
    assert r.applications["rejected_petition"] == [1, 0, 0, 0, 0, 0, 1]
    assert r.status == "verified", r.problems


def _p4_row_replaced(row_line: str) -> str:
    text = tab_report(p4=[0] * 15, blank_zero=True)
    blank = "\t" * 14 + "\n"
    assert blank in text
    return text.replace(blank, row_line)


@pytest.mark.parametrize(
    "row_line",
    ["\t\n", "\t\t\t\t\n", "\n", "0\n", "\t\t\t\t0\n"],
    ids=["one_tab", "some_tabs", "nothing", "lone_zero", "total_only"],
)
def test_part_four_row_of_blank_cells_cut_short_is_zero(row_line):
    r = read(_p4_row_replaced(row_line))
    assert r.part_four == [0] * 15
    assert r.gold_facts()["litigation_total"] == 0
    assert r.status == "verified", r.problems


def test_part_four_header_without_row_and_without_next_part_is_not_read_as_zero():
    text = _p4_row_replaced("\n").split("五、存在的主要问题")[0] + "附件：\n政策解读\n"
    assert read(text).part_four is None


def _vertical(words: list[str]) -> str:
    height = max(len(w) for w in words)
    return "".join("\t".join(w[j] if j < len(w) else "" for w in words) + "\n" for j in range(height))


def test_sparse_part_four_row_under_a_header_in_single_characters():
    """A PDF prints each header word one character per line, spread over its columns; the row below
    leaves its zeros blank and drops its trailing blank cells."""
    words = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    header = (
        "四、政府信息公开行政复议、行政诉讼情况\n行政复议\t\t\t\t\t行政诉讼\n"
        + _vertical([*words, "未经复议直接起诉", "", "", "", "", "复议后起诉"])
        + _vertical(["", "", "", "", "", *words, *words])
    )
    text = tab_report()
    text = text.replace(P4_HEAD + _tabs(P4), header + "1\t\t\t1\t2\t\t1\t\t\t1")
    r = read(text)
    assert r.part_four == P4
    assert r.gold_facts()["applications"] == WANT_APPS
    assert r.status == "verified", r.problems


def test_number_at_the_start_of_a_cell_keeps_its_digits():
    cells = tokenize("350100238\t5 6 7\t-3\n")
    assert [(t.text, t.value) for t in cells.tokens] == [
        ("350100238", 350100238),
        ("5", 5),
        ("6", 6),
        ("7", 7),
        ("-3", -3),
    ]


def test_run_together_part_four_row_on_a_line_of_its_own_is_split():
    text = tab_report().replace(_tabs(P4) + "\n", "".join(str(v) for v in P4) + "\n")
    r = read(text)
    assert r.part_four == P4
    assert r.status == "verified", r.problems


# --------------------------------------------------------------------------- typed problems


def kinds(r: TableReading) -> set[ProblemKind]:
    return {p.kind for p in r.issues}


def test_problems_are_typed_and_the_messages_are_their_text():
    rows = [list(r) for r in ROWS]
    rows[0] = [4, 1, 0, 0, 0, 0, 6]
    r = read(tab_report(rows=rows))
    assert kinds(r) == {ProblemKind.IDENTITY_FAILED}
    assert {p.part for p in r.issues} == {3}
    assert r.problems == [p.message for p in r.issues]


def test_missing_table_and_rows_have_their_own_kinds():
    text = tab_report()
    r = read(text[: text.index("四、政府信息公开行政复议")] + "五、存在的主要问题及改进情况\n无。\n")
    assert r.issues[0] == Problem(ProblemKind.MISSING_TABLE, 4, r.problems[0])
    cut = text.index("\t\t5. 要求行政机关确认")
    r = read(text[:cut] + "\n" + text[text.index(P4_HEAD[:10]) :])
    assert ProblemKind.MISSING_ROWS in kinds(r) and ProblemKind.IDENTITY_FAILED not in kinds(r)


def test_status_follows_from_the_kinds_not_the_wording():
    def p(kind: ProblemKind, part: int | None = 3) -> Problem:
        return Problem(kind, part, "any words ≠ would need")  # the old text tests would misread these

    assert status_of([], gold_unknown=False) == "verified"
    assert status_of([p(ProblemKind.EXCESS_NUMBERS)], gold_unknown=False) == "verified"
    assert status_of([], gold_unknown=True) == "partial"
    for kind in (ProblemKind.AMBIGUOUS, ProblemKind.MISSING_ROWS, ProblemKind.MISSING_TABLE):
        assert status_of([p(kind)], gold_unknown=False) == "partial"
    for kind in (ProblemKind.IDENTITY_FAILED, ProblemKind.UNDERIVABLE):
        assert status_of([p(ProblemKind.AMBIGUOUS), p(kind)], gold_unknown=False) == "inconsistent"
    assert status_of([p(ProblemKind.MISSING_TABLE, None)], gold_unknown=True) == "no_tables"


def test_part_readers_return_their_part():
    cells = tokenize(tab_report())
    chain, edition = find_part_three(cells, None)
    p3 = read_part_three(cells, edition, chain, len(cells.tokens))
    assert edition.year == 2019 and p3.issues == [] and p3.applications["new"] == list(ROWS[0])
    anchor = part_four_anchors(cells, chain[0].start)[0]
    p4 = read_part_four(cells, cells.tok_at(anchor), part_four_header(cells, anchor))
    assert p4 is not None and p4.cells == P4 and p4.issues == []
    sample = next(g for g in GOLD if g["file"].startswith("002"))
    cells = tokenize(nfkc((CORPUS / sample["file"]).read_text(encoding="utf-8")).text)
    chain, edition = find_part_three(cells, None)
    p2 = read_part_two(cells, edition, chain[0].start)
    assert p2.rows["normative_documents"] == {"made": 11, "published": 4, "public_total": 194}
