"""The run lock: at most one scheduled run at a time (an advisory lock the OS drops if the process dies)."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from bot.errors import LockBusyError, QueueError, storage_error


class RunLock:
    def __init__(self, path: Path) -> None:
        self.path = path
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
            os.close(fd)
            raise LockBusyError(f"another linkbot run holds {self.path}; this one exits") from None
        try:
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
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
