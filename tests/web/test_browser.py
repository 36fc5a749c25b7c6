"""End to end in headless Chromium: the app served by waitress on localhost, driven as a user would.

One browser for the session, one page per test. Skips (with the reason) where Playwright or Chromium
is missing; the rest of the suite runs regardless.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import browserkit
import pytest

from indexer.engine.build import build_index
from webui import create_app

CORPUS = Path(__file__).resolve().parents[2] / "corpus"

_why = browserkit.missing()
pytestmark = pytest.mark.skipif(_why is not None, reason=f"browser tests skipped: {_why}")


@pytest.fixture(scope="session")
def base_url(tmp_path_factory):
    out = tmp_path_factory.mktemp("browser-index")
    build_index(CORPUS, out, procs=1)
    app = create_app({"INDEX_DIR": str(out), "CORPUS_DIR": str(CORPUS)})
    with browserkit.served(app) as url:
        yield url


@pytest.fixture(scope="session")
def chromium():
    with browserkit.browser() as b:
        yield b


@pytest.fixture
def page(chromium, base_url):
    context = chromium.new_context(base_url=base_url, viewport={"width": 1280, "height": 900},
                                   accept_downloads=True)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    # a resource that fails (a script, a stylesheet) is an error; the browser's own favicon probe is not
    pg.on("response", lambda r: errors.append(f"{r.status} {r.url}")
          if r.status >= 400 and not r.url.endswith("/favicon.ico") and r.request.resource_type != "document"
          else None)
    yield pg
    context.close()
    assert not errors, errors


def search(page, q: str) -> None:
    page.goto("/")
    page.fill("input[name=q]", q)
    page.press("input[name=q]", "Enter")
    page.wait_for_load_state()


def result_titles(page) -> list[str]:
    return page.locator("li.result h2 a").all_inner_texts()


def test_typing_a_query_shows_how_it_was_cut_and_the_exact_phrase_gives_three_marked_results(page):
    search(page, "微信公众号")
    assert "微信" in page.inner_text("p.cut") and "公众" in page.inner_text("p.cut")
    page.click("a.phrase-offer")
    page.wait_for_load_state()
    assert page.input_value("input[name=q]") == '"微信公众号"'
    results = page.locator("li.result")
    assert results.count() == 3
    for i in range(3):
        assert "微信公众号" in results.nth(i).locator("mark").all_inner_texts()
        assert re.search(r"命中 \d+ 处", results.nth(i).inner_text())


def test_clicking_has_litigation_yes_leaves_li_lou_only(page):
    page.goto("/")
    page.locator("section.facet[data-facet=has_litigation] a", has_text="有").first.click()
    page.wait_for_load_state()
    titles = result_titles(page)
    assert len(titles) == 1 and "李楼镇" in titles[0]


def test_report_page_lands_on_first_hit_and_steps_with_n(page):
    search(page, "微信公众号")
    page.locator("li.result h2 a").first.click()
    page.wait_for_load_state()
    assert page.evaluate("location.hash") == "#hit-1"
    assert re.search(r"1 / \d+", page.inner_text("#hit-pos"))
    total = int(page.inner_text("#hit-pos").split("/")[1])
    page.keyboard.press("n")
    assert page.evaluate("location.hash") == ("#hit-2" if total > 1 else "#hit-1")
    page.keyboard.press("N")
    assert page.evaluate("location.hash") == "#hit-1"
    page.click("#next-hit")
    assert page.inner_text("#hit-pos").startswith("2 /" if total > 1 else "1 /")


def test_place_hierarchy_drills_down_and_back_up(page):
    page.goto("/")
    tree = page.locator("section.tree")
    tree.locator("a", has_text="山东省").click()
    page.wait_for_load_state()
    assert page.locator("li.result").count() == 4
    page.locator("section.tree a", has_text="济宁市").click()
    page.wait_for_load_state()
    assert page.locator("li.result").count() == 2
    assert "place=" in page.url and "济宁市" in page.inner_text("section.tree nav")
    page.locator("section.tree a", has_text="汶上县").click()
    page.wait_for_load_state()
    assert [t for t in result_titles(page)] and all("刘楼" in t for t in result_titles(page))
    page.locator("section.tree nav a", has_text="山东省").click()  # back up two levels
    page.wait_for_load_state()
    assert page.locator("li.result").count() == 4
    page.locator("section.tree nav a", has_text="全部").click()
    page.wait_for_load_state()
    assert page.locator("li.result").count() == 5


def test_a_second_year_is_added_by_clicking_and_the_other_years_stay_listed(page):
    page.goto("/")
    page.locator("section.facet[data-facet=year] a", has_text="2020").click()
    page.wait_for_load_state()
    assert page.locator("li.result").count() == 2
    years = page.locator("section.facet[data-facet=year] li")
    assert years.count() == 3  # 2019 and 2021 still offered
    page.locator("section.facet[data-facet=year] a", has_text="2021").click()
    page.wait_for_load_state()
    assert page.locator("li.result").count() == 3
    assert page.locator("section.facet[data-facet=year] [aria-checked=true]").count() == 2


def test_report_page_links_to_its_body_and_the_body_page_shows_years_and_compares(page):
    page.goto("/?q=李楼镇")
    page.locator("li.result h2 a").first.click()
    page.wait_for_load_state()
    assert page.locator("nav.parts a").count() == 6
    page.locator("nav.parts a", has_text="四").click()
    assert page.evaluate("location.hash") == "#part-4"
    page.click("a.body-link")
    page.wait_for_load_state()
    assert "/bodies/" in page.url
    assert "李楼镇" in page.inner_text("h1")
    assert page.locator("table.years tbody tr").count() == 1
    assert page.locator("svg.chart rect.bar").count() >= 3


def test_compare_page_from_checkboxes_shows_numbers_side_by_side_with_differences(page):
    page.goto("/")
    boxes = page.locator("input[name=id][form=cmp]")
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.click("#cmp button[type=submit]")
    page.wait_for_load_state()
    assert "/compare?" in page.url
    table = page.locator("table.compare")
    assert table.locator("thead th").count() == 3
    assert table.locator("tr.differs").count() >= 1  # the years or places differ at least
    text = table.inner_text()
    assert "三、依申请公开" in text and "四、行政复议、行政诉讼" in text
    assert "结果纠正" in text and "自然人" in text


def test_export_csv_reads_back_with_the_facts_of_every_result(page, base_url):
    page.goto("/?per_page=2")  # three pages of results: the export has them all
    with page.expect_download() as info:
        page.click("#export-csv")
    path = info.value.path()
    raw = Path(path).read_bytes()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 5
    by_town = {r["town"]: r for r in rows}
    assert by_town["李楼镇"]["litigation_total"] == "4"
    assert by_town["李楼镇"]["applications_new"] == "3"
    assert by_town["李楼镇"]["reconsideration_total"] == "1"
    assert all(r["url"].startswith(base_url + "/reports/") for r in rows)


def test_search_page_shows_the_overview_and_the_chart_by_year(page):
    page.goto("/")
    overview = page.locator("section.overview")
    assert "5" in overview.locator("dl.totals").first.inner_text()
    assert page.locator("svg.chart rect.bar").count() == 9  # three years, three series
    rate = overview.locator("[data-rate=litigation_corrected]")
    assert "诉讼" in rate.get_attribute("title")


def test_phone_width_puts_filters_behind_a_button(chromium, base_url):
    context = chromium.new_context(base_url=base_url, viewport={"width": 390, "height": 844})
    pg = context.new_page()
    pg.goto("/")
    toggle = pg.locator("summary.filters-toggle")
    assert toggle.is_visible()
    assert not pg.locator("section.facet[data-facet=year]").is_visible()
    first = pg.locator("li.result").first.bounding_box()
    assert first["y"] < 1200
    toggle.click()
    assert pg.locator("section.facet[data-facet=year]").is_visible()
    context.close()


def test_phone_without_javascript_lists_the_results_before_the_open_filters(chromium, base_url):
    context = chromium.new_context(base_url=base_url, viewport={"width": 390, "height": 844},
                                   java_script_enabled=False)
    pg = context.new_page()
    pg.goto("/")
    first = pg.locator("li.result").first.bounding_box()
    year = pg.locator("section.facet[data-facet=year]")
    assert first["y"] < 1200 and year.is_visible()  # nothing folds them: open, after the results
    assert year.bounding_box()["y"] > first["y"]
    context.close()


def test_report_page_on_a_phone_is_no_wider_than_the_phone(chromium, base_url):
    context = chromium.new_context(base_url=base_url, viewport={"width": 390, "height": 844})
    pg = context.new_page()
    pg.goto('/?q="微信公众号"')
    pg.locator("li.result h2 a").first.click()
    pg.wait_for_load_state()
    assert pg.evaluate("document.documentElement.scrollWidth") <= 390
    nxt = pg.locator("#next-hit").bounding_box()
    assert nxt["x"] >= 0 and nxt["x"] + nxt["width"] <= 390  # the step links in view, not scrolled off
    context.close()


def test_without_javascript_facets_hierarchy_and_hit_links_still_work(chromium, base_url):
    context = chromium.new_context(base_url=base_url, java_script_enabled=False)
    pg = context.new_page()
    pg.goto("/")
    pg.locator("section.tree a", has_text="山东省").click()
    pg.wait_for_load_state()
    assert pg.locator("li.result").count() == 4
    pg.locator("section.facet[data-facet=year] a", has_text="2020").click()
    pg.wait_for_load_state()
    assert pg.locator("li.result").count() == 2
    pg.goto('/?q="微信公众号"')
    pg.locator("li.result h2 a").first.click()
    pg.wait_for_load_state()
    assert pg.url.endswith("#hit-1") and pg.locator("mark.hit").count() >= 1
    assert pg.get_attribute("#next-hit", "href").startswith("#hit-")
    context.close()


def test_clicking_a_table_cell_marks_its_number_in_the_text(page):
    search(page, "town:李楼镇")
    page.locator("li.result h2 a").first.click()
    page.wait_for_load_state()
    link = page.locator("a.cell-link").nth(6)  # a number of part three
    target = link.get_attribute("href")
    number = link.inner_text()
    link.click()
    assert page.evaluate("location.hash") == target
    cell = page.locator(target)
    assert cell.inner_text() == number
    assert cell.evaluate("e => e.matches(':target') && e.classList.contains('targeted')")
    box = cell.bounding_box()
    assert box is not None and 0 <= box["y"] <= page.viewport_size["height"]  # scrolled into view
    colour = cell.evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent")  # marked


def test_typing_a_town_suggests_it_and_the_keyboard_chooses_and_searches(page):
    page.goto("/")
    box = page.locator("input[name=q]")
    assert box.get_attribute("role") == "combobox" and box.get_attribute("aria-expanded") == "false"
    box.press_sequentially("李楼", delay=30)
    options = page.locator("#suggest [role=option]")
    options.first.wait_for()
    assert box.get_attribute("aria-expanded") == "true"
    texts = options.all_inner_texts()
    assert any("李楼镇" in t and "乡镇" in t for t in texts), texts
    page.keyboard.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == "suggest-0"
    assert options.first.get_attribute("aria-selected") == "true"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.input_value("input[name=q]") == "town:李楼镇"
    titles = result_titles(page)
    assert len(titles) == 1 and "李楼镇" in titles[0]


def test_escape_closes_the_suggestions(page):
    page.goto("/")
    page.locator("input[name=q]").press_sequentially("山东", delay=30)
    page.locator("#suggest [role=option]").first.wait_for()
    page.keyboard.press("Escape")
    assert page.locator("#suggest").is_hidden()
    assert page.locator("input[name=q]").get_attribute("aria-expanded") == "false"


@pytest.fixture(scope="session")
def pair_url(tmp_path_factory):
    """A second app over two reports, one copying most of the other (see test_reuse_view)."""
    from test_reuse_view import OWN_A, OWN_B, report

    corpus = tmp_path_factory.mktemp("browser-pair")
    for name, title, n, own in (("a.txt", "某甲镇人民政府2020年政府信息公开工作年度报告", 12, OWN_A),
                                ("b.txt", "某乙镇人民政府2021年政府信息公开工作年度报告", 37, OWN_B)):
        (corpus / name).write_text(report(title, n, own), encoding="utf-8")
    out = tmp_path_factory.mktemp("browser-pair-index")
    build_index(corpus, out, procs=1)
    with browserkit.served(create_app({"INDEX_DIR": str(out)})) as url:
        yield url


def test_side_by_side_view_marks_both_columns_links_passages_and_stacks_on_a_phone(chromium, pair_url):
    for width, side_by_side in ((1280, True), (390, False)):
        context = chromium.new_context(base_url=pair_url, viewport={"width": width, "height": 900})
        pg = context.new_page()
        pg.goto("/api/search")
        ids = {h["file"]: h["id"] for h in pg.evaluate("JSON.parse(document.body.innerText)")["hits"]}
        pg.goto(f"/reports/{ids['a.txt']}/reuse/{ids['b.txt']}")
        left, right = pg.locator("article.pair-a"), pg.locator("article.pair-b")
        assert left.locator("mark.shared").count() >= 1 and right.locator("mark.shared").count() >= 1
        a, b = left.bounding_box(), right.bounding_box()
        assert a and b
        if side_by_side:
            assert b["x"] > a["x"] and abs(b["y"] - a["y"]) < 5
        else:  # stacked: the other report below this one
            assert b["y"] > a["y"] + a["height"] - 5
        if side_by_side:
            left.locator("a.pair").first.click()
            assert pg.evaluate("location.hash") == "#b-1"
            pg.locator("a", has_text="某甲镇").first.click()
            pg.wait_for_load_state()
            assert f"/reports/{ids['a.txt']}" in pg.url
        context.close()


def test_the_keyboard_reaches_the_first_result_before_the_filters(page):
    search(page, "微信公众号")
    page.focus("input[name=q]")
    presses = 0
    for presses in range(1, 41):
        page.keyboard.press("Tab")
        where = page.evaluate("""() => { const a = document.activeElement;
            return a.closest('li.result') ? 'result'
                 : a.closest('details.filters') ? 'filters' : 'other'; }""")
        assert where != "filters", f"a filter took the focus before the results, after {presses} Tabs"
        if where == "result":
            break
    assert where == "result" and presses <= 15, presses
    # and the filters still stand in the left column, beside the results
    filters = page.locator("details.filters").bounding_box()
    results = page.locator("section.results").bounding_box()
    assert filters["x"] + filters["width"] <= results["x"] and abs(filters["y"] - results["y"]) < 40


def test_reports_ticked_on_different_pages_are_compared_together(page):
    page.goto("/?per_page=2")
    first = page.locator("input[name=id][form=cmp]").nth(0)
    first_id = first.get_attribute("value")
    first.check()
    page.goto("/?per_page=2&page=2")
    assert page.locator(".compare-count").inner_text().startswith("已选 1 份")
    second = page.locator("input[name=id][form=cmp]").nth(0)
    second_id = second.get_attribute("value")
    second.check()
    assert page.locator(".compare-count").inner_text().startswith("已选 2 份")
    page.click("#cmp button[type=submit]")
    page.wait_for_load_state()
    assert "/compare?" in page.url and first_id in page.url and second_id in page.url
    assert page.locator("table.compare thead th").count() == 3
    page.goto("/?per_page=2")  # sent: the selection starts again
    assert page.locator(".compare-count").inner_text() == ""
    assert not page.locator("input[name=id][form=cmp]").nth(0).is_checked()


def test_a_search_and_a_suggestion_that_take_a_moment_say_so_until_they_arrive(page):
    page.goto("/")
    held: list = []
    page.route("**/api/suggest*", lambda route: held.append(route))
    page.fill("input[name=q]", "刘")
    page.wait_for_function("() => document.getElementById('suggest-status').textContent === '正在查找…'")
    for _ in range(100):  # the request reaches the route a moment after the status is set
        if held:
            break
        page.wait_for_timeout(50)
    assert len(held) == 1  # the suggestions are on their way: held here, the status says so
    assert page.locator("#suggest-status").text_content() == "正在查找…"
    held.pop().continue_()
    page.wait_for_function("() => document.getElementById('suggest-status').textContent !== '正在查找…'")
    # a search that has not come back yet (its navigation stopped here, so the page stays to be read)
    page.locator("#s").evaluate("f => f.addEventListener('submit', e => e.preventDefault())")
    page.fill("input[name=q]", "微信公众号")
    page.locator("#s").evaluate("f => f.requestSubmit()")
    page.wait_for_selector("p.loading")
    assert page.locator("#results").get_attribute("aria-busy") == "true"
    assert page.locator("p.loading").inner_text() == "正在检索…"
    search(page, "微信公众号")  # the page that arrives is not busy
    assert page.locator("li.result").count() >= 3 and page.locator("p.loading").count() == 0
