"""A queue's classes (bot.queue.classes): counted per proposal and over the queue; a class decided in
one transaction, only its undecided changes, never needs-review ones, the class named in the trail."""

from __future__ import annotations

import dataclasses
import sqlite3

import pytest

from bot.core import ZH_WIKIPEDIA, analyze
from bot.errors import InputError
from bot.queue.classes import decide_class, queue_classes
from bot.queue.proposals import Queue
from bot.queue.schema import APPLICATION_ID, MIGRATIONS
from bot.queue.states import Decision, Source, Status
from bot.queue.store import Database, _statements

PAGE = ('[北京](../Page/北京.md "wikilink")、[上海](../Page/上海.md "wikilink")、[广州](../Page/广州市.md "wikilink")、'
        '![A](https://zh.wikipedia.org/wiki/File:A.jpg "fig:A")')  # fmt: skip


def proven(text: str, title: str):
    result = analyze(text, ZH_WIKIPEDIA, title=title)
    return dataclasses.replace(result, changes=tuple(dataclasses.replace(c, proof="proven") if not c.needs_review else c
                                                     for c in result.changes))  # fmt: skip


def test_classes_of_a_proposal_and_of_the_queue(queue):
    first = queue.record("zh", 1, proven(PAGE, "P"), "run").id
    queue.record("zh", 2, proven(PAGE, "Q"), "run")
    assert [(g.id, len(g.members)) for g in queue_classes(queue, first)] == [
        ("file/image/unasked/review", 1), ("md-mirror/label/proven", 1), ("md-mirror/title/proven", 2)]
    whole = {g.id: g.members for g in queue_classes(queue)}
    assert whole["md-mirror/title/proven"] == ((1, 1), (1, 2), (2, 1), (2, 2))


def test_a_class_decision_takes_exactly_its_undecided_changes(queue):
    first = queue.record("zh", 1, proven(PAGE, "P"), "run").id
    second = queue.record("zh", 2, proven(PAGE, "Q"), "run").id
    queue.decide(second, [2], Decision.REJECTED, "bo")  # decided before: stands
    decided = decide_class(queue, "md-mirror/title/proven", Decision.APPROVED, "ann", reason="checked", source=Source.WEB)
    assert decided == {first: [1, 2], second: [1]}
    assert [item.decision for item in queue.get(second).changes] == ["approved", "rejected", "pending", "pending"]
    assert queue.get(first).status == Status.APPROVED
    trail = queue.audit(first)
    assert [(e.number, e.who, e.reason, e.source) for e in trail] == [
        (1, "ann", "class md-mirror/title/proven; checked", "web"), (2, "ann", "class md-mirror/title/proven; checked", "web")]
    assert decide_class(queue, "md-mirror/title/proven", Decision.APPROVED, "ann") == {}  # nothing left: idempotent


def test_one_proposal_only_when_named(queue):
    first = queue.record("zh", 1, proven(PAGE, "P"), "run").id
    queue.record("zh", 2, proven(PAGE, "Q"), "run")
    assert decide_class(queue, "md-mirror/title/proven", Decision.REJECTED, "ann", proposal_id=first) == {first: [1, 2]}


@pytest.mark.parametrize("class_id, decision, message", [
    ("file/image/unasked/review", Decision.APPROVED, "one by one"),
    ("file/image/unasked/review", Decision.REJECTED, "one by one"),
    ("md-mirror/title/unasked", Decision.APPROVED, "--include-unproven"),
    ("md-mirror/title", Decision.APPROVED, "is not a class"),
])  # fmt: skip
def test_refused_class_decisions_write_nothing(queue, class_id, decision, message):
    proposal = queue.record("zh", 1, analyze(PAGE, ZH_WIKIPEDIA, title="P"), "run").id
    with pytest.raises(InputError, match=message):
        decide_class(queue, class_id, decision, "ann")
    assert queue.audit(proposal) == []


def test_unproven_changes_only_when_the_reviewer_says_so(queue):
    proposal = queue.record("zh", 1, analyze(PAGE, ZH_WIKIPEDIA, title="P"), "run").id
    assert decide_class(queue, "md-mirror/title/unasked", Decision.APPROVED, "ann", include_unproven=True) == {proposal: [1, 2]}
    assert decide_class(queue, "md-mirror/label/unasked", Decision.REJECTED, "ann") == {proposal: [3]}  # a rejection saves nothing


def test_closed_and_unknown_proposals_are_refused(queue):
    proposal = queue.record("zh", 1, proven(PAGE, "P"), "run").id
    queue.record("zh", 2, proven(PAGE + "。", "P"), "run")  # a newer revision supersedes it
    with pytest.raises(InputError, match="superseded"):
        decide_class(queue, "md-mirror/title/proven", Decision.APPROVED, "ann", proposal_id=proposal)
    with pytest.raises(InputError, match="no such proposal"):
        decide_class(queue, "md-mirror/title/proven", Decision.APPROVED, "ann", proposal_id=99)


def test_changes_recorded_before_the_classes_are_classified_by_the_migration(tmp_path):
    path = tmp_path / "queue.sqlite3"
    connection = sqlite3.connect(path)
    for migration in MIGRATIONS[:7]:
        for statement in _statements(migration):
            connection.execute(statement)
    connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    connection.execute("PRAGMA user_version = 7")
    connection.execute("INSERT INTO proposal (wiki, title, base_revid, base_sha1, base_text, diff, created_at, run_id, updated_at) "
                       "VALUES ('zh', 'P', 1, 'x', 't', '', 'now', 'r', 'now')")  # fmt: skip
    connection.execute("""INSERT INTO change (proposal_id, number, change_id, rule, start, "end", old, new, needs_review, display, note, proof)
                          VALUES (1, 1, 'c', 'md-mirror', 0, 1, 'x', '[[北京市|北京]]', 0, 'kept', '', 'proven')""")
    connection.commit()
    connection.close()
    database = Database(path, create=True)
    assert [g.id for g in queue_classes(Queue(database), 1)] == ["md-mirror/label/proven"]
    database.close()
