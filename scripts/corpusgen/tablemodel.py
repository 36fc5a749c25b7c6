"""The template's tables as rows of spanned cells, and their flat grids.

A table is a ``Table(ncols, rows, header_rows, kind)``: each row a list of ``(text, rowspan, colspan,
is_number)`` cells as in HTML (positions covered by a span are absent). ``grid()`` flattens it as a
word processor's text export does: covered positions become empty cells (leading empties for merged
row labels); ``collapse_colspan`` drops the cells covered by a column span instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from .truth import COLUMN_LABELS, GROUPS, NOT_PROCESSED, OTHER_2021, OUTCOMES4, UNAVAILABLE, WITHHELD

CHECK_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
PART4_LABELS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")


@dataclass
class Table:
    kind: str  # part2 | part3 | part4
    ncols: int
    rows: list  # list[list[tuple[str, int, int, bool]]]
    header_rows: int  # leading rows that are headers (reprinted after a page break)


def c(text: str, rowspan: int = 1, colspan: int = 1) -> tuple:
    return (text, rowspan, colspan, False)


def n(value) -> tuple:
    return (format_number(value), 1, 1, True)


def format_number(value) -> str:
    if isinstance(value, float):
        return "0" if value == 0 else f"{value:.4f}".rstrip("0").rstrip(".")
    return str(value)


def format_change(value: int) -> str:
    return f"+{value}" if value > 0 else str(value)


# ----------------------------------------------------------------- part three

def _sub(i: int, text: str, dot: str) -> str:
    return f"{i}{dot}{text}"


def part3_table(rows: dict, edition: int, dot: str = "．") -> Table:
    """Three label columns, then the seven number columns."""
    def nums(row_id: str) -> list:
        return [n(v) for v in rows[row_id]]

    out_rows = len([r for r in rows if r not in ("new", "carried_over", "carried_forward")])
    body = [
        [c(CHECK_NOTE, 3, 3), c("申请人情况", 1, 7)],
        [c("自然人", 2, 1), c("法人或其他组织", 1, 5), c("总计", 2, 1)],
        [c(label) for label in COLUMN_LABELS[1:6]],
        [c("一、本年新收政府信息公开申请数量", 1, 3), *nums("new")],
        [c("二、上年结转政府信息公开申请数量", 1, 3), *nums("carried_over")],
        [c("三、本年度办理结果", out_rows, 1), c("（一）予以公开", 1, 2), *nums("granted")],
        [c("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", 1, 2), *nums("partial")],
    ]
    groups = (("（三）不予公开", "withheld", WITHHELD), ("（四）无法提供", "unavailable", UNAVAILABLE),
              ("（五）不予处理", "not_processed", NOT_PROCESSED))
    if edition != 2019:
        groups += (("（六）其他处理", "other", OTHER_2021),)
    for head, prefix, labels in groups:
        for i, label in enumerate(labels, 1):
            lead = [c(head, len(labels), 1)] if i == 1 else []
            body.append([*lead, c(_sub(i, label, dot)), *nums(f"{prefix}_{i}")])
    if edition == 2019:
        body.append([c("（六）其他处理", 1, 2), *nums("other")])
    body.append([c("（七）总计", 1, 2), *nums("handled_total")])
    body.append([c("四、结转下年度继续办理", 1, 3), *nums("carried_forward")])
    return Table("part3", 10, body, 3)


# ------------------------------------------------------------------ part four

def part4_table(part4: dict) -> Table:
    rows = [
        [c("行政复议", 1, 5), c("行政诉讼", 1, 10)],
        [*(c(label, 2, 1) for label in PART4_LABELS), c("未经复议直接起诉", 1, 5), c("复议后起诉", 1, 5)],
        [c(label) for label in PART4_LABELS * 2],
        [n(part4[g][o]) for g in GROUPS for o in OUTCOMES4],
    ]
    return Table("part4", 15, rows, 3)


# ------------------------------------------------------------------- part two

def part2_table(part2: dict) -> Table:
    """One 4-column table of blocks: item heading, column heading, data rows."""
    rows = []
    for item, block in part2.items():
        rows.append([c(item, 1, 4)])
        columns = list(next(iter(block.values())))
        rows.append([c("信息内容"), *_fill([c(col) for col in columns])])
        for label, values in block.items():
            cells = []
            for col, value in values.items():
                cells.append(c(format_change(value)) if col == "本年增/减" else n(value))
            rows.append([c(label), *_fill(cells)])
    return Table("part2", 4, rows, 0)


def _fill(cells: list) -> list:
    """Stretch the last cell over the columns left of a 4-column table."""
    if len(cells) < 3:
        text, rs, _, num = cells[-1]
        cells = [*cells[:-1], (text, rs, 4 - len(cells), num)]
    return cells


# ----------------------------------------------------------------- flattening

def grid(table: Table, collapse_colspan: bool = False) -> list[list[tuple[str, bool]]]:
    """Rows of (text, is_number) with covered positions as empty cells."""
    pending: dict[int, int] = {}  # column → rows still covered by a rowspan
    out = []
    for row in table.rows:
        cells: list[tuple[str, bool]] = []
        col = 0
        queue = list(row)
        while queue or col < table.ncols:
            if pending.get(col, 0) > 0:
                pending[col] -= 1
                cells.append(("", False))
                col += 1
                continue
            if not queue:
                break
            text, rowspan, colspan, number = queue.pop(0)
            cells.append((text, number))
            if not collapse_colspan:
                cells.extend([("", False)] * (colspan - 1))
            if rowspan > 1:
                for k in range(col, col + colspan):
                    pending[k] = rowspan - 1
            col += colspan
        out.append(cells)
    return out
