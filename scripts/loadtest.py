#!/usr/bin/env python3
"""Load test: concurrent searches, facet clicks, report pages and exports against the app, on loopback only.

    python scripts/loadtest.py --corpus corpus [--rebuild] [--clients 1,8] [--requests 400] [--seconds 30]
    python scripts/loadtest.py --index DIR                 # serve an existing index
    python scripts/loadtest.py --url http://127.0.0.1:8000  # a server already running (no --rebuild)
    python scripts/loadtest.py --index DIR --server-process  # the server in a process of its own

Starts the app with waitress on a free 127.0.0.1 port (or uses ``--url``, which must be a loopback
address; ``--server-process`` runs ``python -m webui`` in a process of its own, so that the
clients' work does not share the server's interpreter lock), then for each client count sends a
bounded number of requests (``--requests``, within ``--seconds``) from that many threads: the API's
searches, facet clicks (the toggle URLs the API gives), the search page, report pages and the CSV
and JSON Lines exports (of a result set of at most ``MAX_EXPORT_REPORTS``: a larger one is narrowed
to its first county). With ``--rebuild`` rebuilds (full and incremental in turn; ``python -m
indexer build`` processes that commit while requests are served) run in a loop meanwhile,
alternating between the corpus and a copy without one report, so that old and new index differ.
Every answer must be a 200 that is what the old or the new index gives for that request
(``answer_of``: a search's total, hits in order and facet counts; a report's facts; an export's
bytes), never a mix. Prints per client count:
requests, errors, inconsistent answers, throughput, p50/p95 latency. Exit status 0 when there was no
error and no inconsistent answer, 1 otherwise, 2 for bad arguments (a non-loopback URL).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import ipaddress
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

QUERIES = ["", "政府信息公开", "微信公众号", '"政务新媒体"', "申请 OR 复议", "year:2020", "NOT 诉讼",
           "status:verified", "litigation_total:>=1"]
_TOTAL_RE = re.compile(r"共 <strong>(\d+)</strong> 份报告")
_SERVER_RE = re.compile(rb"https?://[^/,\"\s]+(?=/reports/)")  # an export's links: their server
_HIT_RE = re.compile(r'href="/reports/([0-9a-f]+)"')  # the page's hits, in order


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass
class Request:
    path: str  # with its query string
    kind: str  # "api" (JSON search), "page" (search page), "report" (page), "report_api", "export"
    allowed: set = field(default_factory=set)  # answers (answer_of) the old or the new index give;
    # for a report page, the statuses


@dataclass
class Run:
    clients: int
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    inconsistent: list[str] = field(default_factory=list)
    seconds: float = 0.0
    seen: dict[str, set[str]] = field(default_factory=dict)  # request → answers given

    def both(self) -> int:
        """Requests answered two ways: the run did see old and new index."""
        return sum(1 for totals in self.seen.values() if len(totals) > 1)

    def line(self) -> str:
        n = len(self.latencies)
        lat = sorted(self.latencies)
        p50 = statistics.median(lat) * 1000 if lat else 0.0
        p95 = lat[min(n - 1, int(0.95 * n))] * 1000 if lat else 0.0
        rate = n / max(self.seconds, 1e-9)
        return (f"clients {self.clients:>2}: {n} requests in {self.seconds:.1f} s = {rate:.1f} req/s; "
                f"p50 {p50:.1f} ms, p95 {p95:.1f} ms; errors {len(self.errors)}, "
                f"inconsistent {len(self.inconsistent)}; requests answered from both indexes {self.both()}")


def fetch(base: str, path: str, timeout: float = 30.0) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(base + path, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        with err:  # it holds the connection's file
            return err.code, err.read()


def answer_of(kind: str, body: bytes) -> str | None:
    """What must be the same as the old or the new index's answer to the request, never a mix: for a
    search its total, the page's hits in order and (API) every facet count; for a report its facts;
    for an export its every byte. None for an HTML report page (its status alone is checked)."""
    if kind == "api":
        data = json.loads(body)
        facets = {name: [(v.get("value"), v.get("count")) for v in values]
                  for name, values in data["facets"].items()}
        return json.dumps([data["total"], [h["id"] for h in data["hits"]], facets], sort_keys=True,
                          ensure_ascii=False)
    if kind == "page":
        text = body.decode("utf-8")
        m = _TOTAL_RE.search(text)  # no summary: no result (an error page has no total)
        return json.dumps([int(m.group(1)) if m else 0, _HIT_RE.findall(text)])
    if kind == "report_api":
        return json.dumps(json.loads(body)["facts"], sort_keys=True, ensure_ascii=False)
    if kind == "export":  # its links name the server they came from: the old and new index's differ
        return hashlib.sha256(_SERVER_RE.sub(b"SERVER", body)).hexdigest()
    return None


def brief(answer: str | None) -> str:
    """The short form of an answer for a message."""
    if answer is None or len(answer) <= 80:
        return str(answer)
    return answer[:77] + "..."


# An export in the mix holds at most this many reports (the whole corpus up to 10,000 reports, as the
# figures before it were measured): a whole-result export of a query that matches
# 100,000 reports is a 100 MB download of minutes, not a request of a load test bounded in time; the
# search is then narrowed to its first county, as a user exporting one place's reports would.
MAX_EXPORT_REPORTS = 10_000


def plan(base: str) -> list[Request]:
    """The requests to send: searches, their facet clicks and pages, report pages, exports."""
    reqs: list[Request] = []
    report_ids: list[str] = []
    exports: list[str] = []  # the query strings of the exports (``q=…`` and maybe a county)
    for n, q in enumerate(QUERIES):
        args = urlencode({"q": q}) if q else ""
        reqs.append(Request(f"/api/search?{args}", "api"))
        reqs.append(Request(f"/?{args}", "page"))
        status, body = fetch(base, f"/api/search?{args}")
        if status != 200:
            raise SystemExit(f"{base}/api/search?{args} answered {status} before the load started")
        data = json.loads(body)
        if n < 3:  # exports of whole result sets, both kinds
            county = (data["facets"].get("county") or [{}])[0].get("toggle_url", "")
            if data["total"] <= MAX_EXPORT_REPORTS or not county:
                exports.append(args)
            else:
                exports.append(county.split("?", 1)[1] if "?" in county else args)
        report_ids.extend(h["id"] for h in data["hits"][:3])
        for values in list(data["facets"].values())[:4]:
            for v in values[:2]:  # facet clicks
                reqs.append(Request(v["toggle_url"], "api"))
                reqs.append(Request(v["toggle_url"].replace("/api/search", "/", 1), "page"))
    for rid in dict.fromkeys(report_ids):
        reqs.append(Request(f"/reports/{rid}", "report"))
        reqs.append(Request(f"/api/reports/{rid}", "report_api"))
    for args in exports:
        reqs.append(Request(f"/api/search.csv?{args}", "export"))
        reqs.append(Request(f"/api/search.jsonl?{args}", "export"))
    return reqs


def expect(reqs: list[Request], base: str) -> None:
    """Add the answers ``base`` gives now to each request's allowed set."""
    for r in reqs:
        status, body = fetch(base, r.path)
        if r.kind == "report":
            r.allowed.add(status)
        elif status == 200:
            r.allowed.add(answer_of(r.kind, body))


