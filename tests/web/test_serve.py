"""``python -m webui`` serves the app over HTTP with waitress."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.helpers import free_port

ROOT = Path(__file__).resolve().parents[2]


def test_webui_command_serves_search_and_api_over_http(sample_index):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "webui", "--index", str(sample_index), "--port", str(port),
                             "--threads", "2"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        phrase_url = base + "/api/search?" + urlencode({"q": '"微信公众号"'})
        for _ in range(600):  # up to a minute: a loaded machine starts the server slowly
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


def test_webui_workers_serve_one_port_from_several_processes_and_stop_together(sample_index):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "webui", "--index", str(sample_index), "--port", str(port),
                             "--threads", "2", "--workers", "2"], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/api/search?" + urlencode({"q": '"微信公众号"'})
        totals = []
        deadline = time.monotonic() + 60
        while len(totals) < 20 and time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url, timeout=5) as resp:
                    totals.append(json.load(resp)["total"])
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        assert totals == [3] * 20
        children = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True)
        workers = children.stdout.split()
        assert len(workers) == 2
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    for pid in workers:  # the workers went down with the parent
        status = Path(f"/proc/{pid}/status")
        assert not status.exists() or "zombie" in status.read_text().lower()


def test_serve_arguments_come_from_flags_then_environment_then_defaults():
    from webui.__main__ import parse_args

    args = parse_args([], {})
    assert (args.index, args.host, args.port) == ("index", "127.0.0.1", 8000)
    env = {"NIANBAO_INDEX": "/srv/ix", "HOST": "0.0.0.0", "PORT": "9001"}
    args = parse_args([], env)
    assert (args.index, args.host, args.port) == ("/srv/ix", "0.0.0.0", 9001)
    args = parse_args(["--index", "here", "--host", "::1", "--port", "7000"], env)
    assert (args.index, args.host, args.port) == ("here", "::1", 7000)


def test_a_port_that_is_not_a_number_is_refused_with_a_message(capsys):
    from webui.__main__ import parse_args

    with pytest.raises(SystemExit) as exc:
        parse_args([], {"PORT": "http"})
    assert exc.value.code == 2 and "PORT must be a number" in capsys.readouterr().err


def test_serving_takes_one_process_a_core_up_to_four_unless_told():
    from webui.__main__ import MAX_DEFAULT_WORKERS, default_workers, parse_args

    assert [default_workers(n) for n in (1, 2, 3, 8)] == [1, 2, 3, MAX_DEFAULT_WORKERS]
    assert parse_args([], {}).workers == default_workers()
    assert parse_args([], {"NIANBAO_WORKERS": "3"}).workers == 3
    assert parse_args(["--workers", "1"], {"NIANBAO_WORKERS": "3"}).workers == 1


def test_a_workers_setting_that_is_not_a_count_is_refused_with_a_message(capsys):
    from webui.__main__ import parse_args

    for bad in ("two", "0"):
        with pytest.raises(SystemExit) as exc:
            parse_args([], {"NIANBAO_WORKERS": bad})
        assert exc.value.code == 2 and "NIANBAO_WORKERS must be a whole number" in capsys.readouterr().err
