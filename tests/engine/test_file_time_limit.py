"""The per-file alarm must not raise where Python would swallow the exception (it then loses the
bound); it waits for its next repeat instead."""
from __future__ import annotations

import gc
import signal
import sys

import pytest

from indexer.engine import prepare


def test_the_alarm_raises_in_ordinary_code():
    with pytest.raises(prepare._FileTimeout):
        prepare._on_alarm(signal.SIGALRM, sys._getframe())


def test_the_alarm_does_not_raise_inside_a_gc_callback():
    outcomes: list[str] = []

    def callback(phase: str, info: dict) -> None:
        if phase != "start" or outcomes:
            return
        try:
            prepare._on_alarm(signal.SIGALRM, sys._getframe())
            outcomes.append("waited")
        except prepare._FileTimeout:
            outcomes.append("raised")

    gc.callbacks.append(callback)
    try:
        gc.collect()
    finally:
        gc.callbacks.remove(callback)
    assert outcomes == ["waited"]


def test_the_alarm_does_not_raise_inside_a_finaliser():
    outcomes: list[str] = []

    class Finalised:
        def __del__(self) -> None:
            try:
                prepare._on_alarm(signal.SIGALRM, sys._getframe())
                outcomes.append("waited")
            except prepare._FileTimeout:
                outcomes.append("raised")

    Finalised()
    gc.collect()
    assert outcomes == ["waited"]
