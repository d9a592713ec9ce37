"""Why a run stops early, and the limits an operator sets on it (pure: no wiki, no clock of its own)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class StopReason(enum.StrEnum):
    MAX_EDITS = "max-edits"  # the operator's edit limit ([wiki] max_edits, --max-edits)
    MAX_MINUTES = "max-minutes"  # the operator's time limit ([run] max_minutes)
    SHUTOFF = "emergency-stop"  # the emergency-stop page does not say run
    TALK_PAGE = "talk-page"  # a message on the bot's talk page nobody acknowledged (saving stops)
    BREAKER = "circuit-breaker"  # too many saves failed
    WIKI_DOWN = "wiki-down"  # the wiki stayed unreachable through the retries


# The operator's own limits: a run that ends at one has done what it was asked.
LIMITS = frozenset({StopReason.MAX_EDITS, StopReason.MAX_MINUTES})
# Someone asked the bot to stop (exit 6).
REQUESTED = frozenset({StopReason.SHUTOFF, StopReason.TALK_PAGE})


@dataclass(frozen=True)
class Stop:
    reason: StopReason
    message: str


@dataclass(frozen=True)
class RunLimits:
    """How much a run may do: edits (0: no limit) and a deadline on ``time.monotonic()`` (None: none)."""

    max_edits: int = 0
    deadline: float | None = None
    max_minutes: float = 0.0  # what the deadline came from, for the message
    edits_limit: str = "--max-edits"  # what the edit limit came from: --max-edits, or a trial (--trial)

    @classmethod
    def starting(cls, now: float, max_edits: int = 0, max_minutes: float = 0.0, edits_limit: str = "--max-edits") -> RunLimits:
        return cls(max_edits, now + max_minutes * 60 if max_minutes else None, max_minutes, edits_limit)

    def before_page(self, edits: int, now: float) -> Stop | None:
        """Why no further page may be started, or None."""
        if self.max_edits and edits >= self.max_edits:
            return Stop(StopReason.MAX_EDITS, f"{self.edits_limit} {self.max_edits} reached")
        if self.deadline is not None and now > self.deadline:
            return Stop(StopReason.MAX_MINUTES, f"max_minutes {self.max_minutes:g} reached")
        return None


@dataclass
class Budget:
    """The one edit budget and deadline of a whole command: its scan, the apply of the backlog and
    every retry count into the same edits, so a trial of N edits never makes N+1."""

    limits: RunLimits = field(default_factory=RunLimits)
    edits: int = 0  # edits of pages this command saved (the review page's are not the task's edits)

    def stop(self, now: float) -> Stop | None:
        """Why no further page may be started, or None."""
        return self.limits.before_page(self.edits, now)
