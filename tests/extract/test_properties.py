"""Property-based tests of the extractor: any text gives a facts record (never an exception), and a
record that says ``verified`` has numbers that satisfy every accounting identity of the template.

Texts are arbitrary strings, and reports rebuilt from the samples' fragments with random numbers in
their tables, lines dropped, and fragments of two samples spliced (hypothesis, derandomized)."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.extract.report import extract_facts
from indexer.extract.tables import template
from indexer.extract.tables.identities import Equation, check

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
TEXTS = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))]
STATUSES = {"verified", "inconsistent", "partial", "no_tables"}
EDITIONS = {e.year: e for e in template.EDITIONS}
GROUP = len(template.OUTCOME_COLUMNS)

PROPS = settings(max_examples=200, deadline=None, derandomize=True, database=None,
                 suppress_health_check=[HealthCheck.too_slow])


def equations(edition: template.Edition) -> list[Equation]:
    """Every identity of the edition's part three (per column, per row) and of the part-four row,
    over cells ``(row key, column index)`` / ``("part4", index)``."""
    eqs: list[Equation] = []
    width = len(template.PART_THREE_COLUMNS)
    for ident in edition.identities:
        for ci in range(width):
            eqs.append(Equation("part 3", ident.name, "", tuple(((r, ci), k) for r, k in ident.terms)))
    for row in edition.rows:
        terms = (((row.key, width - 1), 1), *(((row.key, i), -1) for i in range(width - 1)))
        eqs.append(Equation("part 3 row", row.key, "", terms))
    for gi in range(len(template.PART_FOUR_GROUPS)):
        tot = gi * GROUP + GROUP - 1
        terms = ((("part4", tot), 1), *((("part4", gi * GROUP + i), -1) for i in range(GROUP - 1)))
        eqs.append(Equation("part 4", str(gi), "", terms))
    return eqs


def cells_of(tables: dict) -> dict:
    values: dict = {}
    for key, row in (tables.get("applications") or {}).items():
        for ci, col in enumerate(tables["columns"]):
            values[(key, ci)] = row.get(col)
    for gi, group in enumerate(template.PART_FOUR_GROUPS):
        for ci, col in enumerate(template.OUTCOME_COLUMNS):
            part_four = (tables.get("part_four") or {}).get(group.key) or {}
            values[("part4", gi * GROUP + ci)] = part_four.get(col.key)
    return values


def assert_sound(facts: dict) -> None:
    assert facts["status"] in STATUSES
    assert isinstance(facts["problems"], list)
    if facts["status"] != "verified":
        return
    tables = facts["tables"]
    edition = EDITIONS[tables["edition"]]
    values = cells_of(tables)
    assert not any(v is None for v in values.values()), "verified with unknown cells"
    assert check(values, equations(edition)) == []
    apps = facts["applications"]
    assert apps["new"] + apps["carried_over"] == apps["handled_total"] + apps["carried_forward"]
    for key in ("reconsideration", "litigation_direct", "litigation_after_reconsideration"):
        g = facts[key]
        assert g["maintained"] + g["corrected"] + g["other"] + g["pending"] == g["total"], key
    assert facts["litigation_total"] == (facts["litigation_direct"]["total"]
                                         + facts["litigation_after_reconsideration"]["total"])


@PROPS
@given(st.text(max_size=300))
def test_arbitrary_text_gives_a_facts_record(text):
    assert_sound(extract_facts(text, "x.txt"))


_TOKENS = st.sampled_from([
    "一、", "二、", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况", "五、",
    "\t", "\n", " ", "0", "1", "12", "总计", "结果维持", "本年新收", "（七）总计", "2020", "年",
    "政府信息公开工作年度报告", "镇", "|", "-", "—",
])


@PROPS
@given(st.lists(_TOKENS, max_size=120))
def test_template_words_in_any_order_give_a_sound_record(tokens):
    assert_sound(extract_facts("".join(tokens), "x.txt"))


_NUMBER = re.compile(r"(?<![\d.（(第])\d{1,4}(?![\d年月日])")


@st.composite
def rewritten_reports(draw) -> str:
    """A sample with the numbers of its tables replaced by random ones, some lines dropped, and
    maybe a splice of another sample."""
    text = draw(st.sampled_from(TEXTS))
    start = text.find("三、收到和处理")
    head, tables = text[:start], text[start:]
    numbers = list(_NUMBER.finditer(tables))
    replacement = draw(st.lists(st.integers(0, 60), min_size=len(numbers), max_size=len(numbers)))
    keep = draw(st.lists(st.booleans(), min_size=len(numbers), max_size=len(numbers)))
    out, pos = [], 0
    for m, n, k in zip(numbers, replacement, keep, strict=True):
        out.append(tables[pos:m.start()])
        out.append(m.group() if k else str(n))
        pos = m.end()
    out.append(tables[pos:])
    rebuilt = head + "".join(out)
    lines = rebuilt.split("\n")
    drop = draw(st.sets(st.integers(0, len(lines) - 1), max_size=4))
    rebuilt = "\n".join(line for i, line in enumerate(lines) if i not in drop)
    if draw(st.booleans()):
        other = draw(st.sampled_from(TEXTS))
        cut_a = draw(st.integers(0, len(rebuilt)))
        cut_b = draw(st.integers(0, len(other)))
        rebuilt = rebuilt[:cut_a] + other[cut_b:]
    return rebuilt


@settings(PROPS, max_examples=100)  # about a third of these come out verified
@given(rewritten_reports())
def test_a_verified_record_satisfies_every_identity(text):
    assert_sound(extract_facts(text, "x.txt"))


def test_the_samples_are_verified_and_sound():
    """The check itself: it accepts what the extractor verifies on the samples."""
    for text in TEXTS:
        facts = extract_facts(text, "x.txt")
        assert facts["status"] == "verified"
        assert_sound(facts)
