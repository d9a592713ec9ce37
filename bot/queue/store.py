"""The review queue's SQLite file: where it lives, opening it safely, migrations, transactions.

- Location: ``--queue PATH`` > ``$LINKBOT_QUEUE`` > ``[queue] path`` in the config > the user's
  state folder (``$XDG_STATE_HOME/linkbot/queue.sqlite3``, else ``~/.local/state/...``), never
  the current folder by accident. Only the commands that record proposals create a queue
  (``create=True``); the others refuse a path where none exists, so a mistyped ``--queue`` is an
  error, not an empty queue.
- The file is only ever opened by SQLite. Closing any descriptor of a file drops every POSIX lock
  the process holds on it (sqlite.org/howtocorrupt.html, 2.2): a header check with ordinary file
  I/O beside a live connection lets another process believe it is alone, checkpoint and delete the
  WAL under it. So a file that is not an SQLite database is recognised by SQLite's own answer
  (``SQLITE_NOTADB``), and refused with one line, untouched; so is another program's database or
  one made by a newer linkbot.
- WAL journal, ``BEGIN IMMEDIATE`` write transactions and a busy timeout: a scan writing while an
  editor decides waits its turn instead of failing or losing a decision. A transaction opened
  inside another joins it (the outer one commits), so a save and its record are one transaction.
- Errors name their cause: busy, locked, damaged, a disk that is full or failing, or an I/O error
  of SQLite's locks and shared memory (the file opened, moved or deleted by another program).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator, Mapping
from pathlib import Path

from bot.errors import LinkbotError, QueueError, StorageError, storage_error
from bot.core.classes import class_of
from bot.core.model import Change, Display, Rule
from bot.queue.schema import APPLICATION_ID, MIGRATIONS

ENV_QUEUE = "LINKBOT_QUEUE"
BUSY_TIMEOUT_MS = 60_000
# I/O errors of reading and writing the file itself: the disk, not SQLite's locks or shared memory.
_DISK_ERRORS = frozenset({
    sqlite3.SQLITE_IOERR, sqlite3.SQLITE_IOERR_READ, sqlite3.SQLITE_IOERR_SHORT_READ, sqlite3.SQLITE_IOERR_WRITE,
    sqlite3.SQLITE_IOERR_FSYNC, sqlite3.SQLITE_IOERR_DIR_FSYNC, sqlite3.SQLITE_IOERR_TRUNCATE, sqlite3.SQLITE_IOERR_FSTAT,
    sqlite3.SQLITE_IOERR_SEEK, sqlite3.SQLITE_IOERR_MMAP, sqlite3.SQLITE_IOERR_DATA, sqlite3.SQLITE_IOERR_CORRUPTFS,
})  # fmt: skip


def default_queue_path(environ: Mapping[str, str]) -> Path:
    state = environ.get("XDG_STATE_HOME") or os.path.join(environ.get("HOME") or os.path.expanduser("~"), ".local", "state")
    return Path(state) / "linkbot" / "queue.sqlite3"


def queue_path(cli: str | None, environ: Mapping[str, str], configured: str = "") -> Path:
    return Path(cli or environ.get(ENV_QUEUE) or configured or default_queue_path(environ))


class Database:
    """An open queue file. Use ``transaction()`` for every write. One per thread: SQLite's
    connections stay in the thread that opened them."""

    def __init__(self, path: Path, create: bool = False) -> None:
        self.path = path
        self.connection = _connect(path, create)
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
        """One write transaction, taken before reading what it changes (no lost updates). Inside
        another, it is part of that one: the outermost commits or rolls back."""
        if self.connection.in_transaction:
            yield self.connection
            return
        try:
            self.connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise _failure(f"{self.path}: cannot write to the queue", error, self.path) from None
        try:
            yield self.connection
        except sqlite3.DatabaseError as error:
            self._rollback()
            raise _failure(f"{self.path}: the queue refused the change", error, self.path) from None
        except BaseException:
            self._rollback()
            raise
        else:
            try:
                self.connection.execute("COMMIT")
            except sqlite3.DatabaseError as error:
                self._rollback()
                raise _failure(f"{self.path}: cannot write to the queue", error, self.path) from None

    def _rollback(self) -> None:
        if self.connection.in_transaction:  # SQLite may have rolled back by itself (a full disk)
            with contextlib.suppress(sqlite3.DatabaseError):
                self.connection.execute("ROLLBACK")

    def query(self, sql: str, parameters=()) -> list[sqlite3.Row]:
        try:
            return self.connection.execute(sql, parameters).fetchall()
        except sqlite3.DatabaseError as error:
            raise _failure(f"{self.path}: cannot read the queue", error, self.path) from None

    def rows(self, sql: str, parameters=(), batch: int = 500) -> Iterator[sqlite3.Row]:
        """The rows of a query, a batch at a time (bounded memory for queues of any size)."""
        try:
            cursor = self.connection.execute(sql, parameters)
            while chunk := cursor.fetchmany(batch):
                yield from chunk
        except sqlite3.DatabaseError as error:
            raise _failure(f"{self.path}: cannot read the queue", error, self.path) from None


def _failure(message: str, error: sqlite3.Error, path: Path) -> LinkbotError:
    """The error, by its cause: a full or failing disk is a ``StorageError`` (exit 8); a busy,
    locked or damaged queue, or a failure of SQLite's locks, a ``QueueError`` (exit 3) saying so."""
    code = getattr(error, "sqlite_errorcode", 0)
    name = getattr(error, "sqlite_errorname", "") or "SQLITE_ERROR"
    primary = code & 0xFF
    if primary == sqlite3.SQLITE_FULL or (primary == sqlite3.SQLITE_IOERR and _full(path)) or code in _DISK_ERRORS:
        return StorageError(f"{message}: {error} [{name}] (disk full or failing?)")
    if primary == sqlite3.SQLITE_IOERR:
        return QueueError(f"{message}: SQLite's locks or shared memory failed ({name}): was the file or its -wal/-shm "
                          "opened, moved or deleted by another program? Restart the linkbot processes using it")  # fmt: skip
    if primary in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return QueueError(f"{message}: the queue stayed busy for {BUSY_TIMEOUT_MS // 1000} s ({name}): another process "
                          "held it; try again")  # fmt: skip
    if primary in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
        return QueueError(f"{message}: the file is damaged ({name}); leaving it untouched")
    return QueueError(f"{message}: {error}")


