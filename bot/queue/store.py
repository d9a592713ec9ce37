"""The review queue's SQLite file: where it lives, opening it safely, migrations, transactions.

- Location: ``--queue PATH`` > ``$LINKBOT_QUEUE`` > ``[queue] path`` in the config > the user's
  state folder (``$XDG_STATE_HOME/linkbot/queue.sqlite3``, else ``~/.local/state/...``), never
  the current folder by accident.
- A file that is not an SQLite database, or one that belongs to another program, is refused
  with one line and left untouched; so is a file made by a newer linkbot.
- WAL journal, ``BEGIN IMMEDIATE`` write transactions and a busy timeout: a scan writing while
  an editor decides waits its turn instead of failing or losing a decision.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator, Mapping
from pathlib import Path

from bot.errors import LinkbotError, QueueError, StorageError, storage_error
from bot.queue.schema import APPLICATION_ID, MIGRATIONS

ENV_QUEUE = "LINKBOT_QUEUE"
BUSY_TIMEOUT_MS = 30_000


def default_queue_path(environ: Mapping[str, str]) -> Path:
    state = environ.get("XDG_STATE_HOME") or os.path.join(environ.get("HOME") or os.path.expanduser("~"), ".local", "state")
    return Path(state) / "linkbot" / "queue.sqlite3"


def queue_path(cli: str | None, environ: Mapping[str, str], configured: str = "") -> Path:
    return Path(cli or environ.get(ENV_QUEUE) or configured or default_queue_path(environ))


class Database:
    """An open queue file. Use ``transaction()`` for every write."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.connection = _connect(path)
        try:
            _check_and_migrate(self.connection, path)
        except BaseException:
            self.connection.close()
            raise

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken before reading what it changes (no lost updates)."""
        try:
            self.connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise _failure(f"{self.path}: cannot write to the queue", error) from None
        try:
            yield self.connection
        except sqlite3.DatabaseError as error:
            self.connection.execute("ROLLBACK")
            raise _failure(f"{self.path}: the queue refused the change", error) from None
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        else:
            try:
                self.connection.execute("COMMIT")
            except sqlite3.DatabaseError as error:
                raise _failure(f"{self.path}: cannot write to the queue", error) from None

    def query(self, sql: str, parameters=()) -> list[sqlite3.Row]:
        try:
            return self.connection.execute(sql, parameters).fetchall()
        except sqlite3.DatabaseError as error:
            raise _failure(f"{self.path}: cannot read the queue", error) from None


def _failure(message: str, error: sqlite3.Error) -> LinkbotError:
    """A full or failing disk is a ``StorageError`` (exit 8); anything else about the queue file, a
    ``QueueError`` (exit 3)."""
    if getattr(error, "sqlite_errorcode", 0) & 0xFF in (sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR):
        return StorageError(f"{message}: {error} (disk full or failing?)")
    return QueueError(f"{message}: {error}")


def _connect(path: Path) -> sqlite3.Connection:
    if path.is_dir():
        raise QueueError(f"{path}: is a folder, not a queue file")
    if path.exists() and path.stat().st_size and not _looks_like_sqlite(path):
        raise QueueError(f"{path}: not a linkbot queue (not an SQLite database); leaving it untouched")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except OSError as error:
        raise storage_error(str(path.parent), error) or QueueError(f"{path}: cannot open the queue: {error}") from None
    except sqlite3.Error as error:
        raise _failure(f"{path}: cannot open the queue", error) from None
    connection.row_factory = sqlite3.Row
    return connection


def _looks_like_sqlite(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(16) == b"SQLite format 3\x00"
    except OSError as error:
        raise QueueError(f"{path}: cannot read the queue: {error.strerror or error}") from None


def _check_and_migrate(connection: sqlite3.Connection, path: Path) -> None:
    try:
        application_id = connection.execute("PRAGMA application_id").fetchone()[0]
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        tables = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    except sqlite3.DatabaseError as error:
        failure = _failure(f"{path}: cannot read the queue", error)
        if isinstance(failure, StorageError):
            raise failure from None
        raise QueueError(f"{path}: not a usable queue ({error}); leaving it untouched") from None
    if application_id not in (0, APPLICATION_ID) or (application_id == 0 and tables):
        raise QueueError(f"{path}: an SQLite database of another program; leaving it untouched")
    if version > len(MIGRATIONS):
        raise QueueError(f"{path}: made by a newer linkbot (schema {version}); upgrade linkbot")
    try:
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        connection.execute("PRAGMA foreign_keys = ON")
        if version < len(MIGRATIONS):
            _migrate(connection, version)
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.OperationalError as error:
        raise _failure(f"{path}: cannot use the queue", error) from None


def _migrate(connection: sqlite3.Connection, version: int) -> None:
    """Apply the missing migrations atomically; a second process waits, then finds them applied."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        current = connection.execute("PRAGMA user_version").fetchone()[0]
        for number in range(current, len(MIGRATIONS)):
            for statement in _statements(MIGRATIONS[number]):
                connection.execute(statement)
        connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        connection.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise


def _statements(script: str) -> list[str]:
    """Split a migration into statements (``executescript`` would commit our transaction)."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        raise ValueError(f"incomplete SQL in migration: {buffer.strip()[:60]}")
    return statements
