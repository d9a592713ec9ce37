"""Hand a dump's chunks to the scan's worker processes through shared memory rather than a pipe.

A pool sends a task's arguments through a pipe: a 4 MB chunk is pickled, written and read in
64 KB pieces, the reader and the writer taking turns, and unpickled (on a dump of real articles,
where the workers clear most pages with a quick test, that costs them more than the test). Here
the main process copies a chunk into a slot of memory the workers share (mapped before they were
forked) and sends only the slot's number; the worker copies it out. A slot is reused only once the
result of the chunk it held is back (results come back in the order chunks were handed), so the
pipe that carries the task and its result orders every access. A chunk that fits no free slot
goes through the pipe as before.
"""

from __future__ import annotations

import mmap
from collections import deque
from collections.abc import Iterable, Iterator

Handed = tuple[int, int] | bytes  # (slot, length) in shared memory, or the chunk itself


class Handoff:
    """``slots`` slots of ``slot_bytes``; create it before the worker processes are forked."""

    def __init__(self, slots: int, slot_bytes: int) -> None:
        self.slot_bytes = slot_bytes
        self._memory = mmap.mmap(-1, slots * slot_bytes)  # anonymous and MAP_SHARED: the forked workers see it
        self._free = list(range(slots))
        self._in_use: deque[int | None] = deque()  # the slot of each chunk handed and not yet done, in order

    def handing(self, chunks: Iterable[bytes]) -> Iterator[Handed]:
        """What to send a worker for each chunk (in the main process)."""
        for chunk in chunks:
            if len(chunk) > self.slot_bytes or not self._free:
                self._in_use.append(None)
                yield chunk
                continue
            slot = self._free.pop()
            start = slot * self.slot_bytes
            self._memory[start : start + len(chunk)] = chunk
            self._in_use.append(slot)
            yield slot, len(chunk)

    def done(self) -> None:
        """The oldest chunk handed has its result back: its slot is free again (in the main process)."""
        slot = self._in_use.popleft()
        if slot is not None:
            self._free.append(slot)

    def taken(self, handed: Handed) -> bytes:
        """The chunk that was handed (in a worker)."""
        if isinstance(handed, bytes):
            return handed
        slot, length = handed
        start = slot * self.slot_bytes
        return self._memory[start : start + length]
