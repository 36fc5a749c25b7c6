"""Where the shards are, opening them as one database, and what happens when one does not answer.

A shard is ``host:port`` (a ``xapian-tcpsrv``) or a folder (a local database). Xapian searches
several databases added to one ``Database`` as one: ranking statistics and match spies are merged
across them. A shard that cannot be reached raises :class:`ShardUnavailable` (the web layer answers
503 with its message); a search that allows partial results runs on the shards that answer and
says which are missing (``partial``/``missing_shards`` in the result), never silently fewer hits.
"""

from __future__ import annotations

import contextvars
import os
from dataclasses import dataclass
from pathlib import Path

from indexer.engine.errors import IndexMissing

CONNECT_TIMEOUT_MS = 2000
TIMEOUT_MS = 10000

# Set per request by the web layer (``partial=1`` in the URL); read by searches that are not told.
allow_partial_var: contextvars.ContextVar[bool] = contextvars.ContextVar("nianbao_allow_partial",
                                                                        default=False)


class ShardUnavailable(IndexMissing):
    """One or more shards did not answer; the search was not run (HTTP 503).

    A subclass of ``IndexMissing`` so every caller that already maps a missing index to 503 (web
    page, API, CLI exit code) does the same here, with this message."""

    def __init__(self, shards: list[str], detail: str = "") -> None:
        self.shards = shards
        msg = f"shard{'s' if len(shards) > 1 else ''} not answering: {', '.join(shards)}"
        if detail:
            msg += f" ({detail})"
        super().__init__(msg + "; retry later, or add partial=1 to search the shards that answer")


@dataclass(frozen=True)
class Shard:
    spec: str  # host:port or a folder

    @property
    def remote(self) -> tuple[str, int] | None:
        host, sep, port = self.spec.rpartition(":")
        if sep and port.isdigit() and not Path(self.spec).exists():
            return host.strip("[]") or "127.0.0.1", int(port)
        return None

    def open(self):
        """This shard as a read-only ``xapian.Database`` (raises xapian errors)."""
        import xapian

        remote = self.remote
        if remote is not None:
            return xapian.remote_open(remote[0], remote[1], TIMEOUT_MS, CONNECT_TIMEOUT_MS)
        return xapian.Database(self.spec)


def parse_shards(spec: str) -> list[Shard]:
    """``host:port,host:port`` or folders, comma-separated."""
    shards = [Shard(s.strip()) for s in spec.split(",") if s.strip()]
    if not shards:
        raise ValueError("no shards given (host:port,host:port or folders)")
    return shards


def local_shards(index_dir: str | Path) -> list[Shard]:
    """The shard folders a build wrote under ``index_dir`` (in shard order)."""
    from indexer.engine.xapian.build import read_layout, shard_dirs

    n = read_layout(Path(index_dir)).get("shards")
    if not isinstance(n, int) or n < 1:
        raise IndexMissing(f"no xapian index in {index_dir}: run `python -m indexer build --backend xapian`")
    return [Shard(str(p)) for p in shard_dirs(Path(index_dir), n)]


def shards_from_env(index_dir: str | Path, shards: str | None = None) -> list[Shard]:
    """``shards`` or ``NIANBAO_SHARDS`` if given, else the local shard folders of ``index_dir``."""
    spec = shards or os.environ.get("NIANBAO_SHARDS", "")
    return parse_shards(spec) if spec.strip() else local_shards(index_dir)


def probe(shards: list[Shard]) -> tuple[list, list[str], str]:
    """(open databases of the shards that answer, specs of those that do not, first error text)."""
    import xapian

    live, dead, detail = [], [], ""
    for shard in shards:
        try:
            db = shard.open()
            db.get_doccount()
            live.append((shard, db))
        except (xapian.Error, OSError) as err:
            dead.append(shard.spec)
            detail = detail or _describe(err)
    return live, dead, detail


def combine(dbs: list):
    """One database searching all of ``dbs`` as one."""
    import xapian

    combined = xapian.Database()
    for db in dbs:
        combined.add_database(db)
    return combined


def _describe(err: Exception) -> str:
    get = getattr(err, "get_msg", None)
    return f"{type(err).__name__}: {get() if get else err}"


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on now (the OS picks it)."""
    import socket

    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


class LoopbackServers:
    """One ``xapian-tcpsrv`` per shard folder on free loopback ports, for tests and benchmarks
    (``scripts/cluster`` is the long-running equivalent). Each server runs in its own process
    group: a stopped ``xapian-tcpsrv`` signals its group, and the connections it forked are killed
    with it. Raises RuntimeError if the server is missing or does not listen within ``wait`` s."""

    def __init__(self, dirs: list[Path] | list[str], wait: float = 10.0) -> None:
        import shutil
        import socket
        import subprocess
        import time

        server = shutil.which("xapian-tcpsrv")
        if server is None:
            raise RuntimeError("xapian-tcpsrv not found (Debian: xapian-tools)")
        self.procs: list[subprocess.Popen] = []
        self.ports: list[int] = []
        for d in dirs:
            port = free_port()
            self.procs.append(subprocess.Popen(
                [server, "--interface", "127.0.0.1", "--port", str(port), "--quiet", str(d)],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                start_new_session=True))
            self.ports.append(port)
        deadline = time.monotonic() + wait
        for port in self.ports:
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        self.stop()
                        raise RuntimeError(f"xapian-tcpsrv did not listen on {port}") from None
                    time.sleep(0.05)

    @property
    def spec(self) -> str:
        """The ``--shards`` line: ``127.0.0.1:P,127.0.0.1:Q``."""
        return ",".join(self.specs)

    @property
    def specs(self) -> list[str]:
        return [f"127.0.0.1:{p}" for p in self.ports]

    def kill(self, i: int) -> None:
        """Shard ``i``'s server and the connections it serves, at once (a machine that died)."""
        import signal

        os.killpg(self.procs[i].pid, signal.SIGKILL)
        self.procs[i].wait()

    def stop(self) -> None:
        import contextlib
        import signal

        for p in self.procs:
            if p.poll() is None:
                p.terminate()
                p.wait(5)
            with contextlib.suppress(ProcessLookupError):  # connections still being served
                os.killpg(p.pid, signal.SIGKILL)

    def __enter__(self) -> LoopbackServers:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
