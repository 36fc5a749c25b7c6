"""Serving the app on localhost and driving Debian's Chromium, for the browser tests and the
screenshots script. Playwright's Python package talks to ``/usr/bin/chromium`` (``executable_path``);
its own browser download is never used."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")


def chromium_path() -> str | None:
    """The browser to drive: $NIANBAO_CHROMIUM, else the first Debian/Ubuntu path that exists."""
    env = os.environ.get("NIANBAO_CHROMIUM")
    if env:
        return env if Path(env).exists() else None
    for p in CHROMIUM_CANDIDATES:
        if Path(p).exists():
            return p
    found = shutil.which("chromium")
    return found


def missing() -> str | None:
    """Why the browser tests cannot run here (None: they can)."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[test]')"
    if chromium_path() is None:
        return "no Chromium found (apt-get install chromium, or set NIANBAO_CHROMIUM)"
    return None


@contextmanager
def served(app) -> Iterator[str]:
    """``app`` served by waitress on a free 127.0.0.1 port in a thread; yields the base URL."""
    from waitress.server import create_server

    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.close()
        thread.join(timeout=5)


@contextmanager
def browser() -> Iterator[object]:
    """One headless Chromium (a Playwright Browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), headless=True,
                              args=["--no-sandbox", "--disable-gpu"])
        try:
            yield b
        finally:
            b.close()
