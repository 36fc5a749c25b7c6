"""Meta: title, year reported on, publication date and source URL."""

from __future__ import annotations

from pathlib import Path

from indexer.extract.meta import Meta, find_title, read_meta
from indexer.extract.normalise import nfkc

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
KEYS = ("year", "published", "source_url")


def test_samples_match_gold(gold: list[dict]) -> None:
    for g in gold:
        text = (CORPUS / g["file"]).read_text(encoding="utf-8")
        for variant in (text, nfkc(text).text):
            m = read_meta(variant)
            assert {k: getattr(m, k) for k in KEYS} == {k: g[k] for k in KEYS}, g["file"]
            assert m.title and "年度报告" in m.title and not m.title.startswith("#")


def test_sample_titles() -> None:
    text = (CORPUS / "001_dba21300d4162f8d.txt").read_text(encoding="utf-8")
    assert read_meta(text).title == "莱阳市穴坊镇人民政府 2020年政府信息公开工作年度报告"


REPORT = "\n一、总体情况\n本年度工作平稳。\n六、其他需要报告的事项\n无。\n"


def test_year_is_the_year_reported_on_not_the_publication_year() -> None:
    text = "某县人民政府2020年政府信息公开工作年度报告" + REPORT + "某县人民政府\n2021年1月29日\n"
    m = read_meta(text)
    assert (m.year, m.published) == (2020, "2021-01-29")


def test_statistics_period_gives_the_year() -> None:
    period = "本报告所列数据的统计期限自 2019 年 1 月 1 日起至 2019 年 12 月 31 日止。"
    text = "政府信息公开工作年度报告\n" + period + REPORT
    assert read_meta(text).year == 2019


def test_year_from_title_in_chinese_numerals_and_2019_edition_wording() -> None:
    assert read_meta("某镇人民政府二〇一八年度政府信息公开工作年度报告" + REPORT).year == 2018
    assert read_meta("2021年度某区教育局政府信息公开工作年度报告" + REPORT).year == 2021


def test_web_chrome_header_gives_the_publication_date() -> None:
    text = (
        "当前位置：首页 > 政务公开 > 政府信息公开年报\n"
        "来源：某镇人民政府  时间：2021-01-29 10:12  浏览次数：231\n"
        "某镇2020年政府信息公开工作年度报告" + REPORT
    )
    m = read_meta(text)
    assert m == Meta(title="某镇2020年政府信息公开工作年度报告", year=2020, published="2021-01-29",
                     source_url=None)


def test_labelled_publication_date_in_chinese_form() -> None:
    text = "发布日期：2022年01月20日\n某区2021年政府信息公开工作年度报告" + REPORT
    assert read_meta(text).published == "2022-01-20"


def test_no_date_gives_none_and_bad_dates_are_rejected() -> None:
    assert read_meta("某县2020年政府信息公开工作年度报告" + REPORT).published is None
    bad = "某县2020年政府信息公开工作年度报告" + REPORT + "某县\n2021年2月30日\n"
    assert read_meta(bad).published is None


def test_source_url_forms() -> None:
    said = "本报告在“某市门户网站”（<http://www.example.gov.cn/col/col1/index.html>）上全文公开。"
    assert read_meta("某市2020年政府信息公开工作年度报告\n" + said + REPORT).source_url == \
        "http://www.example.gov.cn/col/col1/index.html"
    said = "本报告电子版可在“中国·某县”政府门户网站(http://www.example.gov.cn/)查阅或下载。"
    assert read_meta("某县2020年政府信息公开工作年度报告\n" + said + REPORT).source_url == \
        "http://www.example.gov.cn/"
    said = "本年度报告可在某区人民政府网站www.example.gov.cn下载。"
    assert read_meta("某区2020年政府信息公开工作年度报告\n" + said + REPORT).source_url == \
        "http://www.example.gov.cn"


def test_urls_not_about_the_report_are_ignored() -> None:
    said = "通过政府网站（http://www.example.gov.cn）发布信息120条。"
    text = "某县2020年政府信息公开工作年度报告\n" + said + REPORT
    assert read_meta(text).source_url is None


def test_title_split_over_two_lines_and_markup() -> None:
    assert find_title("\n# 某县教育局\n2020年政府信息公开工作年度报告\n一、总体情况\n") == \
        "某县教育局2020年政府信息公开工作年度报告"
    title = "某镇人民政府2020年政府信息公开工作年度报告"
    assert find_title(f"<b>{title}</b>\n") == title
    assert find_title("没有标题的文本\n一、总体情况\n") is None


# --- pages saved as one line, Chinese-numeral dates, page URLs ---------------------------------------

CRUMB = "某县人民政府首页 政务公开 走进某县当前位置：首页 > 政务公开 > 政府信息公开年报 > 正文"
BODY = ("本报告根据《中华人民共和国政府信息公开条例》和《中华人民共和国政府信息公开工作年度报告格式》"
        "编制。本报告所列数据的统计期限自2022年1月1日起至2022年12月31日止。一、总体情况 本年度工作平稳。"
        "六、其他需要报告的事项 无。")


def test_signature_date_in_chinese_numerals() -> None:
    text = "某镇人民政府2023年政府信息公开工作年度报告" + REPORT + "某镇人民政府\n二〇二四年一月十五日\n"
    assert read_meta(text).published == "2024-01-15"
    text = "某镇人民政府2023年政府信息公开工作年度报告" + REPORT + "某镇人民政府\n二〇二三年十二月三十一日\n"
    assert read_meta(text).published == "2023-12-31"
    text = "某镇人民政府2023年政府信息公开工作年度报告" + REPORT + "某镇人民政府\n二〇二四年元月二十日\n"
    assert read_meta(text).published == "2024-01-20"