def load(base: str, reqs: list[Request], clients: int, max_requests: int, max_seconds: float,
         seed: int) -> Run:
    run = Run(clients)
    lock = threading.Lock()
    remaining = [max_requests]
    deadline = time.perf_counter() + max_seconds

    def client(i: int) -> None:
        rnd = random.Random(seed * 1000 + i)
        while time.perf_counter() < deadline:
            with lock:
                if remaining[0] <= 0:
                    return
                remaining[0] -= 1
            r = rnd.choice(reqs)
            t0 = time.perf_counter()
            try:
                status, body = fetch(base, r.path)
                answer = answer_of(r.kind, body) if status == 200 else None
            except Exception as err:  # a dropped connection, a bad body: an error, counted
                with lock:
                    run.errors.append(f"{r.path}: {type(err).__name__}: {err}")
                continue
            took = time.perf_counter() - t0
            with lock:
                run.latencies.append(took)
                if r.kind == "report":
                    if status not in r.allowed or status >= 500:
                        run.errors.append(f"{r.path}: status {status}, expected {sorted(r.allowed)}")
                elif status != 200:
                    run.errors.append(f"{r.path}: status {status}")
                elif answer is not None:
                    run.seen.setdefault(r.path, set()).add(answer)
                if r.kind != "report" and status == 200 and answer not in r.allowed:
                    run.inconsistent.append(f"{r.path}: answered {brief(answer)}, the indexes give "
                                            f"{sorted(brief(a) for a in r.allowed)}")

    t0 = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    run.seconds = time.perf_counter() - t0
    return run


