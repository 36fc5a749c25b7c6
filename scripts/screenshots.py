"""Screenshots of the main pages for the README, made from the running app in headless Chromium.

    python scripts/screenshots.py                  # builds an index of corpus/ in a temp folder, serves it
    python scripts/screenshots.py --url http://127.0.0.1:8000   # an app already running

Saves docs/search.png (search with facets, overview and chart), docs/report.png, docs/body.png,
docs/compare.png and docs/phone.png (390 px wide). Uses Debian's /usr/bin/chromium through
Playwright (``NIANBAO_CHROMIUM`` to point elsewhere); nothing is fetched from the internet.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "web")]

import browserkit  # noqa: E402


def shoot(base: str, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    with browserkit.browser() as b:
        ctx = b.new_context(base_url=base, viewport={"width": 1280, "height": 900}, device_scale_factor=1)
        page = ctx.new_page()

        def save(name: str, full: bool = True) -> None:
            path = out / f"{name}.png"
            page.screenshot(path=str(path), full_page=full)
            saved.append(path)

        page.goto("/")  # every report: the overview and the chart have numbers to show
        save("search")
        page.goto("/?q=%22微信公众号%22")
        href = page.locator("li.result h2 a").first.get_attribute("href")
        page.goto(href.split("#")[0])  # the top of the page: part navigation, hit bar, facts
        save("report", full=False)
        page.goto(href)
        body = page.locator("a.body-link")
        if body.count():
            body.click()
            page.wait_for_load_state()
            save("body")
        page.goto("/")
        ids = page.locator("input[name=id][form=cmp]")
        for i in range(min(3, ids.count())):
            ids.nth(i).check()
        page.click("#cmp button[type=submit]")
        page.wait_for_load_state()
        save("compare", full=False)
        phone = b.new_context(base_url=base, viewport={"width": 390, "height": 844})
        page = phone.new_page()
        page.goto("/?q=" + "行政诉讼")
        save("phone", full=False)
        phone.close()
        ctx.close()
    return saved


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", help="base URL of a running app (default: build and serve corpus/)")
    ap.add_argument("--out", default=str(ROOT / "docs"))
    args = ap.parse_args(argv)
    why = browserkit.missing()
    if why:
        sys.stderr.write(f"cannot take screenshots: {why}\n")
        return 2
    with contextlib.ExitStack() as stack:
        base = args.url
        if not base:
            from indexer.engine.build import build_index
            from webui import create_app

            tmp = stack.enter_context(tempfile.TemporaryDirectory())
            build_index(ROOT / "corpus", Path(tmp), procs=1)
            app = create_app({"INDEX_DIR": tmp, "CORPUS_DIR": str(ROOT / "corpus")})
            base = stack.enter_context(browserkit.served(app))
        for path in shoot(base.rstrip("/"), Path(args.out)):
            print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
