#!/usr/bin/env python3
"""Measure HTML readers on saved report pages: field-exact accuracy and ms per page.

    python scripts/measure_html.py [--reports 200] [--seed 1] [--repeat 3] [--json out.json]

Readers (each turns a page's text into report text; the same extractor then reads the facts):

* ``lxml``         indexer.extract.html as it is: libxml2's HTML parser (lxml), then nianbao's
                   main-block, table and chrome rules
* ``stdlib``       the reader's former parser (the standard library's html.parser, a forgiving tree
                   builder), then the same rules
* ``selectolax``   selectolax's Lexbor (HTML5) parser building the same tree, then the same rules
* ``trafilatura``  trafilatura.extract (main-content extraction, tables included; its title and
                   date put first, its `` | `` table cells turned into tabs: a fair adapter)

Times are ms per page, whole reader and (for the tree builders) the parse alone, and each reader's
ratio to the first. Pages: the generator's ``html`` layout (scripts/corpusgen/render.py), the same
pages made hostile (unclosed cells and paragraphs, upper-case tags, a layout table around the
article, comments, scripts and an iframe holding fake part headings, a sidebar of links), and the
sample corpus's reports saved as pages (tab rows as ``<table>``, other lines as ``<p>``, with page chrome).
A reader that is not installed is skipped and said so.
"""

from __future__ import annotations

import argparse
import html as htmlmod
import json
import random
import re
import sys
import time
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for p in (ROOT, ROOT / "scripts"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

from accuracy import evaluate  # noqa: E402

from indexer.extract import html as reader  # noqa: E402
from indexer.extract.read import decode  # noqa: E402

Reader = Callable[[str], str]
Parser = Callable[[str], "reader._Node"]


# ---------------------------------------------------------------------------------------- readers

def _node(tag: str, attrs: dict[str, str], parent: reader._Node | None) -> reader._Node:
    n = reader._Node(tag.lower(), {k.lower(): v or "" for k, v in attrs.items()}, parent=parent)
    if parent is not None:
        parent.children.append(n)
    return n


_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
                   "source", "track", "wbr"})


