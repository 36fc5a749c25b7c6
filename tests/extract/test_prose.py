"""Numbers stated in the prose of reports before 2019: sentences, statistics lines, and what is left
unknown (with a problem) when the text cannot settle a figure."""

from __future__ import annotations

from indexer.extract.prose import read_prose
from indexer.extract.report import extract_facts


def test_applications_counted_in_tiao_and_with_the_applicants_in_between() -> None:
    assert read_prose("2017年共收到政府信息公开申请21条，均已按时答复。").applications["new"] == 21
    said = "本年度收到公民、法人和其他组织提出的政府信息公开申请5件。"
    assert read_prose(said).applications["new"] == 5
    # a heading is not a count
    assert read_prose("三、收到和处理政府信息公开申请情况\n无。").applications["new"] is None


def test_statistics_lines_give_this_years_figure() -> None:
    f = read_prose("统计指标 单位 2017年 2016年\n申请数 件 21 18\n行政复议数 件 0 0\n行政诉讼数……1 0\n")
    assert (f.applications["new"], f.reconsideration["total"], f.litigation_total) == (21, 0, 1)
    assert f.reconsideration["maintained"] == 0 and not f.problems
    one_column = read_prose("申请数 件 728\n行政复议数 件 0\n")
    assert one_column.applications["new"] == 728 and not one_column.problems


def test_run_together_figures_are_left_unknown_and_said() -> None:
    f = read_prose("统计指标 单位 2017年 2016年\n申请数 件 2121\n行政复议数 件 0 0\n行政诉讼数 件 728\n")
    assert f.applications["new"] is None and f.litigation_total is None
    assert f.reconsideration["total"] == 0
    assert len(f.problems) == 2 and "'2121'" in f.problems[0] and "ambiguous" in f.problems[0]
    # a sentence that states the figure settles it
    f = read_prose("共收到政府信息公开申请21件。\n申请数 件 2121\n行政复议数 件 0 0\n")
    assert f.applications["new"] == 21


def test_sentence_and_statistics_line_that_disagree_leave_the_figure_unknown() -> None:
    f = read_prose("共收到政府信息公开申请3件。\n申请数 件 4\n")
    assert f.applications["new"] is None
    assert f.problems == ["prose: applications.new is 3 in a sentence but 4 in the statistics lines"]


def test_prose_problems_reach_the_facts_record() -> None:
    text = ("某镇人民政府2016年政府信息公开工作年度报告\n一、概述\n本年度工作平稳。\n"
            "统计指标 单位 2016年 2015年\n申请数 件 2121\n行政复议数 件 0 0\n行政诉讼数 件 0 0\n")
    facts = extract_facts(text, "x.txt")
    assert facts["status"] == "no_tables" and facts["applications"]["new"] is None
    assert any("runs two columns together" in p for p in facts["problems"])
    assert "runs two columns together" in facts["notes"]
