"""A report saved as an HTML page → the report's text, in the shape the text reports have.

* ``<table>`` rows become one line each, cells separated by tabs; a cell spanning n columns is followed
  by n-1 empty cells, and a cell spanning rows leaves an empty cell in the rows below it (the layout
  the table reader already handles in text reports). A table holding another table is layout, not
  data: its cells are rendered as blocks.
* Block elements become line breaks; entities are decoded; scripts, styles, forms and hidden elements
  are dropped.
* Pages saved from government sites wrap the report in navigation, menus, share buttons and footers.
  The report is the smallest element that holds most of the template's six part headings (as lines of
  their own: a sentence listing the parts does not count), climbing to take in the title line
  (…年度报告) when it stands just outside; failing that, the element with the most text outside
  links. The page's "来源：… 时间：…" line, when it sits outside that element, is kept as the first
  line of the output, ahead of the title, so that ``meta.read_meta`` can read the publication date
  from it.

The page is parsed by lxml (libxml2's HTML parser): measured against the standard library's
``html.parser``, selectolax and trafilatura on the generator's pages, the same pages made hostile
and the samples saved as pages (``scripts/measure_html.py``, README "Formats"), it reads as exactly
as the others with these rules and twice as fast as ``html.parser``; it recovers from any markup and
never raises on it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, cast

from lxml import etree  # type: ignore[import-untyped]

__all__ = ["html_to_text"]

_DROP = frozenset({"script", "style", "noscript", "template", "head", "title", "iframe", "svg", "canvas",
                   "select", "button", "form", "object", "video", "audio", "map"})
_BLOCK = frozenset({"address", "article", "aside", "blockquote", "body", "center", "dd", "div", "dl", "dt",
                    "fieldset", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
                    "header", "hr", "html", "li", "main", "nav", "ol", "p", "pre", "section", "table",
                    "tbody", "thead", "tfoot", "tr", "ul", "caption"})
# Elements whose class/id says they are page chrome.
_CHROME_ATTR = re.compile(
    r"nav|menu|share|footer|foot|breadcrumb|crumb|position|location|weizhi|toolbar|print|close|"
    r"related|xgwz|pager|page-?num|fenxiang|bdshare|jiathis|sidebar|topbar|login|search|copyright|banner",
    re.IGNORECASE,
)
_CHROME_TEXT = re.compile(
    r"^(?:分享到|打印本页|打印|关闭窗口|关闭|返回顶部|【?字体[:：]|【?字号[:：]|当前位置|您的位置|[【\[]?大\s*中\s*小[】\]]?$|"
    r"扫一扫|收藏|相关链接|附件下载[:：]?$|上一篇|下一篇)"
)
_META_LINE = re.compile(r"(?:来源|发布机构|发布时间|发布日期|时间|日期)\s*[:：]")
_PARTS = ("总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况", "行政复议", "存在的主要问题",
          "其他需要报告的事项")
_TITLE = re.compile(r"(?:信息公开|政务公开)[^\n]{0,12}?年度报告|年度报告")


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str]
    children: list[_Node | str] = field(default_factory=list)
    parent: _Node | None = None


# huge_tree: libxml2 otherwise stops at 256 levels of nesting (and 10 MB text nodes) and silently
# drops the rest of the page; saved pages from some CMSs nest that deep.
_PARSER = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True,
                           recover=True, huge_tree=True)


def _parse(html: str) -> _Node:
    """The page as a tree of ``_Node``: libxml2's HTML parser (it recovers from any markup: unclosed
    cells, stray end tags), copied once into plain nodes that the rules below walk. The text goes in
    as UTF-8 bytes with the encoding given, so a ``<meta charset>`` or an XML declaration in the page
    cannot make the parser decode it again."""
    root = _Node("#root", {})
    top = etree.HTML(html.encode("utf-8", "replace"), _PARSER)
    if top is None:  # nothing but whitespace or comments
        return root
    # Iterative (a page nested thousands deep must not exhaust the stack): an item is an element to
    # copy under a node, or an element's tail, which is text of its parent after it.
    stack: list[tuple[Any, _Node] | tuple[str, _Node]] = [(top, root)]
    while stack:
        el, parent = stack.pop()
        if isinstance(el, str):
            parent.children.append(el)
            continue
        if not isinstance(el.tag, str):  # an entity or comment the parser kept
            continue
        node = _Node(el.tag.lower(), {str(k).lower(): str(v) for k, v in el.attrib.items()}, parent=parent)
        parent.children.append(node)
        if el.text:
            node.children.append(el.text)
        for ch in reversed(el):  # pushed in reverse: they come off the stack in order
            if ch.tail:
                stack.append((ch.tail, node))
            stack.append((ch, node))
    return root


def _hidden(node: _Node) -> bool:
    style = node.attrs.get("style", "").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style or "hidden" in node.attrs


def _is_chrome(node: _Node) -> bool:
    if node.tag in ("nav", "footer"):
        return True
    ident = f"{node.attrs.get('class', '')} {node.attrs.get('id', '')}"
    return bool(ident.strip()) and bool(_CHROME_ATTR.search(ident))


def _prune(root: _Node) -> None:
    """Drop what is never report text: scripts, styles, forms, hidden elements. (This walk and the
    others below keep their own stack, as ``_parse`` does: a page nested deeper than Python's
    recursion limit is read like any other.)"""
    stack = [root]
    while stack:
        node = stack.pop()
        node.children = [ch for ch in node.children
                         if not (isinstance(ch, _Node) and (ch.tag in _DROP or _hidden(ch)))]
        stack.extend(ch for ch in node.children if isinstance(ch, _Node))


def _strings(node: _Node, breaks: frozenset[str]) -> list[str]:
    """The strings under ``node`` in document order, with a line break before each element whose tag
    is in ``breaks`` (a stack, not recursion: see :func:`_prune`)."""
    out: list[str] = []
    stack = node.children[::-1]  # popped in document order
    while stack:
        ch = stack.pop()
        if isinstance(ch, str):
            out.append(ch)
        else:
            if ch.tag in breaks:
                out.append("\n")
            stack.extend(ch.children[::-1])
    return out


_TEXT_BREAKS = frozenset(_BLOCK) | {"br", "td", "th"}
_RAW_BREAKS = frozenset({"br"})


def _text(node: _Node) -> str:
    return re.sub(r"[ \t\xa0\u3000]+", " ", "".join(_strings(node, _TEXT_BREAKS)))


def _texts_and_links(root: _Node) -> tuple[dict[int, str], dict[int, int]]:
    """``_text`` of every element under ``root`` and the length of its link text (``<a>`` children and
    theirs), in one bottom-up pass, by ``id``: the main-block and meta-line searches need them for
    every element, and a walk per element is quadratic in the page's depth."""
    raw: dict[int, str] = {}
    links: dict[int, int] = {}
    for n in reversed(_elements(root)):  # children before their parents
        pieces: list[str] = []
        n_links = 0
        for ch in n.children:
            if isinstance(ch, str):
                pieces.append(ch)
                continue
            if ch.tag in _BLOCK or ch.tag in ("br", "td", "th"):
                pieces.append("\n")
            pieces.append(raw[id(ch)])
            n_links += len(_WS.sub(" ", raw[id(ch)]).strip()) if ch.tag == "a" else links[id(ch)]
        raw[id(n)] = "".join(pieces)
        links[id(n)] = n_links
    return {k: _WS.sub(" ", v) for k, v in raw.items()}, links


