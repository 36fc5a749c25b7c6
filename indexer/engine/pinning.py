"""One index version per request: what a request reads (a page's hits, its facet counts, its overview,
the corrections it offers) comes from the version it first read, even when a build commits meanwhile.

The web layer pins every request (``pin_versions`` / ``unpin_versions``); ``one_version`` does the
same for a block of code. A context variable, so each thread (and each streamed response's context)
has its own pins; outside a pinned request each read takes the newest version.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator
from typing import TypeVar

V = TypeVar("V")

_PINNED: contextvars.ContextVar[dict | None] = contextvars.ContextVar("nianbao_pinned_versions", default=None)


def pin_versions() -> contextvars.Token:
    """Start a request: until :func:`unpin_versions`, each index answers from the version it first
    answered from."""
    return _PINNED.set({})


def unpin_versions(token: contextvars.Token) -> None:
    """End what :func:`pin_versions` started (a token set in another context just clears the pins)."""
    try:
        _PINNED.reset(token)
    except ValueError:
        _PINNED.set(None)


@contextlib.contextmanager
def one_version() -> Iterator[None]:
    """``with one_version():`` reads in the block come from one version of each index (nested: the
    outer block's)."""
    if _PINNED.get() is not None:
        yield
        return
    token = pin_versions()
    try:
        yield
    finally:
        unpin_versions(token)


def pinned(owner: object, latest: Callable[[], V]) -> V:
    """``owner``'s version for this read: the one pinned in this request, else ``latest()`` (pinned
    now when a request is pinned)."""
    pins = _PINNED.get()
    if pins is None:
        return latest()
    if owner not in pins:
        pins[owner] = latest()
    return pins[owner]
