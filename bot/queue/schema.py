"""The queue's schema, as numbered migrations applied in order inside one transaction.

``PRAGMA user_version`` holds the number of migrations applied; ``PRAGMA application_id``
marks the file as linkbot's, so a foreign SQLite file is never written to.
"""

from __future__ import annotations

APPLICATION_ID = 0x4C4B4254  # "LKBT"

MIGRATIONS: tuple[str, ...] = (
    # 1: proposals, their changes, and the append-only audit trail of decisions.
    """
    CREATE TABLE proposal (
        id          INTEGER PRIMARY KEY,
        wiki        TEXT NOT NULL,
        title       TEXT NOT NULL,
        base_revid  INTEGER NOT NULL,
        base_sha1   TEXT NOT NULL,
        base_text   TEXT NOT NULL,
        diff        TEXT NOT NULL,
        status      TEXT NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'approved', 'rejected', 'applied', 'stale', 'superseded', 'failed')),
        created_at  TEXT NOT NULL,
        run_id      TEXT NOT NULL,
        saved_revid INTEGER,
        error       TEXT,
        updated_at  TEXT NOT NULL,
        UNIQUE (wiki, title, base_revid, base_sha1)
    );
    CREATE INDEX proposal_by_status ON proposal (status);
    CREATE INDEX proposal_by_page ON proposal (wiki, title);

    CREATE TABLE change (
        proposal_id  INTEGER NOT NULL REFERENCES proposal (id),
        number       INTEGER NOT NULL,
        change_id    TEXT NOT NULL,
        rule         TEXT NOT NULL,
        start        INTEGER NOT NULL,
        "end"        INTEGER NOT NULL,
        old          TEXT NOT NULL,
        new          TEXT NOT NULL,
        needs_review INTEGER NOT NULL,
        display      TEXT NOT NULL,
        note         TEXT NOT NULL,
        PRIMARY KEY (proposal_id, number)
    );

    CREATE TABLE decision (
        id          INTEGER PRIMARY KEY,
        proposal_id INTEGER NOT NULL REFERENCES proposal (id),
        number      INTEGER NOT NULL,
        decision    TEXT NOT NULL CHECK (decision IN ('approved', 'rejected')),
        who         TEXT NOT NULL,
        at          TEXT NOT NULL,
        reason      TEXT NOT NULL DEFAULT '',
        source      TEXT NOT NULL,
        FOREIGN KEY (proposal_id, number) REFERENCES change (proposal_id, number)
    );
    CREATE INDEX decision_by_change ON decision (proposal_id, number, id);

    -- The audit trail is never rewritten.
    CREATE TRIGGER decision_no_update BEFORE UPDATE ON decision
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
    CREATE TRIGGER decision_no_delete BEFORE DELETE ON decision
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
    """,
    # 2: state that scheduled runs keep between runs.
    """
    CREATE TABLE run_state (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE page_seen (
        wiki  TEXT NOT NULL,
        title TEXT NOT NULL,
        revid INTEGER NOT NULL,
        PRIMARY KEY (wiki, title)
    );
    """,
    # 3: REPLACE INTO / INSERT OR REPLACE delete the row they replace without firing DELETE
    # triggers (unless recursive_triggers is on, which no other program need set): refused before
    # the insert, like UPDATE and DELETE.
    """
    CREATE TRIGGER decision_no_replace BEFORE INSERT ON decision
    WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM decision WHERE id = NEW.id)
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
    """,
    # 4: a decision may be withdrawn (an undo in the review: the change is undecided again, and the
    # trail keeps both rows), which the first CHECK refused: the table is rebuilt, as SQLite
    # rebuilds a table to change a constraint (DROP TABLE fires no trigger). And the address of each
    # wiki's index.php, for links from a review to the page, its base revision and the wiki's diff.
    """
    CREATE TABLE decision_new (
        id          INTEGER PRIMARY KEY,
        proposal_id INTEGER NOT NULL REFERENCES proposal (id),
        number      INTEGER NOT NULL,
        decision    TEXT NOT NULL CHECK (decision IN ('approved', 'rejected', 'pending')),
        who         TEXT NOT NULL,
        at          TEXT NOT NULL,
        reason      TEXT NOT NULL DEFAULT '',
        source      TEXT NOT NULL,
        FOREIGN KEY (proposal_id, number) REFERENCES change (proposal_id, number)
    );
    INSERT INTO decision_new SELECT id, proposal_id, number, decision, who, at, reason, source FROM decision;
    DROP TABLE decision;
    ALTER TABLE decision_new RENAME TO decision;
    CREATE INDEX decision_by_change ON decision (proposal_id, number, id);
    CREATE TRIGGER decision_no_update BEFORE UPDATE ON decision
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
    CREATE TRIGGER decision_no_delete BEFORE DELETE ON decision
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
    CREATE TRIGGER decision_no_replace BEFORE INSERT ON decision
    WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM decision WHERE id = NEW.id)
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;

    CREATE TABLE wiki (
        id        TEXT PRIMARY KEY,
        index_url TEXT NOT NULL
    );
    """,
    # 5: the runs that saved (or undid) edits, for answering for them: a trial's report, an undo, statistics.
    """
    CREATE TABLE run (
        id            TEXT PRIMARY KEY,
        command       TEXT NOT NULL,
        wiki          TEXT NOT NULL,
        mode          TEXT NOT NULL,
        trial         INTEGER,
        undoes        TEXT REFERENCES run (id),
        started_at    TEXT NOT NULL,
        ended_at      TEXT,
        config_digest TEXT NOT NULL,
        sources       TEXT NOT NULL,
        settings      TEXT NOT NULL,
        outcome       TEXT
    );
    CREATE TABLE run_edit (
        id        INTEGER PRIMARY KEY,
        run_id    TEXT NOT NULL REFERENCES run (id),
        title     TEXT NOT NULL,
        old_revid INTEGER NOT NULL,
        new_revid INTEGER NOT NULL,
        rules     TEXT NOT NULL,
        changes   INTEGER NOT NULL,
        summary   TEXT NOT NULL,
        at        TEXT NOT NULL
    );
    CREATE INDEX run_edit_by_run ON run_edit (run_id, id);
    CREATE TABLE run_skip (
        run_id TEXT NOT NULL REFERENCES run (id),
        title  TEXT NOT NULL,
        why    TEXT NOT NULL
    );
    """,
    # 6: MediaWiki's word on each change (proven, or why its rendering disagrees): bot.core.proof.
    """
    ALTER TABLE change ADD COLUMN proof TEXT NOT NULL DEFAULT '';
    """,
    # 7: many hands at once. Each change carries its current decision (kept by a trigger from the
    # append-only trail, in the same transaction), so lists count decisions without reading the trail;
    # each saved edit records which changes of which proposal it saved and the audit trail's last
    # decision when it was saved (what was approved at that moment), and its kind (a page, or the
    # review page);
    # indexes for lists filtered by wiki, status and rule.
    """
    ALTER TABLE change ADD COLUMN decision TEXT NOT NULL DEFAULT 'pending';
    UPDATE change SET decision = coalesce((
        SELECT d.decision FROM decision d WHERE d.proposal_id = change.proposal_id AND d.number = change.number
        ORDER BY d.id DESC LIMIT 1), 'pending');
    CREATE TRIGGER decision_current AFTER INSERT ON decision
    BEGIN UPDATE change SET decision = NEW.decision WHERE proposal_id = NEW.proposal_id AND number = NEW.number; END;
    CREATE INDEX change_by_rule ON change (rule, proposal_id);
    CREATE INDEX change_counts ON change (proposal_id, rule, decision);
    CREATE INDEX change_by_rule_decision ON change (rule, decision, proposal_id);
    CREATE INDEX proposal_by_wiki_status ON proposal (wiki, status, id);

    -- The changes counted by wiki, proposal status, rule and decision, kept by triggers in the same
    -- transactions (a change recorded, decided, its proposal's status moved): the web list's counts
    -- per rule without reading every change.
    CREATE TABLE tally (
        wiki     TEXT NOT NULL,
        status   TEXT NOT NULL,
        rule     TEXT NOT NULL,
        decision TEXT NOT NULL,
        n        INTEGER NOT NULL,
        PRIMARY KEY (wiki, status, rule, decision)
    ) WITHOUT ROWID;
    INSERT INTO tally (wiki, status, rule, decision, n)
        SELECT p.wiki, p.status, c.rule, c.decision, count(*) FROM change c JOIN proposal p ON p.id = c.proposal_id
        GROUP BY p.wiki, p.status, c.rule, c.decision;
    CREATE TRIGGER tally_change_recorded AFTER INSERT ON change
    BEGIN
        INSERT INTO tally (wiki, status, rule, decision, n)
            SELECT wiki, status, NEW.rule, NEW.decision, 1 FROM proposal WHERE id = NEW.proposal_id
            ON CONFLICT (wiki, status, rule, decision) DO UPDATE SET n = n + 1;
    END;
    CREATE TRIGGER tally_change_decided AFTER UPDATE OF decision ON change WHEN OLD.decision != NEW.decision
    BEGIN
        UPDATE tally SET n = n - 1 WHERE rule = OLD.rule AND decision = OLD.decision
            AND (wiki, status) = (SELECT wiki, status FROM proposal WHERE id = NEW.proposal_id);
        INSERT INTO tally (wiki, status, rule, decision, n)
            SELECT wiki, status, NEW.rule, NEW.decision, 1 FROM proposal WHERE id = NEW.proposal_id
            ON CONFLICT (wiki, status, rule, decision) DO UPDATE SET n = n + 1;
    END;
    CREATE TRIGGER tally_proposal_moved AFTER UPDATE OF status ON proposal WHEN OLD.status != NEW.status
    BEGIN
        UPDATE tally SET n = n - (SELECT count(*) FROM change c
                                  WHERE c.proposal_id = NEW.id AND c.rule = tally.rule AND c.decision = tally.decision)
            WHERE wiki = OLD.wiki AND status = OLD.status;
        INSERT INTO tally (wiki, status, rule, decision, n)
            SELECT NEW.wiki, NEW.status, rule, decision, count(*) FROM change WHERE proposal_id = NEW.id GROUP BY rule, decision
            ON CONFLICT (wiki, status, rule, decision) DO UPDATE SET n = n + excluded.n;
    END;

    ALTER TABLE run_edit ADD COLUMN kind TEXT NOT NULL DEFAULT 'page' CHECK (kind IN ('page', 'review-page'));
    ALTER TABLE run_edit ADD COLUMN proposal_id INTEGER;
    ALTER TABLE run_edit ADD COLUMN numbers TEXT NOT NULL DEFAULT '';
    ALTER TABLE run_edit ADD COLUMN decided_upto INTEGER;

    -- An applied proposal whose save left changes (undecided, rejected): NULL until they are proposed
    -- again on the saved revision (the new proposal's id, or 0 when nothing was left to propose). Set
    -- with the save, so a run killed in between leaves the work for the next one to find.
    ALTER TABLE proposal ADD COLUMN carried INTEGER;
    UPDATE proposal SET carried = 0 WHERE status = 'applied';
    """,
    # 8: reviewing at real size. Each change's class (bot.core.classes: rule, what readers get, proof,
    # needs review), computed when it is recorded (here, for changes recorded before, by the function
    # bot.queue.store registers for the migration), so a whole queue's classes are counted in SQL; and
    # for an image change, the wiki's own rendering of it, for reviewers to see (JSON; "" for none).
    """
    ALTER TABLE change ADD COLUMN class TEXT NOT NULL DEFAULT '';
    ALTER TABLE change ADD COLUMN preview TEXT NOT NULL DEFAULT '';
    UPDATE change SET class = linkbot_class(rule, new, display, needs_review, proof);
    CREATE INDEX change_by_class ON change (class, decision, proposal_id);
    """,
)