_WS = re.compile(r"[ \t\xa0\u3000]+")


def _elements(node: _Node) -> list[_Node]:
    found: list[_Node] = []
    stack = [node]
    while stack:
        n = stack.pop()
        found.append(n)
        stack.extend(ch for ch in reversed(n.children) if isinstance(ch, _Node))
    return found


def _depth(node: _Node) -> int:
    d = 0
    while node.parent is not None:
        node, d = node.parent, d + 1
    return d


_NUMBERING = re.compile(r"^[\s(（]*(?:[一二三四五六七八九十]+|\d+)[、.．)）]?\s*")


def _n_headings(text: str) -> int:
    """How many of the six part headings start a line of ``text`` ("一、总体情况", "总体情况"). A
    sentence that lists the parts ("全文包括总体情况，主动公开…六个部分") is not a heading."""
    squeezed = _SPACES.sub("", text)
    if not any(p in squeezed for p in _PARTS):  # most elements: no part name at all
        return 0
    found: set[str] = set()
    for line in text.split("\n"):
        line = _SPACES.sub("", line)
        if any(p in line for p in _PARTS):
            line = _NUMBERING.sub("", line)
            found.update(p for p in _PARTS if line.startswith(p))
    return len(found)


_SPACES = re.compile(r"\s+")