class Rebuilder:
    """Rebuilds in a loop (separate processes), full and incremental in turn, alternating between two
    corpora."""

    def __init__(self, corpora: list[Path], index_dir: Path) -> None:
        self.corpora, self.index_dir = corpora, index_dir
        self.stop = threading.Event()
        self.done = 0
        self.failures: list[str] = []
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        i = 0
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        while not self.stop.is_set():
            corpus = self.corpora[i % len(self.corpora)]
            full = ["--full"] if i % 2 == 0 else []  # full and incremental commits in turn
            proc = subprocess.run([sys.executable, "-m", "indexer", "build", str(corpus), "--index",
                                   str(self.index_dir), "--quiet", *full], cwd=ROOT, env=env,
                                  capture_output=True, text=True)
            if proc.returncode != 0:
                self.failures.append(proc.stderr.strip()[-500:])
            else:
                self.done += 1
            i += 1

    def __enter__(self) -> Rebuilder:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()


class Server:
    """The app served by waitress on a free 127.0.0.1 port, in a thread."""

    def __init__(self, index_dir: Path, corpus: Path | None, threads: int) -> None:
        import logging

        from waitress.server import create_server

        logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "Task queue depth" under load

        from webui import create_app

        app = create_app({"INDEX_DIR": str(index_dir), "CORPUS_DIR": str(corpus) if corpus else None})
        self.server = create_server(app, host="127.0.0.1", port=0, threads=threads)
        self.url = f"http://127.0.0.1:{self.server.effective_port}"
        self.closing = False
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            self.server.run()
        except (OSError, ValueError):  # the loop's sockets closed under it by __exit__
            if not self.closing:
                raise

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.closing = True
        self.server.task_dispatcher.shutdown()
        self.server.close()
        self.thread.join(timeout=5)
        # connections still open (a client's last request cut short) keep the loop running and
        # would be left to the garbage collector: close them, then let the loop end
        for channel in list(self.server._map.values()):
            with contextlib.suppress(OSError):
                channel.close()
        self.thread.join(timeout=5)


