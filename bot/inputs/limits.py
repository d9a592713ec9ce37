"""Page analysis with a time limit: a pathological page is reported and skipped, never a stalled run.

mwparserfromhell's C tokenizer is quadratic on some inputs (20,000 unclosed ``[[{{<ref>`` take
minutes), and a C call cannot be interrupted from Python. So the analysis runs in a child process
forked once per run and fed pages over a pipe (a batch at a time); a page that runs over its time
(or kills the child: a crash in C, the kernel's OOM killer) costs a new child, not the run.

The child is forked, so ``function`` (a closure over the site profile, say) is inherited, never
pickled; only each call's arguments and result cross the pipe. ``os.fork`` rather than
``multiprocessing.Process``: dump scans call this from pool workers, which multiprocessing does not
let have children. With no limit (``seconds`` 0) the function simply runs in this process.
"""

from __future__ import annotations

import contextlib
import ctypes
import mmap
import os
import signal
import struct
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, Pipe
from typing import Any


@dataclass(frozen=True)
class Overrun:
    """A page left unanalysed, and why (too large, too slow, or its analysis died)."""

    reason: str


@dataclass(frozen=True)
class PageLimits:
    """What a page may cost: its size in bytes (UTF-8) and its analysis time (0: unbounded).
    Memory follows size (an analysis takes about 70 times the page's size at most)."""

    max_bytes: int = 2048 * 1024
    seconds: float = 20.0

    @classmethod
    def of(cls, settings) -> PageLimits:
        """The limits ``[limits]`` of the run's settings set."""
        return cls(settings.max_page_kb * 1024, settings.max_analysis_seconds)

    def oversize(self, text: str, encoded_at_most: int | None = None) -> Overrun | None:
        """An ``Overrun`` if ``text`` is over the size limit (``encoded_at_most``: a bound on its
        size known without encoding it, such as the length of the XML it came from)."""
        if encoded_at_most is not None and encoded_at_most <= self.max_bytes:
            return None
        size = len(text.encode("utf-8"))
        if size <= self.max_bytes:
            return None
        return Overrun(f"{size / 1024:,.0f} KB, over the {self.max_bytes // 1024:,} KB limit ([limits] max_page_kb)")


def with_site(profile, options, function: Callable, *args, **kwargs) -> Any:
    """``function(*args, profile=profile, options=options, **kwargs)``: bound with
    ``functools.partial`` to a run's site profile and options, the function of a ``Bounded`` that
    serves the core's page functions (``analyze``, ``rebase``) without sending the profile with
    every page (its caches then stay warm in the child, too)."""
    return function(*args, profile=profile, options=options, **kwargs)


class Bounded:
    """``call(*args)`` is ``function(*args)``, and ``map(calls)`` each call's result in order; a
    call that runs over ``seconds`` (or kills the child) gives an ``Overrun`` instead.

    A batch goes to the child in one message and comes back in one, so a dump's chunk of pages
    costs two trips through the pipe, not two per page. The child notes in shared memory which
    call it is in and since when; the parent looks a few times a second, and on an overrun kills
    the child and has a new one do the rest of the batch.
    """

    def __init__(self, seconds: float, function: Callable) -> None:
        self.seconds, self.function = seconds, function
        self._pid: int | None = None
        self._connection: Connection | None = None
        self._progress = mmap.mmap(-1, _PROGRESS.size)  # shared with the children: anonymous and MAP_SHARED

    def __enter__(self) -> Bounded:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def call(self, *args, **kwargs) -> Any:
        return self.map([(args, kwargs)])[0]

    def map(self, calls: Sequence[tuple[tuple, dict]]) -> list:
        """The results of ``(args, kwargs)`` calls of the function, in order."""
        if self.seconds <= 0:
            return [self.function(*args, **kwargs) for args, kwargs in calls]
        results: list = []
        while len(results) < len(calls):
            results += self._batch(calls[len(results) :])
        return results

    def close(self) -> None:
        if self._pid is not None:
            self._stop()

    def _batch(self, calls: Sequence[tuple[tuple, dict]]) -> list:
        """Results of the calls up to the first overrun (included as an ``Overrun``)."""
        connection = self._connection or self._start()
        _PROGRESS.pack_into(self._progress, 0, -1, 0.0)
        connection.send(list(calls))
        while not connection.poll(min(self.seconds, _LOOK_EVERY)):
            index, since = self._current()
            if index >= 0 and time.monotonic() - since > self.seconds:
                self._stop()
                overrun = Overrun(f"its analysis ran over {self.seconds:g} s ([limits] max_analysis_seconds)")
                return [*self._batch(calls[:index]), overrun] if index else [overrun]
        try:
            failed, value = connection.recv()
        except EOFError:  # the child died: a crash in C, the OOM killer
            index, _ = self._current()
            overrun = Overrun(f"its analysis stopped: {self._stop()}")
            return [*self._batch(calls[:index]), overrun] if index > 0 else [overrun]
        if failed:  # a bug, not the page's fault: raised here as it would have been without the child
            raise RuntimeError(f"page analysis failed in its process:\n{value}")
        return value

    def _current(self) -> tuple[int, float]:
        """(index of the call the child is in, since when): read until two readings agree, as
        the child may be writing it."""
        while (first := _PROGRESS.unpack_from(self._progress)) != _PROGRESS.unpack_from(self._progress):
            pass
        return first

    def _start(self) -> Connection:
        ours, theirs = Pipe()
        pid = os.fork()
        if pid == 0:  # the child: serve batches until the pipe closes, then leave without cleanup
            ours.close()
            _serve(theirs, self.function, self._progress)
        theirs.close()
        self._pid, self._connection = pid, ours
        return ours

    def _stop(self) -> str:
        """End the child (killed if still running) and say how it ended."""
        assert self._pid is not None and self._connection is not None
        self._connection.close()
        with contextlib.suppress(ProcessLookupError):  # it may have died on its own
            os.kill(self._pid, signal.SIGKILL)
        _, status = os.waitpid(self._pid, 0)
        self._pid = self._connection = None
        if os.WIFSIGNALED(status):
            return f"killed by signal {os.WTERMSIG(status)}"
        return f"exit status {os.waitstatus_to_exitcode(status)}"


_PROGRESS = struct.Struct("=qd")  # the call the child is in (-1: none), and its time.monotonic() start
_LOOK_EVERY = 0.25  # seconds between looks at a running batch


def _serve(connection: Connection, function: Callable, progress: mmap.mmap) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _die_with_parent()
    code = 0
    try:
        while True:
            calls = connection.recv()
            connection.send(_run_batch(calls, function, progress))
    except EOFError:
        pass
    except BaseException:  # noqa: BLE001 - the child must never return into the parent's code
        code = 1
    finally:
        os._exit(code)


def _run_batch(calls: list, function: Callable, progress: mmap.mmap) -> tuple[bool, Any]:
    results = []
    for index, (args, kwargs) in enumerate(calls):
        _PROGRESS.pack_into(progress, 0, index, time.monotonic())
        try:
            results.append(function(*args, **kwargs))
        except MemoryError:
            results.append(Overrun("its analysis ran out of memory"))
        except Exception:  # noqa: BLE001 - sent to the parent, which raises it
            return True, traceback.format_exc()
    _PROGRESS.pack_into(progress, 0, -1, 0.0)
    return False, results


def _die_with_parent() -> None:
    """Linux: be killed when the parent dies (a dump worker ended by its pool while this child is
    deep in a slow page would otherwise finish the page first, alone)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


_PR_SET_PDEATHSIG = 1
