"""``python -m webui [--index DIR] [--host H] [--port P] [--corpus DIR] [--threads N] [--workers N]
[--dev]``: serve the UI and the API with waitress (a production WSGI server; ``--workers`` forked
processes of it on one port), or Flask's development server.

The index folder, host and port also come from the environment (``NIANBAO_INDEX``, ``HOST``,
``PORT``, as in the README's configuration table): a flag wins over the environment, the
environment over the defaults (``index``, ``127.0.0.1``, ``8000``)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping

from indexer.engine.query import IndexMissing

from . import create_app, get_index


def parse_args(argv: list[str] | None = None, environ: Mapping[str, str] | None = None) -> argparse.Namespace:
    """The command line over the environment over the defaults (pure: ``environ`` is passed in)."""
    env = os.environ if environ is None else environ
    parser = argparse.ArgumentParser(prog="python -m webui",
                                     description="年报检索 nianbao: web UI and JSON API")
    parser.add_argument("--index", default=env.get("NIANBAO_INDEX") or "index",
                        help="index folder (default: $NIANBAO_INDEX, else index)")
    parser.add_argument("--host", default=env.get("HOST") or "127.0.0.1",
                        help="address to listen on (default: $HOST, else 127.0.0.1)")
    parser.add_argument("--port", type=int, default=_port(env.get("PORT"), parser),
                        help="port (default: $PORT, else 8000)")
    parser.add_argument("--corpus", default=None, help="corpus folder, for original files the index lacks")
    parser.add_argument("--threads", type=int, default=8, help="request threads (default: 8)")
    parser.add_argument("--workers", type=int, default=_workers(env.get("NIANBAO_WORKERS"), parser),
                        help=f"serving processes sharing the port (default: $NIANBAO_WORKERS, else one "
                             f"a core up to {MAX_DEFAULT_WORKERS}); searching is Python code under one "
                             "interpreter lock per process, so more cores need more processes")
    parser.add_argument("--dev", action="store_true", help="Flask's development server instead of waitress")
    parser.add_argument("--backend", choices=["whoosh", "xapian"], default=None,
                        help="search backend (default: NIANBAO_BACKEND, else whoosh)")
    parser.add_argument("--shards", default=None, help="xapian: host:port,host:port "
                        "(default: NIANBAO_SHARDS, else the shard folders under --index)")
    return parser.parse_args(argv)


MAX_DEFAULT_WORKERS = 4  # past this, each process's own caches cost more memory than cores give


def default_workers(cores: int | None = None) -> int:
    """One serving process a core, up to :data:`MAX_DEFAULT_WORKERS`: with 8 clients on 2 cores, one
    process served 0.95 × one client's throughput and two 2.1 × (README, "Performance")."""
    return max(1, min(cores if cores is not None else (os.cpu_count() or 1), MAX_DEFAULT_WORKERS))


def _workers(value: str | None, parser: argparse.ArgumentParser) -> int:
    if not value:
        return default_workers()
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        parser.error(f"NIANBAO_WORKERS must be a whole number ≥ 1 (got {value!r})")
    return n


def _port(value: str | None, parser: argparse.ArgumentParser) -> int:
    if not value:
        return 8000
    try:
        return int(value)
    except ValueError:
        parser.error(f"PORT must be a number (got {value!r})")
        raise  # unreachable: parser.error exits


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)

    app = create_app({"INDEX_DIR": args.index, "CORPUS_DIR": args.corpus,
                      **{k: v for k, v in (("BACKEND", args.backend), ("SHARDS", args.shards)) if v}})
    with app.app_context():
        try:
            n = get_index().stats().get("reports")
            print(f"index {args.index}: {n} reports", flush=True)
        except IndexMissing:
            print(f"no index at {args.index} yet: run python -m indexer build "
                  "(the server starts anyway and picks it up once built)", file=sys.stderr, flush=True)
    host = f"[{args.host}]" if ":" in args.host else args.host
    print(f"年报检索 nianbao: http://{host}:{args.port}/", flush=True)
    if args.dev:
        app.run(host=args.host, port=args.port, threaded=True, debug=False, use_reloader=False)
        return 0
    from waitress import serve

    if args.workers < 1:
        print("--workers must be ≥ 1", file=sys.stderr)
        return 2
    if args.workers > 1:
        return _serve_forked(app, args)
    serve(app, host=args.host, port=args.port, threads=args.threads, ident="nianbao")
    return 0


def _serve_forked(app, args: argparse.Namespace) -> int:
    """``args.workers`` waitress processes forked after the index was opened and warmed (so they
    share its pages until they change them), accepting from one listening socket. The index files
    are read with positional reads (``engine/files.py``), so the shared descriptors need no care.
    Ends when a worker does, or on SIGTERM / SIGINT, taking the other workers down with it."""
    import signal
    import socket

    from waitress import serve

    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    sock = socket.create_server((args.host, args.port), family=family, backlog=1024)
    pids: list[int] = []
    for _ in range(args.workers):
        pid = os.fork()
        if pid == 0:  # a worker
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            serve(app, sockets=[sock], threads=args.threads, ident="nianbao")
            os._exit(0)
        pids.append(pid)
    sock.close()

    def stop(signum, frame) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    try:
        os.wait()  # the first worker to end ends the service
    except (SystemExit, KeyboardInterrupt):
        pass
    finally:
        for pid in pids:
            try:
                os.kill(pid, signal.SIGTERM)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