class _StdlibTree(HTMLParser):
    """The reader's former parser: a forgiving DOM over html.parser (unknown end tags ignored,
    unclosed elements closed with their parent)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = reader._Node("#root", {})
        self.cur = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = tag.lower()
        if tag in ("p", "li", "tr", "td", "th", "option", "dt", "dd"):
            self._implicit_close(tag)
        node = reader._Node(tag, {k.lower(): (v or "") for k, v in attrs}, parent=self.cur)
        self.cur.children.append(node)
        if tag not in _VOID:
            self.cur = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = reader._Node(tag.lower(), {k.lower(): (v or "") for k, v in attrs}, parent=self.cur)
        self.cur.children.append(node)

    def _implicit_close(self, tag: str) -> None:
        """<p> inside an open <p>, <td> after an unclosed <td>…: close the open one first."""
        stops = {"td": ("tr", "table"), "th": ("tr", "table"), "tr": ("table", "tbody", "thead", "tfoot"),
                 "li": ("ul", "ol"), "p": ("div", "td", "th", "li", "body"), "option": ("select",),
                 "dt": ("dl",), "dd": ("dl",)}[tag]
        same = {"td": ("td", "th"), "th": ("td", "th")}.get(tag, (tag,))
        node: reader._Node | None = self.cur
        while node is not None and node.tag not in stops:
            if node.tag in same:
                self.cur = node.parent or self.root
                return
            node = node.parent

    def handle_endtag(self, tag: str) -> None:
        tag = tag.lower()
        node: reader._Node | None = self.cur
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None:
            self.cur = node.parent or self.root

    def handle_data(self, data: str) -> None:
        self.cur.children.append(data)


def stdlib_parser() -> Parser:
    def parse(page: str) -> reader._Node:
        builder = _StdlibTree()
        builder.feed(page)
        builder.close()
        return builder.root
    return parse


def selectolax_parser() -> Parser:
    from selectolax.lexbor import LexborHTMLParser

    def convert(node, parent: reader._Node) -> None:
        child = node.child
        while child is not None:
            tag = child.tag
            if tag == "-text":
                parent.children.append(child.text_content or "")
            elif not tag.startswith(("_", "!", "-")):
                convert(child, _node(tag, dict(child.attributes), parent))
            child = child.next

    def parse(page: str) -> reader._Node:
        root = reader._Node("#root", {})
        tree = LexborHTMLParser(page)
        if tree.root is not None:
            convert(tree.root, _node(tree.root.tag, dict(tree.root.attributes), root))
        return root
    return parse


def trafilatura_reader() -> Reader:
    import trafilatura

    def read(page: str) -> str:
        doc = trafilatura.bare_extraction(page, include_tables=True, favor_recall=True,
                                          include_comments=False, with_metadata=True)
        if doc is None:
            return ""
        text = doc.text or ""
        lines = [ln.strip().strip("|").replace(" | ", "\t").strip() if ln.startswith("|") else ln
                 for ln in text.splitlines()]
        head = [x for x in (doc.date and f"时间：{doc.date}", doc.title) if x]
        return "\n".join(head + lines) + "\n"
    return read


# The tree builders the rules of indexer/extract/html.py run on (each page to the same _Node tree).
PARSERS: dict[str, Callable[[], Parser]] = {
    "lxml": lambda: reader._parse,
    "stdlib": stdlib_parser,
    "selectolax": selectolax_parser,
}


def tree_reader(parse: Parser) -> Reader:
    return lambda page: reader._tree_to_text(parse(page))


READERS: dict[str, Callable[[], Reader]] = {
    **{name: (lambda make=make: tree_reader(make())) for name, make in PARSERS.items()},
    "trafilatura": trafilatura_reader,
}


# ------------------------------------------------------------------------------------------ pages

def hostile(page: str, rng: random.Random) -> str:
    """The same report saved by a worse CMS: markup real portals produce."""
    page = re.sub(r"</(td|p|li)>", "", page)  # optional end tags left out
    page = re.sub(r"<(/?)(table|tr|td|p|div|h1)\b", lambda m: f"<{m[1]}{m[2].upper()}", page)
    page = page.replace('<div class="article">', '<table class="layout" width="100%"><tr><td width="20%">'
                        + "".join(f'<a href="/l{i}">栏目链接{i}</a><br>' for i in range(rng.randint(5, 30)))
                        + '</td><td><!-- 正文开始 --><div class="article">', 1)
    page = page.replace('<div class="footer">', "<!-- 正文结束 --></td></tr></table>\n"
                        '<script>document.write("<p>一、总体情况</p><p>二、主动公开政府信息情况</p>'
                        '<p>三、收到和处理政府信息公开申请情况</p>");</script>'
                        '<iframe src="/tj.html"><p>一、总体情况</p><p>四、行政复议</p></iframe>'
                        '<div class="footer">', 1)
    return page


def sample_page(text: str, rng: random.Random) -> str:
    """A sample report (text) as a saved page: tab rows as table rows, other lines as paragraphs."""
    esc = htmlmod.escape
    body: list[str] = []
    rows: list[str] = []
    for line in text.splitlines():
        if "\t" in line:
            cells = "".join(f"<td>{esc(c) or '&nbsp;'}</td>" for c in line.split("\t"))
            rows.append(f"<tr>{cells}</tr>")
            continue
        if rows:
            body.append('<table border="1">' + "\n".join(rows) + "</table>")
            rows = []
        if line.strip():
            body.append(f"<p>{esc(line)}</p>")
    if rows:
        body.append('<table border="1">' + "\n".join(rows) + "</table>")
    nav = "".join(f'<li><a href="/{i}">栏目{i}</a></li>' for i in range(rng.randint(4, 12)))
    return ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>政府信息公开</title></head><body>'
            f'<ul class="nav">{nav}</ul><div class="crumbs">当前位置：首页 &gt; 政务公开</div>'
            '<div class="article">' + "\n".join(body) + '</div><div class="share">分享到：微信 微博</div>'
            '<div class="footer">主办：某县人民政府 网站标识码：1234567890</div></body></html>')


def pages(n: int, seed: int) -> list[tuple[str, str, str, dict]]:
    """(set, file name, page text, gold) for every page measured."""
    from make_corpus import iter_reports

    rng = random.Random(seed)
    out: list[tuple[str, str, str, dict]] = []
    for name, data, gold in iter_reports(n, seed, ["html"]):
        page = decode(data)[0]
        out.append(("generated", name, page, gold))
        out.append(("hostile", name, hostile(page, rng), gold))
    for gold in json.loads((ROOT / "tests/data/gold.json").read_text(encoding="utf-8")):
        text = (ROOT / "corpus" / gold["file"]).read_text(encoding="utf-8")
        out.append(("samples", gold["file"], sample_page(text, rng), gold))
    return out


# -------------------------------------------------------------------------------------- measure

def timings(readers: dict[str, Callable[[str], object]], corpus: list[tuple[str, str, str, dict]], repeat: int
            ) -> dict[str, float]:
    """ms per page of each reader (or parser): every page read by each in turn (so that the load of
    a shared machine falls on all of them alike), the fastest of ``repeat`` rounds per page counted."""
    best: dict[str, list[float]] = {name: [float("inf")] * len(corpus) for name in readers}
    for _ in range(repeat):
        for i, (_, _, page, _) in enumerate(corpus):
            for name, read in readers.items():
                t0 = time.perf_counter()
                read(page)
                best[name][i] = min(best[name][i], time.perf_counter() - t0)
    return {name: 1000 * sum(v) / len(v) for name, v in best.items()}


def accuracy(read: Reader, corpus: list[tuple[str, str, str, dict]]) -> dict[str, dict]:
    """Per page set: reports with every gold field exact, and verified precision."""
    texts = [read(page) for _, _, page, _ in corpus]
    out: dict[str, dict] = {}
    for s in sorted({s for s, *_ in corpus}):
        items = [(Path(f).stem + ".txt", t.encode("utf-8"), g)
                 for (ss, f, _, g), t in zip(corpus, texts, strict=True) if ss == s]
        rep = evaluate(items)
        out[s] = {"reports": rep["reports"], "exact": rep["exact_reports"],
                  "verified": rep["verified"]["reports"], "verified_right": rep["verified"]["right"],
                  "fields_wrong": sum(v["wrong"] for v in rep["fields"].values())}
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reports", type=int, default=200, help="generated html pages (and as many hostile)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3, help="timing rounds; each page's fastest counts")
    ap.add_argument("--readers", default=",".join(READERS), help="comma-separated, the first is the baseline")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    corpus = pages(args.reports, args.seed)
    readers: dict[str, Reader] = {}
    for name in args.readers.split(","):
        try:
            readers[name] = READERS[name]()
        except ImportError as err:
            print(f"{name}: skipped ({err})")
    parsers = {name: PARSERS[name]() for name in readers if name in PARSERS}
    ms = timings(readers, corpus, args.repeat)
    parse_ms = timings(parsers, corpus, args.repeat)
    results = []
    for name, read in readers.items():
        rec = {"reader": name, "ms_per_page": ms[name], "parse_ms_per_page": parse_ms.get(name),
               "sets": accuracy(read, corpus)}
        results.append(rec)
        sets = "  ".join(f"{s} {v['exact']}/{v['reports']} exact, verified right {v['verified_right']}/"
                         f"{v['verified']}, {v['fields_wrong']} fields wrong" for s, v in rec["sets"].items())
        parse = f"parse {parse_ms[name]:.2f}" if name in parse_ms else "parse -"
        ratio = ms[name] / ms[next(iter(ms))]
        print(f"{name:<12} {rec['ms_per_page']:7.2f} ms/page ({ratio:.2f}x; {parse})  {sets}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
