"""The queue on a real SQLite file: schema, safety of foreign files, recording, decisions, concurrency."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3

import pytest

from bot.core import ZH_WIKIPEDIA, Rule, analyze
from bot.errors import InputError, QueueError
from bot.queue.proposals import Queue
from bot.queue.schema import APPLICATION_ID, MIGRATIONS
from bot.queue.store import Database, default_queue_path, queue_path

PAGE = '[A](../Page/A.md "wikilink") [B](https://zh.wikipedia.org/wiki/B) [F](https://zh.wikipedia.org/wiki/File:F.jpg "fig:F")'


def result(text: str = PAGE, title: str = "P", earlier: str = ""):
    return analyze(text, ZH_WIKIPEDIA, title=title, earlier=earlier)


def result_without_first():
    # The saved revision: its last "wikilink" mark repaired, it is judged by the text proposed on before.
    return result(PAGE.replace('[A](../Page/A.md "wikilink")', "[[A]]"), earlier=PAGE)


def test_new_file_is_migrated_and_marked(tmp_path):
    path = tmp_path / "deep" / "queue.sqlite3"
    Database(path, create=True).close()
    connection = sqlite3.connect(path)
    assert connection.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert connection.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    connection.close()
    Database(path, create=True).close()  # opening again migrates nothing and fails nothing


@pytest.mark.parametrize(
    "content, message",
    [
        (b"hello, not a database", "not an SQLite database"),
        (b"SQLite format 3\x00" + b"\x00" * 84 + b"garbage" * 100, "not an SQLite database, or a damaged one"),
    ],
)
def test_corrupt_files_are_refused_and_untouched(tmp_path, content, message):
    path = tmp_path / "queue.sqlite3"
    path.write_bytes(content)
    with pytest.raises(QueueError, match=message):
        Database(path, create=True)
    assert path.read_bytes() == content


def test_foreign_database_is_refused_and_untouched(tmp_path):
    path = tmp_path / "other.db"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE accounts (id INTEGER)")
    connection.commit()
    connection.close()
    before = path.read_bytes()
    with pytest.raises(QueueError, match="another program"):
        Database(path, create=True)
    assert path.read_bytes() == before


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "queue.sqlite3"
    Database(path, create=True).close()
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    connection.close()
    with pytest.raises(QueueError, match="newer linkbot"):
        Database(path, create=True)


def test_read_only_location():
    """/proc is a read-only filesystem even for root: the queue cannot be created there."""
    with pytest.raises(QueueError, match="cannot open the queue"):
        Database(__import__("pathlib").Path("/proc/linkbot/queue.sqlite3"), create=True)


def test_folder_as_queue(tmp_path):
    with pytest.raises(QueueError, match="is a folder"):
        Database(tmp_path, create=True)


def test_locations():
    assert str(default_queue_path({"XDG_STATE_HOME": "/s"})) == "/s/linkbot/queue.sqlite3"
    assert str(default_queue_path({"HOME": "/h"})) == "/h/.local/state/linkbot/queue.sqlite3"
    assert str(queue_path("/cli.db", {"LINKBOT_QUEUE": "/env.db"}, "/conf.db")) == "/cli.db"
    assert str(queue_path(None, {"LINKBOT_QUEUE": "/env.db"}, "/conf.db")) == "/env.db"
    assert str(queue_path(None, {"XDG_STATE_HOME": "/s"}, "/conf.db")) == "/conf.db"


def test_default_location_is_guarded_in_tests():
    with pytest.raises(QueueError):
        Database(default_queue_path(os.environ), create=True)


def test_record_is_idempotent_per_base(queue):
    first = queue.record("zh", 10, result(), "run1")
    again = queue.record("zh", 10, result(), "run2")
    assert first.created and not again.created and first.id == again.id
    assert len(queue.list()) == 1


def test_auto_approval_never_takes_needs_review_changes(queue):
    recorded = queue.record("zh", 10, result(), "run", auto_approve=frozenset(Rule))
    proposal = queue.get(recorded.id)
    decisions = {item.change.rule: item.decision for item in proposal.changes}
    assert decisions == {Rule.MD_MIRROR: "approved", Rule.MD_URL: "approved", Rule.FILE: "pending"}
    assert proposal.status == "approved"
    assert {d.source for d in queue.audit(recorded.id)} == {"auto-approve"}


def test_a_rejection_outlives_the_save_of_the_pages_other_changes(queue):
    first = queue.record("zh", 10, result(), "run1")
    queue.decide(first.id, [1], "approved", "alice")
    queue.decide(first.id, [2], "rejected", "bob", reason="not this one")
    queue.mark(first.id, "applied", saved_revid=11)
    # Revision 11 holds change 1; changes 2 and 3 are proposed again.
    later = queue.record("zh", 11, result_without_first(), "run2")
    decisions = {item.change.rule: (item.decision, item.decided_by) for item in queue.get(later.id).changes}
    assert decisions[Rule.MD_URL] == ("rejected", "bob")  # carried over, as an approval would be
    assert decisions[Rule.FILE] == ("pending", "")


def test_a_later_auto_approving_run_approves_an_earlier_pending_proposal(queue):
    first = queue.record("zh", 10, result(), "dry-run")
    queue.decide(first.id, [2], "rejected", "bob")
    again = queue.record("zh", 10, result(), "live", auto_approve=frozenset({Rule.MD_MIRROR, Rule.MD_URL}))
    assert again.id == first.id and not again.created and again.auto_approved == 1
    decisions = {item.change.rule: item.decision for item in queue.get(first.id).changes}
    # bob's rejection stands; the change that needs review still waits for a person.
    assert decisions == {Rule.MD_MIRROR: "approved", Rule.MD_URL: "rejected", Rule.FILE: "pending"}


def test_newer_revision_supersedes_and_carries_decisions_over(queue):
    first = queue.record("zh", 10, result(), "run1")
    queue.decide(first.id, [1], "approved", "alice", "looks right")
    queue.decide(first.id, [2], "rejected", "bob")
    newer = queue.record("zh", 11, result("新段落\n" + PAGE.replace("[B]", "[C]")), "run2")
    assert newer.superseded == (first.id,)
    assert queue.get(first.id).status == "superseded"
    items = {item.change.old: item for item in queue.get(newer.id).changes}
    assert items['[A](../Page/A.md "wikilink")'].decision == "approved"
    assert items['[A](../Page/A.md "wikilink")'].decided_by == "alice"
    assert items["[C](https://zh.wikipedia.org/wiki/B)"].decision == "pending"  # a different change now
    assert [d.source for d in queue.audit(newer.id)] == ["carried-over"]


def test_page_without_changes_supersedes_open_proposals(queue):
    first = queue.record("zh", 10, result(), "run1")
    clean = queue.record("zh", 11, result("[[A]]"), "run2")
    assert clean.id is None and clean.superseded == (first.id,)


def test_decisions_and_states(queue):
    recorded = queue.record("zh", 10, result(), "run")
    assert queue.get(recorded.id).status == "pending"
    queue.decide(recorded.id, [2], "rejected", "alice")
    assert queue.get(recorded.id).status == "pending"
    queue.decide(recorded.id, None, "rejected", "bob", "no")
    assert queue.get(recorded.id).status == "rejected"
    queue.decide(recorded.id, [1], "approved", "carol")
    assert queue.get(recorded.id).status == "approved"
    assert [(d.who, d.number, d.decision) for d in queue.audit(recorded.id)] == [
        ("alice", 2, "rejected"), ("bob", 1, "rejected"), ("bob", 2, "rejected"), ("bob", 3, "rejected"),
        ("carol", 1, "approved"),
    ]  # fmt: skip
    with pytest.raises(InputError, match="has no change 9"):
        queue.decide(recorded.id, [9], "approved", "dan")
    with pytest.raises(InputError, match="no such proposal"):
        queue.get(999)
    queue.mark(recorded.id, "applied", saved_revid=12)
    with pytest.raises(InputError, match="is applied"):
        queue.decide(recorded.id, [1], "rejected", "erin")


def test_audit_trail_is_append_only(queue):
    recorded = queue.record("zh", 10, result(), "run")
    queue.decide(recorded.id, [1], "approved", "alice")
    row = queue.db.connection.execute("SELECT * FROM decision").fetchone()
    forged = (row["id"], row["proposal_id"], row["number"], "rejected", "mallory", row["at"], "", "cli")
    columns = "(id, proposal_id, number, decision, who, at, reason, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    for statement, parameters in (
        ("UPDATE decision SET who = 'mallory'", ()),
        ("DELETE FROM decision", ()),
        (f"REPLACE INTO decision {columns}", forged),
        (f"INSERT OR REPLACE INTO decision {columns}", forged),
        (f"INSERT INTO decision {columns} ON CONFLICT (id) DO UPDATE SET who = 'mallory'", forged),
    ):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            queue.db.connection.execute(statement, parameters)
    assert [(d.who, d.decision) for d in queue.audit(recorded.id)] == [("alice", "approved")]


def _decide_many(path: str, who: str, decision: str, rounds: int) -> None:
    database = Database(__import__("pathlib").Path(path))
    queue = Queue(database)
    for _ in range(rounds):
        queue.decide(1, [1, 2], decision, who)
    database.close()


def test_two_processes_deciding_at_once(tmp_path):
    path = tmp_path / "queue.sqlite3"
    database = Database(path, create=True)
    Queue(database).record("zh", 10, result(), "run")
    database.close()
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_decide_many, args=(str(path), "alice", "approved", 40)),
        context.Process(target=_decide_many, args=(str(path), "bob", "rejected", 40)),
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    database = Database(path, create=True)
    queue = Queue(database)
    audit = queue.audit(1)
    assert len(audit) == 160  # every decision of both kept
    assert {d.who for d in audit} == {"alice", "bob"}
    proposal = queue.get(1)
    last = {d.number: d for d in audit}
    assert {item.number: item.decision for item in proposal.changes if item.number in last} == {
        number: d.decision for number, d in last.items()
    }
    expected = "approved" if any(d.decision == "approved" for d in last.values()) else "pending"
    assert proposal.status == expected
    database.close()


def test_reverted_change_waits_for_a_person(queue):
    """A change saved once and proposed again (someone undid it) is neither auto-approved nor carried over."""
    first = queue.record("zh", 10, result(), "run1", auto_approve=frozenset({Rule.MD_MIRROR, Rule.MD_URL}))
    queue.mark(first.id, "applied", saved_revid=11)
    again = queue.record("zh", 12, result(), "run2", auto_approve=frozenset({Rule.MD_MIRROR, Rule.MD_URL}))
    assert again.reverted == 2 and again.auto_approved == 0
    assert {item.decision for item in queue.get(again.id).changes} == {"pending"}
    queue.decide(again.id, [1], "approved", "alice", "re-approved after the revert")
    assert queue.get(again.id).status == "approved"


def test_run_state_survives_reopening(tmp_path):
    from bot.queue.runstate import RunState

    path = tmp_path / "queue.sqlite3"
    database = Database(path, create=True)
    state = RunState(database)
    state.set("recentchanges", "2026-11-23T00:00:00Z")
    state.mark_seen("zh", "P", 5)
    state.mark_seen("zh", "P", 7)
    database.close()
    state = RunState(Database(path, create=True))
    assert state.get("recentchanges") == "2026-11-23T00:00:00Z" and state.seen("zh", "P") == 7 and state.seen("zh", "Q") == 0


def test_version_1_file_is_migrated(tmp_path):
    """A queue made before migration 2 gains the run-state tables and keeps its proposals."""
    from bot.queue import schema

    path = tmp_path / "queue.sqlite3"
    connection = sqlite3.connect(path)
    for statement in __import__("bot.queue.store", fromlist=["_statements"])._statements(schema.MIGRATIONS[0]):
        connection.execute(statement)
    connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    connection.execute("PRAGMA user_version = 1")
    connection.commit()
    connection.close()
    database = Database(path, create=True)
    assert database.query("PRAGMA user_version")[0][0] == len(MIGRATIONS) == 8
    assert database.query("SELECT count(*) FROM run_state")[0][0] == 0
    database.close()


def test_version_3_file_keeps_its_trail_and_may_withdraw_decisions(tmp_path):
    """Migration 4 rebuilds the decision table: the rows stay, the trail stays append-only, and a
    decision may be withdrawn (pending) by appending a row."""
    from bot.core import ZH_WIKIPEDIA, analyze
    from bot.queue import schema
    from bot.queue.proposals import Queue
    from bot.queue.states import Decision
    from bot.queue.store import _statements

    path = tmp_path / "queue.sqlite3"
    connection = sqlite3.connect(path)
    for migration in schema.MIGRATIONS[:3]:
        for statement in _statements(migration):
            connection.execute(statement)
    connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    connection.execute("PRAGMA user_version = 3")
    connection.commit()
    connection.close()
    database = Database(path, create=True)
    queue = Queue(database)
    recorded = queue.record("wikipedia:zh", 1, analyze('[A](../Page/A.md "wikilink")', ZH_WIKIPEDIA, title="P"), "r")
    queue.decide(recorded.id, [1], Decision.APPROVED, "ann")
    assert queue.decide(recorded.id, [1], Decision.PENDING, "ann", "undo").changes[0].decision == Decision.PENDING
    assert [entry.decision for entry in queue.audit(recorded.id)] == ["approved", "pending"]
    for statement in ("UPDATE decision SET who = 'x'", "DELETE FROM decision"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            database.connection.execute(statement)
    queue.remember_wiki("wikipedia:zh", "http://127.0.0.1:1/index.php")
    assert queue.wiki_urls() == {"wikipedia:zh": "http://127.0.0.1:1/index.php"}
    database.close()


def test_opening_the_queue_again_in_a_process_keeps_its_connections_locks(tmp_path):
    """The web app opens the queue for each request while others are open. Were the file read with
    ordinary I/O beside them, closing it would drop the process's locks (sqlite.org/howtocorrupt.html,
    2.2): another process closing its connection would then think it the last one and delete the WAL
    under the app ("disk I/O error" on every request). Opened only by SQLite, the WAL stays."""
    import subprocess
    import sys

    path = tmp_path / "queue.sqlite3"
    held = Database(path, create=True)
    Queue(held).record("zh", 10, result(), "run")
    for _ in range(3):
        Database(path).close()  # another request of the same process, opened and closed
    other = "import pathlib, sys\nfrom bot.queue.store import Database\nDatabase(pathlib.Path(sys.argv[1])).close()\n"
    subprocess.run([sys.executable, "-c", other, str(path)], check=True, timeout=60)  # linkbot list, say
    assert (tmp_path / "queue.sqlite3-wal").exists()
    assert Queue(held).decide(1, [1], "approved", "alice").status == "approved"
    held.close()


def test_a_transaction_inside_another_is_part_of_it(queue):
    recorded = queue.record("zh", 10, result(), "run")
    with pytest.raises(RuntimeError):
        with queue.db.transaction():
            queue.decide(recorded.id, [1], "approved", "alice")  # its own transaction joins the outer one
            raise RuntimeError("the outer one fails")
    assert queue.audit(recorded.id) == []
    with queue.db.transaction():
        queue.decide(recorded.id, [1], "approved", "alice")
    assert [entry.who for entry in queue.audit(recorded.id)] == ["alice"]


def _error(kind, code: int, name: str, message: str = "boom"):
    error = kind(message)
    error.sqlite_errorcode, error.sqlite_errorname = code, name
    return error


@pytest.mark.parametrize(
    "code, name, expected",
    [
        (sqlite3.SQLITE_BUSY, "SQLITE_BUSY", "the queue stayed busy for 60 s (SQLITE_BUSY): another process held it; try again"),
        (sqlite3.SQLITE_LOCKED, "SQLITE_LOCKED", "the queue stayed busy"),
        (sqlite3.SQLITE_CORRUPT, "SQLITE_CORRUPT", "the file is damaged (SQLITE_CORRUPT); leaving it untouched"),
        (sqlite3.SQLITE_IOERR_SHMMAP, "SQLITE_IOERR_SHMMAP", "SQLite's locks or shared memory failed (SQLITE_IOERR_SHMMAP): was the file"),
        (sqlite3.SQLITE_IOERR_WRITE, "SQLITE_IOERR_WRITE", "boom [SQLITE_IOERR_WRITE] (disk full or failing?)"),
        (sqlite3.SQLITE_FULL, "SQLITE_FULL", "boom [SQLITE_FULL] (disk full or failing?)"),
    ],
)
def test_queue_errors_name_their_cause(tmp_path, code, name, expected):
    """Table: what SQLite says -> one line naming the cause; only a disk error is a storage error (exit 8)."""
    from bot.errors import StorageError
    from bot.queue.store import _failure

    failure = _failure("q: cannot write to the queue", _error(sqlite3.OperationalError, code, name), tmp_path / "q")
    assert expected in str(failure)
    assert isinstance(failure, StorageError) == ("disk full" in expected)


def test_a_damaged_queue_is_named_damaged(tmp_path):
    path = tmp_path / "queue.sqlite3"
    with Database(path, create=True) as database:
        for number in range(200):
            Queue(database).record("zh", number, result(title=f"P{number}"), "run")
        database.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    data[4096:] = b"\xff" * (len(data) - 4096)  # every page but the first (the header and schema) overwritten
    path.write_bytes(bytes(data))
    with pytest.raises(QueueError, match="damaged|not an SQLite database"):
        with Database(path) as database:
            Queue(database).list()


def test_version_6_file_gains_each_changes_current_decision(tmp_path):
    """Migration 7 fills in each change's decision from the trail; the trigger keeps it from then on."""
    from bot.queue import schema
    from bot.queue.store import _statements

    path = tmp_path / "queue.sqlite3"
    connection = sqlite3.connect(path, isolation_level=None)
    for migration in schema.MIGRATIONS[:6]:
        for statement in _statements(migration):
            connection.execute(statement)
    connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    connection.execute("PRAGMA user_version = 6")
    connection.execute("INSERT INTO proposal (id, wiki, title, base_revid, base_sha1, base_text, diff, created_at, run_id, updated_at)"
                       " VALUES (1, 'zh', 'P', 1, 'x', 't', 'd', 'now', 'r', 'now')")  # fmt: skip
    for number in (1, 2, 3):
        connection.execute("INSERT INTO change (proposal_id, number, change_id, rule, start, \"end\", old, new, needs_review, "
                           "display, note) VALUES (1, ?, ?, 'md-mirror', 0, 1, 'a', 'b', 0, 'kept', '')", (number, f"c{number}"))  # fmt: skip
    for number, decision in ((1, "approved"), (2, "rejected"), (1, "pending"), (3, "approved")):
        connection.execute("INSERT INTO decision (proposal_id, number, decision, who, at, source) VALUES (1, ?, ?, 'ann', 'now', 'cli')",
                           (number, decision))  # fmt: skip
    connection.close()
    with Database(path) as database:
        rows = database.query("SELECT number, decision FROM change WHERE proposal_id = 1 ORDER BY number")
        assert [tuple(row) for row in rows] == [(1, "pending"), (2, "rejected"), (3, "approved")]
        Queue(database).decide(1, [2], "approved", "bob")
        assert database.query("SELECT decision FROM change WHERE proposal_id = 1 AND number = 2")[0][0] == "approved"


def test_a_decision_mark_moves_with_every_decision(queue):
    recorded = queue.record("zh", 10, result(), "run")
    first = queue.decision_mark(recorded.id)
    assert first == queue.decision_mark(recorded.id)
    queue.decide(recorded.id, [1], "approved", "alice")
    second = queue.decision_mark(recorded.id)
    assert second != first and second.status == "approved"
    queue.decide(recorded.id, [1], "pending", "alice", "undo")  # withdrawn: the mark moves on, never back
    assert queue.decision_mark(recorded.id) not in (first, second)
    assert queue.waiting("zh") == 3 and queue.waiting("other") == 0


def test_a_decision_on_a_closed_proposal_names_the_pages_open_one(queue):
    recorded = queue.record("zh", 10, result(), "run")
    queue.mark(recorded.id, "applied", saved_revid=11)
    successor = queue.record("zh", 11, result_without_first(), "run")
    with pytest.raises(InputError, match=rf"is applied \(saved as revision 11\); decisions are for open proposals; "
                                         rf"the page's open proposal is {successor.id}"):  # fmt: skip
        queue.decide(recorded.id, [1], "approved", "alice")
