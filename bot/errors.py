"""The exception tree. Every error linkbot raises on purpose derives from ``LinkbotError``.

::

    LinkbotError                  root; the CLI turns any of these into one line and an exit code
    ├── ConfigError               bad or missing configuration (exit 3)
    │   ├── UnknownSiteError      no profile for the requested wiki host
    │   ├── AuthError             login failed, or the account lacks a needed right (exit 3)
    │   └── QueueError            the review queue file cannot be used: foreign, corrupt, read-only (exit 3)
    ├── InputError                one input (file, page) cannot be processed (exit 4; others go on)
    │   ├── UnreadableInputError  missing, a folder, no permission, I/O failure
    │   ├── BinaryInputError      NUL bytes: not a wiki page
    │   ├── EncodingInputError    not valid UTF-8
    │   ├── EmptyInputError       nothing but white space
    │   └── TooLargeInputError    over [limits] max_page_kb
    ├── WikiError                 the wiki failed in a way retrying did not fix (exit 5)
    │   ├── WikiUnavailableError  down, timing out or read-only after the retries: the run stops
    │   └── CircuitBreakerError   too many saves failed in a row, or too large a share of them
    ├── StoppedError              the emergency-stop page says stop, or the talk page has a new message (exit 6)
    ├── LockBusyError             another run holds the lock (exit 7)
    ├── StorageError              the disk is full or failing: the queue, a log, the output cannot be written (exit 8)
    └── SandboxError              the local test wiki cannot be created or started

Normal outcomes (a link left alone, a change dropped by a check) are values in the
result, never exceptions.
"""

from __future__ import annotations

import errno


class LinkbotError(Exception):
    """Root of every error linkbot raises on purpose."""


class ConfigError(LinkbotError):
    """The configuration (file, environment or command line) is invalid."""


class UnknownSiteError(ConfigError):
    """The host is not a Wikipedia host and no profile was configured for it."""


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
