"""The table reader on random tables (every identity holds) rendered in many layouts, seeded.

A test-side renderer, independent of the project's corpus generator: tab rows with merged label
cells, blank cells for zeros, a page break with the header repeated, totals only, PDF-split labels,
one cell per line, markdown, HTML and one-line web text with cells run together.  Every layout must
give the exact numbers and ``verified``, except run-together text where a value may be ambiguous:
then it must be ``None`` and listed, never wrong.  When ``scripts/make_corpus.py`` exists, its
output is measured too.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from indexer.extract.normalise import nfkc
from indexer.extract.tables import template
from indexer.extract.tables.reader import read_tables

ROOT = Path(__file__).resolve().parents[2]

HEADER3 = "(本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和)"
GROUP_BEFORE = {  # row key -> group label printed before the row (first row of a group)
    "granted": "三、本年度办理结果",
    "withheld_state_secret": "(三) 不予公开",
    "unable_not_held": "(四) 无法提供",
    "rejected_petition": "(五) 不予处理",
    "other_no_correction": "(六) 其他处理",
}


def label_of(row):
    return row.label.replace("（", "(").replace("）", ")")


def make_truth(rng, edition, density=0.3, big=False):
    rows = {}
    outcome = [r for r in edition.rows if r.outcome]

    def cellv():
        if rng.random() > density:
            return 0
        return rng.randint(1, 400 if big else 40)

    for r in outcome:
        a = [cellv() for _ in range(6)]
        rows[r.key] = [*a, sum(a)]
    t = [sum(rows[r.key][c] for r in outcome) for c in range(7)]
    rows["handled_total"] = t
    fwd = [cellv() if rng.random() < 0.5 else 0 for _ in range(6)]
    fwd = [*fwd, sum(fwd)]
    co = [rng.randint(0, t[c] + fwd[c]) if rng.random() < 0.4 else 0 for c in range(6)]
    co = [*co, sum(co)]
    new = [t[c] + fwd[c] - co[c] for c in range(6)]
    new = [*new, sum(new)]
    rows["new"], rows["carried_over"], rows["carried_forward"] = new, co, fwd
    p4 = []
    for _ in range(3):
        g = [cellv() if rng.random() < 0.5 else 0 for _ in range(4)]
        p4 += [*g, sum(g)]
    return rows, p4


def gold_of(edition, rows, p4):
    apps = {
        "new": rows["new"][6],
        "carried_over": rows["carried_over"][6],
        "granted": rows["granted"][6],
        "handled_total": rows["handled_total"][6],
        "carried_forward": rows["carried_forward"][6],
    }
    names = ["maintained", "corrected", "other", "pending", "total"]
    g = {}
    for gi, key in enumerate(["reconsideration", "litigation_direct", "litigation_after_reconsideration"]):
        g[key] = {n: p4[gi * 5 + i] for i, n in enumerate(names)}
    return {
        "applications": apps,
        **g,
        "litigation_total": g["litigation_direct"]["total"] + g["litigation_after_reconsideration"]["total"],
    }


def fmt(v, blanks):
    return "" if (blanks and v == 0) else str(v)


def part_two(edition):
    lines = []
    for item in edition.part_two:
        lines.append(item.item.replace("（", "(").replace("）", ")") + "\t\t\t")
        lines.append("信息内容\t" + "\t".join(c.label for c in item.rows[0].columns))
        for r in item.rows:
            lines.append(r.label + "\t" + "\t".join("0" for _ in r.columns))
    return lines


P4_HEAD = [
    "行政复议\t\t\t\t\t行政诉讼",
    "结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t未经复议直接起诉\t\t\t\t\t复议后起诉",
    "\t\t\t\t\t" + "\t".join(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2),
]


def _cut(text, rng):
    """A PDF cell wrapped onto the next line: (first line, rest), the numbering never split."""
    start = len(text) - len(text.lstrip("0123456789.、()一二三四五六七 "))
    if len(text) - start < 3:
        return text, ""
    k = rng.randint(start + 1, len(text) - 2)
    return text[:k], text[k:]


def render_pdf_wrapped(edition, rows, p4, rng):
    """PDF rows whose label cells (the group's and the row's) wrap onto a line of their own after
    the numbers, each piece in its column: read line by line, the pieces interleave."""
    out = ["一、总体情况", "本年度工作稳步推进。", "三、收到和处理政府信息公开申请情况"]
    out += [HEADER3 + "\t申请人情况", "\t自然人\t法人或其他组织\t\t\t\t\t总计"]
    out += ["\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他"]
    for r in edition.rows:
        nums = "\t".join(str(v) for v in rows[r.key])
        if r.key in ("new", "carried_over", "carried_forward"):
            cells = [label_of(r), ""]
        elif r.key in GROUP_BEFORE:
            cells = [GROUP_BEFORE[r.key].replace(" ", ""), label_of(r)]
        else:
            cells = ["", label_of(r)]
        firsts, rests = zip(*(_cut(c, rng) if rng.random() < 0.7 else (c, "") for c in cells), strict=True)
        out.append("\t".join(firsts) + "\t" + nums)
        if any(rests):
            out += ["", "\t".join(rests) + "\t" * 7]
    out += ["", "四、政府信息公开行政复议、行政诉讼情况", *P4_HEAD]
    out.append("\t".join(str(v) for v in p4))
    out += ["", "五、存在的主要问题及改进情况", "无。"]
    return "\n".join(out)


def render_tab(edition, rows, p4, rng, blanks=False, split_at=None, total_only=False, pdf=False):
    out = ["一、总体情况", "本年度工作稳步推进。", "二、主动公开政府信息情况", *part_two(edition)]
    out += [
        "三、收到和处理政府信息公开申请情况",
        HEADER3 + "\t申请人情况\t\t\t\t\t\t总计",
        "\t自然人\t法人或其他组织",
        "\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他",
    ]
    for i, r in enumerate(edition.rows):
        if split_at is not None and i == split_at:
            out += [
                "",
                HEADER3 + "\t申请人情况",
                "\t自然人\t法人或其他组织\t\t\t\t\t总计",
                "\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他",
            ]
        vals = rows[r.key]
        if total_only:
            cells = [""] * 6 + [str(vals[6])]
        else:
            cells = [fmt(v, blanks) for v in vals]
        lab = label_of(r)
        if pdf and len(lab) > 4:
            k = rng.randint(2, len(lab) - 2)
            lab2 = lab[:k] + " " + lab[k:]
            lab = lab2
        pre = ""
        if r.key in GROUP_BEFORE and r.key not in ("granted",):
            out.append("\t" + GROUP_BEFORE[r.key] + "\t" * 8)
            pre = "\t\t"
        elif r.key == "granted":
            pre = GROUP_BEFORE["granted"] + "\t"
        elif r.outcome and r.key not in ("partial",):
            pre = "\t\t"
        else:
            pre = "\t" if r.key == "partial" else ""
        out.append(pre + lab + "\t" + "\t".join(cells))
    out += ["", "四、政府信息公开行政复议、行政诉讼情况", *P4_HEAD]
    out.append("\t".join(fmt(v, blanks) for v in p4))
    out += [
        "",
        "五、存在的主要问题及改进情况",
        "一是人员不足。2021年将加强培训3次。",
        "六、其他需要报告的事项",
        "无。",
    ]
    return "\n".join(out)


def render_lines(edition, rows, p4, rng, blanks=False):
    out = ["一、总体情况", "本年度工作稳步推进。", "三、收到和处理政府信息公开申请情况"]
    out += ["\t" + HEADER3, "\t申请人情况", "", "\t", "\t自然人", "\t法人或其他组织", "\t总计", ""]
    for r in edition.rows:
        out.append("\t" + label_of(r))
        for v in rows[r.key]:
            out.append("\t" + fmt(v, blanks))
        out.append("")
    out += ["", "四、政府信息公开行政复议、行政诉讼情况", "\t行政复议", "\t行政诉讼", ""]
    out += [
        "\t" + w
        for w in ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "复议后起诉"]
    ]
    out.append("")
    out += ["\t" + fmt(v, blanks) for v in p4]
    out += ["", "", "五、存在的主要问题及改进情况", "  无。"]
    return "\n".join(out)


def render_web(edition, rows, p4, rng):
    parts = [
        "当前位置：首页>政务公开>年度报告",
        "来源：县政府办 时间：2021-01-29 浏览次数：123",
        "2020年政府信息公开工作年度报告",
        "一、总体情况本年度工作稳步推进。",
        "三、收到和处理政府信息公开申请情况",
        HEADER3,
        "申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他",
    ]
    for r in edition.rows:
        parts.append(label_of(r) + "".join(str(v) for v in rows[r.key]))
    parts += [
        "四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计未经复议直接起诉复议后起诉"
        "结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计"
    ]
    parts.append("".join(str(v) for v in p4))
    parts += ["五、存在的主要问题及改进情况无。六、其他需要报告的事项无。", "附件下载 分享到："]
    return "".join(parts)


def render_markdown(edition, rows, p4, rng):
    out = [
        "## 三、收到和处理政府信息公开申请情况",
        "",
        "| " + HEADER3 + " | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in edition.rows:
        out.append("| **" + label_of(r) + "** | " + " | ".join(str(v) for v in rows[r.key]) + " |")
    out += [
        "",
        "## 四、政府信息公开行政复议、行政诉讼情况",
        "",
        "| " + " | ".join(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3) + " |",
        "|" + "---|" * 15,
        "| " + " | ".join(str(v) for v in p4) + " |",
        "",
        "## 五、存在的主要问题及改进情况",
        "无",
    ]
    return "\n".join(out)


def render_html(edition, rows, p4, rng):
    out = [
        "<h2>三、收到和处理政府信息公开申请情况</h2><table>",
        "<tr><td>" + HEADER3 + "</td><td>申请人情况</td></tr>",
    ]
    for r in edition.rows:
        out.append(
            "<tr><td><b>"
            + label_of(r)
            + "</b></td>"
            + "".join(f"<td>{v}</td>" for v in rows[r.key])
            + "</tr>"
        )
    out.append(
        "</table><h2>四、政府信息公开行政复议、行政诉讼情况</h2><table><tr>"
        + "".join(f"<td>{w}</td>" for w in ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3)
        + "</tr>"
    )
    out.append(
        "<tr>" + "".join(f"<td>{v}</td>" for v in p4) + "</tr></table><p>五、存在的主要问题及改进情况</p>"
    )
    return "".join(out)


LAYOUTS = {
    "tab": lambda e, r, p, g: render_tab(e, r, p, g),
    "tab_blank_zero": lambda e, r, p, g: render_tab(e, r, p, g, blanks=True),
    "tab_page_break": lambda e, r, p, g: render_tab(e, r, p, g, split_at=g.randint(3, 15)),
    "tab_totals_only": lambda e, r, p, g: render_tab(e, r, p, g, total_only=True),
    "tab_pdf_labels": lambda e, r, p, g: render_tab(e, r, p, g, pdf=True),
    "pdf_wrapped": render_pdf_wrapped,
    "cell_per_line": lambda e, r, p, g: render_lines(e, r, p, g),
    "cell_per_line_blank_zero": lambda e, r, p, g: render_lines(e, r, p, g, blanks=True),
    "markdown": render_markdown,
    "html": render_html,
}
SEEDS = range(25)


def _case(seed: int):
    rng = random.Random(seed)
    ed = rng.choice(template.EDITIONS)
    rows, p4 = make_truth(rng, ed, density=rng.choice([0.1, 0.3, 0.7]), big=rng.random() < 0.3)
    return rng, ed, rows, p4


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_random_tables_are_read_exactly_and_verified_in_layout(layout):
    for seed in SEEDS:
        rng, ed, rows, p4 = _case(seed)
        reading = read_tables(nfkc(LAYOUTS[layout](ed, rows, p4, rng)).text)
        assert reading.gold_facts() == gold_of(ed, rows, p4), (layout, seed, reading.problems)
        assert reading.status == "verified", (layout, seed, reading.problems)
        assert reading.edition == ed.year
        if layout != "tab_totals_only":  # there the applicant columns are not given
            assert reading.applications == {k: list(v) for k, v in rows.items()}


def test_random_run_together_web_text_is_exact_or_flagged_ambiguous_never_wrong():
    verified = 0
    for seed in range(60):
        rng, ed, rows, p4 = _case(seed)
        reading = read_tables(nfkc(render_web(ed, rows, p4, rng)).text)
        gold, facts = gold_of(ed, rows, p4), reading.gold_facts()
        for key, want in gold.items():
            got = facts[key]
            if isinstance(want, dict):
                for f, v in want.items():
                    assert got[f] in (v, None), (seed, key, f)
                    if got[f] is None:
                        assert f"part4.{key}.{f}" in reading.ambiguous
            else:
                assert got in (want, None)
        if reading.status == "verified":
            verified += 1
            assert facts == gold
        else:
            assert reading.status == "partial" and reading.ambiguous
    assert verified >= 45  # most run-together tables have one reading only


def test_project_corpus_generator_output_is_field_exact(tmp_path):
    script = ROOT / "scripts" / "make_corpus.py"
    if not script.exists():
        pytest.skip("scripts/make_corpus.py not written yet")
    out = tmp_path / "corpus"
    proc = subprocess.run(
        [sys.executable, str(script), "--reports", "60", "--seed", "3", "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    if proc.returncode != 0:
        pytest.skip(f"make_corpus.py failed: {proc.stderr[-300:]}")
    keys = ("applications", "reconsideration", "litigation_direct", "litigation_after_reconsideration")
    for g in json.loads((out / "gold.json").read_text(encoding="utf-8")):
        raw = (out / g["file"]).read_bytes().decode(g.get("encoding") or "utf-8")
        facts = read_tables(nfkc(raw).text).gold_facts()
        for k in keys:
            assert facts[k] == g[k], (g["file"], k)
        assert facts["litigation_total"] == g["litigation_total"], g["file"]
