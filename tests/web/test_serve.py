"""``python -m webui`` serves the app over HTTP with waitress."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_webui_command_serves_search_and_api_over_http(sample_index):
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "webui", "--index", str(sample_index), "--port", str(port),
                             "--threads", "2"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        phrase_url = base + "/api/search?" + urlencode({"q": '"微信公众号"'})
        for _ in range(100):
            try:
                with urllib.request.urlopen(phrase_url, timeout=5) as resp:
                    body = json.load(resp)
                    server = resp.headers.get("Server", "")
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        else:
            raise AssertionError("server did not answer")
        assert body["total"] == 3
        assert "nianbao" in server
        try:
            urllib.request.urlopen(base + "/?q=%22x", timeout=5)
            raise AssertionError("malformed query should be a 400")
        except urllib.error.HTTPError as err:
            assert err.code == 400
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout:
            proc.stdout.close()
