"""The run lock: one writer to the wiki per queue at a time (``run``, and ``scan``, ``apply``, ``undo``
and ``template`` in live mode). An advisory lock the OS drops if the process dies; the file names
its holder (process id and command), so a second writer says who it waits for."""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path

from bot.errors import LockBusyError, QueueError, storage_error
from bot.settings import Settings


def lock_paths(settings: Settings, queue_file: Path) -> list[Path]:
    """The queue's own lock, beside the file itself (``queue.sqlite3.lock``; links resolved, so every
    path to one queue meets the same lock), and ``[run] lock_file`` too when the config names one."""
    real = queue_file.resolve()
    paths = [real.with_name(real.name + ".lock")]
    if settings.run.lock_file and Path(settings.run.lock_file).resolve() not in paths:
        paths.append(Path(settings.run.lock_file).resolve())
    return paths


def writer_locks(settings: Settings, queue_file: Path, command: str) -> contextlib.ExitStack:
    """Every lock a writer takes (``lock_paths``), in order; a busy one exits (``LockBusyError``)."""
    stack = contextlib.ExitStack()
    try:
        for path in lock_paths(settings, queue_file):
            stack.enter_context(RunLock(path, command))
    except BaseException:
        stack.close()
        raise
    return stack


class RunLock:
    def __init__(self, path: Path, command: str = "run") -> None:
        self.path = path
        self.command = command
        self._fd: int | None = None

    def __enter__(self) -> RunLock:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:
            raise QueueError(f"{self.path}: cannot create the run lock: {error.strerror or error}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            os.close(fd)
            raise LockBusyError(f"another linkbot {holder}is writing to the wiki with this queue (lock {self.path}); "
                                f"this {self.command} exits") from None  # fmt: skip
        try:
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()} {self.command}\n".encode())
        except OSError as error:
            os.close(fd)
            raise storage_error(str(self.path), error) or QueueError(f"{self.path}: cannot write the run lock: {error}") from None
        self._fd = fd
        return self

    def __exit__(self, *exc) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def _holder(fd: int) -> str:
    """Who holds the lock, as its file says ("linkbot run (process 123) "), or "" if it cannot be read."""
    try:
        pid, _, command = os.pread(fd, 200, 0).decode("utf-8", "replace").strip().partition(" ")
    except OSError:
        return ""
    if not pid.isdigit():
        return ""
    return f"{command or 'process'} (process {pid}) "
