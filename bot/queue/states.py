"""The queue's states as named values: a proposal's status, a change's decision, where a decision
came from (a change's ``Decision`` is the core's: the review page holds them too). They are ``StrEnum``s, so they are stored, printed and compared as the strings the
file, the JSON output and the README use."""

from __future__ import annotations

import enum

from bot.core.model import Decision

__all__ = ["AWAITING", "OPEN", "Decision", "Source", "Status", "shown_status"]


class Status(enum.StrEnum):
    """Where a proposal stands."""

    PENDING = "pending"  # nothing approved yet, something undecided
    APPROVED = "approved"  # some or all changes approved: the next live apply saves them
    REJECTED = "rejected"  # every change rejected
    APPLIED = "applied"  # saved (with the saved revision)
    STALE = "stale"  # the page changed where an approved change sits: a fresh proposal is queued
    SUPERSEDED = "superseded"  # a newer revision of the page was scanned
    FAILED = "failed"  # the save was refused or the page is gone (with the error)


# Proposals a newer scan of the page supersedes, and whose decisions it inherits.
OPEN = frozenset({Status.PENDING, Status.APPROVED, Status.REJECTED})
# Proposals with something still to decide or to save: published for review, shown in the report.
AWAITING = frozenset({Status.PENDING, Status.APPROVED})


class Source(enum.StrEnum):
    """How a decision was made."""

    CLI = "cli"  # linkbot approve / reject (a class: --class)
    REVIEW = "review"  # linkbot review
    WEB = "web"  # linkbot serve
    WIKI = "wiki"  # on the on-wiki review page, by a user the history proves trusted
    AUTO_APPROVE = "auto-approve"  # an auto-approval rule of a live run
    CARRIED_OVER = "carried-over"  # the same decision on the identical change of an earlier proposal


def shown_status(status: Status, total: int, undecided: int) -> str:
    """A proposal's status as people read it: an open proposal by how far it is decided
    ("undecided", "partly decided 2/311", "decided"), never "approved" for one change of 311;
    a closed one by its status (applied, stale, superseded, failed)."""
    if status not in OPEN:
        return str(status)
    decided = total - undecided
    if not decided:
        return "undecided"
    return f"partly decided {decided}/{total}" if undecided else "decided"
