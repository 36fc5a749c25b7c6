"""The layouts: how a document of blocks becomes the text (or HTML) of a file.

Text layouts share ``render_text`` (title, headings, paragraphs, signature) and differ in how they
print a table; ``html``, ``md`` and ``web_oneline`` have their own page renderers.
"""

from __future__ import annotations

import html as htmlmod
import random
import re

from .tablemodel import Table, grid

LAYOUTS = ("tabs", "cell_per_line", "pdf", "page_break", "blank_zero", "fullwidth_markup", "web_oneline",
           "html", "prose_pre2019", "md", "column_order", "column_cells", "pdftotext")
EXTENSIONS = {"html": "html", "md": "md"}

FULLWIDTH = str.maketrans("0123456789(),:.;", "０１２３４５６７８９（），：．；")


def pick(rng: random.Random, seq):
    return seq[rng.randrange(len(seq))]


NUMBERING = re.compile(r"^(?:\d+[.．、]\s*|[（(][一二三四五六七][）)]|[一二三四]、)")


def numbering(label: str) -> int:
    """Length of a label's leading enumerator (1． / （三） / 四、): a PDF never splits it."""
    m = NUMBERING.match(label)
    return m.end() if m else 0


def spaced(text: str, rng: random.Random) -> str:
    """PDF extraction noise: a space every two or three characters (本年 度办 理结 果)."""
    k = rng.choice((2, 3))
    return " ".join(text[i:i + k] for i in range(0, len(text), k))


# ---------------------------------------------------------------- table printers

def _texts(row) -> list[str]:
    return [t for t, _ in row]


def tabs_table(table: Table, rng: random.Random, collapse: bool) -> str:
    return "\n".join("\t".join(_texts(row)) for row in grid(table, collapse))


def cell_per_line_table(table: Table, rng: random.Random, collapse: bool) -> str:
    rows = []
    for row in grid(table, collapse):
        cells = []
        for text, number in row:
            if not number and len(text) - numbering(text) >= 6 and rng.random() < 0.15:
                cut = rng.randint(numbering(text) + 2, len(text) - 2)
                text = text[:cut] + "\n" + text[cut:]
            cells.append("\t" + text)
        rows.append("\n".join(cells))
    return "\n\n".join(rows)


def _vertical(texts: list[str]) -> list[str]:
    """Header words printed one character per line, spread over the columns (持 正 果 结)."""
    height = max(len(t) for t in texts)
    return ["\t".join(t[j] if j < len(t) else "" for t in texts) for j in range(height)]