def _has_title_line(text: str) -> bool:
    """Does ``text`` hold the report's title as a line of its own ahead of the first part heading?
    A sentence that merely names a report ("…《政府信息公开工作年度报告格式》…", "现将…年度报告公布
    如下") does not count, nor does a line further down."""
    for line in text.split("\n"):
        if _n_headings(line):
            return False
        if len(line.strip()) <= 80 and _TITLE.search(line) and "《" not in line and "。" not in line:
            return True
    return False


def _main_block(root: _Node, texts: dict[int, str], links: dict[int, int]) -> _Node:
    """The element holding the report (see the module docstring)."""
    elements = [e for e in _elements(root) if e.tag not in ("a", "span", "b", "strong", "font", "em", "i")]

    parts = {id(e): _n_headings(texts[id(e)]) for e in elements}
    best = max(parts.values(), default=0)
    if best >= 3:
        holders = [e for e in elements if parts[id(e)] == best]
        block = max(holders, key=_depth)  # the smallest element holding them all
        # Climb to include the title when it sits just outside (an <h1> beside the content <div>),
        # but not into the page: stop when the climb would add more link text than report text.
        cur = block
        while not _has_title_line(texts[id(cur)]) and cur.parent is not None:
            parent = cur.parent
            extra = len(texts[id(parent)]) - len(texts[id(cur)])
            if links[id(parent)] - links[id(cur)] > max(200, extra // 2):
                break
            cur = parent
        return cur if _has_title_line(texts[id(cur)]) else block

    def score(e: _Node) -> float:
        t = len(re.sub(r"\s+", "", texts[id(e)]))
        n_links = links[id(e)]
        return (t - n_links) * (1 - n_links / t if t else 0)

    boxes = ("div", "td", "article", "section", "main", "body", "#root")
    candidates = [e for e in elements if e.tag in boxes]
    if not candidates:
        return root
    top = max(score(e) for e in candidates)
    good = [e for e in candidates if score(e) >= 0.8 * top]
    return max(good, key=_depth)


# --- rendering --------------------------------------------------------------------------------------


class _Renderer:
    """Lines out of nodes: one line per block, one line per table row, a blank line around tables."""

    def __init__(self, skip: _Node | None = None) -> None:
        self.lines: list[str] = []
        self.buf: list[str] = []
        self.skip = skip

    def flush(self) -> None:
        line = re.sub(r"[ \xa0\u3000]+", " ", "".join(self.buf)).strip(" ")
        self.buf = []
        if line:
            self.lines.append(line)

    def blank(self) -> None:
        self.flush()
        if self.lines and self.lines[-1] != "":
            self.lines.append("")

    def raw_line(self, line: str) -> None:
        self.flush()
        self.lines.append(line)

    def node(self, n: _Node, skip_chrome: bool = True) -> None:
        """Render ``n``; with ``skip_chrome`` its chrome descendants (never ``n`` itself) are left out."""
        self._node(n, skip_chrome, top=True)

    def _node(self, n: _Node, skip_chrome: bool, top: bool = False) -> None:
        # A stack of what is left to render, in reverse: (element, skip_chrome, top), a text, or
        # a flush or blank line due after an element's children.
        work: list[tuple[_Node, bool, bool] | str | object] = [(n, skip_chrome, top)]
        while work:
            item = work.pop()
            if isinstance(item, str):
                self.buf.append(re.sub(r"\s+", " ", item))
                continue
            if item is _FLUSH:
                self.flush()
                continue
            if item is _BLANK:
                self.blank()
                continue
            n, skip_chrome, top = cast(tuple[_Node, bool, bool], item)
            if n is self.skip or (skip_chrome and not top and _is_chrome(n)):
                continue
            if n.tag == "table":
                self.blank()
                work.append(_BLANK)
                # a layout table's cells are rendered as blocks, with chrome left out
                work.extend((e, True, False) for e in reversed(self.table(n)))
                continue
            if n.tag == "pre":
                self.flush()
                for line in "".join(_raw_strings(n)).split("\n"):
                    self.raw_line(line.rstrip())
                continue
            if n.tag in _BLOCK:
                self.flush()
                work.append(_FLUSH)
            for ch in reversed(n.children):
                if isinstance(ch, str):
                    work.append(ch)
                elif ch.tag == "br":
                    work.append(_FLUSH)
                else:
                    work.append((ch, skip_chrome, False))

    def table(self, t: _Node) -> list[_Node]:
        """Render a data table's rows; a layout table (one holding another, or without rows) renders
        nothing here and gives the elements to render as blocks instead."""
        rows = [r for r in _elements(t) if r.tag == "tr" and _owner_table(r) is t]
        nested = any(e.tag == "table" for r in rows for e in _elements(r)[1:])
        if nested or not rows:  # a layout table: its cells are blocks
            return [e for e in t.children if isinstance(e, _Node)]
        pending: dict[int, int] = {}  # column → rows still covered by a rowspan from above
        for r in rows:
            cells = [c for c in r.children if isinstance(c, _Node) and c.tag in ("td", "th")]
            out: list[str] = []
            col = 0
            for c in cells:
                col = _fill_spans(pending, col, out)
                text = re.sub(r"\s+", " ", _cell_text(c)).strip()
                colspan = _span(c.attrs.get("colspan"))
                rowspan = _span(c.attrs.get("rowspan"))
                for k in range(colspan):
                    out.append(text if k == 0 else "")
                    if rowspan > 1:
                        pending[col] = rowspan - 1
                    col += 1
            _fill_spans(pending, col, out)
            self.raw_line("\t".join(out))
        return []


_FLUSH, _BLANK = object(), object()  # the renderer's markers: end the line; end it and leave a blank one


def _fill_spans(pending: dict[int, int], col: int, out: list[str]) -> int:
    """Emit the empty cells that rowspans from the rows above hold at ``col``; the next free column."""
    while pending.get(col, 0) > 0:
        pending[col] -= 1
        out.append("")
        col += 1
    return col


def _owner_table(n: _Node) -> _Node | None:
    p = n.parent
    while p is not None and p.tag != "table":
        p = p.parent
    return p


def _span(v: str | None) -> int:
    try:
        return max(1, min(int((v or "1").strip()), 100))
    except ValueError:
        return 1


def _cell_text(c: _Node) -> str:
    return _text(c).replace("\n", " ")


def _raw_strings(n: _Node) -> list[str]:
    return _strings(n, _RAW_BREAKS)


def _meta_node(root: _Node, texts: dict[int, str]) -> _Node | None:
    """The page's "来源：… 时间：…" element: short, holding a year, not in a table, and ahead of the
    report's first part heading in the page."""
    page = texts[id(root)]
    first_part = min((i for i in (page.find(p) for p in _PARTS) if i >= 0), default=len(page))
    for e in _elements(root):
        if e.tag in ("#root", "html", "body", "table", "tr", "td", "th") or _owner_table(e) is not None:
            continue
        t = re.sub(r"\s+", " ", texts[id(e)]).strip()
        if not (0 < len(t) <= 120 and _META_LINE.search(t) and re.search(r"(?:19|20)\d{2}", t)):
            continue
        if any(isinstance(ch, _Node) and _META_LINE.search(texts[id(ch)])
               and ch.tag not in ("span", "font", "em", "b", "strong", "i", "label", "a")
               for ch in e.children):
            continue  # a smaller element holds it
        pos = page.find(texts[id(e)].strip()[:20])
        if 0 <= pos < first_part:
            return e
    return None


def _page_title(root: _Node) -> str | None:
    for e in _elements(root):
        if e.tag == "title":
            t = re.split(r"[_|]| - ", _text(e).strip())[0].strip()
            return t if _TITLE.search(t) else None
    return None


def html_to_text(html: str) -> str:
    """The report text of an HTML page: tables as tab-separated lines, chrome left out, the page's
    "来源：… 时间：…" line first (see the module docstring)."""
    return _tree_to_text(_parse(html))


def _tree_to_text(root: _Node) -> str:
    """The report text of a parsed page (``scripts/measure_html.py`` feeds it other parsers' trees)."""
    page_title = _page_title(root)
    _prune(root)
    texts, links = _texts_and_links(root)
    block = _main_block(root, texts, links)
    meta = _meta_node(root, texts)
    r = _Renderer(skip=meta)
    if meta is not None:
        r.buf.append(re.sub(r"\s+", " ", texts[id(meta)]).strip())
        r.flush()
    r.node(block, skip_chrome=True)
    r.flush()
    lines = [ln for ln in r.lines if not _CHROME_TEXT.match(ln.strip())]
    if page_title and not any(_has_title_line(ln) for ln in lines[:12]):
        lines.insert(1 if meta is not None else 0, page_title)
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n" if lines else ""