def _full(path: Path) -> bool:
    """Whether the queue's filesystem has no room left (SQLite reports its -shm failing to grow as an I/O error)."""
    try:
        found = os.statvfs(path.parent)
    except OSError:
        return False
    return found.f_bavail * found.f_frsize < 64 * 1024


def _connect(path: Path, create: bool) -> sqlite3.Connection:
    if path.is_dir():
        raise QueueError(f"{path}: is a folder, not a queue file")
    if not create and (not path.exists() or path.stat().st_size == 0):  # (an empty file would become a queue)
        raise QueueError(f"{path}: no queue there (linkbot scan or run creates one; check --queue, $LINKBOT_QUEUE "
                         "and [queue] path)")  # fmt: skip
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except OSError as error:
        raise storage_error(str(path.parent), error) or QueueError(f"{path}: cannot open the queue: {error}") from None
    except sqlite3.Error as error:
        raise _failure(f"{path}: cannot open the queue", error, path) from None
    connection.row_factory = sqlite3.Row
    return connection


def _check_and_migrate(connection: sqlite3.Connection, path: Path) -> None:
    try:
        application_id = connection.execute("PRAGMA application_id").fetchone()[0]
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        tables = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    except sqlite3.DatabaseError as error:
        if getattr(error, "sqlite_errorcode", 0) == sqlite3.SQLITE_NOTADB:
            raise QueueError(f"{path}: not a linkbot queue (not an SQLite database, or a damaged one); leaving it untouched") from None
        raise _failure(f"{path}: not a usable queue", error, path) from None
    if application_id not in (0, APPLICATION_ID) or (application_id == 0 and tables):
        raise QueueError(f"{path}: an SQLite database of another program; leaving it untouched")
    if version > len(MIGRATIONS):
        raise QueueError(f"{path}: made by a newer linkbot (schema {version}); upgrade linkbot")
    try:
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        connection.execute("PRAGMA foreign_keys = ON")
        if version < len(MIGRATIONS):
            _migrate(connection, version)
        if connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.OperationalError as error:
        raise _failure(f"{path}: cannot use the queue", error, path) from None


def _migrate(connection: sqlite3.Connection, version: int) -> None:
    """Apply the missing migrations atomically; a second process waits, then finds them applied."""
    connection.create_function("linkbot_class", 5, _class_id, deterministic=True)  # migration 8 classifies old changes
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


def _class_id(rule: str, new: str, display: str, needs_review: int, proof: str) -> str:
    change = Change(Rule(rule), 0, 0, "", new, bool(needs_review), Display(display), proof=proof)
    return class_of(change).id


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