def test_title_and_date_inside_a_page_saved_as_one_line() -> None:
    text = (CRUMB + "某县某镇人民政府2022年信息公开工作年度报告来源：某县人民政府办公室 "
            "时间：2023-01-11 12:26 浏览次数：1751【字体：大 中 小】【打印】【关闭】"
            + BODY + "分享到：微信 微博")
    m = read_meta(text)
    assert m.title == "某县某镇人民政府2022年信息公开工作年度报告"
    assert (m.year, m.published) == (2022, "2023-01-11")


def test_inline_title_of_the_guanyu_form_with_spaces() -> None:
    text = (CRUMB + " 某镇人民政府关于2025年度政府信息公开工作的年度报告 来源：某县人民政府 "
            "发布日期：2026年1月21日 " + BODY)
    m = read_meta(text)
    assert m.title == "某镇人民政府关于2025年度政府信息公开工作的年度报告"
    assert m.published == "2026-01-21"
    # 《…年度报告格式》 in the report's first sentence is never the title.
    assert find_title("当前位置：首页 > 正文 " + BODY) is None


def test_signature_inside_a_page_saved_as_one_line() -> None:
    text = (CRUMB + " 某镇人民政府2021年政府信息公开工作年度报告 来源：某县人民政府 浏览次数：12 " + BODY
            + " 某县某镇人民政府 2022年1月30日 分享到：微信 微博 【打印】【关闭】")
    assert read_meta(text).published == "2022-01-30"


def test_page_url_printed_by_the_page() -> None:
    page_url = "本页网址：http://www.example.gov.cn/art/1.html 分享到：微信\n"
    text = "某县2020年政府信息公开工作年度报告" + REPORT + page_url
    assert read_meta(text).source_url == "http://www.example.gov.cn/art/1.html"
    said = "本报告电子版可在某县政府门户网站(http://www.example.gov.cn/ndbg/)查阅。"
    assert read_meta("某县2020年政府信息公开工作年度报告\n" + said + text).source_url == \
        "http://www.example.gov.cn/ndbg/"  # what the report says beats the page's address


# --- titles wrapped over lines, page labels, the report's own address ---------------------------------


def test_title_wrapped_after_its_subject_keeps_the_year() -> None:
    text = "2024 年上海市科委政府信息公开工作\n年度报告\n" + REPORT
    m = read_meta(text)
    assert m.title == "2024 年上海市科委政府信息公开工作年度报告"
    assert m.year == 2024
    wrapped = "某镇人民政府关于2023年度政府信息公开工作的\n年度报告\n" + REPORT
    assert read_meta(wrapped).year == 2023


def test_a_line_that_does_not_start_a_title_is_not_joined() -> None:
    text = "某县人民政府办公室\n2020年政府信息公开工作年度报告\n" + REPORT
    assert read_meta(text).title == "某县人民政府办公室2020年政府信息公开工作年度报告"
    assert find_title("为进一步做好政府信息公开工作\n年度报告如下\n") is None


def test_field_label_is_not_part_of_the_title() -> None:
    assert find_title("标题:大瑶镇人民政府2020年政府信息公开工作年度报告\n" + REPORT) == \
        "大瑶镇人民政府2020年政府信息公开工作年度报告"


def test_page_address_beats_a_portal_home_page_in_the_prose() -> None:
    portal = "我镇依托县人民政府门户网站（http://www.example.gov.cn/）发布政府信息公开年度报告。\n"
    page = "原文链接：http://www.example.gov.cn/art/2021/1/5/art_12.html\n"
    text = "某镇2020年政府信息公开工作年度报告\n" + portal + REPORT + page
    assert read_meta(text).source_url == "http://www.example.gov.cn/art/2021/1/5/art_12.html"
    footer = "http://www.example.gov.cn/art/2021/1/5/art_13.html 1/3\n"
    assert read_meta("某镇2020年政府信息公开工作年度报告\n" + portal + REPORT + footer).source_url == \
        "http://www.example.gov.cn/art/2021/1/5/art_13.html"
    said = "本报告电子版可在某县政府门户网站（http://www.example.gov.cn/ndbg/）查阅或下载。\n"
    assert read_meta("某镇2020年政府信息公开工作年度报告\n" + portal + said + REPORT).source_url == \
        "http://www.example.gov.cn/ndbg/"
    # the portal alone is still the only address the report gives
    assert read_meta("某镇2020年政府信息公开工作年度报告\n" + portal + REPORT).source_url == \
        "http://www.example.gov.cn/"


def test_mentioned_urls_are_every_address_in_the_text_but_the_reports_own():
    from indexer.extract.meta import mentioned_urls

    text = ("本报告电子版可在某县人民政府网站（http://www.a.gov.cn/art/1.html）查阅。\n"
            "门户网站 www.a.gov.cn 开设专栏；投诉请登录 https://b.gov.cn/ts。再见 http://www.a.gov.cn/art/1.html")
    assert mentioned_urls(text, "http://www.a.gov.cn/art/1.html") == ["http://www.a.gov.cn", "https://b.gov.cn/ts"]
    assert mentioned_urls("没有网址", None) == []
