"""bot.inputs.limits: calls in a child process under a time limit; an overrun or a crash costs the call,
never the batch or the run."""

from __future__ import annotations

import os
import signal
import time

import pytest

from bot.inputs.limits import Bounded, Overrun, PageLimits


def _work(kind: str, value: int = 0):
    if kind == "sleep":
        time.sleep(value)
    elif kind == "crash":
        os.kill(os.getpid(), signal.SIGKILL)  # what the OOM killer does
    elif kind == "memory":
        raise MemoryError
    elif kind == "bug":
        raise KeyError("a bug")
    return (kind, value, os.getpid())


def calls(*items) -> list:
    return [(item, {}) for item in items]


def test_an_overrun_costs_its_call_only():
    with Bounded(0.5, _work) as bounded:
        child = bounded.call("ok")[2]
        assert child != os.getpid()  # in a child
        results = bounded.map(calls(("ok", 1), ("sleep", 30), ("ok", 2), ("ok", 3)))
        assert results[1] == Overrun("its analysis ran over 0.5 s ([limits] max_analysis_seconds)")
        assert [result[:2] for result in (results[0], results[2], results[3])] == [("ok", 1), ("ok", 2), ("ok", 3)]
        assert results[2][2] != child  # a new one after the overrun (it did the first call again, too)


def test_a_crash_costs_its_call_only():
    with Bounded(5, _work) as bounded:
        results = bounded.map(calls(("ok", 1), ("crash",), ("ok", 2)))
        assert results[1] == Overrun(f"its analysis stopped: killed by signal {signal.SIGKILL}")
        assert [results[0][:2], results[2][:2]] == [("ok", 1), ("ok", 2)]
        assert bounded.call("memory") == Overrun("its analysis ran out of memory")
        with pytest.raises(RuntimeError, match="KeyError: 'a bug'"):  # a bug is not the page's fault
            bounded.call("bug")
        assert bounded.call("ok", 4)[:2] == ("ok", 4)


def test_no_limit_runs_in_this_process():
    assert Bounded(0, _work).call("ok", 1) == ("ok", 1, os.getpid())


def test_size_limit():
    limits = PageLimits(max_bytes=4096)
    assert limits.oversize("字" * 1365) is None  # 4,095 bytes
    assert limits.oversize("字" * 2000) == Overrun("6 KB, over the 4 KB limit ([limits] max_page_kb)")
    assert limits.oversize("字" * 2000, encoded_at_most=4000) is None  # trusted bound: not encoded
