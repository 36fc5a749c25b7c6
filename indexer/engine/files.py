"""Index files read with positional reads, so that any number of threads can search one index version.

whoosh reads a segment's files through one file object per file: ``seek`` then ``read``. Two
threads doing that at once on a shared object read each other's bytes, which is why searches on one
index version used to take turns behind a lock. Here every file is one operating-system file
descriptor read with ``os.pread`` (which has no shared position), and the position whoosh seeks to
is kept per thread (with a small read-ahead buffer, also per thread): a thread only ever sees its
own seeks. Compound segment files (``.seg``) are windows of their file with the same per-thread
position, so whoosh's shared ``SubFile`` position is not used either.

Read-only: a build writes with whoosh's ordinary storage.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import BinaryIO, cast

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile

READ_AHEAD = 8192  # bytes read at once for small reads (whoosh reads many varints, a byte each)


def beside_segment(folder: str | Path, segment_id: str, suffix: str) -> Path:
    """Where a file nianbao writes beside segment ``segment_id`` (``MAIN_<segid>``) lives: named so
    that whoosh's clean-up removes it with its segment."""
    return Path(folder) / f"{segment_id}{suffix}"


class Descriptor:
    """One open file read with ``os.pread`` (short reads completed), closed with its last window
    (or explicitly)."""

    def __init__(self, path: str) -> None:
        self.fd = -1  # a file that cannot be opened leaves nothing to close
        self.fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        self.size = os.fstat(self.fd).st_size

    def pread(self, size: int, at: int) -> bytes:
        fd = self.fd
        if fd < 0:
            raise ValueError("read from a closed index file")
        data = os.pread(fd, size, at)
        if len(data) < size:  # a short read (rare on regular files): read the rest
            parts = [data]
            got = len(data)
            while got < size:
                more = os.pread(fd, size - got, at + got)
                if not more:
                    break
                parts.append(more)
                got += len(more)
            data = b"".join(parts)
        return data

    def close(self) -> None:
        fd, self.fd = self.fd, -1
        if fd >= 0:
            os.close(fd)

    def __del__(self) -> None:
        self.close()


class _ThreadState(threading.local):
    """A window's position and read-ahead buffer in the current thread."""

    def __init__(self) -> None:
        self.pos = 0
        self.buf = b""
        self.buf_at = 0  # window offset of buf[0]


class PositionalFile:
    """A read-only file object over ``length`` bytes of a file from ``offset``, with a position per
    thread (the interface whoosh's ``StructFile`` and ``CompoundStorage`` use)."""

    def __init__(self, descriptor: Descriptor, offset: int, length: int, owner: bool,
                 name: str | None = None) -> None:
        self._d = descriptor
        self._offset, self._length = offset, length
        self._owner = owner  # closing the whole file closes the descriptor; a window does not
        self._state = _ThreadState()
        self.name = name
        self.closed = False

    @classmethod
    def open(cls, path: str) -> PositionalFile:
        d = Descriptor(path)
        return cls(d, 0, d.size, owner=True, name=path)

    def read(self, size: int | None = -1) -> bytes:
        st = self._state
        pos, end = st.pos, self._length
        if size is None or size < 0 or size > end - pos:
            size = end - pos
        if size <= 0:
            return b""
        rel = pos - st.buf_at
        buf = st.buf
        if rel >= 0 and rel + size <= len(buf):
            st.pos = pos + size
            return buf[rel:rel + size]
        if size >= READ_AHEAD:
            data = self._d.pread(size, self._offset + pos)
        else:
            buf = self._d.pread(min(READ_AHEAD, end - pos), self._offset + pos)
            st.buf, st.buf_at = buf, pos
            data = buf[:size]
        st.pos = pos + len(data)
        return data

    def get(self, position: int, length: int) -> bytes:
        """``seek(position)`` then ``read(length)``: whoosh's most frequent read, in one call."""
        self._state.pos = max(0, position)
        return self.read(length)

    def readline(self, size: int | None = -1) -> bytes:
        st = self._state
        start = st.pos
        out = []
        while True:
            chunk = self.read(READ_AHEAD)
            if not chunk:
                break
            nl = chunk.find(b"\n")
            if nl >= 0:
                out.append(chunk[:nl + 1])
                break
            out.append(chunk)
        line = b"".join(out)
        if size is not None and 0 <= size < len(line):
            line = line[:size]
        st.pos = start + len(line)
        return line

    def seek(self, where: int, whence: int = 0) -> int:
        st = self._state
        if whence == 1:
            where += st.pos
        elif whence == 2:
            where += self._length
        elif whence != 0:
            raise ValueError(f"bad whence {whence}")
        st.pos = max(0, where)
        return st.pos

    def tell(self) -> int:
        return self._state.pos

    def subset(self, offset: int, length: int, name: str | None = None) -> PositionalFile:
        """A window of this file (its own per-thread position; the same descriptor)."""
        return PositionalFile(self._d, self._offset + offset, length, owner=False, name=name or self.name)

    def close(self) -> None:
        self.closed = True
        if self._owner:
            self._d.close()


class _StructFile(StructFile):
    """whoosh's StructFile whose sub-files (compound segment members) are windows with per-thread
    positions instead of whoosh's ``SubFile``, whose one position all threads would share."""

    def subset(self, offset: int, length: int, name: str | None = None) -> StructFile:
        return _StructFile(self.file.subset(offset, length, name=name), name=name)  # type: ignore[attr-defined]

    def get(self, position: int, length: int) -> bytes:
        return self.file.get(position, length)  # type: ignore[attr-defined]


class PositionalStorage(FileStorage):
    """A read-only index folder whose files many threads can read at once (see the module text)."""

    supports_mmap = False

    def __init__(self, path: str) -> None:
        super().__init__(path, supports_mmap=False, readonly=True)

    def open_file(self, name: str, **kwargs) -> StructFile:
        # a file object in all that whoosh uses of one (read, seek, tell, subset, close)
        return _StructFile(cast(BinaryIO, PositionalFile.open(self._fpath(name))), name=name, **kwargs)
