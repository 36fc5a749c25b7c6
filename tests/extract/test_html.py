"""HTML pages → report text: tables as tab-separated rows, page chrome left out."""

from __future__ import annotations

from pathlib import Path

from indexer.extract.html import html_to_text
from indexer.extract.meta import read_meta
from indexer.extract.places import resolve_places

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<title>张坊镇2020年政府信息公开工作年度报告_房山区人民政府</title>
<script>var s = "<div>一、总体情况</div>";</script><style>.x { color: red }</style></head>
<body>
<div class="top-nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li>
  <li><a href="/news">新闻中心</a></li><li><a href="/hd">互动交流</a></li></ul></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; 年度报告</div>
<div class="main"><div class="article">
  <h1>张坊镇2020年政府信息公开工作年度报告</h1>
  <div class="info"><span>来源：张坊镇</span>&nbsp;&nbsp;<span>时间：2021-01-29</span></div>
  <div class="bdsharebuttonbox"><a href="#" class="bds_weixin">分享到微信</a></div>
  <div class="content">
   <p>一、总体情况</p>
   <p>2020年，张坊镇&ldquo;认真&rdquo;贯彻落实《条例》&hellip;联系电话：010-61339999。</p>
   <p>二、主动公开政府信息情况</p>
   <table border="1">
    <tr><td colspan="4">第二十条第（一）项</td></tr>
    <tr><th>信息内容</th><th>本年新<br>制作数量</th><th>本年新公开数量</th><th>对外公开总数量</th></tr>
    <tr><td>规章</td><td>0</td><td>0</td><td>0</td></tr>
    <tr><td>规范性文件</td><td>2</td><td>2</td><td>15</td></tr>
   </table>
   <p>三、收到和处理政府信息公开申请情况</p>
   <table>
    <tr><td rowspan="2">三、本年度办理结果</td><td>（一）予以公开</td><td>3</td></tr>
    <tr><td>（二）部分公开</td><td>0</td></tr>
    <tr><td>四、结转下年度继续办理</td><td></td><td>0</td></tr>
   </table>
   <p>四、政府信息公开行政复议、行政诉讼情况</p>
   <p>五、存在的主要问题及改进情况</p>
   <div>六、其他需要报告的事项</div><div>无。</div>
   <div style="display:none">隐藏的文字</div>
  </div>
  <div class="fujian">附件下载：</div>
  <div class="print-close"><a href="javascript:print()">打印本页</a>
    <a href="javascript:close()">关闭窗口</a></div>
