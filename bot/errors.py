"""The exception tree. Every error linkbot raises on purpose derives from ``LinkbotError``; the
root and the core's own errors live in ``bot.core.errors`` (the core imports nothing outside
itself) and are part of this one tree, re-exported here.

::

    LinkbotError                  root; the CLI turns any of these into one line and an exit code
    ├── ConfigError               bad or missing configuration (exit 3)
    │   ├── UnknownSiteError      no profile for the requested wiki host
    │   ├── RegistryError         a member-list registry with unknown keys or wrong values
    │   ├── AuthError             login failed, or the account lacks a needed right (exit 3)
    │   └── QueueError            the review queue file cannot be used: foreign, corrupt, read-only (exit 3)
    ├── InputError                one input (file, page) cannot be processed (exit 4; others go on)
    │   ├── UnreadableInputError  missing, a folder, a FIFO or device, no permission, I/O failure
    │   ├── BinaryInputError      NUL bytes: not a wiki page
    │   ├── EncodingInputError    not valid UTF-8
    │   ├── EmptyInputError       nothing but white space
    │   ├── TooLargeInputError    over [limits] max_page_kb
    │   └── UnclosedDumpError     a dump without </mediawiki> after its last whole page (said as a warning)
    ├── DumpFormatError           a page of an XML dump that cannot be read (raised in worker processes,
    │                             reported as one line for that page; the rest of the dump is scanned)
    ├── MemberListError           a page holds no member list to extract (exit 4)
    ├── AnalysisError             a link the core cannot convert; never leaves the core (it becomes a skip)
    │   ├── TitleError            a title MediaWiki cannot have
    │   ├── UnsafeLabelError      a label that cannot be carried into a wikilink safely
    │   └── UndecodableError      a destination whose percent-encoding is not valid
    ├── WikiError                 the wiki failed in a way retrying did not fix (exit 5)
    │   ├── WikiUnavailableError  down, timing out or not resolving after the retries: the run stops
    │   └── CircuitBreakerError   too many saves failed in a row, or too large a share of them
    ├── StoppedError              the emergency-stop page says stop (exit 6)
    ├── LockBusyError             another run holds the lock (exit 7)
    ├── StorageError              the disk is full or failing: the queue, a log, the output cannot be written (exit 8)
    └── SandboxError              the local test wiki cannot be created or started

Normal outcomes (a link left alone, a change dropped by a check, a run stopped by a limit) are
values in the result, never exceptions.
"""

from __future__ import annotations

import errno

from bot.core.errors import (
    AnalysisError,
    ConfigError,
    LinkbotError,
    MemberListError,
    RegistryError,
    TitleError,
    UndecodableError,
    UnknownSiteError,
    UnsafeLabelError,
)

__all__ = [
    "AnalysisError", "AuthError", "BinaryInputError", "CircuitBreakerError", "ConfigError", "DumpFormatError",
    "EmptyInputError", "EncodingInputError", "InputError", "LinkbotError", "LockBusyError", "MemberListError",
    "QueueError", "RegistryError", "SandboxError", "StoppedError", "StorageError", "TitleError", "TooLargeInputError",
    "UnclosedDumpError", "UndecodableError", "UnknownSiteError", "UnreadableInputError", "UnsafeLabelError", "WikiError",
    "WikiUnavailableError", "storage_error",
]  # fmt: skip


class InputError(LinkbotError):
    """One input cannot be processed; the others still are."""

    def __init__(self, source: str, message: str) -> None:
        super().__init__(f"{source}: {message}")
        self.source = source
        self.message = message


class UnreadableInputError(InputError):
    """The input cannot be read at all."""


class BinaryInputError(InputError):
    """The input holds NUL bytes."""


class EncodingInputError(InputError):
    """The input is not valid UTF-8."""


class EmptyInputError(InputError):
    """The input is empty or white space only."""


class TooLargeInputError(InputError):
    """The input is larger than the configured page size limit."""


class UnclosedDumpError(InputError):
    """A dump whose last page is whole but whose closing tag is missing: cut off between two pages, or
    a sample cut from a dump by hand. Every page in it was read: a dump scan says it as a warning."""


class AuthError(ConfigError):
    """Login failed, or the account lacks a right the run needs."""


class WikiError(LinkbotError):
    """The wiki failed in a way that retrying did not fix."""


class WikiUnavailableError(WikiError):
    """The wiki stayed down, slow or read-only through every retry: the run stops."""


class StoppedError(LinkbotError):
    """The emergency-stop page no longer says the bot may run."""


class SandboxError(LinkbotError):
    """The local wiki cannot be created or started."""


class QueueError(ConfigError):
    """The review queue file cannot be used (foreign, corrupt, newer, unreadable, read-only)."""


class CircuitBreakerError(WikiError):
    """Saving stopped: too many failures in a row, or too large a share of the run's saves."""


class DumpFormatError(LinkbotError):
    """A page of an XML dump is not readable XML or not a MediaWiki export's (one message: it is raised
    in worker processes and must pickle)."""


class StorageError(LinkbotError):
    """Writing failed for want of space or a failing disk; nothing already recorded is lost."""


# What a full or failing disk says: no space, over quota, a file over its size limit, an I/O error.
STORAGE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})


def storage_error(what: str, error: OSError) -> StorageError | None:
    """A ``StorageError`` for an ``OSError`` that a full or failing disk raises, else None."""
    if error.errno not in STORAGE_ERRNOS:
        return None
    return StorageError(f"{what}: cannot write: {error.strerror or error} (disk full or failing?)")


class LockBusyError(LinkbotError):
    """Another scheduled run holds the lock."""