def _halves(texts: list[str]) -> list[str]:
    first = [t[: (len(t) + 1) // 2] if len(t) > 3 else t for t in texts]
    second = [t[(len(t) + 1) // 2:] if len(t) > 3 else "" for t in texts]
    return ["\t".join(first), "", "\t".join(second)]


def pdf_table(table: Table, rng: random.Random, collapse: bool) -> str:
    lines: list[str] = []
    for ri, row in enumerate(grid(table, collapse)):
        texts = _texts(row)
        header = ri < table.header_rows
        if header and table.kind == "part4" and ri >= 1 and rng.random() < 0.6:
            lines += _vertical(texts)
            continue
        if header and rng.random() < 0.4:
            lines += _halves(texts)
            continue
        carry = [""] * len(texts)
        for k, (text, number) in enumerate(row):
            if number or len(text) < 4:
                continue
            r = rng.random()
            if r < 0.2:
                texts[k] = spaced(text, rng)
            elif r < 0.35 and len(text) - numbering(text) >= 3:
                start = numbering(text)
                cut = rng.randint(start + 1, min(start + 4, len(text) - 2))
                texts[k], carry[k] = text[:cut], spaced(text[cut:], rng)
        if rng.random() < 0.1:
            texts.append("")
        lines.append("\t".join(texts))
        if any(carry):
            lines += ["", "\t".join(carry)]
    return "\n".join(lines)


def page_break_table(table: Table, rng: random.Random, collapse: bool) -> str:
    """A table split by a page break, its header rows printed again on the next page."""
    rows = ["\t".join(_texts(row)) for row in grid(table, collapse)]
    if table.kind == "part4" or (table.kind == "part2" and rng.random() < 0.7):
        return "\n".join(rows)
    head = table.header_rows
    cut = rng.randint(head + 2, len(rows) - 2)
    page = rng.randint(2, 4)
    marker = pick(rng, ("", "\f", f"- {page} -", f"第{page}页 共{page + rng.randint(1, 4)}页", f"— {page} —"))
    reprint = rows[:head] if head else []
    if head and rng.random() < 0.5:  # the reprinted header drifts by one column, as in the wild
        reprint = ["\t" + r for r in reprint]
    return "\n".join([*rows[:cut], "", marker, *reprint, *rows[cut:]]).replace("\n\n\n", "\n\n")


def blank_zero_table(table: Table, rng: random.Random, collapse: bool) -> str:
    """Zeros printed as blank cells; all-zero rows blank, or with a lone 0, or cut short."""
    out = []
    for row in grid(table, collapse):
        numbers = [t for t, num in row if num]
        cells = [("" if num and t == "0" else t) for t, num in row]
        if numbers and all(t == "0" for t in numbers):
            r = rng.random()
            if r < 0.3:  # only the total filled, in its own column
                cells[-1] = "0"
            elif r < 0.5:  # a lone 0 straight after the labels: fewer cells than columns
                first = next(i for i, (_, num) in enumerate(row) if num)
                cells = [*cells[:first], "0"]
        while cells and cells[-1] == "" and rng.random() < 0.7:
            cells.pop()
        out.append("\t".join(cells))
    return "\n".join(out)


def fullwidth_table(table: Table, rng: random.Random, collapse: bool) -> str:
    out = []
    for row in grid(table, collapse):
        cells = []
        for text, number in row:
            text = text.translate(FULLWIDTH)
            r = rng.random()
            if text and number and r < 0.15:
                text = f"**{text}**"
            elif (text and number and r < 0.25) or (text and not number and r < 0.3):
                text = f"<b>{text}</b>"
            cells.append(text)
        out.append("\t".join(cells))
    return "\n".join(out)


def _columns(table: Table, collapse: bool) -> tuple[list[str], list[list[str]]]:
    """The text cells in reading order, and the number cells column by column (top to bottom)."""
    rows = grid(table, collapse)
    texts = [t for row in rows for t, num in row if t and not num]
    numbers = [[t for t, num in row if num] for row in rows]
    width = max(len(ns) for ns in numbers)
    return texts, [[ns[k] for ns in numbers if k < len(ns)] for k in range(width)]


def column_order_table(table: Table, rng: random.Random, collapse: bool) -> str:
    """Text extracted column by column, as some PDF tools do: every label of the table (one per
    line), then the numbers of the first number column one per line, then the next column."""
    texts, columns = _columns(table, collapse)
    sep = "\n\n" if rng.random() < 0.5 else "\n"
    return "\n".join(texts) + "\n" + sep.join("\n".join(col) for col in columns)


def column_cells_table(table: Table, rng: random.Random, collapse: bool) -> str:
    """One cell per line (the labels), then one column's numbers together on one line."""
    texts, columns = _columns(table, collapse)
    joiner = pick(rng, (" ", "  ", "\t"))
    return "\n".join("\t" + t for t in texts) + "\n" + "\n".join(joiner.join(col) for col in columns)


def _width(text: str) -> int:
    """Display width: a CJK character takes two columns in pdftotext -layout output."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _page_break(rng: random.Random, page: int) -> list[str]:
    """What pdftotext -layout prints between two pages: blank lines, the page number, a form feed
    (on the first line of the next page)."""
    number = pick(rng, (f"- {page} -", f"— {page} —", f"第 {page} 页", f"-{page}-"))
    return ["", " " * rng.randint(20, 40) + number, "", "\f"]


def pdftotext_table(table: Table, rng: random.Random, collapse: bool, blanks: bool = False) -> str:
    """``pdftotext -layout``: cells padded with runs of spaces to their column (no tabs), long labels
    wrapped inside their column, a page break inside the table (page number, form feed) and the
    header rows printed again on the next page.  ``blanks``: zeros printed as blank cells (only
    spaces where they stand: the reader cannot place the other numbers; not in the corpus mix)."""
    rows = grid(table, False)
    width = max(len(r) for r in rows)
    cols = [min(24, max((_width(r[k][0]) for r in rows if k < len(r)), default=0)) for k in range(width)]
    gap = rng.randint(2, 4)

    def cut(text: str, w: int) -> tuple[str, str]:
        """The part of a cell that fits its column, and the rest (wrapped onto the next line)."""
        k = 0
        while k < len(text) and _width(text[: k + 1]) <= w:
            k += 1
        return text[:k], text[k:]

    def line(row) -> str:
        out, rest = "", []
        for k, (text, num) in enumerate(row):
            if not num and _width(text) > cols[k]:
                text, more = cut(text, cols[k])
                rest.append((k, more))
            out += text + " " * (cols[k] - _width(text) + gap)
        if rest:  # a long label wraps inside its column, like the PDF's cell
            wrapped = [("", False)] * len(row)
            for k, more in rest:
                wrapped[k] = (more, False)
            return out.rstrip() + "\n" + line(wrapped)
        return out.rstrip()

    if blanks:
        rows = [[("" if num and t == "0" else t, num) for t, num in r] for r in rows]
    lines = [line(r) for r in rows]
    head = table.header_rows
    if len(rows) > head and table.kind != "part2" and rng.random() < 0.8:
        cut = rng.randint(head, len(rows) - 1)  # part four: between its header and its row
        page = _page_break(rng, rng.randint(2, 5))
        page[-1] += lines[0] if head else ""
        lines = [*lines[:cut], *page, *lines[1:head], *lines[cut:]]
    return "\n".join(lines)


TABLE_PRINTERS = {"tabs": tabs_table, "cell_per_line": cell_per_line_table, "pdf": pdf_table,
                  "page_break": page_break_table, "blank_zero": blank_zero_table,
                  "fullwidth_markup": fullwidth_table, "prose_pre2019": tabs_table,
                  "column_order": column_order_table, "column_cells": column_cells_table,
                  "pdftotext": pdftotext_table}


# ------------------------------------------------------------------ text pages

def heading_text(kind: str, text: str, style: str, rng: random.Random) -> str:
    if style == "md":
        return ("#" * (pick(rng, (2, 2, 3, 4)) if kind == "h1" else pick(rng, (3, 3, 2, 4)))) + " " + text
    if style == "bold":
        return f"<b>{text}</b>" if kind == "h1" else (f"**{text}**" if rng.random() < 0.3 else text)
    return text


def render_text(blocks: list, layout: str, rng: random.Random) -> str:
    style = pick(rng, ("plain", "plain", "md", "bold"))
    sep = "\n\n" if rng.random() < 0.75 else "\n"
    indent = "  " if sep == "\n" and rng.random() < 0.6 else ""
    collapse = rng.random() < 0.3
    printer = TABLE_PRINTERS[layout]
    out = []
    for block in blocks:
        kind = block[0]
        if kind == "title":
            head = block[1]
            if len(block) > 2 and block[2]:
                head = re.sub(r"工作(的?)年度报告", r"工作\1\n年度报告", head)  # wrapped over two lines
            out.append(("\n\n" if rng.random() < 0.5 else "") + ("# " if style == "md" else "") + head)
        elif kind in ("h1", "h2"):
            out.append(heading_text(kind, block[1], style, rng))
        elif kind == "p":
            text = block[1]
            if layout == "pdf" and len(text) > 60 and rng.random() < 0.3:  # a page-wrapped paragraph
                cut = rng.randint(20, len(text) - 20)
                if "http" not in text and not (text[cut - 1].isascii() or text[cut].isascii()):
                    text = text[:cut] + "\n\n" + text[cut:]
            if layout == "fullwidth_markup" and "http" not in text and rng.random() < 0.5:
                text = text.translate(FULLWIDTH)
            out.append(indent + text)
        elif kind == "table":
            out.append(printer(block[1], rng, collapse))
        elif kind == "sign":
            out.append(sep.join(block[1]))
    return sep.join(out) + "\n"


# ----------------------------------------------------------------- markdown

def repeat_grid(table: Table) -> list[list[tuple[str, bool]]]:
    """The grid with a merged cell's text in every position it covers (some converters do so)."""
    rows: list[list[tuple[str, bool]]] = []
    covered: dict[tuple[int, int], tuple[str, bool]] = {}
    for ri, row in enumerate(table.rows):
        out: list[tuple[str, bool]] = []
        queue = list(row)
        col = 0
        while queue or (ri, col) in covered:
            if (ri, col) in covered:
                out.append(covered[(ri, col)])
                col += 1
                continue
            text, rowspan, colspan, number = queue.pop(0)
            for r in range(ri, ri + rowspan):
                for k in range(col, col + colspan):
                    covered[(r, k)] = (text, number)
            out.append((text, number))
            col += 1
            for _ in range(colspan - 1):
                out.append((text, number))
                col += 1
        rows.append(out)
    return rows


def md_table(table: Table, blanks: bool = False, merged: str = "empty") -> str:
    """A pipe table as a document converter writes it, the ``| --- |`` rule after the first row.
    A merged cell's covered positions: ``empty`` cells, its text ``repeat`` ed, or ``collapse`` d
    (a column span printed once); ``blanks``: zeros left empty."""
    cells = repeat_grid(table) if merged == "repeat" else grid(table, merged == "collapse")
    rows = [[("" if blanks and num and t == "0" else t.replace("|", "｜")) for t, num in row]
            for row in cells]
    lines = ["| " + " | ".join(r) + " |" for r in rows]
    lines.insert(1, "|" + " --- |" * table.ncols)
    return "\n".join(lines)


def render_md(blocks: list, rng: random.Random) -> str:
    blanks = rng.random() < 0.5  # converters often leave a zero cell empty
    merged = pick(rng, ("empty", "empty", "repeat", "collapse"))
    out = []
    for block in blocks:
        kind = block[0]
        if kind == "title":
            out.append("# " + block[1])
        elif kind == "h1":
            out.append("## " + block[1])
        elif kind == "h2":
            out.append(pick(rng, ("### {}", "### {}", "**{}**")).format(block[1]))
        elif kind == "p":
            out.append(block[1])
        elif kind == "table":
            out.append(md_table(block[1], blanks, merged))
        elif kind == "sign":
            out.append("\n\n".join(block[1]))
    return "\n\n".join(out) + "\n"


# ---------------------------------------------------------------------- HTML

def html_table(table: Table) -> str:
    esc = htmlmod.escape
    rows = []
    for row in table.rows:
        cells = []
        for text, rowspan, colspan, _ in row:
            attrs = f' rowspan="{rowspan}"' if rowspan > 1 else ""
            attrs += f' colspan="{colspan}"' if colspan > 1 else ""
            cells.append(f"<td{attrs}>{esc(text) or '&nbsp;'}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    head = '<table border="1" cellspacing="0" cellpadding="2" class="MsoNormalTable">\n'
    return head + "\n".join(rows) + "\n</table>"


ICP_PREFIX = dict(zip(
    ("北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省", "上海市",
     "江苏省", "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省",
     "广西壮族自治区", "海南省", "重庆市", "四川省", "贵州省", "云南省", "西藏自治区", "陕西省", "甘肃省",
     "青海省", "宁夏回族自治区", "新疆维吾尔自治区"),
    "京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川黔滇藏陕甘青宁新", strict=True))


COLUMNS = ("政府信息公开年报", "政府信息公开", "年度报告", "政府信息公开工作年度报告")


def chrome(ctx, rng: random.Random) -> dict:
    """Web page furniture: site name, breadcrumbs, source/time line, footer."""
    site = f"{ctx.place.county_ref}人民政府"
    time = f"{ctx.published} {rng.randint(8, 18):02d}:{rng.randint(0, 59):02d}" if ctx.published else ""
    info = f"来源：{pick(rng, (ctx.body, site + '办公室', site))}"
    if getattr(ctx, "header_body", False):
        info = f"发布机构：{ctx.body}"
    if time:
        info += f" 时间：{time}"
    info += f" 浏览次数：{rng.randint(3, 2000)}"
    return {
        "site": site,
        "nav": ["首页", "政务公开", "政务服务", "互动交流", "走进" + ctx.place.county],
        "crumbs": f"当前位置：首页 > 政务公开 > {pick(rng, COLUMNS)} > 正文",
        "info": info,
        "tools": "【字体：大 中 小】【打印】【关闭】",
        "share": "分享到：微信 微博 QQ空间",
        "attach": f"附件下载：{ctx.year}年政府信息公开工作年度报告.pdf" if rng.random() < 0.5 else "",
        "url": f"本页网址：{ctx.source_url}" if ctx.source_url and not ctx.url_in_text else "",
        "footer": (f"主办：{site}办公室 承办：{site}政务服务中心 "
                   f"网站标识码：{rng.randint(1000000000, 9999999999)} "
                   f"ICP备案号：{ICP_PREFIX.get(ctx.place.province, '')}ICP备"
                   f"{rng.randint(10000000, 99999999)}号"),
    }


def render_html(blocks: list, ctx, rng: random.Random, charset: str) -> str:
    esc = htmlmod.escape
    ch = chrome(ctx, rng)
    title = next(b[1] for b in blocks if b[0] == "title")
    body = []
    for block in blocks:
        kind = block[0]
        if kind == "title":
            continue
        if kind == "h1":
            body.append(pick(rng, (f"<h2>{esc(block[1])}</h2>", f"<p><strong>{esc(block[1])}</strong></p>")))
        elif kind == "h2":
            body.append(pick(rng, (f"<h3>{esc(block[1])}</h3>", f"<p><b>{esc(block[1])}</b></p>")))
        elif kind == "p":
            body.append(f'<p style="text-indent:2em">{esc(block[1])}</p>')
        elif kind == "table":
            body.append(html_table(block[1]))
        elif kind == "sign":
            body += [f'<p style="text-align:right">{esc(line)}</p>' for line in block[1]]
    nav = "".join(f'<li><a href="#">{esc(x)}</a></li>' for x in ch["nav"])
    extras = "".join(f"<p>{esc(ch[k])}</p>" for k in ("attach", "url") if ch[k])
    return (
        f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="{charset}">\n'
        f"<title>{esc(title)}_{esc(ch['site'])}</title>\n</head>\n<body>\n"
        f'<div class="header"><div class="logo">{esc(ch["site"])}</div><ul class="nav">{nav}</ul></div>\n'
        f'<div class="crumbs">{esc(ch["crumbs"])}</div>\n<div class="article">\n<h1>{esc(title)}</h1>\n'
        f'<div class="info">{esc(ch["info"])} <span class="tools">{esc(ch["tools"])}</span></div>\n'
        f'<div class="content">\n' + "\n".join(body) + "\n</div>\n"
        f'{extras}<div class="share">{esc(ch["share"])}</div>\n</div>\n'
        f'<div class="footer">{esc(ch["footer"])}</div>\n</body>\n</html>\n'
    )


# --------------------------------------------------------------- one-line web

def oneline_table(table: Table) -> str:
    """Cells run together: no separator at all for parts three and four, spaces in part two."""
    joiner = " " if table.kind == "part2" else ""
    return joiner.join(t for row in grid(table) for t in _texts(row) if t)


def render_web_oneline(blocks: list, ctx, rng: random.Random) -> str:
    ch = chrome(ctx, rng)
    pieces = [ch["site"], " ".join(ch["nav"]), ch["crumbs"]]
    title = next(b[1] for b in blocks if b[0] == "title")
    pieces += [("标题：" if getattr(ctx, "title_label", False) else "") + title, ch["info"], ch["tools"]]
    for block in blocks:
        kind = block[0]
        if kind in ("h1", "h2", "p"):
            pieces.append(block[1])
        elif kind == "table":
            pieces.append(oneline_table(block[1]))
        elif kind == "sign":
            pieces += block[1]
    pieces += [ch["attach"], ch["url"], ch["share"], "【打印】【关闭】", ch["footer"]]
    joiner = pick(rng, (" ", "", "  "))
    return joiner.join(p for p in pieces if p).replace("\n", " ") + "\n"