class ServerProcess:
    """The app served by ``python -m webui`` (waitress) in a process of its own on a free 127.0.0.1
    port: what a deployment runs, and the clients' own work does not share the server's GIL."""

    def __init__(self, index_dir: Path, corpus: Path | None, threads: int,
                 workers: int | None = None) -> None:
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self.argv = [sys.executable, "-m", "webui", "--index", str(index_dir), "--host", "127.0.0.1",
                     "--port", str(port), "--threads", str(threads),
                     *(["--workers", str(workers)] if workers else []),  # None: the server's default
                     *(["--corpus", str(corpus)] if corpus else [])]
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> ServerProcess:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.proc = subprocess.Popen(self.argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
        deadline = time.perf_counter() + 120
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"the server process exited with status {self.proc.returncode}")
            try:
                if fetch(self.url, "/api/search", timeout=5)[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.__exit__()
        raise SystemExit(f"the server process did not answer at {self.url} within 120 s")

    def __exit__(self, *exc) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="loadtest.py", description=__doc__.split("\n\n")[0])
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--url", help="a running server on loopback (http://127.0.0.1:PORT)")
    where.add_argument("--index", help="serve this index folder")
    where.add_argument("--corpus", help="build an index of this corpus in a temporary folder and serve it")
    p.add_argument("--rebuild", action="store_true",
                   help="rebuilds, full and incremental in turn, meanwhile (--corpus only)")
    p.add_argument("--clients", default="1,8", help="client thread counts, one run each (default: 1,8)")
    p.add_argument("--requests", type=int, default=400, help="requests per run (default: 400)")
    p.add_argument("--seconds", type=float, default=30.0, help="time limit per run (default: 30)")
    p.add_argument("--server-threads", type=int, default=8, help="waitress threads (default: 8)")
    p.add_argument("--server-process", action="store_true",
                   help="serve from a process of its own (python -m webui) instead of a thread of this one")
    p.add_argument("--server-workers", type=int, default=None,
                   help="--server-process: serving processes (python -m webui --workers; default: the "
                        "server's own, one a core up to 4)")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    clients = [int(c) for c in args.clients.split(",") if c.strip()]
    if args.rebuild and not args.corpus:
        p.error("--rebuild needs --corpus (the script rebuilds the index it serves)")
    if args.url:
        host = urlsplit(args.url).hostname or ""
        if not is_loopback(host):
            sys.stderr.write(f"refusing {args.url}: the load test only talks to loopback (127.0.0.1)\n")
            return 2
        return report(run_all(args.url.rstrip("/"), clients, args, None), None)

    with tempfile.TemporaryDirectory(prefix="nianbao-load-") as tmp:
        tmp_dir = Path(tmp)
        corpus = Path(args.corpus) if args.corpus else None
        if args.index:
            index_dir = Path(args.index)
        else:
            from indexer.engine.build import build_index

            index_dir = tmp_dir / "index"
            build_index(corpus, index_dir)
        server_cm = (ServerProcess(index_dir, corpus, args.server_threads, args.server_workers)
                     if args.server_process else Server(index_dir, corpus, args.server_threads))
        with server_cm as server:
            if not args.rebuild:
                return report(run_all(server.url, clients, args, None), None)
            other = tmp_dir / "corpus-less-one"  # the second corpus: one report fewer
            shutil.copytree(corpus, other)
            files = sorted(f for f in other.rglob("*") if f.suffix in (".txt", ".md", ".html", ".htm"))
            files[len(files) // 2].unlink()
            with Server(_reference(other, tmp_dir / "ref"), other, 2) as ref:
                rebuilder = Rebuilder([other, corpus], index_dir)
                return report(run_all(server.url, clients, args, ref.url, rebuilder), rebuilder)


def _reference(corpus: Path, index_dir: Path) -> Path:
    from indexer.engine.build import build_index

    build_index(corpus, index_dir)
    return index_dir


def run_all(base: str, clients: list[int], args, other: str | None, rebuilder: Rebuilder | None = None
            ) -> list[Run]:
    reqs = plan(base)
    expect(reqs, base)
    if other:
        expect(reqs, other)
    print(f"{base}: {len(reqs)} distinct requests; {args.requests} per run within {args.seconds:g} s"
          + ("; rebuilding meanwhile" if rebuilder else ""), flush=True)
    runs = []
    if rebuilder:
        rebuilder.__enter__()
    try:
        for n in clients:
            run = load(base, reqs, n, args.requests, args.seconds, args.seed)
            print(run.line(), flush=True)
            runs.append(run)
    finally:
        if rebuilder:
            rebuilder.__exit__(None, None, None)
    return runs


def report(runs: list[Run], rebuilder: Rebuilder | None) -> int:
    bad = 0
    for run in runs:
        for msg in (run.errors + run.inconsistent)[:5]:
            print(f"  clients {run.clients}: {msg}")
        bad += len(run.errors) + len(run.inconsistent)
    if rebuilder is not None:
        print(f"rebuilds committed meanwhile: {rebuilder.done}; failed: {len(rebuilder.failures)}")
        for msg in rebuilder.failures[:3]:
            print(f"  rebuild failed: {msg}")
        bad += len(rebuilder.failures)
    print("OK: no errors, every answer from the old or the new index" if not bad
          else f"FAILED: {bad} problems")
    return 0 if not bad else 1


if __name__ == "__main__":
    sys.exit(main())