</div></div>
<div class="footer">主办：房山区人民政府 网站标识码：1100000000 <a href="/">联系我们</a></div>
</body></html>
"""


def test_report_is_extracted_without_page_chrome() -> None:
    text = html_to_text(PAGE)
    for chrome in ("当前位置", "首页", "新闻中心", "分享到", "打印本页", "关闭窗口", "网站标识码", "附件下载",
                   "var s", "color", "隐藏的文字"):
        assert chrome not in text, chrome
    lines = text.splitlines()
    assert lines[0] == "来源：张坊镇 时间：2021-01-29"  # kept for meta, ahead of the title
    assert lines[1] == "张坊镇2020年政府信息公开工作年度报告"
    assert "2020年，张坊镇“认真”贯彻落实《条例》…联系电话：010-61339999。" in lines
    assert lines[-1] == "无。"


def test_tables_become_tab_separated_rows_with_spans() -> None:
    lines = html_to_text(PAGE).splitlines()
    assert "第二十条第（一）项\t\t\t" in lines  # colspan=4: three empty cells follow
    assert "信息内容\t本年新 制作数量\t本年新公开数量\t对外公开总数量" in lines
    assert "规范性文件\t2\t2\t15" in lines
    assert "三、本年度办理结果\t（一）予以公开\t3" in lines
    assert "\t（二）部分公开\t0" in lines  # the rowspan leaves an empty leading cell
    assert "四、结转下年度继续办理\t\t0" in lines
    i = lines.index("规章\t0\t0\t0")
    assert lines[i + 1] == "规范性文件\t2\t2\t15"  # one row per line, no blank lines inside a table


def test_meta_and_places_read_the_extracted_page() -> None:
    text = html_to_text(PAGE)
    m = read_meta(text)
    assert (m.title, m.year, m.published) == ("张坊镇2020年政府信息公开工作年度报告", 2020, "2021-01-29")
    p = resolve_places(text, m.title)
    # "张坊镇人民政府" is never written: no body; the area code 010 settles which 张坊镇.
    assert (p.body, p.town, p.county, p.city, p.province) == (None, "张坊镇", "房山区", None, "北京市")


def test_layout_table_around_the_report_is_not_a_data_table() -> None:
    page = (
        "<table><tr><td><a href='/'>首页</a> <a href='/a'>机构</a></td></tr>"
        "<tr><td><h2>某县2019年政府信息公开工作年度报告</h2>"
        "<p>一、总体情况</p><p>二、主动公开政府信息情况</p>"
        "<table><tr><td>规章</td><td>1</td></tr></table>"
        "<p>三、收到和处理政府信息公开申请情况</p><p>六、其他需要报告的事项</p></td></tr></table>"
    )
    lines = html_to_text(page).splitlines()
    assert lines[0] == "某县2019年政府信息公开工作年度报告"
    assert "规章\t1" in lines
    assert "首页" not in "\n".join(lines)


def test_densest_block_when_the_parts_are_not_recognisable() -> None:
    prose = "本机关认真落实条例要求，全年主动公开信息若干条，未收到申请。" * 5
    page = (
        "<div class='menu'><a href='/'>首页</a><a href='/1'>政务公开</a><a href='/2'>办事服务</a></div>"
        f"<div class='text'><p>某局2012年信息公开年度报告</p><p>{prose}</p></div>"
        "<div><a href='/x'>友情链接一</a><a href='/y'>友情链接二</a></div>"
    )
    text = html_to_text(page)
    assert text.startswith("某局2012年信息公开年度报告\n")
    assert "友情链接" not in text and "办事服务" not in text


def test_entities_breaks_and_malformed_markup() -> None:
    page = "<div><p>甲&amp;乙&nbsp;丙<br>丁<p>戊 &#x4E00; &lt;b&gt;</div></span>"
    assert html_to_text(page) == "甲&乙 丙\n丁\n戊 一 <b>\n"
    assert html_to_text("") == ""


def test_page_title_used_when_the_body_lacks_one() -> None:
    page = ("<html><head><title>某镇2020年政府信息公开工作年度报告 - 某县政府网</title></head><body>"
            "<div><p>一、总体情况</p><p>二、主动公开政府信息情况</p><p>三、收到和处理政府信息公开申请情况</p>"
            "</div></body></html>")
    assert html_to_text(page).splitlines()[0] == "某镇2020年政府信息公开工作年度报告"


def test_read_source_uses_it(tmp_path: Path) -> None:
    from indexer.extract.read import read_source

    f = tmp_path / "r.html"
    f.write_bytes(PAGE.encode("gb18030"))
    src = read_source(f)
    assert src.is_html and src.text.splitlines()[1] == "张坊镇2020年政府信息公开工作年度报告"


def test_a_sentence_listing_the_parts_is_not_the_report_and_the_title_is_kept() -> None:
    parts = ("总体情况，主动公开政府信息情况，收到和处理政府信息公开申请情况，"
             "政府信息公开行政复议、行政诉讼情况")
    page = (
        "<div class='crumbs'>当前位置：首页 &gt; 正文</div><div class='article'>"
        "<h1>某区财政局 2022 年政府信息公开工作年度报告</h1>"
        "<div class='info'>来源：某区人民政府办公室 时间：2023-01-23 10:29</div><div class='content'>"
        f"<p>根据《中华人民共和国政府信息公开工作年度报告格式》要求编制。全文包括{parts}六个部分。"
        "本报告在“某区门户网站”（http://www.example.gov.cn/）上全文公开。</p>"
        "<h2>一、总体情况</h2><p>某区财政局2022年政府信息公开工作年度报告</p>"
        "<h2>二、主动公开政府信息情况</h2><p>无。</p><h2>三、收到和处理政府信息公开申请情况</h2><p>无。</p>"
        "</div><p>本页网址：http://www.example.gov.cn/art/1.html</p></div>"
    )
    text = html_to_text(page)
    lines = text.splitlines()
    assert lines[:2] == ["来源：某区人民政府办公室 时间：2023-01-23 10:29",
                         "某区财政局 2022 年政府信息公开工作年度报告"]
    assert "全文包括" in text and "本页网址：http://www.example.gov.cn/art/1.html" in lines
    assert read_meta(text).source_url == "http://www.example.gov.cn/"


def test_a_charset_declared_in_the_page_does_not_decode_the_text_again() -> None:
    # read.py has decoded the bytes already: a <meta charset> or an XML declaration naming another
    # encoding must not make the parser re-read the text in it.
    page = ('<?xml version="1.0" encoding="gb2312"?><html><head><meta charset="gbk">'
            '<meta http-equiv="Content-Type" content="text/html; charset=big5"></head>'
            "<body><p>某镇人民政府</p><!-- 注释 --></body></html>")
    assert html_to_text(page) == "某镇人民政府\n"


def test_nesting_deeper_than_the_parsers_default_limit_keeps_the_text() -> None:
    depth = 600  # libxml2 stops at 256 levels unless told otherwise
    page = "<div>" * depth + "<p>一、总体情况</p><p>某镇。</p>" + "</div>" * depth
    assert html_to_text(page) == "一、总体情况\n某镇。\n"


def test_comments_and_processing_instructions_are_not_text() -> None:
    page = "<div><p>甲<!-- 一、总体情况 -->乙</p><?php echo 1; ?><p>丙</p></div>"
    assert html_to_text(page) == "甲乙\n丙\n"
